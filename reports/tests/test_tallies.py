"""The enrolment tallies and the month tallies (PostgreSQL triggers, reports/tallies.py) always add up to a
live count: after progress, bulk updates, deletions, moves in the tree and folds; and the dashboard and the
people list's count read the same numbers from them as they count live, with and without a date filter.
Whether the database runs the declared triggers and indexes: test_tally_machinery.py."""

from __future__ import annotations

import contextlib
import datetime
import io
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.scope import Scope
from progress import services
from progress.models import Enrolment
from reports import selectors, tallies
from reports.filters import OVERDUE, ReportFilters
from reports.models import (
    EnrolmentMonthTally,
    EnrolmentMonthTallyChange,
    EnrolmentTally,
    EnrolmentTallyChange,
    MonthTallyZone,
)
from reports.selectors import Place
from tests.factories import make_user

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the tallies are kept by PostgreSQL triggers; SQLite counts live (set DATABASE_URL)")


def assert_exact():
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []
    tallies.tally_fold()
    tallies.month_tally_fold()
    assert tallies.tally_pending() == 0
    assert tallies.month_tally_pending() == 0
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []
    assert not EnrolmentTally.objects.filter(learners__lte=0).exists()
    assert not EnrolmentMonthTally.objects.filter(learners__lte=0).exists()


