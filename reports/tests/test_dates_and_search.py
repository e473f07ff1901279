"""How a date filter is split between the month tallies (half months) and a live count, and the people
search: the people it finds are looked up by id (or, when very many, by a subquery) with the same rows
either way, scoped, and exported as shown."""

from __future__ import annotations

import datetime
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import selectors, tallies
from reports.filters import ReportFilters
from reports.models import COMPLETED_MONTH, ENROLLED_MONTH
from reports.tests.conftest import enrol, login, table_rows
from tests.factories import make_user

D = datetime.date


LATER = D(2030, 1, 1)  # a "today" after every range below: every day of them counts


@pytest.mark.parametrize(
    ("start", "end", "first", "stop", "plus", "minus"),
    [
        # A year of whole months (half months): nothing live.
        (D(2026, 1, 1), D(2026, 12, 31), D(2026, 1, 1), D(2027, 1, 1), (), ()),
        (D(2026, 2, 1), D(2026, 2, 28), D(2026, 2, 1), D(2026, 3, 1), (), ()),
        # A day at the start: counted; most of a half month at the end: the half month, less its last day.
        (
            D(2026, 1, 31),
            D(2026, 3, 30),
            D(2026, 2, 1),
            D(2026, 4, 1),
            ((D(2026, 1, 31), D(2026, 1, 31)),),
            ((D(2026, 3, 31), D(2026, 3, 31)),),
        ),
        # Half a month at each end: whole half months, less the day after.
        (
            D(2026, 6, 16),
            D(2026, 11, 14),
            D(2026, 6, 16),
            D(2026, 11, 16),
            (),
            ((D(2026, 11, 15), D(2026, 11, 15)),),
        ),
        # A week at each end: its days (at most a week is ever counted live at either end)…
        (
            D(2026, 6, 9),
            D(2026, 11, 22),
            D(2026, 6, 16),
            D(2026, 11, 16),
            ((D(2026, 6, 9), D(2026, 6, 15)), (D(2026, 11, 16), D(2026, 11, 22))),
            (),
        ),
        # … or, a day more, the half months less the days outside.
        (
            D(2026, 6, 8),
            D(2026, 11, 23),
            D(2026, 6, 1),
            D(2026, 12, 1),
            (),
            ((D(2026, 6, 1), D(2026, 6, 7)), (D(2026, 11, 24), D(2026, 11, 30))),
        ),
        # Most of a month at each end: the months, less the days outside.
        (
            D(2026, 6, 2),
            D(2026, 11, 29),
            D(2026, 6, 1),
            D(2026, 12, 1),
            (),
            ((D(2026, 6, 1), D(2026, 6, 1)), (D(2026, 11, 30), D(2026, 11, 30))),
        ),
        # Inside one half month, or across two parts of them: its days (in one range), or the half month
        # less the others.
        (
            D(2026, 1, 15),
            D(2026, 1, 20),
            D(2026, 1, 16),
            D(2026, 1, 16),
            ((D(2026, 1, 15), D(2026, 1, 20)),),
            (),
        ),
        (
            D(2026, 1, 17),
            D(2026, 1, 20),
            D(2026, 1, 16),
            D(2026, 1, 16),
            ((D(2026, 1, 17), D(2026, 1, 20)),),
            (),
        ),
        (
            D(2026, 1, 17),
            D(2026, 1, 30),
            D(2026, 1, 16),
            D(2026, 2, 1),
            (),
            ((D(2026, 1, 16), D(2026, 1, 16)), (D(2026, 1, 31), D(2026, 1, 31))),
        ),
        (
            D(2026, 1, 2),
            D(2026, 1, 30),
            D(2026, 1, 1),
            D(2026, 2, 1),
            (),
            ((D(2026, 1, 1), D(2026, 1, 1)), (D(2026, 1, 31), D(2026, 1, 31))),
        ),
        (D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1), ((D(2026, 3, 1), D(2026, 3, 1)),), ()),
        # Upside down: counted live, which finds nothing, as the filter itself.
        (D(2026, 5, 1), D(2026, 3, 1), D(2026, 5, 1), D(2026, 5, 1), ((D(2026, 5, 1), D(2026, 3, 1)),), ()),
        # Open ends.
        (D(2026, 2, 2), None, D(2026, 2, 1), None, (), ((D(2026, 2, 1), D(2026, 2, 1)),)),
        (D(2024, 2, 20), None, D(2024, 2, 16), None, (), ((D(2024, 2, 16), D(2024, 2, 19)),)),
        (D(2024, 2, 25), None, D(2024, 3, 1), None, ((D(2024, 2, 25), D(2024, 2, 29)),), ()),
        (None, D(2026, 1, 31), None, D(2026, 2, 1), (), ()),
        (None, D(2026, 1, 10), None, D(2026, 1, 16), (), ((D(2026, 1, 11), D(2026, 1, 15)),)),
        (None, D(2026, 1, 5), None, D(2026, 1, 1), ((D(2026, 1, 1), D(2026, 1, 5)),), ()),
    ],
)
def test_a_date_range_is_half_months_and_days_counted(start, end, first, stop, plus, minus):
    with mock.patch.object(tallies, "month_tallies_usable", return_value=True):
        split = selectors.date_split(ReportFilters(completed_from=start, completed_to=end), LATER)
        assert (split.dated_by, split.field) == (COMPLETED_MONTH, "completed_at")
        assert (split.first_period, split.stop_period, split.plus, split.minus) == (first, stop, plus, minus)
        enrolled = selectors.date_split(ReportFilters(enrolled_from=start, enrolled_to=end), LATER)
        assert (enrolled.dated_by, enrolled.field) == (ENROLLED_MONTH, "enrolled_at")
        assert (enrolled.plus, enrolled.minus) == (plus, minus)


