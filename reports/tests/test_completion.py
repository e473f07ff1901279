"""The completion dashboard: counts per child node, drill-down, breadcrumbs, filters, overdue arithmetic and
the pinned query counts of the dashboard and the people list."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from progress.models import Enrolment
from reports import selectors
from reports.filters import ReportFilters
from reports.selectors import Counts, Place
from reports.tests.conftest import enrol, headings, login, table_rows, tr
from reports.views.people import OVERDUE_COLUMNS
from tests.factories import make_course, make_user


def sections(response) -> dict[str, list[list[str]]]:
    """Course title → its table rows (unit, assigned, not started, in progress, completed, overdue, %)."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = {}
    for section in soup.select("section.report-course"):
        title = section.select_one("h2").get_text(strip=True)
        found[title] = [row[:7] for row in table_rows(str(section))[1:]]
    return found


def links(response, text: str) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in soup.select("section.report-course th a") if a.get_text(strip=True) == text]


def test_city_admin_starts_at_the_city_and_drills_down_to_the_people(client, world):
    login(client, world.users["city_admin"])
    top = client.get(reverse("reports:completion"))
    assert top.status_code == 200
    shared = sections(top)["安全课程"]
    # Districts in tree order (江北区 sorts first), then the total.
    assert shared == [
        ["江北区", "1", "1", "0", "0", "0", "0%"],
        ["渝中区", "3", "3", "0", "0", "0", "0%"],
        [tr("Total"), "4", "4", "0", "0", "0", "0%"],
    ]
    assert sections(top)["课程C"][0] == ["渝中区", "1", "1", "0", "0", "1", "0%"]

    district = client.get(reverse("reports:completion") + links(top, "渝中区")[0])
    assert [row[0] for row in sections(district)["安全课程"]] == ["七星岗街道", "解放碑街道", tr("Total")]
    street = client.get(reverse("reports:completion") + links(district, "解放碑街道")[0])
    assert [row[:2] for row in sections(street)["安全课程"]] == [
        ["A社区", "1"],
        ["B社区", "1"],
        [tr("Total"), "2"],
    ]
    # A community has no units below it: its row opens the list of its people.
    people_url = links(street, "A社区")[0]
    assert people_url.startswith(reverse("reports:people"))
    people = client.get(people_url)
    names = [row[0] for row in table_rows(people.content)[1:]]
    assert names == ["甲学员"]


def test_filtering_at_the_top_stays_at_the_top(client, world):
    login(client, world.users["city_admin"])
    # The filter form sends the (hidden, empty) node along.
    rows = sections(client.get(reverse("reports:completion") + "?node=&status=&course="))["安全课程"]
    assert [row[0] for row in rows] == ["江北区", "渝中区", tr("Total")]


def test_breadcrumb_starts_at_the_managers_unit(client, world):
    login(client, world.users["street_manager"])
    response = client.get(reverse("reports:completion"))
    trail = [
        li.get_text(strip=True)
        for li in BeautifulSoup(response.content, "html.parser").select(".report-trail li")
    ]
    assert trail == ["解放碑街道"]
    community = client.get(reverse("reports:completion") + f"?node={world.units['A社区'].pk}")
    trail = [
        li.get_text(strip=True)
        for li in BeautifulSoup(community.content, "html.parser").select(".report-trail li")
    ]
    assert trail == ["解放碑街道", "A社区"]  # never 渝中区 or 重庆市


def test_a_node_above_the_scope_is_not_found(client, world):
    login(client, world.users["street_manager"])
    for unit in ("渝中区", "重庆市", "C社区"):
        assert client.get(reverse("reports:completion") + f"?node={world.units[unit].pk}").status_code == 404
    assert client.get(reverse("reports:completion") + "?node=0").status_code == 404
    assert client.get(reverse("reports:completion") + "?node=abc").status_code == 404


