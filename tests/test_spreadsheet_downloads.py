"""Every CSV and Excel download escapes the cells that a spreadsheet would read as a formula
(core.spreadsheets): for each download, text that starts like a formula goes into a field the file
shows, the file is downloaded by someone who may, and each of those cells must come out as text — in
CSV with a leading apostrophe, in Excel as a cell typed text — while numbers stay numbers.

To add a download: write a function ``(client, export_format) -> (response, values)`` that stores
HOSTILE in a field the download shows, signs in someone who may download it and downloads it, and
returns the values as the site stored them (an import strips cells, so "\\t=1" is stored as "=1");
then add a `Download` to DOWNLOADS. A view on Wagtail's exporter (any ``list_export``) that no entry
names in ``views`` fails `test_every_download_on_wagtails_exporter_is_listed`.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.redirects.views import IndexView as RedirectIndexView
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, Site, Workflow, WorkflowTask

from certificates.admin_views import CertificateIndexView
from certificates.models import Certificate
from core.spreadsheets import FORMULA_STARTS
from notifications.admin_views import FailedDeliveriesReportView
from quizzes import services as quiz_services
from quizzes.admin_views import QuestionStatisticsView
from reports import exports
from reports.tests.conftest import attempt, enrol
from reports.views.completion import CompletionReportView
from reports.views.hours import HoursReportView
from reports.views.people import OverdueReportView, PeopleReportView
from reports.views.quizzes import QuizQuestionsReportView, QuizResultsReportView
from reports.views.site_history import ScopedSiteHistoryView
from tests.factories import make_course, make_org_tree, make_position, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

HOSTILE = ('=HYPERLINK("http://x","y")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")
YESTERDAY = datetime.timedelta(days=-1)


def with_export(url: str, export_format: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}export={export_format}"


def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.com", "a-Strong-pass-2026")


def city_manager():
    units = make_org_tree()
    manager = make_user(
        "city-manager", org_unit=units["重庆市"], managed_unit=units["重庆市"], groups=["Managers"]
    )
    return units, manager


def hostile_courses():
    return [make_course(value, slug=f"hostile-course-{n}") for n, value in enumerate(HOSTILE)]


# -- the downloads: each stores HOSTILE, signs someone in and downloads ---------------------------


def report_of_people(name: str):
    """People and overdue: learners named like formulas, each with an overdue course."""

    def download(client, export_format):
        units, manager = city_manager()
        course = make_course("安全课程")
        for n, value in enumerate(HOSTILE):
            learner = make_user(f"hostile-{n}", name=value, org_unit=units["A社区"])
            enrol(learner, course, due_on=timezone.localdate() + YESTERDAY)
        client.force_login(manager)
        return client.get(with_export(reverse(name), export_format)), HOSTILE

    return download


def study_hours_report(client, export_format):
    """Study hours: learners named like formulas (classroom's sessions and hours)."""
    units, manager = city_manager()
    for n, value in enumerate(HOSTILE):
        make_user(f"hostile-{n}", name=value, org_unit=units["A社区"])
    client.force_login(manager)
    return client.get(with_export(reverse("reports:hours"), export_format)), HOSTILE


def attendance_sheet(client, export_format):
    """A session's attendance sheet: a session titled like a formula, learners named like formulas."""
    from classroom import services

    units, manager = city_manager()
    for n, value in enumerate(HOSTILE):
        make_user(f"hostile-{n}", name=value, org_unit=units["A社区"])
    now = timezone.now()
    session = services.session_create(
        actor=manager,
        title=HOSTILE[0],
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=1),
        place=HOSTILE[1],
        capacity=10,
        unit=units["A社区"],
    )
    client.force_login(manager)
    return client.get(reverse("classroom_sessions:sheet", args=[session.pk, export_format])), HOSTILE


def completion_report(client, export_format):
    units, manager = city_manager()
    learner = make_user("learner", org_unit=units["A社区"])
    for course in hostile_courses():
        enrol(learner, course)
    client.force_login(manager)
    return client.get(with_export(reverse("reports:completion"), export_format)), HOSTILE


