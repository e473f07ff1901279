"""Reads behind the training reports. Every function takes the viewer's `Scope` or a place already checked
against it, and each states its query cost (tests pin them).

A screen and its export call the same function: the screen takes one page of rows, the export iterates
over all of them in chunks (a server-side cursor on PostgreSQL), decorated chunk by chunk.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import OrgUnit
from accounts.scope import Scope
from core.percent import percent_value
from courses.models import CoursePage
from progress.models import CourseCompletion, Enrolment
from reports import tallies
from reports.exports import Percent
from reports.filters import OVERDUE, ReportFilters
from reports.models import COMPLETED_MONTH, ENROLLED_MONTH, NOT_PLACED, SECOND_HALF_STARTS

STEP = OrgUnit.steplen
COMPLETED = Enrolment.Status.COMPLETED
EXPORT_CHUNK = 2_000


# -- where in the tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A place a report looks at, already checked against the viewer's scope.

    ``unit`` None means all units (the top of a city-wide scope), or, with ``unplaced``, the people who
    have no unit. ``direct`` keeps only the people placed in ``unit`` itself, not below it."""

    unit: OrgUnit | None = None
    unplaced: bool = False
    direct: bool = False

    def q(self, field: str = "org_unit") -> Q:
        if self.unplaced:
            return Q(**{f"{field}__isnull": True})
        if self.unit is None:
            return Q()
        if self.direct:
            return Q(**{f"{field}_id": self.unit.pk})
        return Q(**{f"{field}__path__startswith": self.unit.path})


def unit_children(unit: OrgUnit | None) -> list[OrgUnit]:
    """The units one level below ``unit`` (the roots for None), in tree order. One query."""
    if unit is None:
        return list(OrgUnit.get_root_nodes().order_by("path"))
    if unit.numchild == 0:
        return []
    return list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))


def single_root_unit() -> OrgUnit | None:
    """The top of the tree when it has one (the city), else None. One query."""
    roots = list(OrgUnit.get_root_nodes()[:2])
    return roots[0] if len(roots) == 1 else None


def unit_trail(unit: OrgUnit | None, *, scope: Scope) -> list[OrgUnit]:
    """``unit`` and the units above it, from the top of ``scope`` down (never above it). One query."""
    if unit is None:
        return []
    top_depth = scope.unit.depth if scope.unit is not None else 1
    paths = [unit.path[: depth * STEP] for depth in range(top_depth, unit.depth + 1)]
    return list(OrgUnit.objects.filter(path__in=paths).order_by("depth"))


def unit_path_names(paths: Iterable[str], known: dict[str, str] | None = None) -> dict[str, str]:
    """Path → "重庆市/渝中区/解放碑街道/A社区" for units given by path: one query for all the ancestors not
    in ``known`` (a path → name cache that the caller keeps across chunks)."""
    known = {} if known is None else known
    wanted = {path[:end] for path in paths if path for end in range(STEP, len(path) + 1, STEP)}
    missing = wanted - known.keys()
    if missing:
        known.update(OrgUnit.objects.filter(path__in=missing).values_list("path", "name"))
    return {
        path: "/".join(known.get(path[:end], "?") for end in range(STEP, len(path) + 1, STEP))
        for path in paths
        if path
    }


# -- counts --------------------------------------------------------------------------------------


@dataclass
class Counts:
    assigned: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0

    FIELDS = ("assigned", "not_started", "in_progress", "completed", "overdue")

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) + getattr(other, f) for f in self.FIELDS))

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) - getattr(other, f) for f in self.FIELDS))

    @property
    def percent(self) -> float:
        """Percent completed, as core.percent rounds it everywhere (2 of 3 is 66.7; 99.96% is 99.9, never
        100 before everyone has completed)."""
        value = percent_value(self.completed, self.assigned)
        return float(value) if value is not None else 0.0

    def _share(self, part: int) -> float:
        """Width of a bar segment, in percent of the assigned."""
        return part * 100 / self.assigned if self.assigned else 0.0

    @property
    def completed_share(self) -> float:
        return self._share(self.completed)

    @property
    def in_progress_share(self) -> float:
        return self._share(self.in_progress)

    @property
    def not_started_share(self) -> float:
        return self._share(self.not_started)


def _status_condition(status: str, today: datetime.date) -> Q:
    if status == OVERDUE:
        return ~Q(status=COMPLETED) & Q(due_on__lt=today)
    return Q(status=status)


