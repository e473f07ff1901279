"""Reads of in-person sessions, attendance and study hours, always through the viewer's scope.

Study hours (学时) a person earns in a year:

- every attended session that has closed, its own hours, in the year it took place;
- every course completed in the year, the course's hours — except a course completed by attending a
  session (its hours are the session's, already counted).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.scope import Scope, scope_for
from classroom.models import SessionAttendance, TrainingSession
from courses.models import CoursePage
from progress.models import CourseCompletion

ZERO = Decimal("0.0")


def visible_q(user, action: str = "view") -> Q:
    """Sessions a viewer may see (and change, and run): the ones they are the trainer of, and every
    session organised by a unit in their part of the tree."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    own = Q(trainer_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope.nothing:
        return own
    return own | scope.q("unit")


def sessions_visible_to(user) -> QuerySet[TrainingSession]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(visible_q(user))


def session_rows(user) -> QuerySet[TrainingSession]:
    """The admin list: two queries a page (rows with course, unit and trainer; attendance counted)."""
    return (
        sessions_visible_to(user)
        .select_related("course", "unit", "trainer")
        .annotate(attended=Count("attendances"))
    )


def learner_invited(session: TrainingSession, learner) -> bool:
    """Whether the session invites this person: placed in one of its invited units (or below; the
    organising unit when none is named) and, if it names positions, holding one of them."""
    unit = learner.org_unit
    if unit is None:
        return False
    units = list(session.invited_units.all()) or [session.unit]
    if not any(unit.path.startswith(invited.path) for invited in units):
        return False
    positions = {position.pk for position in session.invited_positions.all()}
    return not positions or learner.position_id in positions