def quiz_results_report(client, export_format):
    units, manager = city_manager()
    learner = make_user("learner", org_unit=units["A社区"])
    course = make_course("测验课程")
    question = make_question()
    for n, value in enumerate(HOSTILE):
        quiz = make_quiz(course, [question], title=value, slug=f"hostile-quiz-{n}")
        attempt(learner, quiz, question, passed=False)
    client.force_login(manager)
    return client.get(with_export(reverse("reports:quizzes"), export_format)), HOSTILE


def question_analysis_report(client, export_format):
    units, manager = city_manager()
    course = make_course("测验课程")
    questions = [make_question(f"题目{n}", title=value) for n, value in enumerate(HOSTILE)]
    quiz = make_quiz(course, questions)
    for n, question in enumerate(questions):
        attempt(make_user(f"learner-{n}", org_unit=units["A社区"]), quiz, question, passed=False)
    client.force_login(manager)
    url = reverse("reports:quiz_questions", args=[quiz.pk])
    return client.get(with_export(url, export_format)), HOSTILE


def transcript(client, export_format):
    units, manager = city_manager()
    learner = make_user("learner", org_unit=units["A社区"])
    for course in hostile_courses():
        enrol(learner, course)
    client.force_login(manager)
    url = reverse("reports:transcript", args=[learner.pk])
    return client.get(with_export(url, export_format)), HOSTILE


def question_statistics(client, export_format):
    """A learner's own fill-in answers, shown to trainers as the most chosen wrong answer."""
    course = make_course("统计课程")
    questions = [make_question(f"访客登记用什么？{n}", kind="fill_blank") for n in range(len(HOSTILE))]
    quiz = make_quiz(course, questions, shuffle_options=False)
    learner = make_user("learner")
    taken = quiz_services.attempt_start(learner=learner, quiz=quiz, course=course)
    answers = dict(zip((question.pk for question in questions), HOSTILE, strict=True))
    for position, entry in enumerate(taken.questions):
        quiz_services.answer_save(attempt=taken, position=position, response=answers[entry["question_id"]])
    quiz_services.attempt_submit(attempt=taken)
    client.force_login(make_user("trainer", groups=["Trainers"]))
    return client.get(with_export(reverse("quizzes_admin:statistics"), export_format)), HOSTILE


def failed_deliveries(client, export_format):
    """A person's name, a reminder's subject and a provider's error text, shown to administrators."""
    from notifications.models import Delivery, Notification

    for n, value in enumerate(HOSTILE):
        note = Notification.objects.create(
            recipient=make_user(f"unreached-{n}", name=value),
            kind="overdue",
            dedupe_key=f"k{n}",
            subject=value,
        )
        Delivery.objects.create(
            notification=note, channel="sms", state="failed", attempts=6, last_error=value
        )
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client.get(with_export(reverse("notifications_admin:failed_deliveries"), export_format)), HOSTILE


def certificates(client, export_format):
    course = make_course("证书课程")
    for n, value in enumerate(HOSTILE):
        Certificate.objects.create(
            learner=make_user(f"holder-{n}", name=value),
            course_id=course.pk,
            code="ABCDEFGHJKLMNPQ" + "ABCDEF"[n],
            completed_at=timezone.now(),
            holder_name=value,
            course_title=course.title,
            organisation_name="培训中心",
        )
    client.force_login(superuser())
    return client.get(with_export(reverse("certificates_admin:index"), export_format)), HOSTILE


def site_history(client, export_format):
    """Wagtail's audit log, replaced by ours: each entry is labelled with the person's name."""
    admin = superuser()
    for n, value in enumerate(HOSTILE):
        log(instance=make_user(f"person-{n}", name=value), action="wagtail.edit", user=admin)
    client.force_login(admin)
    return client.get(with_export(reverse("wagtailadmin_reports:site_history"), export_format)), HOSTILE


def aging_pages(client, export_format):
    hostile_courses()
    client.force_login(superuser())
    return client.get(with_export(reverse("wagtailadmin_reports:aging_pages"), export_format)), HOSTILE


def locked_pages(client, export_format):
    admin = superuser()
    for course in hostile_courses():
        course.locked, course.locked_by, course.locked_at = True, admin, timezone.now()
        course.save(update_fields=["locked", "locked_by", "locked_at"])
    client.force_login(admin)
    return client.get(with_export(reverse("wagtailadmin_reports:locked_pages"), export_format)), HOSTILE