def _tally_counts(
    unit_ids: list[int], filters: ReportFilters, today: datetime.date, periods: DateSplit | None = None
) -> dict[tuple[int, int], Counts]:
    """(unit id, course id) → counts for the given units, from the tallies plus the changes not folded
    yet, in one statement (so a fold running at the same time cannot be counted twice or missed).

    With ``periods``, from the month tallies: the enrolments dated (completed or enrolled) in its whole
    half months; the days at either end are the caller's to count."""
    conditions, params = ["unit_id = ANY(%s)"], [unit_ids]
    tally, changes = "reports_enrolmenttally", "reports_enrolmenttallychange"
    if periods is not None:
        tally, changes = "reports_enrolmentmonthtally", "reports_enrolmentmonthtallychange"
        conditions.append("dated_by = %s")
        params.append(periods.dated_by)
        if periods.first_period is not None:
            conditions.append("period >= %s")
            params.append(periods.first_period)
        if periods.stop_period is not None:
            conditions.append("period < %s")
            params.append(periods.stop_period)
    if filters.course_id:
        conditions.append("course_id = %s")
        params.append(filters.course_id)
    if filters.position_id:
        conditions.append("position_id = %s")
        params.append(filters.position_id)
    if filters.status == OVERDUE:
        conditions.append("status <> %s AND due_on < %s")
        params += [COMPLETED, today]
    elif filters.status:
        conditions.append("status = %s")
        params.append(filters.status)
    where = " AND ".join(conditions)
    sql = f"""
        SELECT unit_id, course_id, SUM(n),
               SUM(n) FILTER (WHERE status = %s), SUM(n) FILTER (WHERE status = %s),
               SUM(n) FILTER (WHERE status = %s), SUM(n) FILTER (WHERE status <> %s AND due_on < %s)
        FROM (
            SELECT unit_id, course_id, status, due_on, learners AS n FROM {tally}
            WHERE {where}
            UNION ALL
            SELECT unit_id, course_id, status, due_on, change FROM {changes}
            WHERE {where}
        ) t
        GROUP BY unit_id, course_id
    """  # noqa: S608 - tables and conditions are fixed strings; every value is a parameter
    head = [Enrolment.Status.NOT_STARTED, Enrolment.Status.IN_PROGRESS, COMPLETED, COMPLETED, today]
    with connection.cursor() as cursor:
        cursor.execute(sql, head + params + params)
        return {
            (unit_id, course_id): Counts(*(int(value or 0) for value in values))
            for unit_id, course_id, *values in cursor.fetchall()
        }


def _live_counts(
    querysets: list[tuple[QuerySet[Enrolment], int]], length: int, today: datetime.date
) -> dict[tuple, Counts]:
    """(the first ``length`` characters of the unit's path, course id) → counts, aggregated over the
    enrolments of all ``querysets`` (disjoint: one per date range), each counted with its sign (+1 or
    -1), in one query; people with no unit under None.

    Each date range is a query of its own inside (UNION ALL), so that each reads its range of a date
    index alone (progress.models.Enrolment.Meta.indexes, index-only); two ranges OR-ed together read
    the table (750 ms instead of 100 for two weeks at each end of a city's year). Each joins its
    enrolments to their units and counts per node straight away: grouping per unit first and per node
    after was slower (58 ms against 40 for 73,000 enrolments), the node's few groups being cheaper than
    the units' thousands."""
    # Not COUNT(id): course_id is in the date indexes, which then answer without reading the table.
    not_done = ~Q(status=COMPLETED)
    parts, params = [], []
    for queryset, sign in querysets:
        per_node = (
            queryset.annotate(key=Substr("org_unit__path", 1, length))
            .values("key", "course_id")
            .annotate(
                assigned=Count("*"),
                not_started=Count("course_id", filter=Q(status=Enrolment.Status.NOT_STARTED)),
                in_progress=Count("course_id", filter=Q(status=Enrolment.Status.IN_PROGRESS)),
                completed=Count("course_id", filter=Q(status=COMPLETED)),
                overdue=Count("course_id", filter=not_done & Q(due_on__lt=today)),
            )
            .order_by()
        )
        try:
            sql, part_params = per_node.query.sql_with_params()
        except EmptyResultSet:
            continue  # e.g. a scope with no units
        signed = ", ".join(f"{qn(name)} * {int(sign)} AS {qn(name)}" for name in Counts.FIELDS)
        parts.append(f"SELECT {qn('key')}, course_id, {signed} FROM ({sql}) p{len(parts)}")  # noqa: S608
        params += part_params
    if not parts:
        return {}
    sums = ", ".join(f"SUM(g.{qn(name)})" for name in Counts.FIELDS)
    sql = f"""
        SELECT g.{qn("key")}, g.course_id, {sums} FROM ({" UNION ALL ".join(parts)}) g GROUP BY 1, 2
    """  # noqa: S608 - querysets' own SQL, with their parameters; names quoted
    with _report_planning(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (key, course_id): Counts(*(int(v or 0) for v in values)) for key, course_id, *values in cursor
        }


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


# work_mem for a report's aggregate: PostgreSQL cannot tell how few nodes a path prefix gives (it
# guessed 44,000 groups for 18) and, with the default 4 MB, sorted them on disk instead of hashing.
REPORT_WORK_MEM = "32MB"


