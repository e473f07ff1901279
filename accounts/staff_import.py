"""Bulk staff import: a parser (`staff_file_read`), a row form (`StaffRowForm`), the dry run
(`staff_import_plan`: reads, never writes) and the import (`staff_import`: all or nothing), run as a
staged import (core.staged_import: upload → preview → confirm once) by `STAFF_IMPORT`.

A file holds one staff member per row; row 1 holds the column headers, in Chinese or English and in any
order: 姓名/name, 手机号/mobile, 组织/organisation path (e.g. 渝中区/解放碑街道/某某社区), 岗位/position, and
optionally 用户名/username and 邮箱/email. The mobile number identifies a person: a row whose number is
already on an account updates that account (name, unit, position, email) instead of creating one.
Reading the file (encodings, Excel, limits) is core.tabular's, as for every import.

Initial passwords: every new account gets its own random password and must choose a new one at its
first sign-in (``must_change_password``). There is never a shared default. The passwords are shown to the
importer once, as a downloadable sheet right after the import: until then they are kept only in the
server-side cache, for that importer, for at most ``CREDENTIALS_SECONDS``, and the first download removes
them (`staged_import_hold` / `staged_import_take`). (One-time sign-in codes would need a model and a
migration of their own; a random password that must be changed at once is as safe and needs neither.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext, get_active_log_context
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from accounts.backends import forget_cached_users
from accounts.mobile import mobile_normalise
from accounts.models import OrgUnit, Position, User
from accounts.passwords import initial_password
from accounts.rights import manageable_users
from accounts.scope import Scope, scope_for
from accounts.services import people_placed
from core import tabular
from core.staged_import import (
    FileRefused,
    ImportKind,
    Plan,
    RowError,
    RowForm,
    RowOutcome,
    StagedImport,
    StagedImportRefused,
    form_row_errors,
    staged_import_confirm,
    staged_import_create_from_rows,
    staged_import_hold,
)

__all__ = [
    "IMPORT_LOG_ACTION",
    "MAX_BYTES",
    "MAX_ROWS",
    "STAFF_IMPORT",
    "Outcome",
    "StaffFile",
    "StaffImportPlan",
    "StaffImportRefused",
    "StaffImportResult",
    "StaffRow",
    "StaffRowForm",
    "importer_scope",
    "mobile_normalise",
    "staff_file_read",
    "staff_import",
    "staff_import_plan",
    "user_can_import_staff",
]

IMPORT_LOG_ACTION = "accounts.staff_import"
MAX_BYTES = tabular.MAX_BYTES
MAX_ROWS = 5000
"""Staff (data rows) per file, not counting the header row."""
ACCEPTED_EXTENSIONS = (".csv", ".xlsx", ".xlsm")
_CHUNK = 500

# -- who may import, and where ---------------------------------------------------------------------


def user_can_import_staff(user) -> bool:
    """Importing creates accounts, so it needs what creating one account in the admin needs."""
    meta = User._meta
    return bool(user and user.is_active and user.has_perm(f"{meta.app_label}.add_{meta.model_name}"))


def importer_scope(user) -> OrgUnit | None:
    """The unit under which `user` may import staff; None means the whole tree (superusers, managers of
    the city). Follows the one scope rule of accounts/scope.py: a manager acts on the unit they manage
    and everything below it. Check `importer_has_no_scope` first: without a unit there is no scope."""
    scope = scope_for(user)
    return None if scope.everything else scope.unit


def importer_has_no_scope(user) -> bool:
    return scope_for(user).nothing


class StaffImportNotAllowed(PermissionDenied):
    pass


def _check_importer(actor) -> Scope:
    if not user_can_import_staff(actor):
        raise StaffImportNotAllowed(gettext("You do not have permission to import staff."))
    if importer_has_no_scope(actor):
        raise StaffImportNotAllowed(
            gettext("You do not manage a unit of the organisation tree, so you cannot import staff.")
        )
    return scope_for(actor)


# -- reading a file (the parser) --------------------------------------------------------------------

_COLUMNS: dict[str, str] = {}
for _column, _aliases in {
    "name": ("姓名", "名字", "员工姓名", "人员姓名", "真实姓名", "name", "fullname", "staffname"),
    "mobile": (
        "手机号",
        "手机",
        "手机号码",
        "移动电话",
        "电话",
        "联系电话",
        "电话号码",
        "mobile",
        "mobilenumber",
        "mobilephone",
        "phone",
        "phonenumber",
        "cellphone",
        "tel",
    ),
    "org_path": (
        "组织",
        "组织路径",
        "所属组织",
        "组织机构",
        "单位",
        "所属单位",
        "部门",
        "所属部门",
        "organisation",
        "organization",
        "organisationpath",
        "organizationpath",
        "org",
        "orgpath",
        "orgunit",
        "unit",
    ),
    "position": ("岗位", "职位", "职务", "岗位名称", "position", "job", "jobtitle", "post"),
    "username": ("用户名", "账号", "帐号", "登录名", "登录账号", "username", "login", "account"),
    "email": ("邮箱", "电子邮箱", "邮件", "电子邮件", "邮箱地址", "email", "mail", "emailaddress"),
}.items():
    _COLUMNS.update(dict.fromkeys(_aliases, _column))
REQUIRED_COLUMNS = {"name": "姓名", "mobile": "手机号", "org_path": "组织"}


# The limits and header rules are core.tabular's; these say them for this import.
_FILE_MESSAGES = {
    "no_header": _("Row 1 must hold the column headers (姓名, 手机号, 组织, 岗位): use the import template."),
    "no_rows": _("The file has a header row but no staff."),
    "too_many_rows": _(
        "The file has more than %(limit)s staff. At most %(limit)s can be imported at once: split the file "
        "and import the parts."
    ),
}


@dataclass(frozen=True)
class StaffRow:
    """One row of the file as written (cells stripped); `line` is the row number Excel shows."""

    line: int
    name: str = ""
    mobile: str = ""
    org_path: str = ""
    position: str = ""
    username: str = ""
    email: str = ""

    def cells(self) -> dict[str, str]:
        return {
            "name": self.name,
            "mobile": self.mobile,
            "org_path": self.org_path,
            "position": self.position,
            "username": self.username,
            "email": self.email,
        }


@dataclass
class StaffFile:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Why the whole file cannot be used (empty, unreadable, wrong headers, too many rows)."""

    @property
    def ok(self) -> bool:
        return not self.errors


