"""Writes for accounts and the organisation tree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from accounts.models import OrgUnit, User


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