@contextmanager
def planner_settings(**values: str) -> Iterator[None]:
    """Runs the statements inside with these PostgreSQL settings, for this transaction only (a
    transaction of its own unless one is open): one statement more; elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    names = sorted(values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [item for name in names for item in (name, values[name])],
        )
        yield


@contextmanager
def _report_planning() -> Iterator[None]:
    """Runs the statements inside without PostgreSQL's JIT compilation, and with `REPORT_WORK_MEM`: a
    report's aggregate over many rows is estimated costly enough to compile, and compiling took longer
    (up to 1.5 s, measured) than the query itself."""
    with planner_settings(jit="off", work_mem=REPORT_WORK_MEM):
        yield


# -- dates: whole half months from the month tallies, the days at either end live -------------------


Days = tuple[datetime.date | None, datetime.date | None]  # first and last day; None: open at that end


@dataclass(frozen=True)
class DateSplit:
    """A date filter split into half months read from the month tallies and days counted live.

    ``first_period``/``stop_period``: the first half month read and the first not read, by their first
    days (None: open at that end); ``plus``: ranges of days counted live and added; ``minus``: ranges of
    days counted live and taken away (the rest of a half month read whole, when that is fewer days to
    count than the part of it in the filter)."""

    dated_by: str
    field: str
    first_period: datetime.date | None
    stop_period: datetime.date | None
    plus: tuple[Days, ...] = ()
    minus: tuple[Days, ...] = ()

    @property
    def has_periods(self) -> bool:
        return self.first_period is None or self.stop_period is None or self.first_period < self.stop_period

    def live(self) -> list[tuple[Q, int]]:
        """(the enrolments dated in a range of days, +1 or -1) for each range counted live."""
        return [(_day_range_q(self.field, *days), 1) for days in self.plus] + [
            (_day_range_q(self.field, *days), -1) for days in self.minus
        ]


def period_start(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s half month (as the month tallies count them): the 1st or the 16th."""
    return day.replace(day=1 if day.day < SECOND_HALF_STARTS else SECOND_HALF_STARTS)


def _period_after(day: datetime.date) -> datetime.date:
    """The first day of the half month after ``day``'s."""
    if day.day < SECOND_HALF_STARTS:
        return day.replace(day=SECOND_HALF_STARTS)
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _period_end(day: datetime.date) -> datetime.date:
    return _period_after(day) - datetime.timedelta(days=1)


def _days_to_count(ranges: list[Days], today: datetime.date) -> int:
    """How many days of ``ranges`` (closed) can hold enrolments dated so far: what counting them live
    costs, roughly."""
    return sum(max(0, (min(last, today) - first).days + 1) for first, last in ranges)


def date_split(filters: ReportFilters, today: datetime.date | None = None) -> DateSplit | None:
    """How the month tallies answer ``filters``' date filter; None when they cannot (no date filter, or
    both, or the tallies are not there).

    The whole half months of the range are read from the tallies. A half month the range takes only part
    of is counted live: either its days in the range, added, or, when there are fewer of them, its other
    days, taken away from the whole half month read from the tallies (days after ``today`` count for
    nothing: nothing is dated then). So at most about a week is counted live at either end."""
    found = filters.date_range
    if found is None or filters.search or not tallies.month_tallies_usable():
        return None
    today = today or timezone.localdate()
    kind, start, end = found
    dated_by, field = {
        "completed": (COMPLETED_MONTH, "completed_at"),
        "enrolled": (ENROLLED_MONTH, "enrolled_at"),
    }[kind]
    day = datetime.timedelta(days=1)
    if start is not None and end is not None and start > end:
        return DateSplit(dated_by, field, start, start, plus=((start, end),))  # nothing: counted live
    lower = period_start(start) if start is not None and start != period_start(start) else None
    upper = period_start(end) if end is not None and end != _period_end(end) else None
    if lower is not None and lower == upper:  # inside one half month
        inside = [(start, end)]
        outside = [
            (first, last)
            for first, last in ((lower, start - day), (end + day, _period_end(lower)))
            if first <= last
        ]
        if _days_to_count(inside, today) <= _days_to_count(outside, today):
            return DateSplit(dated_by, field, lower, lower, plus=tuple(inside))
        return DateSplit(dated_by, field, lower, _period_after(lower), minus=tuple(outside))
    first = start if lower is None else _period_after(lower)
    stop = None if end is None else (_period_after(end) if upper is None else upper)
    plus, minus = [], []
    if lower is not None:
        part, rest = (start, _period_end(lower)), (lower, start - day)
        if _days_to_count([part], today) <= _days_to_count([rest], today):
            plus.append(part)
        else:
            first = lower
            minus.append(rest)
    if upper is not None:
        part, rest = (upper, end), (end + day, _period_end(upper))
        if _days_to_count([part], today) <= _days_to_count([rest], today):
            plus.append(part)
        else:
            stop = _period_after(upper)
            minus.append(rest)
    if len(plus) == 2 and plus[0][1] + day == plus[1][0]:  # the two parts of adjacent half months
        plus = [(plus[0][0], plus[1][1])]
    return DateSplit(dated_by, field, first, stop, plus=tuple(plus), minus=tuple(minus))


def use_tallies(filters: ReportFilters) -> bool:
    """Whether the counts come from the tallies (with a date filter: its whole half months from the month
    tallies, the rest live), rather than from counting every enrolment."""
    if not tallies.tallies_supported():
        return False
    return filters.countable_from_tallies or date_split(filters) is not None


def place_unit_ids(*, scope: Scope, place: Place) -> list[int] | None:
    """Ids of the units whose people are at ``place`` (None: no restriction, a city-wide scope at its top).

    A list of ids rather than a join on the path, so that PostgreSQL walks an index in
    (unit, learner) order and a page of people costs the same for a community as for the city."""
    if place.unplaced:
        return []
    if place.unit is not None and place.direct:
        return [place.unit.pk]
    base = place.unit if place.unit is not None else scope.unit
    if base is None:
        return None if scope.everything else []
    return list(OrgUnit.objects.filter(path__startswith=base.path).values_list("pk", flat=True))


