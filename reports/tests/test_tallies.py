"""The enrolment tallies (PostgreSQL triggers, reports/tallies.py) always add up to a live count: after
progress, bulk updates, deletions, moves in the tree and folds; and the dashboard reads the same numbers
from them as it counts live."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import OrgUnit, User
from accounts.scope import Scope
from progress import services
from progress.models import Enrolment
from reports import selectors, tallies
from reports.filters import OVERDUE, ReportFilters
from reports.models import EnrolmentTally, EnrolmentTallyChange
from tests.factories import make_user

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the tallies are kept by PostgreSQL triggers; SQLite counts live (set DATABASE_URL)")


def assert_exact():
    assert tallies.tally_differences() == []
    tallies.tally_fold()
    assert tallies.tally_pending() == 0
    assert tallies.tally_differences() == []
    assert not EnrolmentTally.objects.filter(learners__lte=0).exists()


def dashboards_agree(world):
    """Every node, with and without filters: the tallies give what a live count gives."""
    everything = Scope(unit=None, everything=True)
    filters = [
        ReportFilters(),
        ReportFilters(status=OVERDUE),
        ReportFilters(status=Enrolment.Status.COMPLETED),
        ReportFilters(course_id=world.courses["shared"].pk, position_id=world.position.pk),
    ]
    nodes = [None, *OrgUnit.objects.all()]
    for node in nodes:
        for chosen in filters:
            args = {"scope": everything, "node": node, "filters": chosen, "today": world.today}
            from_tallies = selectors.completion_by_node(**args, include_unplaced=node is None)
            live_filters = dataclasses.replace(chosen, enrolled_from=datetime.date(2000, 1, 1))  # forces live
            live = selectors.completion_by_node(
                **{**args, "filters": live_filters}, include_unplaced=node is None
            )
            assert from_tallies == live, (node, chosen)


def test_tallies_follow_every_kind_of_change(world):
    assert_exact()
    dashboards_agree(world)
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
    assert tallies.tally_differences() == []
    assert_exact()
    dashboards_agree(world)
    # A learner deleted (their enrolments go with them), then everything of one course.
    User.objects.filter(pk=world.learners["D社区"].pk).delete()
    Enrolment.objects.filter(course_id=world.courses["A社区"].pk).delete()
    assert_exact()
    dashboards_agree(world)


def test_a_unit_that_moves_takes_its_counts_with_it(world):
    tallies.tally_fold()
    street = OrgUnit.objects.get(name="解放碑街道")
    target = OrgUnit.objects.get(name="江北区")
    street.move(target, pos="sorted-child")
    assert tallies.tally_differences() == []
    moved = OrgUnit.objects.get(pk=street.pk)
    assert moved.path.startswith(OrgUnit.objects.get(pk=target.pk).path)
    # A sorted insert shifts siblings' paths but nobody's ancestors: nothing to move.
    pending = tallies.tally_pending()
    OrgUnit.objects.get(name="江北区").add_child(name="一个新街道", level="street")
    assert tallies.tally_pending() == pending
    assert_exact()
    dashboards_agree(world)


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
    assert tallies.tally_differences() == []


def test_rebuild_repairs(world):
    tallies.tally_fold()
    EnrolmentTally.objects.update(learners=99)
    assert tallies.tally_differences()
    tallies.tally_rebuild()
    assert tallies.tally_differences() == []


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