def local(year, month, day, hour=12, minute=0):
    """A moment in the site's time zone (Asia/Shanghai: a day ends at 16:00 UTC)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def spread_dates(world):
    """Completions and enrolments over several months, some a minute either side of a local midnight
    that starts a month or its second half (the previous UTC day), one marked completed-at but not
    completed."""
    learners = list(world.learners.values())
    shared = world.courses["shared"].pk
    moments = [
        local(2026, 1, 31, 23, 59),
        local(2026, 2, 1, 0, 1),
        local(2026, 2, 16, 0, 1),
        local(2026, 3, 15, 23, 59),
    ]
    for learner, moment in zip(learners, moments, strict=True):
        Enrolment.objects.filter(learner=learner, course_id=shared).update(
            status=Enrolment.Status.COMPLETED,
            completed_at=moment,
            enrolled_at=moment - datetime.timedelta(days=40),
        )
    own = world.courses["A社区"].pk
    Enrolment.objects.filter(learner=world.learners["A社区"], course_id=own).update(
        status=Enrolment.Status.IN_PROGRESS,
        completed_at=local(2026, 4, 1, 0, 0),
        enrolled_at=local(2025, 12, 31, 8),
    )


# "Completed between" and "enrolled between" ranges: whole months and half months, parts of them at either
# end, one day, open ends, inside one month, empty, and upside down.
DATE_RANGES = [
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    (datetime.date(2026, 1, 31), datetime.date(2026, 3, 31)),
    (datetime.date(2026, 2, 1), datetime.date(2026, 3, 30)),
    (datetime.date(2026, 1, 15), datetime.date(2026, 2, 14)),
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1)),
    (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1)),
    (datetime.date(2026, 2, 2), None),
    (None, datetime.date(2026, 1, 31)),
    (datetime.date(2025, 12, 31), None),
    (datetime.date(2026, 2, 10), datetime.date(2026, 2, 20)),
    (datetime.date(2026, 5, 1), datetime.date(2026, 3, 1)),
    (datetime.date(2026, 2, 16), datetime.date(2026, 3, 15)),
    (datetime.date(2026, 1, 16), datetime.date(2026, 2, 15)),
    (datetime.date(2026, 2, 8), datetime.date(2026, 3, 23)),
    (datetime.date(2026, 2, 16), datetime.date(2026, 2, 16)),
    (datetime.date(2026, 3, 16), None),
    (None, datetime.date(2026, 2, 15)),
]


def dated_filters(world) -> list[ReportFilters]:
    found = []
    for start, end in DATE_RANGES:
        found.append(ReportFilters(completed_from=start, completed_to=end))
        found.append(ReportFilters(enrolled_from=start, enrolled_to=end, status=OVERDUE))
    found.append(
        ReportFilters(completed_from=datetime.date(2026, 1, 20), course_id=world.courses["shared"].pk)
    )
    found.append(ReportFilters(enrolled_to=datetime.date(2026, 3, 15), position_id=world.position.pk))
    found.append(ReportFilters(completed_from=datetime.date(2026, 1, 1), status=Enrolment.Status.IN_PROGRESS))
    return found


@contextlib.contextmanager
def counted_live():
    """Counts as on a database without the tallies: every figure from the enrolments themselves."""
    with mock.patch.object(tallies, "tallies_supported", return_value=False):
        yield


def dashboards_agree(world, *, dated: bool = False):
    """Every node and place, with and without filters: the tallies give what a live count gives."""
    everything = Scope(unit=None, everything=True)
    filters = [
        ReportFilters(),
        ReportFilters(status=OVERDUE),
        ReportFilters(status=Enrolment.Status.COMPLETED),
        ReportFilters(course_id=world.courses["shared"].pk, position_id=world.position.pk),
    ]
    if dated:
        filters += dated_filters(world)
    nodes = [None, *OrgUnit.objects.all()]
    for chosen in filters:
        assert selectors.use_tallies(chosen)
        for node in nodes:
            args = {"scope": everything, "node": node, "filters": chosen, "today": world.today}
            from_tallies = selectors.completion_by_node(**args, include_unplaced=node is None)
            with counted_live():
                live = selectors.completion_by_node(**args, include_unplaced=node is None)
            assert from_tallies == live, (node, chosen)
            places = (
                [Place(unit=node), Place(unit=node, direct=True)] if node else [Place(), Place(unplaced=True)]
            )
            for place in places:
                args = {"scope": everything, "place": place, "filters": chosen, "today": world.today}
                counted = selectors.assigned_enrolments(**args).count()
                assert selectors.place_count(**args) == counted, (place, chosen)


def test_tallies_follow_every_kind_of_change(world):
    assert_exact()
    dashboards_agree(world)
    spread_dates(world)
    assert_exact()
    dashboards_agree(world, dated=True)
    learner = world.learners["A社区"]
    # Progress through the services: started, completed, overridden.
    services.item_complete(learner=learner, item=world.lessons["A社区"], course=world.courses["A社区"])
    services.course_completion_override(
        learner=world.learners["B社区"],
        course=world.courses["B社区"],
        actor=world.users["city_admin"],
        reason="线下",
    )
    assert tallies.tally_differences() == []
    # A bulk update, an unassignment, a new due date, a learner who loses their unit.
    Enrolment.objects.filter(course_id=world.courses["shared"].pk).update(status=Enrolment.Status.IN_PROGRESS)
    Enrolment.objects.filter(learner=world.learners["C社区"], course_id=world.courses["C社区"].pk).update(
        assigned=False
    )
    Enrolment.objects.filter(learner=world.learners["D社区"]).update(
        due_on=world.today - datetime.timedelta(days=1)
    )
    Enrolment.objects.filter(learner=world.learners["B社区"]).update(org_unit=None)
    # A completion moved to another month, one undone (its date cleared), an enrolment date moved.
    Enrolment.objects.filter(learner=world.learners["A社区"], course_id=world.courses["shared"].pk).update(
        completed_at=local(2026, 3, 1, 0, 5)
    )
    Enrolment.objects.filter(learner=world.learners["C社区"], course_id=world.courses["shared"].pk).update(
        status=Enrolment.Status.IN_PROGRESS, completed_at=None
    )
    Enrolment.objects.filter(learner=world.learners["D社区"]).update(enrolled_at=local(2026, 2, 28, 23, 59))
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []
    assert_exact()
    dashboards_agree(world, dated=True)
    # A learner deleted (their enrolments go with them), then everything of one course.
    User.objects.filter(pk=world.learners["D社区"].pk).delete()
    Enrolment.objects.filter(course_id=world.courses["A社区"].pk).delete()
    assert_exact()
    dashboards_agree(world, dated=True)
    # Everything at once, as the city generator's reset does.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: TRUNCATE refuses
        cursor.execute("TRUNCATE progress_enrolment")
    assert_exact()
    assert not EnrolmentMonthTally.objects.exists()


def test_a_unit_that_moves_takes_its_counts_with_it(world):
    spread_dates(world)
    tallies.tally_fold()
    tallies.month_tally_fold()
    street = OrgUnit.objects.get(name="解放碑街道")
    target = OrgUnit.objects.get(name="江北区")
    street.move(target, pos="sorted-child")
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []
    moved = OrgUnit.objects.get(pk=street.pk)
    assert moved.path.startswith(OrgUnit.objects.get(pk=target.pk).path)
    # A sorted insert shifts siblings' paths but nobody's ancestors: nothing to move.
    pending = tallies.tally_pending(), tallies.month_tally_pending()
    OrgUnit.objects.get(name="江北区").add_child(name="一个新街道", level="street")
    assert (tallies.tally_pending(), tallies.month_tally_pending()) == pending
    assert_exact()
    dashboards_agree(world, dated=True)


def test_big_statements_fold_at_once(world):
    tallies.tally_fold()
    learner = make_user("many", org_unit=world.units["C社区"])
    rows = [
        Enrolment(
            learner=learner,
            course_id=100_000 + n,  # history keeps course ids without a constraint
            assigned=True,
            due_on=world.today + datetime.timedelta(days=n),
            org_unit=learner.org_unit,
            status=Enrolment.Status.NOT_STARTED,
        )
        for n in range(1_500)
    ]
    Enrolment.objects.bulk_create(rows)
    # 1,500 due dates × 4 units (C社区 and the three above it) is more than a fold's worth.
    assert EnrolmentTallyChange.objects.count() == 0
    assert EnrolmentMonthTallyChange.objects.count() == 0
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []


def test_a_learners_progress_only_appends(world):
    """A learner's write adds change rows; the shared tally rows are left alone (unless the write
    happens to fold, which takes no lock anyone waits for): no counter row is locked in their
    transaction."""
    tallies.tally_fold()
    tallies.month_tally_fold()
    before = sorted(EnrolmentMonthTally.objects.values_list("id", "learners"))
    services.item_complete(
        learner=world.learners["A社区"], item=world.lessons["A社区"], course=world.courses["A社区"]
    )
    if tallies.month_tally_pending():  # not folded by chance
        assert sorted(EnrolmentMonthTally.objects.values_list("id", "learners")) == before
    assert tallies.month_tally_differences() == []
    # Where a learner is in a course changes nothing counted: nothing is appended at all.
    tallies.tally_fold()
    tallies.month_tally_fold()
    Enrolment.objects.filter(learner=world.learners["A社区"]).update(last_seen_at=timezone.now())
    assert (tallies.tally_pending(), tallies.month_tally_pending()) == (0, 0)
    # A change of what is counted is appended.
    first, second = Enrolment.objects.filter(learner=world.learners["B社区"]).order_by("pk")[:2]
    Enrolment.objects.filter(pk=first.pk).update(course_id=second.course_id + 10_000)
    assert tallies.month_tally_pending() > 0
    assert_exact()


def test_rebuild_repairs(world):
    spread_dates(world)
    tallies.tally_fold()
    tallies.month_tally_fold()
    EnrolmentTally.objects.update(learners=99)
    EnrolmentMonthTally.objects.update(learners=99)
    assert tallies.tally_differences()
    assert tallies.month_tally_differences()
    tallies.tally_rebuild()
    tallies.month_tally_rebuild()
    assert tallies.tally_differences() == []
    assert tallies.month_tally_differences() == []


def test_months_are_months_of_the_sites_time_zone(world):
    """23:59 on 31 January in Chongqing is 15:59 UTC: January. Another time zone than the one the
    months were counted in cannot use them, and counts live."""
    spread_dates(world)
    january = ReportFilters(completed_from=datetime.date(2026, 1, 1), completed_to=datetime.date(2026, 1, 31))
    everything = Scope(unit=None, everything=True)
    args = {"scope": everything, "place": Place(), "filters": january, "today": world.today}
    assert selectors.use_tallies(january)
    split = selectors.date_split(january)
    assert (split.plus, split.minus) == ((), ())
    assert selectors.place_count(**args) == 1
    tallies.month_tally_fold()
    assert EnrolmentMonthTally.objects.filter(
        dated_by="c", period=datetime.date(2026, 1, 16), unit_id=world.units["重庆市"].pk
    ).exists()
    assert EnrolmentMonthTally.objects.filter(
        dated_by="c", period=datetime.date(2026, 2, 16), unit_id=world.units["重庆市"].pk
    ).exists()
    with timezone.override(datetime.UTC):
        assert not selectors.use_tallies(january)
        # 2026-01-31 15:59 UTC, and 2026-02-01 00:01 in Chongqing, 2026-01-31 16:01 UTC.
        assert selectors.place_count(**args) == 2


def test_a_zone_changed_by_counting_again(world):
    spread_dates(world)
    try:
        tallies.month_tally_rebuild(zone="UTC")
        tallies._zone_seen.clear()
        assert tallies.month_tally_zone() == "UTC"
        january = ReportFilters(
            completed_from=datetime.date(2026, 1, 1), completed_to=datetime.date(2026, 1, 31)
        )
        assert not selectors.use_tallies(january)  # the site's zone is not UTC: counted live
        with timezone.override(datetime.UTC):
            assert selectors.use_tallies(january)
            args = {"scope": Scope(unit=None, everything=True), "place": Place(), "today": world.today}
            assert selectors.place_count(**args, filters=january) == 2
        assert tallies.month_tally_differences() == []
    finally:
        tallies._zone_seen.clear()


def test_people_list_counts_come_from_the_tallies(client, world):
    from django.urls import reverse

    from reports.tests.conftest import login

    login(client, world.users["district_manager"])
    for query in (
        "",
        "?status=overdue",
        f"?node={world.units['C社区'].pk}",
        f"?course={world.courses['shared'].pk}",
    ):
        response = client.get(reverse("reports:people") + query)
        assert response.context["paginator"].__class__.__name__ == "KnownCountPaginator"
        live = Enrolment.objects.filter(assigned=True, org_unit__path__startswith=world.units["渝中区"].path)
        if "status" in query:
            live = live.exclude(status="completed").filter(due_on__lt=timezone.localdate())
        if "node" in query:
            live = live.filter(org_unit=world.units["C社区"])
        if "course" in query:
            live = live.filter(course_id=world.courses["shared"].pk)
        assert response.context["paginator"].count == live.count()


def test_without_a_time_zone_no_month_tallies_are_kept(world):
    """No zone recorded (the month tallies were never counted): the triggers keep the enrolment tallies only
    and the reports count date ranges live, until a rebuild counts the half months in the site's zone."""
    spread_dates(world)
    january = ReportFilters(completed_from=datetime.date(2026, 1, 1), completed_to=datetime.date(2026, 1, 31))
    MonthTallyZone.objects.all().delete()
    tallies._zone_seen.clear()
    try:
        tallies.month_tally_fold()
        Enrolment.objects.filter(learner=world.learners["A社区"]).update(
            status=Enrolment.Status.COMPLETED, completed_at=local(2026, 5, 2)
        )
        assert tallies.month_tally_pending() == 0  # nothing appended
        assert tallies.tally_differences() == []
        assert tallies.month_tally_zone() is None
        assert not selectors.use_tallies(january)
        tallies.month_tally_rebuild()
        tallies._zone_seen.clear()
        assert tallies.month_tally_zone() == settings.TIME_ZONE
        assert selectors.use_tallies(january)
        assert_exact()
        dashboards_agree(world, dated=True)
    finally:
        tallies._zone_seen.clear()