def staff_file_read(data: bytes | str, filename: str = "") -> StaffFile:
    """The rows of a CSV or .xlsx upload, or why the file cannot be used. Never raises on bad input;
    `filename` only helps tell the two formats apart."""
    try:
        records = tabular.records_read(
            data,
            filename,
            aliases=_COLUMNS,
            required=REQUIRED_COLUMNS,
            max_rows=MAX_ROWS,
            messages=_FILE_MESSAGES,
        )
    except tabular.TabularRefused as refused:
        return StaffFile(errors=refused.messages)
    return StaffFile(rows=[StaffRow(line=record.line, **record.cells) for record in records])


# -- values ----------------------------------------------------------------------------------------

_PATH_SEPARATORS = re.compile(r"\s*[/\\>|]\s*")
_NAME_MAX = User._meta.get_field("name").max_length
_USERNAME_MAX = User._meta.get_field("username").max_length
_EMAIL_MAX = User._meta.get_field("email").max_length


def _name_key(value: str) -> str:
    """Unit and position names match ignoring spaces, letter case and full/half width."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold()


def org_path_parts(value: str) -> list[str]:
    return [part for part in _PATH_SEPARATORS.split(unicodedata.normalize("NFKC", value).strip()) if part]


class _OrgTree:
    """The whole organisation tree in memory (one query), to match typed paths without a query per row."""

    def __init__(self) -> None:
        units = list(OrgUnit.objects.only("pk", "path", "depth", "name").order_by("path"))
        self.by_path = {unit.path: unit for unit in units}
        self.by_pk = {unit.pk: unit for unit in units}
        self.children: dict[str, dict[str, list[OrgUnit]]] = {}
        for unit in units:
            parent = unit.path[: -OrgUnit.steplen]
            self.children.setdefault(parent, {}).setdefault(_name_key(unit.name), []).append(unit)
        self.roots = [unit for unit in units if unit.depth == 1]
        # Most rows of a file name the same few units: each path is resolved once.
        self._resolved: dict[tuple[str, ...], tuple[list[OrgUnit], int]] = {}

    def display(self, unit: OrgUnit | None) -> str:
        if unit is None:
            return ""
        steps = range(1, unit.depth + 1)
        return "/".join(
            self.by_path[unit.path[: i * OrgUnit.steplen]].name
            for i in steps
            if unit.path[: i * OrgUnit.steplen] in self.by_path
        )

    def resolve(self, parts: list[str]) -> tuple[list[OrgUnit], int]:
        """Units whose names from the top down are `parts`; the path may start at the top unit (the city)
        or just below it. Returns the matches and, when there are none, how many parts did match."""
        key = tuple(_name_key(part) for part in parts)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(key)
        return self._resolved[key]

    def _resolve(self, keys: tuple[str, ...]) -> tuple[list[OrgUnit], int]:
        matches: dict[str, OrgUnit] = {}
        progress = 0
        for start in ["", *(root.path for root in self.roots)]:
            current = [start]
            for index, key in enumerate(keys):
                found = [unit for parent in current for unit in self.children.get(parent, {}).get(key, ())]
                if not found:
                    progress = max(progress, index)
                    break
                current = [unit.path for unit in found]
            else:
                matches.update((path, self.by_path[path]) for path in current)
        return list(matches.values()), progress


class _Positions:
    def __init__(self) -> None:
        self.all = list(Position.objects.all())
        self.by_key: dict[str, list[Position]] = {}
        for position in self.all:
            self.by_key.setdefault(_name_key(position.name), []).append(position)
        self.by_pk = {position.pk: position for position in self.all}


# -- one row (the row form) ------------------------------------------------------------------------


class StaffRowForm(RowForm):
    """The rules of one row, each error with its code. What needs the other rows or the accounts
    (a number twice in the file, existing accounts, usernames taken, who may be updated) is checked by
    `staff_import_plan`, in bulk. `tree`, `positions` and `scope` are read once per file."""

    error_codes = {
        ("name", "required"): "missing_name",
        ("mobile", "required"): "missing_mobile",
        ("org_path", "required"): "missing_unit",
    }

    name = forms.CharField(error_messages={"required": _("The name (姓名) is missing.")})
    mobile = forms.CharField(error_messages={"required": _("The mobile number (手机号) is missing.")})
    org_path = forms.CharField(
        error_messages={"required": _("The organisation (组织) is missing, e.g. 渝中区/解放碑街道/某某社区.")}
    )
    position = forms.CharField(required=False)
    email = forms.CharField(required=False)
    username = forms.CharField(required=False)

    def __init__(self, *args, tree: _OrgTree, positions: _Positions, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.tree, self.positions, self.scope = tree, positions, scope

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if len(name) > _NAME_MAX:
            raise ValidationError(
                gettext("The name is too long (at most %(limit)s characters).") % {"limit": _NAME_MAX},
                code="bad_name",
            )
        return name

    def clean_mobile(self) -> str:
        """The 11 digits, however they were typed."""
        typed = self.cleaned_data["mobile"]
        mobile = mobile_normalise(typed)
        if mobile is None:
            raise ValidationError(
                gettext(
                    "“%(value)s” is not an 11-digit mainland mobile number such as 13800138000. (If Excel "
                    "shows it as 1.38E+10, format the column as text and type the numbers again.)"
                )
                % {"value": typed},
                code="bad_mobile",
            )
        if mobile in EXAMPLE_MOBILES:
            raise ValidationError(
                gettext("This is an example row from the template: delete it before importing."),
                code="example_row",
            )
        return mobile

    def clean_org_path(self) -> OrgUnit:
        """The unit the path names, inside the importer's part of the tree."""
        typed = self.cleaned_data["org_path"]
        parts = org_path_parts(typed)
        if not parts:
            raise ValidationError(self.fields["org_path"].error_messages["required"], code="missing_unit")
        tree = self.tree
        matches, progress = tree.resolve(parts)
        if not matches:
            if progress == 0:
                message = gettext(
                    "There is no unit called “%(name)s” at the top of the organisation tree. Write the "
                    "path from the district (or the city) down, e.g. 渝中区/解放碑街道/某某社区."
                ) % {"name": parts[0]}
            else:
                message = gettext("There is no unit called “%(name)s” under “%(parent)s”.") % {
                    "name": parts[progress],
                    "parent": "/".join(parts[:progress]),
                }
            raise ValidationError(message, code="unknown_unit")
        if len(matches) > 1:
            raise ValidationError(
                gettext("“%(path)s” matches more than one unit (%(units)s): write the whole path.")
                % {"path": typed, "units": "；".join(tree.display(unit) for unit in matches)},
                code="ambiguous_unit",
            )
        unit = matches[0]
        if not self.scope.contains(unit):
            raise ValidationError(
                gettext("“%(path)s” is outside the part of the organisation you manage (%(scope)s).")
                % {"path": tree.display(unit), "scope": tree.display(self.scope.unit)},
                code="unit_out_of_scope",
            )
        return unit

    def clean_position(self) -> Position | None:
        """None when empty: an update then keeps the account's position."""
        typed = self.cleaned_data["position"]
        if not typed:
            return None
        found = self.positions.by_key.get(_name_key(typed), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(
                gettext("More than one position is called “%(name)s”: rename one of them first.")
                % {"name": typed},
                code="ambiguous_position",
            )
        names = "、".join(position.name for position in self.positions.all[:15])
        raise ValidationError(
            gettext("There is no position called “%(name)s”. Positions: %(names)s.")
            % {"name": typed, "names": names or "—"},
            code="unknown_position",
        )

    def clean_email(self) -> str:
        typed = self.cleaned_data["email"]
        if not typed:
            return ""
        try:
            if len(typed) > _EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(typed)
        except ValidationError:
            raise ValidationError(
                gettext("“%(value)s” is not a valid email address.") % {"value": typed}, code="bad_email"
            ) from None
        return User.objects.normalize_email(typed)

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"]
        if not typed:
            return ""
        try:
            if len(typed) > _USERNAME_MAX:
                raise ValidationError("too long")
            UnicodeUsernameValidator()(typed)
        except ValidationError:
            raise ValidationError(
                gettext(
                    "The username “%(value)s” may only hold letters, digits and @ . + - _ "
                    "(at most %(limit)s characters)."
                )
                % {"value": typed, "limit": _USERNAME_MAX},
                code="bad_username",
            ) from None
        return typed


# -- the plan (dry run) ----------------------------------------------------------------------------


class Outcome(TextChoices):
    CREATE = "create", _("New account")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("No change")
    ERROR = "error", _("Error")


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: StaffRow
    errors: list[RowError] = field(default_factory=list)
    mobile: str = ""
    unit: OrgUnit | None = None
    unit_path: str = ""
    position: Position | None = None
    email: str = ""
    username: str = ""
    user: User | None = None
    """The existing account this row updates."""
    changes: list[Change] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def outcome(self) -> Outcome:
        if self.errors:
            return Outcome.ERROR
        if self.user is None:
            return Outcome.CREATE
        return Outcome.UPDATE if self.changes else Outcome.UNCHANGED

    def error(self, code: str, message: str) -> None:
        self.errors.append(RowError(code, message))


@dataclass
class StaffImportPlan:
    rows: list[RowPlan]

    @property
    def errors(self) -> list[tuple[int, RowError]]:
        return [(row.line, error) for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Outcome.values, 0)
        for row in self.rows:
            counts[row.outcome.value] += 1
        return counts

    @property
    def can_import(self) -> bool:
        """No error anywhere, and something to do."""
        counts = self.counts
        return self.ok and counts[Outcome.CREATE] + counts[Outcome.UPDATE] > 0


# The template's example rows: importing them unchanged would create three made-up accounts.
EXAMPLE_MOBILES = frozenset({"13800000001", "13800000002", "13800000003"})


def staff_import_plan(*, rows: Sequence[StaffRow], actor, lock: bool = False) -> StaffImportPlan:
    """What importing `rows` as `actor` would do, row by row, with every error found; writes nothing.

    Each row goes through `StaffRowForm`; then what needs all the rows: numbers and usernames used
    twice, and the existing accounts. A fixed number of queries whatever the number of rows: the tree
    and the positions are read once, existing accounts in chunks. `lock` (inside a transaction) locks
    the accounts to be updated.
    """
    scope = _check_importer(actor)
    tree, positions = _OrgTree(), _Positions()
    plans: list[RowPlan] = []
    first_line_of_mobile: dict[str, int] = {}
    for row in rows:
        form = StaffRowForm(data=row.cells(), tree=tree, positions=positions, scope=scope)
        plan = RowPlan(row=row, errors=list(form_row_errors(form, StaffRowForm.error_codes)))
        values = form.cleaned_data  # the fields that are valid, even when others are not
        mobile = values.get("mobile")
        if mobile in first_line_of_mobile:
            plan.error(
                "duplicate_mobile",
                gettext("The mobile number %(mobile)s is also on row %(line)s; each person needs their own.")
                % {"mobile": mobile, "line": first_line_of_mobile[mobile]},
            )
        elif mobile:
            first_line_of_mobile[mobile] = row.line
            plan.mobile = mobile
        plan.unit = values.get("org_path")
        plan.unit_path = tree.display(plan.unit)
        plan.position = values.get("position")
        plan.email = values.get("email", "")
        plan.username = values.get("username", "")
        plans.append(plan)

    existing = _users_by_mobile({plan.mobile for plan in plans if plan.mobile}, lock=lock)
    manageable = _manageable_ids(actor, [user.pk for user in existing.values()])
    wanted = {
        (plan.username or plan.mobile).lower()
        for plan in plans
        if plan.mobile and plan.mobile not in existing
    }
    taken = _usernames_taken(wanted)
    first_line_of_username: dict[str, int] = {}
    for plan in plans:
        if not plan.mobile:
            continue
        user = existing.get(plan.mobile)
        if user is not None:
            _plan_update(plan, user, manageable=user.pk in manageable, tree=tree, positions=positions)
        else:
            _plan_create(plan, taken=taken, seen=first_line_of_username)
    return StaffImportPlan(rows=plans)


def _users_by_mobile(mobiles: set[str], *, lock: bool) -> dict[str, User]:
    found: dict[str, User] = {}
    ordered = sorted(mobiles)
    for start in range(0, len(ordered), _CHUNK):
        # No joins: FOR UPDATE cannot lock the nullable side of an outer join.
        queryset = User.objects.filter(mobile__in=ordered[start : start + _CHUNK])
        if lock:
            queryset = queryset.select_for_update()
        found.update((user.mobile, user) for user in queryset)
    return found


def _manageable_ids(actor, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(manageable_users(actor, User.objects.filter(pk__in=chunk)).values_list("pk", flat=True))
    return found


def _usernames_taken(lowered: set[str]) -> set[str]:
    # Sign-in matches usernames ignoring case, so two accounts may not differ only in case.
    taken: set[str] = set()
    ordered = sorted(lowered)
    for start in range(0, len(ordered), _CHUNK):
        taken.update(
            User.objects.annotate(lowered=Lower("username"))
            .filter(lowered__in=ordered[start : start + _CHUNK])
            .values_list("lowered", flat=True)
        )
    return taken


def _plan_create(plan: RowPlan, *, taken: set[str], seen: dict[str, int]) -> None:
    username = plan.username or plan.mobile
    key = username.lower()
    if key in taken:
        if plan.username:
            message = gettext("The username “%(username)s” is already used by another account.")
        else:
            message = gettext(
                "The username “%(username)s” (the mobile number, used when 用户名 is empty) is already used "
                "by another account: fill in the 用户名 column."
            )
        plan.error("username_taken", message % {"username": username})
    elif key in seen:
        plan.error(
            "duplicate_username",
            gettext("The username “%(username)s” is also on row %(line)s.")
            % {"username": username, "line": seen[key]},
        )
    else:
        seen[key] = plan.line
    plan.username = username


def _plan_update(
    plan: RowPlan, user: User, *, manageable: bool, tree: _OrgTree, positions: _Positions
) -> None:
    plan.user = user
    current_unit = tree.by_pk.get(user.org_unit_id)
    # A manager may not take over (or rename) an account they may not manage (accounts.rights): someone
    # elsewhere, or someone with more rights inside their part of the tree. One message for every case,
    # which says neither where the account is nor what it holds.
    if not manageable:
        plan.error(
            "user_out_of_scope",
            gettext(
                "The mobile number %(mobile)s cannot be used in your import. Check the number, or ask a "
                "site administrator."
            )
            % {"mobile": plan.mobile},
        )
        return
    if plan.username and plan.username.lower() != user.username.lower():
        plan.error(
            "username_mismatch",
            gettext(
                "The mobile number %(mobile)s belongs to the account “%(username)s”; an import cannot "
                "change a username. Leave 用户名 empty or write “%(username)s”."
            )
            % {"mobile": plan.mobile, "username": user.username},
        )
    plan.username = user.username
    if plan.errors:
        return
    if plan.row.name != user.name:
        plan.changes.append(Change("name", gettext("name"), user.name, plan.row.name))
    if plan.unit is not None and plan.unit.pk != user.org_unit_id:
        plan.changes.append(
            Change("org_unit", gettext("organisation unit"), tree.display(current_unit), plan.unit_path)
        )
    if plan.position is not None and plan.position.pk != user.position_id:
        old = positions.by_pk.get(user.position_id)
        plan.changes.append(
            Change("position", gettext("position"), old.name if old else "", plan.position.name)
        )
    if plan.email and plan.email != user.email:
        plan.changes.append(Change("email", gettext("email"), user.email, plan.email))


# -- the import ------------------------------------------------------------------------------------

# Hashing 5,000 passwords at Django's full PBKDF2 strength (a million rounds, ~0.5 s each) would take
# 40 minutes, and the import has to fit in one request. These passwords are random, not chosen by
# people, and must be replaced at the first sign-in, where Django also re-hashes them at full strength
# (`must_update`). At 1,000 rounds, guessing one from a stolen database still takes a GPU about
# 2**73 guesses x 2,000 SHA-256 blocks: centuries.
TEMPORARY_PASSWORD_ITERATIONS = 1_000


def temporary_password_hash(password: str) -> str:
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher) and hasher.iterations > TEMPORARY_PASSWORD_ITERATIONS:
        return hasher.encode(password, hasher.salt(), iterations=TEMPORARY_PASSWORD_ITERATIONS)
    return make_password(password, hasher=hasher)


@dataclass(frozen=True)
class Credential:
    """A new account's sign-in details, for the importer's one-time sheet."""

    name: str
    mobile: str
    username: str
    password: str
    unit_path: str


@dataclass
class StaffImportResult:
    created: list[User]
    updated: list[User]
    unchanged: int
    credentials: list[Credential]


class StaffImportRefused(Exception):
    """Nothing was saved: the rows have errors (`plan`), or saving failed (`messages`)."""

    def __init__(self, *, plan: StaffImportPlan | None = None, messages: Sequence[str] = ()):
        super().__init__(*(messages or ["the rows have errors"]))
        self.plan = plan
        self.messages = list(messages)


def staff_import(*, rows: Sequence[StaffRow], actor, source: str = "") -> StaffImportResult:
    """Create and update the staff of `rows`, all of them or none (raises `StaffImportRefused`).

    New accounts get a random password they must change at their first sign-in (returned in
    `credentials`, nowhere else); updates change name, unit, position and email, never a password.
    Each created or updated account gets an `accounts.staff_import` entry in the audit log. The new
    people and those placed in another unit or position are announced once for the whole file
    (`accounts.services.people_placed`: their course assignments follow once the import commits).
    """
    if not rows:
        raise StaffImportRefused(messages=[gettext("There are no staff to import.")])
    try:
        with transaction.atomic(), LogContext(user=actor):
            plan = staff_import_plan(rows=rows, actor=actor, lock=True)
            if not plan.ok:
                raise StaffImportRefused(plan=plan)
            return _apply(plan, actor=actor, source=source[:255])
    except IntegrityError as exc:
        # Someone saved the same mobile number or username between the plan and the save.
        raise StaffImportRefused(
            messages=[
                gettext(
                    "A mobile number or username in the file was taken by another account while "
                    "importing. Nothing was imported; check the file again."
                )
            ]
        ) from exc


def _apply(plan: StaffImportPlan, *, actor, source: str) -> StaffImportResult:
    """Write the plan in bulk: a 5,000-row file has to fit in one web request (gunicorn's 30 s)."""
    created: list[tuple[RowPlan, User]] = []
    updated: list[tuple[RowPlan, User]] = []
    credentials: list[Credential] = []
    for row in plan.rows:
        if row.outcome == Outcome.CREATE:
            password = initial_password()
            user = User(
                username=row.username,
                name=row.row.name,
                mobile=row.mobile,
                email=row.email,
                org_unit=row.unit,
                position=row.position,
                must_change_password=True,
            )
            user.password = temporary_password_hash(password)
            _validate(user, row)
            created.append((row, user))
            credentials.append(Credential(user.name, row.mobile, user.username, password, row.unit_path))
        elif row.outcome == Outcome.UPDATE:
            user = row.user
            assert user is not None
            values = {
                "name": row.row.name,
                "org_unit": row.unit,
                "position": row.position,
                "email": row.email,
            }
            for change in row.changes:
                setattr(user, change.field, values[change.field])
            _validate(user, row)
            updated.append((row, user))

    User.objects.bulk_create([user for _row, user in created], batch_size=_CHUNK)
    if updated:
        # updated_at too: bulk_update writes only the fields it is given (the REST API's changed_since).
        fields = sorted({change.field for row, _user in updated for change in row.changes} | {"updated_at"})
        now = timezone.now()
        for _row, user in updated:
            user.updated_at = now
        User.objects.bulk_update([user for _row, user in updated], fields, batch_size=_CHUNK)
        # bulk_update sends no post_save: drop the signed-in user cache entries ourselves, once the new
        # values are committed (until then, the cached old ones are still the truth).
        ids = [user.pk for _row, user in updated]
        transaction.on_commit(lambda: forget_cached_users(ids))
    # The new and the moved, announced once for the whole file (their course assignments follow).
    people_placed(
        user_ids=[user.pk for _row, user in created]
        + [
            user.pk
            for row, user in updated
            if any(change.field in ("org_unit", "position") for change in row.changes)
        ]
    )
    _log_import(
        [(row, user, ["name", "mobile", "org_unit", "position", "email"]) for row, user in created]
        + [(row, user, [change.field for change in row.changes]) for row, user in updated],
        actor=actor,
        source=source,
    )
    return StaffImportResult(
        created=[user for _row, user in created],
        updated=[user for _row, user in updated],
        unchanged=sum(row.outcome == Outcome.UNCHANGED for row in plan.rows),
        credentials=credentials,
    )


def _log_import(entries: list[tuple[RowPlan, User, list[str]]], *, actor, source: str) -> None:
    """One `accounts.staff_import` audit-log entry per created or updated account, all sharing the
    import's id: the rows `wagtail.log_actions.log` would write, written in bulk, because `log()`
    validates every entry with two queries of its own (30 s of a 5,000-row import)."""
    if not log_registry.action_exists(IMPORT_LOG_ACTION):
        raise ImproperlyConfigured(f"{IMPORT_LOG_ACTION} is not registered (accounts/staff_import_hooks.py)")
    log_model = log_registry.get_log_model_for_model(User)
    assert log_model is ModelLogEntry, log_model
    content_type = ContentType.objects.get_for_model(User, for_concrete_model=False)
    uuid = get_active_log_context().uuid
    timestamp = timezone.now()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                object_id=str(user.pk),
                label=ModelLogEntry.objects.get_instance_title(user),
                action=IMPORT_LOG_ACTION,
                timestamp=timestamp,
                uuid=uuid,
                user=actor,
                content_changed=True,
                data={"source": source, "row": row.line, "outcome": row.outcome.value, "fields": fields},
            )
            for row, user, fields in entries
        ],
        batch_size=_CHUNK,
    )


