"""Which part of the organisation a manager sees: one place, used by every report, export and admin list.

A training manager is attached to a node (`User.managed_unit`) and sees that node and everything below
it. A superuser, or a manager attached to a root node (the city), sees everything. Anyone else sees no
one. Scope is applied in querysets on the server, never by hiding menu items.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import OrgUnit, User


@dataclass(frozen=True)
class Scope:
    """``unit`` is None with ``everything`` True for the city; ``unit`` None and ``everything`` False
    means nothing at all."""

    unit: OrgUnit | None
    everything: bool = False

    @property
    def nothing(self) -> bool:
        return not self.everything and self.unit is None

    def q(self, field: str = "org_unit") -> Q:
        """A filter for rows whose ``field`` (a foreign key to OrgUnit) lies in scope.

        ``field=""`` filters OrgUnit rows themselves."""
        if self.everything:
            return Q()
        if self.unit is None:
            return Q(pk__in=[])
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__startswith": self.unit.path})

    def contains(self, unit: OrgUnit | None) -> bool:
        if self.everything:
            return True
        if unit is None or self.unit is None:
            return False
        return unit.path.startswith(self.unit.path)

    def units(self) -> QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(self.q(""))

    def users(self) -> QuerySet[User]:
        return User.objects.filter(self.q("org_unit"))

    def top_units(self) -> QuerySet[OrgUnit]:
        """Where a report starts: the manager's own node, or the roots for the city."""
        if self.everything:
            return OrgUnit.get_root_nodes()
        if self.unit is None:
            return OrgUnit.objects.none()
        return OrgUnit.objects.filter(pk=self.unit.pk)


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(unit=None)
    if user.is_superuser:
        return Scope(unit=None, everything=True)
    unit = user.managed_unit
    if unit is None:
        return Scope(unit=None)
    if unit.depth == 1:
        return Scope(unit=None, everything=True)
    return Scope(unit=unit)