def test_people_placed_in_the_node_itself_and_people_with_no_unit(client, world):
    district_staff = make_user("district_staff", name="区里的人", org_unit=world.units["渝中区"])
    enrol(district_staff, world.courses["shared"])
    nowhere = make_user("nowhere", name="无单位的人")
    enrol(nowhere, world.courses["shared"])
    login(client, world.users["city_admin"])
    top = sections(client.get(reverse("reports:completion")))["安全课程"]
    assert top[-2] == [tr("Not placed in the organisation"), "1", "1", "0", "0", "0", "0%"]
    assert top[-1][:2] == [tr("Total"), "6"]
    district = sections(client.get(reverse("reports:completion") + f"?node={world.units['渝中区'].pk}"))
    assert [tr("Placed directly in %(unit)s", unit="渝中区"), "1"] in [
        row[:2] for row in district["安全课程"]
    ]
    direct = client.get(
        reverse("reports:people")
        + f"?node={world.units['渝中区'].pk}&direct=1&course={world.courses['shared'].pk}"
    )
    assert [row[0] for row in table_rows(direct.content)[1:]] == ["区里的人"]
    # A district manager sees the person placed in their district, never the one with no unit.
    login(client, world.users["district_manager"])
    assert client.get(reverse("reports:people") + "?node=0").status_code == 404
    mine = sections(client.get(reverse("reports:completion")))["安全课程"]
    assert [row[:2] for row in mine][-2:] == [
        [tr("Placed directly in %(unit)s", unit="渝中区"), "1"],
        [tr("Total"), "4"],
    ]