def assigned_enrolments(*, scope: Scope, place: Place, filters: ReportFilters, today: datetime.date):
    """The assigned enrolments a report shows: in scope, at the place, filtered. One query for the
    place's unit ids (none for a city-wide scope at its top)."""
    queryset = Enrolment.objects.filter(assigned=True)
    unit_ids = place_unit_ids(scope=scope, place=place)
    if place.unplaced:
        queryset = queryset.filter(org_unit__isnull=True) if scope.everything else queryset.none()
    elif unit_ids is not None:
        queryset = queryset.filter(org_unit_id__in=unit_ids)
    if filters.course_id:
        queryset = queryset.filter(course_id=filters.course_id)
    if filters.position_id:
        queryset = queryset.filter(position_id=filters.position_id)
    if filters.status:
        queryset = queryset.filter(_status_condition(filters.status, today))
    queryset = queryset.filter(
        _day_range_q("completed_at", filters.completed_from, filters.completed_to),
        _day_range_q("enrolled_at", filters.enrolled_from, filters.enrolled_to),
    )
    if filters.search:
        learners = searched_learners(filters.search)
        queryset = queryset.filter(learner_id__in=learners)
    return queryset


# Up to this many people found by a search are looked up as a list of ids; more, as a subquery.
SEARCH_IDS_AT_MOST = 5_000


def searched_learners(term: str) -> list[int] | QuerySet:
    """The people a search finds (part of a name, or a whole username or mobile number), anywhere: the
    enrolments they are looked up in are scoped. One query.

    Their ids, when there are not too many: PostgreSQL cannot tell how many names contain a character
    (it guessed five times too many for one surname and read every enrolment), but given the ids it
    counts right and looks up only theirs. A search that finds very many people stays a subquery, which
    is then the better plan. Either way one query, and the export reads the very same rows."""
    from accounts.mobile import mobile_normalise
    from accounts.models import User

    term = term.strip()
    mobile = (
        mobile_normalise(term) or term
    )  # "138 0000 0001", "+86…", full-width digits: as sign-in reads them
    if term.upper() == term.lower():
        # Nothing to fold (Chinese, digits): the same people, without upper-casing every name first
        # (three times faster over a city's people).
        found = User.objects.filter(Q(name__contains=term) | Q(username=term) | Q(mobile=mobile))
    else:
        found = User.objects.filter(Q(name__icontains=term) | Q(username__iexact=term) | Q(mobile=mobile))
    ids = list(found.order_by().values_list("pk", flat=True)[: SEARCH_IDS_AT_MOST + 1])
    if len(ids) > SEARCH_IDS_AT_MOST:
        return found.values("pk")
    return ids


def _day_range_q(field: str, first: datetime.date | None, last: datetime.date | None) -> Q:
    """``field`` (a date and time) on one of the days from ``first`` to ``last``, in the site's time zone;
    either may be None (open)."""
    day = timezone.get_current_timezone()
    found = Q()
    if first:
        found &= Q(**{f"{field}__gte": _start_of(first, day)})
    if last:
        found &= Q(**{f"{field}__lt": _start_of(last, day, plus_days=1)})
    return found


def _start_of(day: datetime.date, tz, plus_days: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=plus_days), datetime.time(), tzinfo=tz)


def place_count(*, scope: Scope, place: Place, filters: ReportFilters, today: datetime.date) -> int:
    """How many enrolments `assigned_enrolments` holds, from the tallies when they can say (one small
    query instead of a COUNT over millions of rows; filtered by date, the whole half months from the month
    tallies and the days at either end counted), else by counting."""
    if not use_tallies(filters):
        with _report_planning():
            return assigned_enrolments(scope=scope, place=place, filters=filters, today=today).count()
    split = date_split(filters, today)
    total = 0
    if split is None or split.has_periods:
        if place.unplaced:
            ids, minus = [NOT_PLACED], []
        elif place.unit is None:
            ids, minus = [root.pk for root in unit_children(None)] + [NOT_PLACED], []
        elif place.direct:
            ids, minus = [place.unit.pk], [child.pk for child in unit_children(place.unit)]
        else:
            ids, minus = [place.unit.pk], []
        counts = _tally_counts(ids + minus, filters, today, periods=split)
        total += sum(c.assigned for (unit_id, _course), c in counts.items() if unit_id not in minus)
        total -= sum(c.assigned for (unit_id, _course), c in counts.items() if unit_id in minus)
    if split is not None and split.live():
        undated = assigned_enrolments(scope=scope, place=place, filters=filters.without_dates(), today=today)
        with _report_planning():  # each range on its date index
            total += sum(undated.filter(days).count() * sign for days, sign in split.live())
    return total


# -- completion dashboard ------------------------------------------------------------------------


@dataclass
class NodeRow:
    label: str
    counts: Counts
    unit: OrgUnit | None = None  # a child unit to drill into
    direct: bool = False  # the people placed in the node itself
    unplaced: bool = False  # the people with no unit

    @property
    def drillable(self) -> bool:
        return self.unit is not None and not self.direct and self.unit.numchild > 0


@dataclass
class CourseSection:
    course_id: int
    title: str
    rows: list[NodeRow] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)


