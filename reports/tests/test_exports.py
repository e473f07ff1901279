"""Every report's CSV and Excel files hold exactly the rows and columns its screen shows, with the same
filters (all pages of them), Chinese headings, a byte-order mark for Excel and the date in the name."""

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from progress.models import Enrolment
from reports.tests.conftest import csv_rows, enrol, headings, login, table_rows, xlsx_rows
from reports.views.completion import COMPLETION_COLUMNS
from reports.views.people import OVERDUE_COLUMNS, PEOPLE_COLUMNS
from reports.views.quizzes import QUESTION_COLUMNS, QUIZ_COLUMNS
from reports.views.transcript import TRANSCRIPT_COLUMNS
from tests.factories import make_user


def exported(client, url: str) -> tuple[list[list[str]], list[list[str]]]:
    join = "&" if "?" in url else "?"
    as_csv = client.get(f"{url}{join}export=csv")
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv.streaming
    as_xlsx = client.get(f"{url}{join}export=xlsx")
    assert as_xlsx.status_code == 200
    content = b"".join(as_xlsx.streaming_content)
    return csv_rows(as_csv), xlsx_rows(content)


def screen_table(client, url: str, pages: int = 1) -> list[list[str]]:
    """The listing's header and body rows, over ``pages`` pages."""
    rows = []
    for page in range(1, pages + 1):
        join = "&" if "?" in url else "?"
        response = client.get(f"{url}{join}p={page}")
        assert response.status_code == 200
        found = table_rows(response.content, "table.listing")
        rows.extend(found if page == 1 else found[1:])
    return rows


def dashboard_rows(client, url: str) -> list[list[str]]:
    """Course, unit and the counts of every row of every course table, as the screen shows them."""
    response = client.get(url)
    soup = BeautifulSoup(response.content, "html.parser")
    rows = []
    for section in soup.select("section.report-course"):
        title = section.select_one("h2").get_text(strip=True)
        rows.extend([title, *row[:7]] for row in table_rows(str(section))[1:])
    return rows


@pytest.fixture
def busy(world):
    """Enough people for two pages, with some progress and an override."""
    shared = world.courses["shared"]
    for n in range(30):
        learner = make_user(
            f"busy{n}", name=f"忙人{n:02d}", org_unit=world.units["B社区"], position=world.position
        )
        enrol(learner, shared, due_on=world.today - datetime.timedelta(days=n % 5))
        enrol(learner, world.courses["B社区"], status=Enrolment.Status.IN_PROGRESS)
    Enrolment.objects.filter(learner__username="busy3", course_id=shared.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    return world


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=overdue",
        "?course={shared}&position={position}",
        "?completed_from=2000-01-01&status=completed",
    ],
)
def test_completion_export_equals_screen(client, busy, query):
    login(client, busy.users["district_manager"])
    url = reverse("reports:completion") + query.format(
        shared=busy.courses["shared"].pk, position=busy.position.pk
    )
    screen = dashboard_rows(client, url)
    as_csv, as_xlsx = exported(client, url)
    assert screen
    assert as_csv[0] == as_xlsx[0] == headings(COMPLETION_COLUMNS)
    assert as_csv[1:] == as_xlsx[1:] == screen


@pytest.mark.parametrize(
    ("name", "columns", "query", "pages"),
    [
        ("reports:people", PEOPLE_COLUMNS, "", 2),
        ("reports:people", PEOPLE_COLUMNS, "?course={shared}&status=overdue", 1),
        ("reports:people", PEOPLE_COLUMNS, "?node={b}&direct=1&ordering=due_on", 2),
        ("reports:people", PEOPLE_COLUMNS, "?q=忙人1", 1),
        ("reports:overdue", OVERDUE_COLUMNS, "", 1),
        ("reports:overdue", OVERDUE_COLUMNS, "?node={b}&course={shared}", 1),
        ("reports:quizzes", QUIZ_COLUMNS, "", 1),
        ("reports:quizzes", QUIZ_COLUMNS, "?node={b}", 1),
    ],
)
def test_list_export_equals_screen(client, busy, name, columns, query, pages):
    login(client, busy.users["district_manager"])
    url = reverse(name) + query.format(shared=busy.courses["shared"].pk, b=busy.units["B社区"].pk)
    screen = screen_table(client, url, pages)
    as_csv, as_xlsx = exported(client, url)
    assert len(screen) > 1
    assert screen[0] == as_csv[0] == as_xlsx[0] == headings(columns)
    assert as_csv[1:] == as_xlsx[1:] == screen[1:]


def test_people_list_is_paginated_by_fifty_and_the_export_holds_every_page(client, busy):
    login(client, busy.users["district_manager"])
    first = screen_table(client, reverse("reports:people"))
    everything = screen_table(client, reverse("reports:people"), pages=2)
    as_csv, _as_xlsx = exported(client, reverse("reports:people"))
    assert len(first) == 51
    assert len(as_csv) == len(everything) == 1 + 3 * 2 + 30 * 2


def test_question_analysis_export_equals_screen(client, busy):
    login(client, busy.users["district_manager"])
    url = reverse("reports:quiz_questions", args=[busy.quizzes["C社区"].pk])
    screen = screen_table(client, url)
    as_csv, as_xlsx = exported(client, url)
    assert screen[0] == as_csv[0] == headings(QUESTION_COLUMNS)
    assert as_csv[1:] == as_xlsx[1:] == screen[1:]
    assert len(screen) == 2 and screen[1][0].startswith("题目C")