def test_the_command_checks_folds_and_rebuilds(world):
    spread_dates(world)
    out = io.StringIO()
    call_command("report_tallies", stdout=out)
    assert "match a live count" in out.getvalue()
    tallies.tally_fold()
    EnrolmentTally.objects.update(learners=99)
    with pytest.raises(CommandError, match="do not match a live count"):
        call_command("report_tallies", stdout=io.StringIO())
    call_command("report_tallies", "--rebuild", stdout=io.StringIO())
    Enrolment.objects.filter(learner=world.learners["B社区"]).update(status=Enrolment.Status.IN_PROGRESS)
    out = io.StringIO()
    call_command("report_tallies", "--fold", stdout=out)
    assert "Folded pending changes" in out.getvalue()
    assert (tallies.tally_pending(), tallies.month_tally_pending()) == (0, 0)
    call_command("report_tallies", stdout=io.StringIO())
    assert_exact()


def test_a_lesson_finished_offline_counts_when_it_was_done(world):
    """Sent days later from a phone, a lesson finished offline completes the course at the time it was
    done: the month tallies count it in that half month, as a live count does."""
    from courses.models import LessonPage

    learner, shared = world.learners["A社区"], world.courses["shared"]
    Enrolment.objects.filter(learner=learner, course_id=shared.pk).update(enrolled_at=local(2026, 1, 5))
    done = local(2026, 2, 16, 0, 1)  # the first minute of February's second half, Chongqing time
    record = services.offline_completion_record(
        learner=learner,
        key=uuid.uuid4(),
        item_id=LessonPage.objects.child_of(shared).get().pk,
        completed_at=done,
    )
    assert record.outcome == "recorded"
    enrolment = Enrolment.objects.get(learner=learner, course_id=shared.pk)
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at == done
    assert_exact()
    dashboards_agree(world, dated=True)
    second_half = ReportFilters(
        completed_from=datetime.date(2026, 2, 16), completed_to=datetime.date(2026, 2, 28)
    )
    args = {
        "scope": Scope(unit=None, everything=True),
        "place": Place(),
        "filters": second_half,
        "today": world.today,
    }
    assert selectors.place_count(**args) == 1
    with counted_live():
        assert selectors.place_count(**args) == 1