def pages_in_review(report: str):
    def download(client, export_format):
        admin = superuser()
        workflow = Workflow.objects.create(name="审核")
        task = GroupApprovalTask.objects.create(name="审核员审核")
        task.groups.set(Group.objects.filter(name="Moderators"))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        for course in hostile_courses():
            workflow.start(course, admin)
        client.force_login(admin)
        return client.get(with_export(reverse(f"wagtailadmin_reports:{report}"), export_format)), HOSTILE

    return download


def redirects(client, export_format):
    for n, value in enumerate(HOSTILE):
        site = Site.objects.create(hostname=f"site{n}.example.org", site_name=value, root_page_id=1)
        Redirect.objects.create(old_path=f"/old-{n}", site=site, redirect_link="https://example.org/")
    client.force_login(superuser())
    return client.get(with_export(reverse("wagtailredirects:index"), export_format)), HOSTILE


def staff_import_upload(client, rows) -> str:
    """Upload, confirm, and return the URL of the one-time password sheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "手机号", "组织"])
    writer.writerows(rows)
    upload = SimpleUploadedFile("staff.csv", buffer.getvalue().encode("utf-8-sig"))
    preview_url = client.post("/admin/staff-import/", {"file": upload})["Location"]
    result_url = client.post(preview_url, follow=True).redirect_chain[-1][0]
    assert result_url.endswith("/done/"), result_url
    return f"{result_url.removesuffix('done/')}initial-passwords/"


def staff_import_passwords(client, export_format):
    """The new accounts' initial passwords: names as the importer typed them (cells are stripped)."""
    units = make_org_tree()
    client.force_login(make_user("manager", managed_unit=units["解放碑街道"], groups=["Managers"]))
    rows = [[value, f"1390000000{n}", "渝中区/解放碑街道/A社区"] for n, value in enumerate(HOSTILE)]
    return client.post(staff_import_upload(client, rows)), tuple(value.strip() for value in HOSTILE)


def staff_import_template(client, export_format):
    """The Excel template lists the positions the importer may use."""
    units = make_org_tree()
    for value in HOSTILE:
        make_position(value)
    client.force_login(make_user("manager", managed_unit=units["解放碑街道"], groups=["Managers"]))
    return client.get(f"/admin/staff-import/template.{export_format}"), HOSTILE


@dataclass(frozen=True)
class Download:
    name: str
    download: Callable  # (client, export_format) -> (response, the values as stored)
    formats: tuple[str, ...] = ("csv", "xlsx")
    # The views on Wagtail's exporter that this download stands for (see the last test).
    views: tuple[type, ...] = ()
    marks: tuple = ()


DOWNLOADS = [
    # Our reports (reports.exports)
    Download("completion", completion_report, views=(CompletionReportView,)),
    Download("people", report_of_people("reports:people"), views=(PeopleReportView,)),
    Download("overdue", report_of_people("reports:overdue"), views=(OverdueReportView,)),
    Download("quiz results", quiz_results_report, views=(QuizResultsReportView,)),
    Download("question analysis", question_analysis_report, views=(QuizQuestionsReportView,)),
    Download("learner transcript", transcript),
    Download("study hours", study_hours_report, views=(HoursReportView,)),
    Download("in-person session attendance sheet", attendance_sheet, formats=("xlsx",)),
    # Wagtail's exporter, our views
    Download("question statistics", question_statistics, views=(QuestionStatisticsView,)),
    Download("certificates", certificates, views=(CertificateIndexView,)),
    Download("messages not sent", failed_deliveries, views=(FailedDeliveriesReportView,)),
    # Ours at the URL of Wagtail's own, which is still in the resolver behind it.
    Download("site history", site_history, views=(ScopedSiteHistoryView, LogEntriesView)),
    # Wagtail's exporter, Wagtail's views
    Download("aging pages", aging_pages, views=(AgingPagesView,)),
    Download("locked pages", locked_pages, views=(LockedPagesView,)),
    Download("workflows", pages_in_review("workflow"), views=(WorkflowView,)),
    Download("workflow tasks", pages_in_review("workflow_tasks"), views=(WorkflowTasksView,)),
    Download("redirects", redirects, views=(RedirectIndexView,)),
    # Our own files
    Download("staff import: initial passwords", staff_import_passwords, formats=("xlsx",)),
    Download("staff import: Excel template", staff_import_template, formats=("xlsx",)),
]
# Downloads with nothing from users in them, so nothing to escape:
# - the question import template (quizzes.formats.spreadsheet.template_csv / template_xlsx)
# - the staff import CSV template (fixed example rows)
# Not spreadsheets: a category's GIFT export, the personal data download (JSON), certificate PDFs.
# Wagtail's form submissions export (wagtail.contrib.forms) has no form page type to list here.


