"""Reads over the organisation tree."""

from django.db.models import QuerySet

from accounts.models import OrgUnit, User


def org_subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and every unit below it: one indexed prefix query on the materialised path."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def users_in_subtree(unit: OrgUnit) -> QuerySet[User]:
    return User.objects.filter(org_unit__path__startswith=unit.path)


def org_unit_path_names(unit: OrgUnit | None) -> list[str]:
    """Names from the top of the tree down to this unit, e.g. ['渝中区', '解放碑街道', '某某社区']."""
    if unit is None:
        return []
    ancestors = OrgUnit.objects.filter(
        path__in=[unit.path[: i * unit.steplen] for i in range(1, unit.depth + 1)]
    ).order_by("depth")
    return [ancestor.name for ancestor in ancestors]