def _invited_filter(learner) -> Q:
    """Sessions that invite ``learner`` (the same rule as `learner_invited`, as one query)."""
    unit = learner.org_unit
    if unit is None:
        return Q(pk__in=[])
    ancestors = [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    by_units = Q(invited_units__path__in=ancestors) | Q(invited_units__isnull=True, unit__path__in=ancestors)
    by_positions = Q(invited_positions__isnull=True)
    if learner.position_id:
        by_positions |= Q(invited_positions=learner.position_id)
    return by_units & by_positions


def upcoming_sessions_for(learner, *, now: datetime.datetime | None = None, limit: int = 5) -> list:
    """Sessions on the learner's My learning: the ones they are invited to or checked in at that have
    not closed and not ended more than a day ago, soonest first, each with ``checked_in``. Two queries."""
    now = now or timezone.now()
    sessions = list(
        TrainingSession.objects.filter(_invited_filter(learner) | Q(attendances__learner=learner))
        .exclude(status=TrainingSession.Status.CLOSED)
        .filter(ends_at__gte=now - datetime.timedelta(days=1))
        .distinct()
        .order_by("starts_at")[:limit]
    )
    checked = set(
        SessionAttendance.objects.filter(learner=learner, session__in=sessions).values_list(
            "session_id", flat=True
        )
    )
    for session in sessions:
        session.checked_in = session.pk in checked
    return sessions


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _session_hours(attendances: QuerySet[SessionAttendance], year: int) -> QuerySet:
    start, end = _year_bounds(year)
    return attendances.filter(
        session__status=TrainingSession.Status.CLOSED,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    )


def _course_hours(completions: QuerySet[CourseCompletion], year: int) -> QuerySet:
    start, end = _year_bounds(year)
    return completions.filter(completed_at__gte=start, completed_at__lt=end).exclude(
        rule=CourseCompletion.Rule.SESSION_ATTENDED
    )


def people_with_hours(people: QuerySet[User], year: int) -> QuerySet[User]:
    """``people`` with ``session_hours`` and ``course_hours`` for ``year``: two subqueries per person, so a
    page of a report (or one learner) costs one query however many people the scope holds."""
    sessions = (
        _session_hours(SessionAttendance.objects.filter(learner_id=OuterRef("pk")), year)
        .order_by()
        .values("learner_id")
        .annotate(total=Sum("session__hours"))
        .values("total")
    )
    completed = _course_hours(CourseCompletion.objects.filter(learner_id=OuterRef(OuterRef("pk"))), year)
    courses = (
        CoursePage.objects.filter(pk__in=completed.values("course_id"))
        .annotate(group=Value(1, output_field=IntegerField()))
        .order_by()
        .values("group")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    hours_field = DecimalField(max_digits=9, decimal_places=1)
    return people.annotate(
        session_hours=Coalesce(Subquery(sessions, output_field=hours_field), ZERO, output_field=hours_field),
        course_hours=Coalesce(Subquery(courses, output_field=hours_field), ZERO, output_field=hours_field),
    )


def hours_of(learner, year: int | None = None) -> Decimal:
    """A learner's study hours in ``year`` (default this year): one query (two sums as subqueries)."""
    year = year or timezone.localdate().year
    totals = (
        people_with_hours(User.objects.filter(pk=learner.pk), year)
        .values_list("session_hours", "course_hours")
        .first()
    )
    return sum(totals, ZERO) if totals else ZERO


@dataclass
class HoursRow:
    learner_id: int
    name: str
    unit: str
    position: str
    session_hours: Decimal
    course_hours: Decimal

    @property
    def total(self) -> Decimal:
        return self.session_hours + self.course_hours


@dataclass
class UnitHoursRow:
    unit: str
    people: int
    session_hours: Decimal
    course_hours: Decimal

    @property
    def total(self) -> Decimal:
        return self.session_hours + self.course_hours


def _people(scope: Scope, unit) -> QuerySet[User]:
    people = User.objects.filter(is_active=True).filter(scope.q("org_unit"))
    if unit is not None:
        people = people.filter(org_unit__path__startswith=unit.path)
    return people


def _hours_row(person: User) -> HoursRow:
    return HoursRow(
        learner_id=person.pk,
        name=person.name or person.username,
        unit=person.org_unit.name if person.org_unit else "",
        position=person.position.name if person.position else "",
        session_hours=person.session_hours,
        course_hours=person.course_hours,
    )


class HoursRows:
    """Study hours per person, read a page at a time: ``count()`` is one query and a slice one query, so a
    city-wide manager's page costs what a community's does; iterating (the export) reads in chunks."""

    def __init__(self, people: QuerySet[User]):
        self.people = people

    def count(self) -> int:
        return self.people.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_hours_row(person) for person in self.people[index]]
        return _hours_row(self.people[index])

    def __iter__(self):
        for person in self.people.iterator(chunk_size=2000):
            yield _hours_row(person)


def hours_rows(*, scope: Scope, year: int, unit=None) -> HoursRows:
    """Study hours per person in the viewer's part of the tree (narrowed to ``unit``), for ``year``,
    people with none included, by unit and name."""
    people = (
        _people(scope, unit).select_related("org_unit", "position").order_by("org_unit__path", "name", "pk")
    )
    return HoursRows(people_with_hours(people, year))


def unit_hours_rows(*, scope: Scope, year: int, unit=None) -> list[UnitHoursRow]:
    """Study hours per unit (of the people whose own unit it is), for ``year``: four grouped queries and
    one for the units' names, whatever the number of people."""
    people = _people(scope, unit).order_by()
    counts = dict(people.values("org_unit_id").annotate(n=Count("pk")).values_list("org_unit_id", "n"))
    session_totals = dict(
        _session_hours(SessionAttendance.objects.filter(learner__in=people), year)
        .order_by()
        .values("learner__org_unit_id")
        .annotate(total=Sum("session__hours"))
        .values_list("learner__org_unit_id", "total")
    )
    course_totals: dict[int | None, Decimal] = {}
    hours_by_course = dict(CoursePage.objects.filter(hours__gt=0).values_list("pk", "hours"))
    if hours_by_course:
        for unit_id, course_id, learners in (
            _course_hours(
                CourseCompletion.objects.filter(learner__in=people, course_id__in=hours_by_course), year
            )
            .order_by()
            .values("learner__org_unit_id", "course_id")
            .annotate(learners=Count("learner_id", distinct=True))
            .values_list("learner__org_unit_id", "course_id", "learners")
        ):
            course_totals[unit_id] = course_totals.get(unit_id, ZERO) + hours_by_course[course_id] * learners
    units = OrgUnit.objects.filter(pk__in=[pk for pk in counts if pk]).order_by("path")
    names = dict(units.values_list("pk", "name"))
    order = [*names, *([None] if None in counts else [])]
    return [
        UnitHoursRow(
            unit=names.get(unit_id, ""),
            people=counts[unit_id],
            session_hours=session_totals.get(unit_id) or ZERO,
            course_hours=course_totals.get(unit_id, ZERO),
        )
        for unit_id in order
    ]


def invited_people(session: TrainingSession) -> QuerySet[User]:
    """Active people the session invites (the same rule as `learner_invited`): two small queries to
    build, one to read."""
    units = list(session.invited_units.all()) or [session.unit]
    unit_q = Q(pk__in=[])
    for unit in units:
        unit_q |= Q(org_unit__path__startswith=unit.path)
    invited = User.objects.filter(unit_q, is_active=True)
    positions = list(session.invited_positions.values_list("pk", flat=True))
    if positions:
        invited = invited.filter(position_id__in=positions)
    return invited


def roster_rows(session: TrainingSession) -> list[dict]:
    """Everyone invited (active people), everyone who checked in though not invited, and everyone not
    invited whose scan was refused (``refused``), with their check-in if any; attendees first then by
    unit and name. Five queries."""
    attendances = {
        attendance.learner_id: attendance
        for attendance in session.attendances.select_related("learner__org_unit", "learner__position")
    }
    invited = invited_people(session)
    people = {person.pk: person for person in invited.select_related("org_unit", "position")}
    for learner_id, attendance in attendances.items():
        people.setdefault(learner_id, attendance.learner)
    refused = set()
    for refusal in session.refusals.select_related("learner__org_unit", "learner__position"):
        people.setdefault(refusal.learner_id, refusal.learner)
        refused.add(refusal.learner_id)
    rows = [
        {
            "person": person,
            "attendance": attendances.get(pk),
            "invited": attendances[pk].invited if pk in attendances else pk not in refused,
            "refused": pk in refused and pk not in attendances,
        }
        for pk, person in people.items()
    ]
    rows.sort(
        key=lambda row: (
            row["attendance"] is None,
            row["person"].org_unit.path if row["person"].org_unit else "",
            row["person"].name or row["person"].username,
        )
    )
    return rows


def attendance_of(learner) -> QuerySet[SessionAttendance]:
    """The learner's own check-ins (personal data download)."""
    return (
        SessionAttendance.objects.filter(learner=learner).select_related("session").order_by("checked_in_at")
    )