def test_days_after_today_cost_nothing_to_count():
    """The end of this half month is yet to come: the half month less those days is cheaper than its days
    so far (three of them), though it has more days in all."""
    with mock.patch.object(tallies, "month_tallies_usable", return_value=True):
        filters = ReportFilters(completed_from=D(2026, 1, 1), completed_to=D(2026, 12, 20))
        split = selectors.date_split(filters, D(2026, 12, 18))
        assert (split.first_period, split.stop_period) == (D(2026, 1, 1), D(2027, 1, 1))
        assert (split.plus, split.minus) == ((), ((D(2026, 12, 21), D(2026, 12, 31)),))
        split = selectors.date_split(filters, LATER)
        assert (split.first_period, split.stop_period) == (D(2026, 1, 1), D(2026, 12, 16))
        assert (split.plus, split.minus) == (((D(2026, 12, 16), D(2026, 12, 20)),), ())


def test_every_day_of_a_range_is_counted_once_and_no_other():
    """For ranges starting and ending on many days around a few month ends and middles (and open): the
    half months read plus the days added less the days taken away are the range's days, each once."""
    days = [D(2025, 12, 20) + datetime.timedelta(days=n) for n in range(0, 110, 3)]
    days += [D(2026, 2, 13) + datetime.timedelta(days=n) for n in range(5)]
    calendar = [D(2025, 11, 1) + datetime.timedelta(days=n) for n in range(200)]

    def inside(day, first, last):
        return (first is None or day >= first) and (last is None or day <= last)

    with mock.patch.object(tallies, "month_tallies_usable", return_value=True):
        for start in [None, *days]:
            for end in [None, *days]:
                if start is None and end is None:
                    continue
                for today in (D(2026, 1, 15), LATER):
                    split = selectors.date_split(ReportFilters(completed_from=start, completed_to=end), today)
                    for day in calendar:
                        period = selectors.period_start(day)
                        counted = 0
                        if split.has_periods and inside(
                            period,
                            split.first_period,
                            split.stop_period and split.stop_period - datetime.timedelta(1),
                        ):
                            counted += 1
                        counted += sum(inside(day, *days_) for days_ in split.plus)
                        counted -= sum(inside(day, *days_) for days_ in split.minus)
                        assert counted == int(inside(day, start, end)), (start, end, today, day, split)


