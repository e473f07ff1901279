"""Writes for accounts and the organisation tree."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from accounts.backends import forget_cached_users
from accounts.models import OrgUnit, User
from accounts.rights import ROLE_GROUPS, Role, grantable_roles, manageable_units, may_manage, role_of


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
    """Rename and re-level a unit; when its parent changes, move it with its whole subtree."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own units."))
    unit.name, unit.level, unit.code = name.strip(), level, code.strip()
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["name", "level", "code"])
    current_parent = unit.get_parent()
    if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
        if parent is None:
            unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
        else:
            unit.move(parent, "sorted-child")
        unit.refresh_from_db()
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
