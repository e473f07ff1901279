"""Units and positions upsert through the API, with the rules of their admin screens: the OrgUnit
permission policy (accounts.policies: add under a unit in scope, change only units strictly below the
client's own) and the model permissions, which a client holds only when a site administrator lets it
(``ApiClient.may_change_structure``). Writes go through accounts.services (audit log included) or, for
positions, the same log actions as Wagtail's snippet screens."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext
from rest_framework.exceptions import PermissionDenied, ValidationError
from wagtail.log_actions import log

from accounts.models import OrgUnit, Position
from accounts.services import org_unit_create, org_unit_update
from core.rights import scoped_policy_for


def _refuse_without(actor, model, action: str) -> None:
    meta = model._meta
    if not actor.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        raise PermissionDenied(
            gettext("This API client may not change units and positions. Ask a site administrator.")
        )


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {"non_field_errors": list(error.messages)}


def units_upsert(*, actor, records: list[dict]) -> list[dict]:
    """Each record: ``id`` to change that unit, else the unit called ``name`` under ``parent`` is changed
    or made. All or none."""
    policy = scoped_policy_for(OrgUnit)
    visible = policy.filter_queryset(actor, OrgUnit.objects.all(), ["view"])
    changeable = policy.filter_queryset(actor, OrgUnit.objects.all(), ["change"])
    errors: dict[str, list[str]] = {}
    out = []
    with transaction.atomic():
        for index, record in enumerate(records):
            parent = visible.filter(pk=record["parent"]).first()  # fresh: an earlier record may have moved it
            if parent is None:
                errors[f"units[{index}].parent"] = [gettext("There is no unit with this id.")]
                continue
            if "id" in record:
                unit = changeable.filter(pk=record["id"]).first()
                if unit is None:
                    errors[f"units[{index}].id"] = [
                        gettext("There is no unit with this id that you may change.")
                    ]
                    continue
            else:
                unit = parent.get_children().filter(name=record["name"].strip()).first()
                if unit is not None and not changeable.filter(pk=unit.pk).exists():
                    unit = None
            try:
                if unit is None:
                    _refuse_without(actor, OrgUnit, "add")
                    unit = org_unit_create(
                        name=record["name"],
                        level=record["level"],
                        code=record.get("code", ""),
                        parent=parent,
                        actor=actor,
                    )
                    outcome = "create"
                elif (
                    unit.name == record["name"].strip()
                    and unit.level == record["level"]
                    and unit.code == record.get("code", unit.code).strip()
                    and unit.path[: -OrgUnit.steplen] == parent.path
                ):
                    outcome = "unchanged"
                else:
                    _refuse_without(actor, OrgUnit, "change")
                    unit = org_unit_update(
                        unit=unit,
                        name=record["name"],
                        level=record["level"],
                        code=record.get("code", unit.code),
                        parent=parent,
                        actor=actor,
                    )
                    outcome = "update"
            except DjangoValidationError as error:
                for field, messages in _messages(error).items():
                    errors.setdefault(f"units[{index}].{field}", []).extend(messages)
                continue
            out.append({"index": index, "id": unit.pk, "outcome": outcome})
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return out


def positions_upsert(*, actor, records: list[dict]) -> list[dict]:
    """Each record names a position: its description and order are set; a new name makes one."""
    errors: dict[str, list[str]] = {}
    out = []
    with transaction.atomic():
        for index, record in enumerate(records):
            name = record["name"].strip()
            position = Position.objects.filter(name=name).first()
            creating = position is None
            _refuse_without(actor, Position, "add" if creating else "change")
            position = position or Position(name=name)
            before = (position.description, position.sort_order)
            position.description = record.get("description", position.description)
            position.sort_order = record.get("sort_order", position.sort_order)
            if not creating and before == (position.description, position.sort_order):
                out.append({"index": index, "id": position.pk, "outcome": "unchanged"})
                continue
            try:
                position.full_clean(validate_unique=creating)
            except DjangoValidationError as error:
                for field, messages in _messages(error).items():
                    errors.setdefault(f"positions[{index}].{field}", []).extend(messages)
                continue
            position.save()
            log(position, "wagtail.create" if creating else "wagtail.edit", user=actor)
            out.append({"index": index, "id": position.pk, "outcome": "create" if creating else "update"})
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return out