def course_titles(course_ids: Iterable[int], known: dict[int, str] | None = None) -> dict[int, str]:
    """Course id → title (one query for the ids not in ``known``); deleted courses keep their number."""
    known = {} if known is None else known
    missing = set(course_ids) - known.keys()
    if missing:
        found = dict(CoursePage.objects.filter(pk__in=missing).values_list("pk", "title"))
        for course_id in missing:
            known[course_id] = found.get(course_id) or gettext("(deleted course #%(id)s)") % {"id": course_id}
    return known


def quiz_title(quiz_id: int) -> str:
    """The quiz's title; a deleted quiz keeps its number. One query."""
    from quizzes.models import QuizPage

    title = QuizPage.objects.filter(pk=quiz_id).values_list("title", flat=True).first()
    return title or gettext("(deleted quiz #%(id)s)") % {"id": quiz_id}


def completion_by_node(
    *,
    scope: Scope,
    node: OrgUnit | None,
    filters: ReportFilters,
    today: datetime.date,
    include_unplaced: bool = False,
) -> list[CourseSection]:
    """For each assigned course, the counts of each child of ``node`` (None: the roots, for a city-wide
    scope), of the people placed in ``node`` itself, and, with ``include_unplaced`` (the top of a
    city-wide scope), of the people with no unit.

    Queries: the children, one aggregate of the tallies, the course titles: three, whatever the number
    of people or units. Filtered by a date, the tallies hold whole half months; the days at either end add
    a live aggregate (and the node's unit ids, below the top), and so does any filter the tallies cannot
    answer (both dates; anything on SQLite), which is then all live. A live aggregate is planned without
    JIT compilation and with more memory (`_report_planning`), which adds a statement."""
    if not scope.everything and (node is None or not scope.contains(node)):
        return []  # the views never ask for this; a selector does not trust them to
    children = unit_children(node)
    at_top = include_unplaced and scope.everything
    if use_tallies(filters):
        split = date_split(filters, today)
        by_child, direct_counts, unplaced_counts = {}, {}, {}
        if split is None or split.has_periods:
            by_child, direct_counts, unplaced_counts = _stored_by_node(
                node, children, filters, today, at_top=at_top, periods=split
            )
        if split is not None and split.live():
            edges = _live_by_node(
                scope, node, children, filters.without_dates(), today, at_top=at_top, where=split.live()
            )
            by_child, direct_counts, unplaced_counts = (
                _add(found, more)
                for found, more in zip((by_child, direct_counts, unplaced_counts), edges, strict=True)
            )
    else:
        by_child, direct_counts, unplaced_counts = _live_by_node(
            scope, node, children, filters, today, at_top=at_top
        )
    course_ids = {course_id for _unit, course_id in by_child} | direct_counts.keys() | unplaced_counts.keys()
    titles = course_titles(course_ids)
    sections = []
    for course_id in sorted(course_ids, key=lambda pk: (titles[pk], pk)):
        section = CourseSection(course_id=course_id, title=titles[course_id])
        for child in children:
            value = by_child.get((child.pk, course_id))
            if value and value.assigned:
                section.rows.append(NodeRow(label=child.name, counts=value, unit=child))
        direct = direct_counts.get(course_id)
        if direct and direct.assigned and node is not None:
            label = gettext("Placed directly in %(unit)s") % {"unit": node.name}
            section.rows.append(NodeRow(label=label, counts=direct, unit=node, direct=True))
        unplaced = unplaced_counts.get(course_id)
        if unplaced and unplaced.assigned:
            section.rows.append(
                NodeRow(label=gettext("Not placed in the organisation"), counts=unplaced, unplaced=True)
            )
        section.total = sum((row.counts for row in section.rows), start=Counts())
        if section.total.assigned:
            sections.append(section)
    return sections


Split = tuple[dict[tuple[int, int], Counts], dict[int, Counts], dict[int, Counts]]


def _add(found: dict, more: dict) -> dict:
    added = dict(found)
    for key, value in more.items():
        added[key] = added[key] + value if key in added else value
    return added


def _stored_by_node(
    node: OrgUnit | None,
    children: list[OrgUnit],
    filters: ReportFilters,
    today: datetime.date,
    *,
    at_top: bool,
    periods: DateSplit | None,
) -> Split:
    """(by (child id, course id), placed in the node itself by course, with no unit by course), from the
    tallies: one query."""
    own = [node.pk] if node is not None else []
    extra = [NOT_PLACED] if at_top else []
    counts = _tally_counts([c.pk for c in children] + own + extra, filters, today, periods=periods)
    by_child = {}
    child_ids = {c.pk for c in children}
    own_counts: dict[int, Counts] = {}
    unplaced_counts: dict[int, Counts] = {}
    for (unit_id, course_id), value in counts.items():
        if unit_id in child_ids:
            by_child[(unit_id, course_id)] = value
        elif node is not None and unit_id == node.pk:
            own_counts[course_id] = value
        elif unit_id == NOT_PLACED:
            unplaced_counts[course_id] = value
    direct_counts = {}
    for course_id, value in own_counts.items():
        below = sum((v for (unit_id, c_id), v in by_child.items() if c_id == course_id), start=Counts())
        direct_counts[course_id] = value - below
    return by_child, direct_counts, unplaced_counts


