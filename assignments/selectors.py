"""Reads of course assignments, always through the viewer's scope (accounts.scope)."""

from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.scope import Scope, scope_for
from assignments.models import Assignment, AssignmentMember

Targets = Assignment.units.through


def visible_q(scope: Scope) -> Q:
    """Assignments that target at least one unit in ``scope`` (all of them for the city)."""
    if scope.everything:
        return Q()
    if scope.nothing:
        return Q(pk__in=[])
    return Q(
        Exists(
            Targets.objects.filter(assignment_id=OuterRef("pk"), orgunit__path__startswith=scope.unit.path)
        )
    )


def manageable_q(scope: Scope) -> Q:
    """Assignments whose every target unit lies in ``scope``: the ones a manager may change or end."""
    if scope.everything or scope.nothing:
        return visible_q(scope)
    outside = Targets.objects.filter(assignment_id=OuterRef("pk")).exclude(
        orgunit__path__startswith=scope.unit.path
    )
    return visible_q(scope) & ~Q(Exists(outside))


def assignments_visible_to(user, *, scope: Scope | None = None) -> QuerySet[Assignment]:
    """Assignments that target at least one unit in the viewer's scope (all of them for the city)."""
    return Assignment.objects.filter(visible_q(scope or scope_for(user)))


def assignments_manageable_by(user, *, scope: Scope | None = None) -> QuerySet[Assignment]:
    """Assignments the viewer may change or end: every unit they target lies in the viewer's scope
    (`assignments.services.assignment_manageable` for one assignment)."""
    return Assignment.objects.filter(manageable_q(scope or scope_for(user)))


def assignment_rows(user) -> QuerySet[Assignment]:
    """The admin list: visible assignments with ``covered`` (people covered inside the viewer's scope),
    ``manageable``, the course and the creator; units and positions are prefetched for the page only.
    Three queries for a page (rows, units, positions) plus the paginator's count."""
    scope = scope_for(user)
    if scope.nothing:
        return Assignment.objects.none()
    members = AssignmentMember.objects.filter(assignment_id=OuterRef("pk"))
    if not scope.everything:
        members = members.filter(scope.q("learner__org_unit"))
    covered = members.order_by().values("assignment_id").annotate(n=Count("pk")).values("n")
    if scope.everything:
        manageable = Value(True, output_field=BooleanField())
    else:
        manageable = ~Exists(
            Targets.objects.filter(assignment_id=OuterRef("pk")).exclude(
                orgunit__path__startswith=scope.unit.path
            )
        )
    return (
        assignments_visible_to(user, scope=scope)
        .select_related("course", "created_by")
        .prefetch_related("units", "positions")
        .annotate(
            covered=Coalesce(Subquery(covered, output_field=IntegerField()), 0),
            manageable=manageable,
        )
    )