def _cases():
    for entry in DOWNLOADS:
        for export_format in entry.formats:
            yield pytest.param(entry, export_format, id=f"{entry.name}-{export_format}", marks=entry.marks)


def _content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(("entry", "export_format"), list(_cases()))
def test_a_cell_that_starts_like_a_formula_is_text(client, entry, export_format):
    response, values = entry.download(client, export_format)
    content = _content(response)
    if export_format == "csv":
        cells = csv_cells(content)
        for value in values:
            assert any(cell.startswith("'" + value) for cell in cells), value
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    else:
        cells = xlsx_cells(content)
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        texts = [cell.value for cell in cells if cell.data_type == "s"]
        for value in values:
            # XML keeps no carriage return: "\r" comes back as "\n", still text.
            assert any(text.startswith(value.replace("\r", "\n")) for text in texts), value


# -- numbers stay numbers --------------------------------------------------------------------------


def test_numbers_stay_numbers_in_the_question_statistics(client):
    """Counts and percentages are numbers in both files (nothing escapes them)."""
    response, _values = question_statistics(client, "xlsx")
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(_content(response))).active]
    assert all(isinstance(row[4], int) and isinstance(row[6], int | float) for row in rows[1:])
    response = client.get(with_export(reverse("quizzes_admin:statistics"), "csv"))
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"), newline="")))
    assert all(row[4].isdigit() for row in rows[1:])


def test_a_negative_number_is_a_number_not_a_formula():
    """No report shows a negative number today; a score or a difference in days would."""
    items = [SimpleNamespace(name="-5 天", score=-3, ratio=-2.5)]
    columns = [
        exports.ReportColumn(key, key, lambda item, key=key: getattr(item, key))
        for key in ("name", "score", "ratio")
    ]

    as_csv = _content(exports.csv_response(columns, items, "x.csv"))
    assert csv_cells(as_csv)[3:] == ["'-5 天", "-3", "-2.5"]
    as_xlsx = _content(exports.xlsx_response(columns, items, "x.xlsx", sheet="x"))
    assert [(cell.value, cell.data_type) for cell in xlsx_cells(as_xlsx)[3:]] == [
        ("-5 天", "s"),
        (-3, "n"),
        (-2.5, "n"),
    ]

    wagtail = SpreadsheetExportMixin()
    wagtail.list_export = ["name", "score", "ratio"]
    as_csv = b"".join(wagtail.stream_csv(items))
    assert csv_cells(as_csv)[3:] == ["'-5 天", "-3", "-2.5"]
    output = io.BytesIO()
    wagtail.write_xlsx(items, output)
    assert [(cell.value, cell.data_type) for cell in xlsx_cells(output.getvalue())[3:]] == [
        ("-5 天", "s"),
        (-3, "n"),
        (-2.5, "n"),
    ]


# -- the list is complete --------------------------------------------------------------------------


def _exporting_views() -> set[type]:
    """Every view class in the URL configuration that Wagtail's exporter serves (a ``list_export``)."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
                continue
            initkwargs = getattr(pattern.callback, "view_initkwargs", {})
            if initkwargs.get("list_export", view_class.list_export):
                found.add(view_class)

    walk(get_resolver().url_patterns)
    return found


def test_every_download_on_wagtails_exporter_is_listed():
    listed = tuple(view for entry in DOWNLOADS for view in entry.views)
    # issubclass: viewsets serve their views through core.rights' scoped subclasses.
    missing = {
        f"{view.__module__}.{view.__qualname__}"
        for view in _exporting_views()
        if not issubclass(view, listed)
    }
    assert not missing, f"add these downloads to DOWNLOADS: {sorted(missing)}"
    assert SpreadsheetExportMixin.formula_safe  # core.apps applied the rule to Wagtail's exporter