def _live_by_node(
    scope: Scope,
    node: OrgUnit | None,
    children: list[OrgUnit],
    filters: ReportFilters,
    today: datetime.date,
    *,
    at_top: bool,
    where: list[tuple[Q, int]] | None = None,
) -> Split:
    """The same as `_stored_by_node`, counted over the enrolments (with ``where``: those matching each
    condition, counted with its sign): the node's unit ids (below the top), then one aggregate."""
    if at_top:
        place, placed = Place(), Q()  # everyone, people with no unit included
    else:
        place, placed = Place(unit=node), Q(org_unit__isnull=False)
    queryset = assigned_enrolments(scope=scope, place=place, filters=filters, today=today).filter(placed)
    if where is None:
        querysets = [(queryset, 1)]
    else:
        querysets = [(queryset.filter(condition), sign) for condition, sign in where]
    length = (node.depth + 1) * STEP if node is not None else STEP
    counts = _live_counts(querysets, length, today)
    by_path = {c.path: c for c in children}
    by_child, direct_counts, unplaced_counts = {}, {}, {}
    for (key, course_id), value in counts.items():
        if key is None:
            unplaced_counts[course_id] = value
        elif key in by_path:
            by_child[(by_path[key].pk, course_id)] = value
        elif node is not None and key == node.path:
            direct_counts[course_id] = value
    return by_child, direct_counts, unplaced_counts


# -- people and overdue lists --------------------------------------------------------------------

PEOPLE_VALUES = (
    "pk",
    "learner_id",
    "learner__name",
    "learner__username",
    "org_unit__path",
    "position__name",
    "course_id",
    "status",
    "due_on",
    "completed_at",
    "enrolled_at",
)
# Both walk a partial index (progress.models.Enrolment.Meta.indexes): a page costs the same at any depth
# of the tree.
PEOPLE_ORDERING = ("org_unit_id", "learner_id", "course_id")
OVERDUE_ORDERING = ("due_on", "org_unit_id", "learner_id", "course_id")


@dataclass
class EnrolmentRow:
    pk: int
    learner_id: int
    name: str
    unit: str
    position: str
    course_id: int
    course: str
    status: str
    status_label: str
    due_on: datetime.date | None
    days_overdue: int | None
    completed_at: datetime.datetime | None
    completion_note: str
    enrolled_at: datetime.datetime | None


def override_note(*, recorded_by: str, reason: str) -> str:
    """How a manager's override reads everywhere: transcript, people list, exports."""
    return gettext("Marked complete by %(name)s: %(reason)s") % {"name": recorded_by, "reason": reason}


