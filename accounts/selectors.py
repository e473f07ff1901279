"""Reads over the organisation tree."""

from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import OrgUnit, User


def org_subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and every unit below it: one indexed prefix query on the materialised path."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def users_in_subtree(unit: OrgUnit) -> QuerySet[User]:
    return User.objects.filter(org_unit__path__startswith=unit.path)


def org_units_with_head_counts(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """``units`` with ``head_count``: the active people placed in each unit *and every unit below it*
    (a district counts its streets' and communities' staff). One query for the whole listing: a
    correlated count over the materialised-path prefix, which the path index serves."""
    below = (
        User.objects.filter(is_active=True, org_unit__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(count=Func("pk", function="COUNT"))
        .values("count")
    )
    return units.annotate(head_count=Coalesce(Subquery(below, output_field=IntegerField()), 0))


def org_unit_path_names(unit: OrgUnit | None) -> list[str]:
    """Names from the top of the tree down to this unit, e.g. ['渝中区', '解放碑街道', '某某社区']."""
    if unit is None:
        return []
    ancestors = OrgUnit.objects.filter(
        path__in=[unit.path[: i * unit.steplen] for i in range(1, unit.depth + 1)]
    ).order_by("depth")
    return [ancestor.name for ancestor in ancestors]