def test_counts_follow_progress_and_the_filters(client, world):
    shared = world.courses["shared"]
    Enrolment.objects.filter(learner=world.learners["A社区"], course_id=shared.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    Enrolment.objects.filter(learner=world.learners["B社区"], course_id=shared.pk).update(
        status=Enrolment.Status.IN_PROGRESS
    )
    login(client, world.users["street_manager"])
    url = reverse("reports:completion")
    rows = sections(client.get(url))["安全课程"]
    assert rows == [
        ["A社区", "1", "0", "0", "1", "0", "100%"],
        ["B社区", "1", "0", "1", "0", "0", "0%"],
        [tr("Total"), "2", "0", "1", "1", "0", "50%"],
    ]
    assert sections(client.get(url + "?status=completed"))["安全课程"][-1][:2] == [tr("Total"), "1"]
    assert set(sections(client.get(url + "?status=overdue"))) == {"课程A", "课程B"}
    assert set(sections(client.get(url + f"?course={shared.pk}"))) == {"安全课程"}
    today = timezone.localdate().isoformat()
    by_date = sections(client.get(url + f"?completed_from={today}&completed_to={today}"))
    assert by_date == {
        "安全课程": [
            ["A社区", "1", "0", "0", "1", "0", "100%"],
            [tr("Total"), "1", "0", "0", "1", "0", "100%"],
        ]
    }


def test_the_date_filter_note_shows_only_with_a_date_filter(client, world):
    Enrolment.objects.filter(learner=world.learners["A社区"], course_id=world.courses["shared"].pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    login(client, world.users["street_manager"])
    url = reverse("reports:completion")
    note = tr("Filtered by date: counted from every enrolment, which takes longer for a large area.")
    assert note not in client.get(url).content.decode()
    today = timezone.localdate()
    # On PostgreSQL the month tallies answer one date filter (the note would not be true); on SQLite, and
    # with both date filters, every enrolment is counted.
    one_date = selectors.use_tallies(ReportFilters(completed_from=today))
    assert (note in client.get(url + f"?completed_from={today}").content.decode()) == (not one_date)
    assert note in client.get(url + f"?completed_from={today}&enrolled_from={today}").content.decode()


def test_overdue_arithmetic(world):
    today = world.today
    learner = world.learners["A社区"]
    cases = {
        "due yesterday": (today - datetime.timedelta(days=1), Enrolment.Status.IN_PROGRESS, 1),
        "due today": (today, Enrolment.Status.NOT_STARTED, None),
        "no due date": (None, Enrolment.Status.NOT_STARTED, None),
        "done late": (today - datetime.timedelta(days=30), Enrolment.Status.COMPLETED, None),
    }
    pks = {}
    for title, (due, status, _late) in cases.items():
        pks[title] = enrol(learner, make_course(title), due_on=due, status=status).pk
    scope = selectors.Scope(unit=None, everything=True)
    place = Place(unit=world.units["A社区"], direct=True)
    queryset = selectors.assigned_enrolments(scope=scope, place=place, filters=ReportFilters(), today=today)
    rows = {row.pk: row for row in selectors.enrolment_rows(queryset.order_by("pk"), today=today)}
    for title, (_due, _status, late) in cases.items():
        assert rows[pks[title]].days_overdue == late, title
    # A's own course is 10 days late (conftest); the overdue list is sorted by lateness.
    overdue = selectors.assigned_enrolments(
        scope=scope, place=Place(), filters=ReportFilters(status="overdue"), today=today
    ).order_by(*selectors.OVERDUE_ORDERING)
    lateness = [row.days_overdue for row in selectors.enrolment_rows(overdue, today=today)]
    assert lateness == sorted(lateness, reverse=True) == [40, 30, 20, 10, 1]


def test_overdue_list_shows_how_late_most_late_first(client, world):
    login(client, world.users["district_manager"])
    rows = table_rows(client.get(reverse("reports:overdue")).content)
    assert rows[0] == headings(OVERDUE_COLUMNS)
    assert [(row[0], row[5]) for row in rows[1:]] == [("丙学员", "30"), ("乙学员", "20"), ("甲学员", "10")]
    assert rows[1][1] == "重庆市/渝中区/七星岗街道/C社区"


def test_counts_add_up():
    counts = Counts(assigned=4, not_started=1, in_progress=1, completed=2, overdue=1)
    assert counts.percent == 50
    assert (counts + counts).assigned == 8
    assert (counts - counts) == Counts()
    assert Counts(assigned=3, completed=2).percent == 66.7  # core.percent, as every screen rounds


# -- query counts ----------------------------------------------------------------------------------


def _more_people(world, count: int, community: str = "B社区"):
    for n in range(count):
        learner = make_user(f"extra{community}{n}", name=f"新人{n}", org_unit=world.units[community])
        enrol(learner, world.courses["shared"], due_on=world.today - datetime.timedelta(days=3))
        enrol(learner, world.courses[community])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda w: reverse("reports:completion"), id="dashboard"),
        pytest.param(
            lambda w: reverse("reports:completion") + f"?node={w.units['解放碑街道'].pk}", id="dashboard-node"
        ),
        pytest.param(
            lambda w: reverse("reports:completion") + "?completed_from=2020-01-01", id="dashboard-by-date"
        ),
        pytest.param(lambda w: reverse("reports:people"), id="people"),
        pytest.param(lambda w: reverse("reports:people") + "?status=overdue", id="people-overdue"),
        pytest.param(lambda w: reverse("reports:overdue"), id="overdue"),
        pytest.param(lambda w: reverse("reports:transcript", args=[w.learners["A社区"].pk]), id="transcript"),
        pytest.param(lambda w: reverse("reports:quizzes"), id="quizzes"),
    ],
)
def test_query_count_does_not_grow_with_the_rows(client, world, url):
    login(client, world.users["district_manager"])
    target = url(world)
    _queries(client, target)  # warm caches (content types, site root)
    before = _queries(client, target)
    _more_people(world, 30)
    _more_people(world, 30, "C社区")
    assert _queries(client, target) == before


def test_dashboard_and_people_list_query_counts_are_pinned(client, world, django_assert_num_queries):
    login(client, world.users["district_manager"])
    client.get(reverse("reports:completion"))
    # Dashboard: session, permissions ×2, profile, managed unit, children, counts (SQLite: and the
    # units to count live), course titles, trail, admin menu (locale, page/collection/site permissions),
    # filter choices (courses, positions, units).
    # With Redis (REDIS_URL, as in CI) sessions are read from the cache: one query fewer.
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessions

    session = 1 if issubclass(import_module(settings.SESSION_ENGINE).SessionStore, CachedSessions) else 0
    with django_assert_num_queries(DASHBOARD_QUERIES[connection.vendor] - session):
        client.get(reverse("reports:completion"))
    # People: session, permissions ×2, profile, managed unit, the place's units, the count (from the
    # tallies on PostgreSQL), the page, its unit names, course titles, admin menu, filter choices
    # (courses, positions, units).
    with django_assert_num_queries(PEOPLE_QUERIES[connection.vendor] - session):
        client.get(reverse("reports:people"))


DASHBOARD_QUERIES = {"sqlite": 17, "postgresql": 16}
PEOPLE_QUERIES = {"sqlite": 17, "postgresql": 17}
