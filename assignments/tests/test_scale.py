"""An assignment to 10,000 people is applied set-based, in seconds, in a fixed number of statements.

Run with ``-s`` to see the timings (recorded in the final report of the assignments work); with
``SHOW_SLOW=1`` also the slowest statements of each step."""

import os
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments import services
from assignments.models import Assignment, AssignmentMember
from progress.models import Enrolment
from tests.factories import make_course, make_lesson, make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db

PEOPLE = 10_000
BUDGET_SECONDS = 15  # generous for slow, shared CI machines


def staff(units, positions, n):
    User = get_user_model()
    communities = []
    for street in ("解放碑街道", "七星岗街道"):
        parent = units[street]
        for i in range(25):
            parent.refresh_from_db()
            communities.append(parent.add_child(name=f"{street}{i}社区", level="community"))
    User.objects.bulk_create(
        [
            User(
                username=f"staff{i}",
                name=f"员工{i}",
                org_unit=communities[i % len(communities)],
                position=positions[i % len(positions)],
                password="!",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


@contextmanager
def timed(timings: dict, name: str):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        yield
    timings[name] = (time.perf_counter() - started, ctx.captured_queries)


def test_applying_to_ten_thousand_people(capsys):
    units = make_org_tree()
    positions = [make_position("网格员"), make_position("志愿者")]
    staff(units, positions, PEOPLE)
    course = make_course("城市级必修课")
    make_lesson(course)
    admin = make_user("city", managed_unit=units["重庆市"])
    # Planner statistics, as autovacuum keeps them in production: rows inserted inside the test's own
    # transaction are invisible to it, and without statistics PostgreSQL plans for empty tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    timings: dict = {}
    with timed(timings, "create"):
        assignment = services.assignment_create(
            course=course, units=[units["渝中区"]], due_mode="days", due_days=30, actor=admin
        )
    assert AssignmentMember.objects.filter(assignment=assignment).count() == PEOPLE
    assert (
        Enrolment.objects.filter(course_id=course.pk, assigned=True, due_on__isnull=False).count() == PEOPLE
    )

    with timed(timings, "re-apply"):
        result = services.assignment_apply(assignment)
    assert (result.covered, result.removed, result.enrolled) == (PEOPLE, 0, 0)

    with timed(timings, "narrow"):
        services.assignment_update(
            assignment=assignment,
            units=[units["解放碑街道"]],
            positions=[positions[0]],
            due_mode=Assignment.DueMode.DAYS_AFTER_JOINING,
            due_days=14,
            mandatory=True,
            actor=admin,
        )
    expected = (
        get_user_model()
        .objects.filter(org_unit__path__startswith=units["解放碑街道"].path, position=positions[0])
        .count()
    )
    assert 0 < expected < PEOPLE
    assert AssignmentMember.objects.filter(assignment=assignment).count() == expected
    assert Enrolment.objects.filter(course_id=course.pk, assigned=True).count() == expected

    with timed(timings, "end"):
        services.assignment_end(assignment=assignment, actor=admin)
    assert not Enrolment.objects.filter(course_id=course.pk, assigned=True).exists()
    assert Enrolment.objects.filter(course_id=course.pk).count() == PEOPLE  # kept

    second = services.assignment_create(
        course=make_course("第二门课"), units=[units["七星岗街道"]], actor=admin
    )
    with timed(timings, "refresh 2000"):
        services.learners_assignments_refresh(get_user_model().objects.values_list("pk", flat=True)[:2000])
    assert AssignmentMember.objects.filter(assignment=second).count() == PEOPLE // 2

    with capsys.disabled():
        print(f"\n[{connection.vendor}] {PEOPLE} people:")
        for name, (seconds, queries) in timings.items():
            print(f"  {name}: {seconds:.2f}s, {len(queries)} queries")
            if os.environ.get("SHOW_SLOW"):
                for query in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
                    print(f"    {query['time']}s {query['sql'][:160]}")
    assert max(seconds for seconds, _queries in timings.values()) < BUDGET_SECONDS
