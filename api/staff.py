"""Staff upsert through the API: the staff import (accounts.staff_import) with JSON rows instead of a
spreadsheet's, so the same validation, the same rights rules (scope, nobody with more rights), the same
bulk writes and audit-log entries apply. What the API adds: finding a person by ``external_id`` (the id
in the system the record comes from) and recording it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from wagtail.log_actions import LogContext, log

from accounts.mobile import mobile_normalise
from accounts.models import OrgUnit, User
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
                if not mobile:
                    mobile = holder.mobile or ""
                elif mobile_normalise(mobile) != holder.mobile:
                    error(
                        index,
                        "external_id",
                        gettext("This external id belongs to an account with another mobile number."),
                    )
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
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            result = staff_import(rows=rows, actor=actor, source=f"API: {client.name}")
            return _record_external_ids(rows, records, result, actor=actor, client=client)
    except StaffImportRefused as refused:
        if refused.plan is None:
            raise ValidationError({"non_field_errors": refused.messages}) from refused
        for row in refused.plan.rows:
            for row_error in row.errors:
                error(row.line, _FIELD_OF_CODE.get(row_error.code, "non_field_errors"), row_error.message)
        raise ValidationError(errors) from refused


def _record_external_ids(rows, records, result, *, actor, client) -> list[UpsertRow]:
    created = {user.pk for user in result.created}
    updated = {user.pk for user in result.updated}
    accounts = {
        user.mobile: user
        for user in User.objects.filter(mobile__in=[row.mobile for row in rows]).only(
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
