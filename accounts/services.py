"""Writes for accounts and the organisation tree.

Where someone works — their unit, their position, whether their account is active — decides which
course assignments cover them, and assignments sit above accounts. So the services here that create
people or place them elsewhere announce it through one Wagtail hook, `PEOPLE_PLACED_HOOK` (see
`people_placed`), which the assignments app registers on; accounts never imports it.

Call these services to make such changes: the admin's user forms (`user_placement_announce`), the staff
import (`accounts.staff_import`), the user list's bulk activation (`users_active_set`), moving a unit
(`org_unit_update`) and the demo loader all do. Nothing reacts to a model save: a bare ``User.save()``
or ``queryset.update()`` (a shell, a data migration) changes the row and nothing else, so call
`people_placed` yourself after one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.log_actions import log

from accounts.backends import forget_cached_users
from accounts.models import OrgUnit, User
from accounts.rights import (
    ROLE_GROUPS,
    Role,
    grantable_roles,
    manageable_units,
    manageable_users,
    may_manage,
    role_of,
)

# Extension point: apps above accounts (assignments) follow people who were created, moved or
# (de)activated without accounts importing them. Each hook is called as hook(user_ids).
PEOPLE_PLACED_HOOK = "frontline_people_placed"


# -- where people work -----------------------------------------------------------------------------


def people_placed(*, user_ids: Iterable[int]) -> None:
    """Announce that these people are new, or now work in another unit or position, or were turned on
    or off: every function registered for `PEOPLE_PLACED_HOOK` is called once with their sorted ids.

    Call it once per change (a form, an import, a bulk action), after writing and inside its
    transaction. What follows is the registered apps' business: assignments re-matches the people
    against the course assignments once the transaction commits, every announcement of one
    transaction in one batch, and nobody if it rolls back."""
    ids = sorted({int(pk) for pk in user_ids})
    if not ids:
        return
    for follow in hooks.get_hooks(PEOPLE_PLACED_HOOK):
        follow(ids)


@dataclass(frozen=True)
class Placement:
    """Where someone works, as far as course assignments are concerned."""

    org_unit_id: int | None
    position_id: int | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> "Placement":
        return cls(org_unit_id=user.org_unit_id, position_id=user.position_id, is_active=user.is_active)


def user_placement_announce(*, user: User, before: Placement | None) -> bool:
    """After a form has created or changed ``user``: announce them (`people_placed`) if they are new
    (``before`` is None) or no longer placed as ``before`` (taken when the form was opened, from the
    object it edits). Returns whether they were announced."""
    if before is not None and Placement.of(user) == before:
        return False
    people_placed(user_ids=[user.pk])
    return True


@transaction.atomic
def users_active_set(*, users: Sequence[User], active: bool, actor) -> int:
    """Turn these accounts on or off in one statement (the user list's bulk action). Only people
    ``actor`` may manage are touched (accounts.rights), never ``actor`` themselves. Once committed, the
    people are signed out at their next click (their cached user is dropped); they are announced as
    placed (`people_placed`): deactivated staff leave their assignments. Returns how many were set."""
    ids = list(
        manageable_users(actor, User.objects.filter(pk__in=[user.pk for user in users]))
        .exclude(pk=actor.pk)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    count = User.objects.filter(pk__in=ids).update(is_active=active, updated_at=timezone.now())
    # An update sends no post_save (accounts.signals): drop the cached users here, once the new flag is
    # the truth.
    transaction.on_commit(lambda: forget_cached_users(ids))
    people_placed(user_ids=ids)
    return count


# -- the organisation tree -------------------------------------------------------------------------


@transaction.atomic
def org_unit_create(*, name: str, level: str, code: str = "", parent: OrgUnit | None, actor=None) -> OrgUnit:
    unit = OrgUnit(name=name.strip(), level=level, code=code.strip())
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit = parent.add_child(instance=unit) if parent else OrgUnit.add_root(instance=unit)
    log(unit, "wagtail.create", user=actor)
    return unit


@transaction.atomic
def org_unit_update(
    *, unit: OrgUnit, name: str, level: str, code: str = "", parent: OrgUnit | None, actor=None
) -> OrgUnit:
    """Rename and re-level a unit; when its parent changes, move it with its whole subtree and announce
    everyone in it as placed elsewhere (`people_placed`)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own units."))
    unit.name, unit.level, unit.code = name.strip(), level, code.strip()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["name", "level", "code", "updated_at"])
    current_parent = unit.get_parent()
    if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
        if parent is None:
            unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
        else:
            unit.move(parent, "sorted-child")
        unit.refresh_from_db()
        # Everyone below now sits under other units.
        people_placed(
            user_ids=User.objects.filter(org_unit__path__startswith=unit.path).values_list("pk", flat=True)
        )
        log(unit, "wagtail.move", user=actor)
    log(unit, "wagtail.edit", user=actor)
    return unit


@transaction.atomic
def org_unit_delete(*, unit: OrgUnit, actor=None) -> None:
    """Only an empty leaf can go: deleting a node would otherwise take its subtree with it."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.get_children_count():
        raise ValidationError(_("Move or delete the units under “%(name)s” first.") % {"name": unit.name})
    if User.objects.filter(org_unit=unit).exists():
        raise ValidationError(_("Move the staff of “%(name)s” to another unit first.") % {"name": unit.name})
    log(unit, "wagtail.delete", user=actor)
    unit.delete()


def user_password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


PASSWORD_RESET_LOG_ACTION = "accounts.password_reset"  # noqa: S105 (an audit-log action name)


@transaction.atomic
def user_password_reset(*, user: User, password: str, address: str = "") -> None:
    """``user`` forgot their password and proved the mobile number is theirs with a texted code: set the
    new one (their other sessions end, as on any password change), and write it to the audit log."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log(user, PASSWORD_RESET_LOG_ACTION, user=user, data={"by": "sms_code", "address": address})


ROLE_LOG_ACTION = "accounts.role"


@transaction.atomic
def user_role_set(*, user: User, role: str, managed_unit: OrgUnit | None = None, actor) -> bool:
    """Give ``user`` exactly ``role`` (accounts.rights.Role), and for a training manager the unit they
    manage. Refused (PermissionDenied) unless ``actor`` may give that role and act on ``user``; nobody
    changes their own role. Written to the audit log; takes effect at the person's next request.
    Returns whether anything changed."""
    role = Role(role)
    if user.pk == actor.pk or role not in grantable_roles(actor) or not may_manage(actor, user):
        raise PermissionDenied
    if role == Role.MANAGER:
        if managed_unit is None:
            raise ValidationError({"managed_unit": _("Choose the unit this training manager manages.")})
        if not manageable_units(actor).filter(pk=managed_unit.pk).exists():
            raise PermissionDenied
    else:
        managed_unit = None
    before = (role_of(user), user.managed_unit_id)
    if before == (role, managed_unit.pk if managed_unit else None):
        return False
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    if role in ROLE_GROUPS:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    user.is_superuser = role == Role.ADMINISTRATOR
    user.is_staff = role != Role.LEARNER
    user.managed_unit = managed_unit
    user.save(update_fields=["is_superuser", "is_staff", "managed_unit"])
    log(
        user,
        ROLE_LOG_ACTION,
        user=actor,
        data={
            "from": before[0].value,
            "to": role.value,
            "unit": managed_unit.name if managed_unit else "",
            "unit_id": managed_unit.pk if managed_unit else None,
        },
    )
    transaction.on_commit(lambda: forget_cached_users([user.pk]))
    return True
