"""Staff upsert through the API: the staff import (accounts.staff_import) with JSON rows instead of a
spreadsheet's, so the same validation, the same rights rules (scope, nobody with more rights), the same
bulk writes and audit-log entries apply. What the API adds: finding a person by ``external_id`` (the id
in the system the record comes from) and recording it, and changing the mobile number of an account
found by its external id (the import matches by number, so it cannot)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from wagtail.log_actions import LogContext, log

from accounts.invitations import mask_mobile
from accounts.mobile import mobile_normalise
from accounts.models import OrgUnit, User
from accounts.rights import manageable_users
from accounts.staff_import import IMPORT_LOG_ACTION, StaffImportRefused, StaffRow, staff_import
from api.models import ApiClient

# The staff import's error codes, by the field of the request they are about.
_FIELD_OF_CODE = {
    "missing_name": "name",
    "bad_name": "name",
    "missing_mobile": "mobile",
    "bad_mobile": "mobile",
    "example_row": "mobile",
    "duplicate_mobile": "mobile",
    "user_out_of_scope": "mobile",
    "missing_unit": "unit",
    "unknown_unit": "unit",
    "ambiguous_unit": "unit",
    "unit_out_of_scope": "unit",
    "unknown_position": "position",
    "ambiguous_position": "position",
    "bad_email": "email",
    "bad_username": "username",
    "username_taken": "username",
    "duplicate_username": "username",
    "username_mismatch": "username",
}


@dataclass
class MobileMove:
    """An account found by its external id whose record brings another mobile number."""

    index: int
    user: User
    new: str


@dataclass
class UpsertRow:
    index: int
    id: int
    outcome: str


def _unit_paths(ids: set[int]) -> dict[int, str]:
    """Each unit's names from the top, by id (two queries)."""
    units = {unit.pk: unit for unit in OrgUnit.objects.filter(pk__in=ids).only("pk", "path")}
    steplen = OrgUnit.steplen
    ancestors = {
        unit.path[: steplen * d] for unit in units.values() for d in range(1, len(unit.path) // steplen + 1)
    }
    names = dict(OrgUnit.objects.filter(path__in=ancestors).values_list("path", "name"))
    return {
        pk: "/".join(names[unit.path[: steplen * d]] for d in range(1, len(unit.path) // steplen + 1))
        for pk, unit in units.items()
    }


def staff_upsert(*, client: ApiClient, records: list[dict]) -> list[UpsertRow]:
    """Create or update every record, or none (ValidationError naming ``staff[i].field``)."""
    actor = client.account
    errors: dict[str, list[str]] = {}

    def error(index: int, field: str, message: str) -> None:
        errors.setdefault(f"staff[{index}].{field}", []).append(message)

    external_ids = [record["external_id"] for record in records if record.get("external_id")]
    by_external = {user.external_id: user for user in User.objects.filter(external_id__in=external_ids)}
    mobiles = {mobile_normalise(record.get("mobile") or "") for record in records} - {None}
    by_mobile = {user.mobile: user for user in User.objects.filter(mobile__in=mobiles)}
    paths = _unit_paths({record["unit"] for record in records if "unit" in record})
    seen_external: dict[str, int] = {}
    moves: list[MobileMove] = []
    rows: list[StaffRow] = []
    for index, record in enumerate(records):
        external_id = record.get("external_id") or ""
        mobile = record.get("mobile") or ""
        if external_id:
            if external_id in seen_external:
                error(
                    index,
                    "external_id",
                    gettext("The external id is also in staff[%(index)s].")
                    % {"index": seen_external[external_id]},
                )
            seen_external.setdefault(external_id, index)
            holder = by_external.get(external_id)
            if holder is not None:
                new = mobile_normalise(mobile) if mobile else holder.mobile
                if not mobile:
                    mobile = holder.mobile or ""
                elif new is not None and new != holder.mobile:
                    owner = by_mobile.get(new)
                    if owner is not None:
                        error(
                            index,
                            "mobile",
                            gettext(
                                "This mobile number belongs to another account, so the account with this "
                                "external id cannot take it. Each person needs their own number."
                            ),
                        )
                    else:
                        moves.append(MobileMove(index=index, user=holder, new=new))
                # (a badly typed number is reported by the staff import's own check below)
            elif mobile:
                owner = by_mobile.get(mobile_normalise(mobile))
                if owner is not None and owner.external_id:
                    error(
                        index,
                        "mobile",
                        gettext("This mobile number belongs to an account with another external id."),
                    )
            else:
                error(
                    index,
                    "mobile",
                    gettext("No account has this external id: give the mobile number to create one."),
                )
        unit_path = record.get("unit_path", "")
        if "unit" in record:
            unit_path = paths.get(record["unit"], "")
            if not unit_path:
                error(index, "unit", gettext("There is no unit with this id."))
        rows.append(
            StaffRow(
                line=index,
                name=record["name"].strip(),
                mobile=mobile.strip(),
                org_path=unit_path,
                position=(record.get("position") or "").strip(),
                username=(record.get("username") or "").strip(),
                email=(record.get("email") or "").strip(),
            )
        )
    _check_moves(moves, records, actor=actor, error=error)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # Renumber first, so that the import finds each moved account by its new number and applies
            # its own rules (scope, rights, every other field) to it; a refusal undoes the renumbering.
            moved = _mobiles_move(moves, actor=actor, client=client)
            result = staff_import(rows=rows, actor=actor, source=f"API: {client.name}")
            return _record_external_ids(rows, records, result, actor=actor, client=client, moved=moved)
    except StaffImportRefused as refused:
        if refused.plan is None:
            raise ValidationError({"non_field_errors": refused.messages}) from refused
        for row in refused.plan.rows:
            for row_error in row.errors:
                error(row.line, _FIELD_OF_CODE.get(row_error.code, "non_field_errors"), row_error.message)
        raise ValidationError(errors) from refused


def _check_moves(moves: list[MobileMove], records: list[dict], *, actor, error) -> None:
    """A new number may not be on another record of the request, and the account must be one the
    client's account may manage (its part of the tree, nobody with more rights): checked here, before
    anything is written, with a message about the change rather than the import's."""
    if not moves:
        return
    first_index: dict[str, int] = {}
    for index, record in enumerate(records):
        first_index.setdefault(mobile_normalise(record.get("mobile") or "") or "", index)
    manageable = set(
        manageable_users(actor, User.objects.filter(pk__in=[move.user.pk for move in moves])).values_list(
            "pk", flat=True
        )
    )
    for move in moves:
        if first_index.get(move.new, move.index) != move.index:
            error(
                move.index,
                "mobile",
                gettext("The mobile number is also in staff[%(index)s].") % {"index": first_index[move.new]},
            )
        if move.user.pk not in manageable:
            error(
                move.index,
                "mobile",
                gettext(
                    "This API client may not change this account's mobile number: the account is outside "
                    "its part of the organisation or holds more rights. Ask a site administrator."
                ),
            )


def _mobiles_move(moves: list[MobileMove], *, actor, client) -> set[int]:
    """Give each account its new number (and its new number as username where the username was the old
    number, as the import makes it, if that name is free), with one site-history entry each."""
    if not moves:
        return set()
    now = timezone.now()
    wanted = [move.new for move in moves]
    taken = set(
        User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=wanted)
        .values_list("lowered", flat=True)
    )
    with LogContext(user=actor):
        for move in moves:
            user = User.objects.select_for_update().get(pk=move.user.pk)
            old = user.mobile or ""
            fields = ["mobile"]
            user.mobile = move.new
            if old and user.username == old and move.new not in taken:
                user.username = move.new
                fields.append("username")
            user.full_clean(
                exclude=["org_unit", "position"], validate_unique=False, validate_constraints=False
            )
            User.objects.filter(pk=user.pk).update(
                **{field: getattr(user, field) for field in fields}, updated_at=now
            )
            log(
                user,
                IMPORT_LOG_ACTION,
                user=actor,
                data={
                    "source": f"API: {client.name}",
                    "row": move.index,
                    "outcome": "update",
                    "fields": fields,
                    "mobile": {"from": mask_mobile(old), "to": mask_mobile(move.new)},
                },
            )
    return {move.user.pk for move in moves}


def _record_external_ids(
    rows, records, result, *, actor, client, moved: set[int] = frozenset()
) -> list[UpsertRow]:
    created = {user.pk for user in result.created}
    updated = {user.pk for user in result.updated} | set(moved)
    accounts = {
        user.mobile: user
        for user in User.objects.filter(mobile__in=[mobile_normalise(row.mobile) for row in rows]).only(
            "pk", "mobile", "external_id"
        )
    }
    out: list[UpsertRow] = []
    now = timezone.now()
    with LogContext(user=actor):
        for row, record in zip(rows, records, strict=True):
            user = accounts[mobile_normalise(row.mobile)]
            outcome = "create" if user.pk in created else "update" if user.pk in updated else "unchanged"
            external_id = record.get("external_id")
            if external_id and user.external_id != external_id:
                User.objects.filter(pk=user.pk).update(external_id=external_id, updated_at=now)
                if outcome != "create":
                    outcome = "update"
                    log(
                        user,
                        IMPORT_LOG_ACTION,
                        user=actor,
                        data={
                            "source": f"API: {client.name}",
                            "row": row.line,
                            "outcome": "update",
                            "fields": ["external_id"],
                        },
                    )
            out.append(UpsertRow(index=row.line, id=user.pk, outcome=outcome))
    return out