def _validate(user: User, row: RowPlan) -> None:
    """The model's own field rules, as a last check; the plan has already checked the same values
    (uniqueness and the foreign keys included, in bulk, so they are left out here)."""
    try:
        user.full_clean(exclude=["org_unit", "position"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
        raise StaffImportRefused(
            messages=[gettext("Row %(line)s: %(problems)s") % {"line": row.line, "problems": problems}]
        ) from exc


# -- the staged import (core.staged_import) --------------------------------------------------------

CREDENTIALS_SECONDS = 30 * 60


@dataclass(frozen=True, kw_only=True)
class StaffPreviewRow(RowOutcome):
    """One row as the preview shows it: what was found, else what was typed."""

    name: str
    mobile: str
    unit_path: str
    position: str
    username: str
    changes: tuple[Change, ...] = ()


def staff_preview_plan(plan: StaffImportPlan) -> Plan:
    return Plan(
        rows=[
            StaffPreviewRow(
                line=row.line,
                outcome=row.outcome,
                errors=tuple(row.errors),
                name=row.row.name,
                mobile=row.mobile or row.row.mobile,
                unit_path=row.unit_path or row.row.org_path,
                position=row.position.name if row.position else row.row.position,
                username=row.username,
                changes=tuple(row.changes),
            )
            for row in plan.rows
        ]
    )


class StaffImport(ImportKind):
    """Staff from a spreadsheet: `staff_file_read` parses, `staff_import_plan` (a `StaffRowForm` per
    row, then the checks across rows and accounts) plans, `staff_import` saves in bulk."""

    key = "accounts.staff"

    def parse(self, upload) -> list[StaffRow]:
        staff_file = staff_file_read(upload.data, upload.name)
        if not staff_file.ok:
            raise FileRefused(staff_file.errors)
        return staff_file.rows

    def plan(self, rows, *, actor, options) -> Plan:
        return staff_preview_plan(staff_import_plan(rows=rows, actor=actor))

    def can_import(self, plan: Plan) -> bool:
        """No error anywhere, and something to do."""
        counts = plan.counts
        return super().can_import(plan) and counts.get(Outcome.CREATE, 0) + counts.get(Outcome.UPDATE, 0) > 0

    def apply(self, rows, *, actor, staged: StagedImport) -> StaffImportResult:
        try:
            result = staff_import(rows=rows, actor=actor, source=staged.filename)
        except StaffImportRefused as refused:
            # The accounts or the tree changed since the preview: it will show the file as it stands now.
            plan = staff_preview_plan(refused.plan) if refused.plan else None
            raise StagedImportRefused(refused.messages, plan=plan) from refused
        if result.credentials:
            staged_import_hold(
                kind=self,
                token=staged.token,
                actor=actor,
                name="credentials",
                value=result.credentials,
                seconds=CREDENTIALS_SECONDS,
            )
        return result

    def result_summary(self, result: StaffImportResult) -> dict:
        return {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
            "credentials": len(result.credentials),
        }


STAFF_IMPORT = StaffImport()


def staff_import_stage(*, rows: Sequence[StaffRow], filename: str, actor) -> StagedImport:
    """Stage rows already read (the upload view stages the file itself)."""
    return staged_import_create_from_rows(kind=STAFF_IMPORT, rows=rows, filename=filename, actor=actor)


def staff_import_staged_confirm(*, token: str, actor) -> StaffImportResult:
    return staged_import_confirm(kind=STAFF_IMPORT, token=token, actor=actor)


def unit_paths_in_scope(scope: Scope) -> list[str]:
    """The full path of every unit in `scope`, in tree order, for the template; one query."""
    tree = _OrgTree()
    return [tree.display(unit) for unit in tree.by_path.values() if scope.contains(unit)]