def test_what_the_month_tallies_cannot_answer():
    with mock.patch.object(tallies, "month_tallies_usable", return_value=True):
        assert selectors.date_split(ReportFilters()) is None
        both = ReportFilters(completed_from=D(2026, 1, 1), enrolled_from=D(2026, 1, 1))
        assert selectors.date_split(both) is None
        searched = ReportFilters(completed_from=D(2026, 1, 1), search="王")
        assert selectors.date_split(searched) is None
    with mock.patch.object(tallies, "month_tallies_usable", return_value=False):
        assert selectors.date_split(ReportFilters(completed_from=D(2026, 1, 1))) is None


# -- people search ---------------------------------------------------------------------------------


@pytest.fixture
def namesakes(world):
    """Three people called 王…: two in 渝中区 (the district manager's), one in 江北区; and a 李."""
    found = {}
    for username, name, community in (
        ("wang1", "王一", "A社区"),
        ("wang2", "王二", "C社区"),
        ("wang3", "王三", "D社区"),
        ("li1", "李王", "B社区"),
        ("li2", "李四", "B社区"),
        ("amy", "Amy Wang", "C社区"),
    ):
        learner = make_user(
            username, name=name, org_unit=world.units[community], mobile=f"1390000{len(found):04d}"
        )
        enrol(learner, world.courses["shared"])
        found[username] = learner
    return found


def names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [row[0] for row in table_rows(response.content)[1:]]


@pytest.mark.parametrize("at_most", [selectors.SEARCH_IDS_AT_MOST, 1])
def test_a_search_finds_the_same_people_by_id_or_by_subquery_and_only_in_scope(
    client, world, namesakes, at_most
):
    login(client, world.users["district_manager"])
    url = reverse("reports:people")
    with mock.patch.object(selectors, "SEARCH_IDS_AT_MOST", at_most):
        # 王三 is in 江北区, outside the district manager's scope.
        assert sorted(names(client, url + "?q=王")) == ["李王", "王一", "王二"]
        assert names(client, url + "?q=王三") == []
        assert names(client, url + "?q=wang2") == ["王二"]
        assert names(client, url + "?q=WANG2") == ["王二"]  # a whole username, in any case
        assert names(client, url + "?q=wANG") == ["Amy Wang"]  # part of a name, in any case
        assert names(client, url + f"?q={namesakes['li2'].mobile}") == ["李四"]
        # A number as people type it is read as sign-in reads it (accounts.mobile).
        spaced = (
            namesakes["li2"].mobile[:3]
            + " "
            + namesakes["li2"].mobile[3:7]
            + " "
            + namesakes["li2"].mobile[7:]
        )
        full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in namesakes["li2"].mobile)
        for typed in (spaced, "+86" + namesakes["li2"].mobile, full_width):
            assert names(client, url + "?" + urlencode({"q": typed})) == ["李四"], typed
        assert names(client, url + "?q=nobody") == []
        export = client.get(url + "?q=王&export=csv")
        exported = b"".join(export.streaming_content).decode("utf-8-sig")
        assert sorted(line.split(",")[0] for line in exported.splitlines()[1:]) == ["李王", "王一", "王二"]


def test_a_search_looks_the_people_up_first_by_id(world, namesakes):
    scope = selectors.Scope(unit=None, everything=True)
    filters = ReportFilters(search="王")
    with CaptureQueriesContext(connection) as captured:
        queryset = selectors.assigned_enrolments(
            scope=scope, place=selectors.Place(), filters=filters, today=world.today
        )
    assert len(captured) == 1  # the people found
    sql = str(queryset.query)
    assert "accounts_user" not in sql  # no subquery over the people: their ids
    assert sorted(queryset.values_list("learner_id", flat=True)) == sorted(
        namesakes[username].pk for username in ("wang1", "wang2", "wang3", "li1")
    )
    with mock.patch.object(selectors, "SEARCH_IDS_AT_MOST", 3):
        many = selectors.assigned_enrolments(
            scope=scope, place=selectors.Place(), filters=filters, today=world.today
        )
        assert "accounts_user" in str(many.query)
        assert sorted(many.values_list("learner_id", flat=True)) == sorted(
            queryset.values_list("learner_id", flat=True)
        )