def test_transcript_export_equals_screen(client, busy):
    login(client, busy.users["street_manager"])
    url = reverse("reports:transcript", args=[busy.learners["A社区"].pk])
    screen = table_rows(client.get(url).content, "table.report-transcript")
    as_csv, as_xlsx = exported(client, url)
    assert screen[0] == as_csv[0] == headings(TRANSCRIPT_COLUMNS)
    assert as_csv[1:] == as_xlsx[1:] == screen[1:]
    assert len(screen) > 4


def test_files_are_named_with_the_date_and_start_with_a_byte_order_mark(client, busy):
    login(client, busy.users["district_manager"])
    response = client.get(reverse("reports:overdue") + "?export=csv")
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert f"-{timezone.localdate().isoformat()}.csv" in disposition
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
    response = client.get(reverse("reports:overdue") + "?export=xlsx")
    assert f"-{timezone.localdate().isoformat()}.xlsx" in unquote(response["Content-Disposition"])


def test_a_cell_that_looks_like_a_formula_is_text(client, busy):
    make_user("formula", name="=1+2", org_unit=busy.units["A社区"])
    learner = busy.learners["A社区"].__class__.objects.get(username="formula")
    enrol(learner, busy.courses["shared"])
    login(client, busy.users["street_manager"])
    url = reverse("reports:people") + f"?q=%3D1%2B2&node={busy.units['A社区'].pk}"
    as_csv, as_xlsx = exported(client, url)
    assert as_csv[1][0] == "'=1+2"  # spreadsheet programs would run it otherwise
    assert as_xlsx[1][0] == "=1+2"  # a text cell, not a formula


# -- Excel's rows per sheet ------------------------------------------------------------------------


def test_a_long_excel_export_goes_on_in_more_sheets_with_the_heading(client, busy, monkeypatch):
    """A whole city's people list (1.75 million rows) does not fit in one sheet: the rows go on in
    "people (2)" and so on. Lowered to ten rows a sheet here."""
    import io

    import openpyxl

    from reports import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 11)  # the heading and ten rows
    login(client, busy.users["district_manager"])
    url = reverse("reports:people")
    screen = screen_table(client, url, pages=2)
    as_csv, as_xlsx = exported(client, url)
    assert len(screen) == 1 + 66
    assert as_csv == as_xlsx == screen

    response = client.get(url + "?export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    base = workbook.sheetnames[0]
    assert workbook.sheetnames == [base] + [f"{base} ({n})" for n in range(2, 8)]
    sizes = [sheet.max_row for sheet in workbook.worksheets]
    assert sizes == [11] * 6 + [1 + 6]
    for sheet in workbook.worksheets:
        assert [cell.value for cell in next(sheet.iter_rows())] == screen[0]


@pytest.mark.parametrize(("rows", "sheets"), [(0, 1), (1, 1), (3, 1), (4, 2), (6, 2), (7, 3)])
def test_sheets_hold_at_most_the_limit_and_none_is_left_empty(monkeypatch, rows, sheets):
    import io

    import openpyxl

    from reports import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 4)
    columns = [exports.ReportColumn("n", "序号", lambda n: n)]
    response = exports.xlsx_response(columns, iter(range(rows)), "x.xlsx", sheet="人员")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["人员"] + [f"人员 ({n})" for n in range(2, sheets + 1)]
    values = [[cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]
    assert [v for v in values if v != ["序号"]] == [[n] for n in range(rows)]
    assert values.count(["序号"]) == sheets
    assert all(sheet.max_row <= 4 for sheet in workbook.worksheets)


def test_sheet_titles_keep_within_excel_rules():
    from reports.exports import sheet_title

    assert sheet_title("people", 1) == "people"
    assert sheet_title("people", 12) == "people (12)"
    long = "a" * 40
    assert sheet_title(long, 1) == "a" * 31
    assert sheet_title(long, 2) == "a" * 27 + " (2)"
    assert len(sheet_title(long, 100)) == 31
    assert sheet_title("学员/课程: [全部]?", 1) == "学员-课程- -全部--"


def test_excel_export_memory_does_not_grow_with_rows_or_sheets(monkeypatch):
    """Rows are written as they come (write-only sheets on disk): four times the rows and sheets,
    about the same peak of Python memory."""
    import tracemalloc

    from reports import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1001)
    columns = [
        exports.ReportColumn("name", "姓名", lambda n: f"学员{n:06d}"),
        exports.ReportColumn("unit", "单位", lambda n: "重庆市/渝中区/解放碑街道/A社区"),
        exports.ReportColumn("n", "序号", lambda n: n),
    ]

    def peak(rows: int) -> int:
        tracemalloc.start()
        try:
            response = exports.xlsx_response(columns, (n for n in range(rows)), "x.xlsx", sheet="人员")
            response.file_to_stream.close()  # not response.close(): that signals a finished request
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(10)  # the first export imports openpyxl
    small, large = peak(2_000), peak(8_000)
    # Holding the 6,000 more rows' values would take about 1 MiB more; a sheet costs some 50 KiB.
    assert large < small + 512 * 1024, (small, large)