class EnrolmentRowMaker:
    """Turns enrolment values into display rows, a chunk at a time: per chunk, at most one query for
    unit names, one for course titles (both cached across chunks) and one for managers' overrides."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.unit_names: dict[str, str] = {}
        self.titles: dict[int, str] = {}

    def rows(self, records: list[dict]) -> list[EnrolmentRow]:
        if not records:
            return []
        paths = unit_path_names(
            {r["org_unit__path"] for r in records if r["org_unit__path"]}, self.unit_names
        )
        course_titles((r["course_id"] for r in records), self.titles)
        overrides = self._overrides(records)
        statuses = dict(Enrolment.Status.choices)
        rows = []
        for r in records:
            late = None
            if r["status"] != COMPLETED and r["due_on"] and r["due_on"] < self.today:
                late = (self.today - r["due_on"]).days
            rows.append(
                EnrolmentRow(
                    pk=r["pk"],
                    learner_id=r["learner_id"],
                    name=r["learner__name"] or r["learner__username"],
                    unit=paths.get(r["org_unit__path"], "") if r["org_unit__path"] else "",
                    position=r["position__name"] or "",
                    course_id=r["course_id"],
                    course=self.titles[r["course_id"]],
                    status=r["status"],
                    status_label=str(statuses.get(r["status"], r["status"])),
                    due_on=r["due_on"],
                    days_overdue=late,
                    completed_at=r["completed_at"],
                    completion_note=overrides.get((r["learner_id"], r["course_id"]), ""),
                    enrolled_at=r["enrolled_at"],
                )
            )
        return rows

    def _overrides(self, records: list[dict]) -> dict[tuple[int, int], str]:
        done = [r for r in records if r["status"] == COMPLETED]
        if not done:
            return {}
        found = CourseCompletion.objects.filter(
            rule__in=(CourseCompletion.Rule.MANAGER_OVERRIDE, CourseCompletion.Rule.SESSION_ATTENDED),
            learner_id__in={r["learner_id"] for r in done},
            course_id__in={r["course_id"] for r in done},
        ).values_list(
            "learner_id", "course_id", "rule", "recorded_by__name", "recorded_by__username", "reason"
        )
        return {
            (learner_id, course_id): (
                reason  # "Attended session “…” on …"
                if rule == CourseCompletion.Rule.SESSION_ATTENDED
                else override_note(recorded_by=name or username or "?", reason=reason)
            )
            for learner_id, course_id, rule, name, username, reason in found
        }


def enrolment_rows(queryset: QuerySet[Enrolment], *, today: datetime.date) -> Iterator[EnrolmentRow]:
    """Every row of the (ordered) queryset, streamed: a server-side cursor read in chunks."""
    maker = EnrolmentRowMaker(today)
    records = queryset.values(*PEOPLE_VALUES).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(itertools.islice(records, EXPORT_CHUNK)):
        yield from maker.rows(chunk)


# -- quiz results ----------------------------------------------------------------------------------


def graded_attempts(*, scope: Scope, place: Place, filters: ReportFilters):
    from quizzes.models import QuizAttempt

    attempts = QuizAttempt.objects.filter(
        state__in=(QuizAttempt.State.SUBMITTED, QuizAttempt.State.TIMED_OUT),
        awaiting_marking=False,  # not graded until a trainer marks its written answers
    ).filter(scope.q("learner__org_unit"), place.q("learner__org_unit"))
    if filters.course_id:
        attempts = attempts.filter(course_id=filters.course_id)
    if filters.position_id:
        attempts = attempts.filter(learner__position_id=filters.position_id)
    day = timezone.get_current_timezone()
    if filters.completed_from:
        attempts = attempts.filter(submitted_at__gte=_start_of(filters.completed_from, day))
    if filters.completed_to:
        attempts = attempts.filter(submitted_at__lt=_start_of(filters.completed_to, day, plus_days=1))
    return attempts


@dataclass
class QuizRow:
    quiz_id: int
    quiz: str
    course_id: int
    course: str
    attempts: int
    learners: int
    learners_passed: int
    average_percent: float | None

    @property
    def pass_rate(self) -> float:
        value = percent_value(self.learners_passed, self.learners)
        return float(value) if value is not None else 0.0


def quiz_result_rows(*, scope: Scope, place: Place, filters: ReportFilters) -> list[QuizRow]:
    """One row per quiz: graded attempts, learners, learners who passed, average score. Two queries."""
    from quizzes.models import QuizPage

    grouped = list(
        graded_attempts(scope=scope, place=place, filters=filters)
        .values("quiz_id", "course_id")
        .annotate(
            attempts=Count("pk"),
            learners=Count("learner_id", distinct=True),
            learners_passed=Count("learner_id", distinct=True, filter=Q(passed=True)),
            average_percent=Avg("percent"),
        )
        .order_by()
    )
    ids = {row["quiz_id"] for row in grouped} | {row["course_id"] for row in grouped}
    titles = dict(QuizPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    titles.update(CoursePage.objects.filter(pk__in=ids).values_list("pk", "title"))
    rows = [
        QuizRow(
            quiz_id=row["quiz_id"],
            quiz=titles.get(row["quiz_id"]) or gettext("(deleted quiz #%(id)s)") % {"id": row["quiz_id"]},
            course_id=row["course_id"],
            course=titles.get(row["course_id"])
            or gettext("(deleted course #%(id)s)") % {"id": row["course_id"]},
            attempts=row["attempts"],
            learners=row["learners"],
            learners_passed=row["learners_passed"],
            average_percent=round(row["average_percent"], 1) if row["average_percent"] is not None else None,
        )
        for row in grouped
    ]
    return sorted(rows, key=lambda row: (row.course, row.quiz, row.quiz_id))


def question_rows(*, scope: Scope, place: Place, filters: ReportFilters, quiz_id: int) -> list[dict]:
    """Per question of one quiz: times answered, % right, most chosen wrong answer — the question bank's
    statistics (quizzes.admin_views), over the answers of learners in scope only."""
    from quizzes.admin_views import question_statistics_rows, statistics_decorate
    from quizzes.models import AttemptAnswer

    attempts = graded_attempts(scope=scope, place=place, filters=filters).filter(quiz_id=quiz_id)
    answers = AttemptAnswer.objects.filter(attempt__in=attempts.values("pk"))
    rows = list(question_statistics_rows(answers).order_by("correct_percent", "-answered", "question_id"))
    return statistics_decorate(rows, answers)


# -- learner transcript ----------------------------------------------------------------------------


def learner_in_scope(*, scope: Scope, learner_id: int):
    """The person whose transcript is asked for, with their unit and position, if ``scope`` holds them:
    anyone else is a 404. One query."""
    return get_object_or_404(scope.users().select_related("org_unit", "position"), pk=learner_id)


def override_course_choices(*, learner) -> QuerySet[CoursePage]:
    """The courses a manager may mark complete for ``learner``: published and not completed yet, by
    title. One query when listed."""
    done = CourseCompletion.objects.filter(learner=learner).values("course_id")
    return CoursePage.objects.live().exclude(pk__in=done).order_by("title").only("pk", "title")


@dataclass
class TranscriptLine:
    kind: str  # "course", "lesson", "quiz" or "attempt"
    kind_label: str
    course_id: int
    course: str
    item: str = ""
    status: str = ""
    progress: Percent | str = ""
    due_on: datetime.date | None = None
    date: datetime.datetime | None = None
    score: Percent | str = ""
    note: str = ""


@dataclass
class TranscriptCourse:
    course_id: int
    title: str
    completed: bool
    lines: list[TranscriptLine] = field(default_factory=list)


def learner_transcript(*, learner) -> list[TranscriptCourse]:
    """Everything a person did, course by course: the course (status, progress, due date, how it was
    completed), each lesson and quiz of it, and every quiz attempt with its score.

    Seven queries at most, whatever the number of courses, lessons or attempts."""
    from django.contrib.contenttypes.models import ContentType

    from progress import rules
    from progress.models import ItemProgress
    from progress.selectors import items_by_course
    from quizzes.models import QuizAttempt, QuizPage

    enrolments = {e.course_id: e for e in Enrolment.objects.filter(learner=learner)}
    completions = {
        c.course_id: c for c in CourseCompletion.objects.filter(learner=learner).select_related("recorded_by")
    }
    course_ids = enrolments.keys() | completions.keys()
    courses = list(CoursePage.objects.filter(pk__in=course_ids).only("pk", "title", "path", "depth"))
    items = items_by_course(courses)
    progress = {p.item_id: p for p in ItemProgress.objects.filter(learner=learner)}
    attempts: dict[int, list] = {}
    for attempt in QuizAttempt.objects.filter(learner=learner).order_by("quiz_id", "number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    known_items = {item.pk for course_items in items.values() for item in course_items}
    missing = {quiz_id for quiz_id in attempts if quiz_id not in known_items}
    quiz_titles = dict(QuizPage.objects.filter(pk__in=missing).values_list("pk", "title")) if missing else {}
    titles = {course.pk: course.title for course in courses}
    statuses = dict(Enrolment.Status.choices)
    attempt_states = dict(QuizAttempt.State.choices)
    quiz_type = QuizPage._meta.verbose_name
    quiz_content_type = ContentType.objects.get_for_model(QuizPage).pk  # cached after the first call
    lesson_type = gettext("Lesson")

    def attempt_lines(course_id, title, quiz_title, quiz_attempts):
        for attempt in quiz_attempts:
            passed = ""
            if attempt.passed is not None:
                passed = gettext("Passed") if attempt.passed else gettext("Not passed")
            yield TranscriptLine(
                kind="attempt",
                kind_label=gettext("Attempt %(number)s") % {"number": attempt.number},
                course_id=course_id,
                course=title,
                item=quiz_title,
                status=gettext("Awaiting marking")
                if attempt.awaiting_marking
                else str(attempt_states.get(attempt.state, attempt.state)),
                date=attempt.submitted_at or attempt.started_at,
                score=Percent(attempt.percent) if attempt.percent is not None else "",
                note=passed,
            )

    result = []
    for course_id in sorted(course_ids, key=lambda pk: (titles.get(pk, ""), pk)):
        title = titles.get(course_id) or gettext("(deleted course #%(id)s)") % {"id": course_id}
        enrolment = enrolments.get(course_id)
        completion = completions.get(course_id)
        course_items = items.get(course_id, [])
        done = [item.pk for item in course_items if progress.get(item.pk) and progress[item.pk].completed_at]
        percent = rules.course_progress(
            [item.pk for item in course_items if item.required], done, completed=completion is not None
        ).percent_exact
        if completion is None:
            note = ""
            status = str(statuses.get(enrolment.status, enrolment.status)) if enrolment else ""
        elif completion.rule == CourseCompletion.Rule.MANAGER_OVERRIDE:
            recorded_by = str(completion.recorded_by) if completion.recorded_by else "?"
            note = override_note(recorded_by=recorded_by, reason=completion.reason)
            status = str(statuses[COMPLETED])
        elif completion.rule == CourseCompletion.Rule.SESSION_ATTENDED and completion.reason:
            note = completion.reason  # "Attended session “…” on …"
            status = str(statuses[COMPLETED])
        else:
            note = completion.get_rule_display()
            status = str(statuses[COMPLETED])
        entry = TranscriptCourse(course_id=course_id, title=title, completed=completion is not None)
        entry.lines.append(
            TranscriptLine(
                kind="course",
                kind_label=gettext("Course"),
                course_id=course_id,
                course=title,
                status=status,
                progress=Percent(percent),
                due_on=enrolment.due_on if enrolment and enrolment.assigned else None,
                date=completion.completed_at if completion else None,
                note=note,
            )
        )
        for item in course_items:
            row = progress.get(item.pk)
            if row is None:
                item_status = gettext("Not started")
            elif row.completed_at and row.tested_out:
                item_status = gettext("Skipped: passed the test-out")
            elif row.completed_at:
                item_status = gettext("Done")
            else:
                item_status = gettext("Opened")
            is_quiz = item.pk in attempts or item.content_type_id == quiz_content_type
            entry.lines.append(
                TranscriptLine(
                    kind="quiz" if is_quiz else "lesson",
                    kind_label=str(quiz_type) if is_quiz else lesson_type,
                    course_id=course_id,
                    course=title,
                    item=item.title,
                    status=item_status,
                    date=row.completed_at if row else None,
                    note="" if item.required else gettext("Optional"),
                )
            )
            entry.lines.extend(attempt_lines(course_id, title, item.title, attempts.get(item.pk, [])))
        for quiz_id, quiz_attempts in attempts.items():
            if quiz_id in missing and quiz_attempts[0].course_id == course_id:
                quiz_title = quiz_titles.get(quiz_id) or gettext("(deleted quiz #%(id)s)") % {"id": quiz_id}
                entry.lines.extend(attempt_lines(course_id, title, quiz_title, quiz_attempts))
        result.append(entry)
    return result
