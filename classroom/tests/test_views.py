import datetime
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import codes, services
from classroom.models import SessionAttendance, TrainingSession
from classroom.tests.conftest import plan
from progress.models import CourseCompletion

pytestmark = pytest.mark.django_db


def test_manager_plans_a_session_in_the_admin(client, place, course, in_english):
    client.force_login(place["manager"])
    starts = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("classroom_sessions:add"),
        {
            "title": "消防培训",
            "course": course.pk,
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
            "place": "活动室",
            "capacity": 20,
            "trainer": place["trainer"].pk,
            "unit": place["units"]["解放碑街道"].pk,
            "invited_units": [place["units"]["A社区"].pk],
            "hours": "2.0",
            "allow_uninvited": "on",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("classroom_sessions:roster", args=[session.pk])
    assert session.created_by == place["manager"]
    listing = client.get(reverse("classroom_sessions:index"))
    assert "消防培训" in listing.content.decode()


def test_manager_cannot_plan_for_a_unit_outside_their_street(client, place):
    client.force_login(place["manager"])
    starts = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(
        reverse("classroom_sessions:add"),
        {
            "title": "越界培训",
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "place": "活动室",
            "capacity": 20,
            "trainer": place["manager"].pk,
            "unit": place["units"]["C社区"].pk,
            "hours": "1.0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not TrainingSession.objects.exists()


def test_a_manager_of_another_street_gets_404(client, place):
    session = plan(place)
    client.force_login(place["other_manager"])
    for name in ("roster", "checkin", "checkin_sheet", "code", "close", "edit", "history"):
        assert client.get(reverse(f"classroom_sessions:{name}", args=[session.pk])).status_code == 404, name
    assert client.get(reverse("classroom_sessions:sheet", args=[session.pk, "xlsx"])).status_code == 404
    response = client.post(
        reverse("classroom_sessions:roster", args=[session.pk]), {"learner": place["a"].pk}
    )
    assert response.status_code == 404
    assert not SessionAttendance.objects.exists()
    assert "消防演练培训" not in client.get(reverse("classroom_sessions:index")).content.decode()


def test_a_learner_has_no_admin_screens(client, place):
    session = plan(place)
    client.force_login(place["a"])
    response = client.get(reverse("classroom_sessions:roster", args=[session.pk]))
    assert response.status_code in (302, 403)
    assert not SessionAttendance.objects.exists()


def test_trainer_sees_their_own_sessions_only(client, place):
    mine = plan(place, title="我的培训")
    other = plan(place, title="别人的培训", trainer=place["manager"])
    client.force_login(place["trainer"])
    listing = client.get(reverse("classroom_sessions:index")).content.decode()
    assert "我的培训" in listing and "别人的培训" not in listing
    assert client.get(reverse("classroom_sessions:roster", args=[mine.pk])).status_code == 200
    assert client.get(reverse("classroom_sessions:roster", args=[other.pk])).status_code == 404


def test_checkin_screen_and_its_code(client, place):
    session = plan(place)
    client.force_login(place["trainer"])
    page = client.get(reverse("classroom_sessions:checkin", args=[session.pk])).content.decode()
    assert "<svg" in page
    link = re.search(r'data-checkin-link[^>]*href="([^"]+)"', page).group(1)
    assert codes.read_code(link.rstrip("/").rsplit("/", 1)[1]).session_id == session.pk
    data = client.get(reverse("classroom_sessions:code", args=[session.pk])).json()
    assert data["svg"].startswith("<svg") and 0 < data["seconds"] <= codes.STEP_SECONDS


def test_learner_scans_signs_in_and_checks_in(client, place):
    session = plan(place)
    code = codes.checkin_code(session.pk)
    url = reverse("classroom:checkin", args=[code])
    response = client.get(url)  # not signed in: to sign in, with a pass to come back to
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "checkin/p" in response["Location"]
    client.force_login(place["a"])
    page = client.get(url)
    assert page.status_code == 200
    assert not SessionAttendance.objects.exists()  # nothing on GET
    post_url = re.search(
        r'<form method="post" action="([^"]+)" data-checkin-form', page.content.decode()
    ).group(1)
    done = client.post(post_url)
    assert done["Location"] == reverse("classroom:checked_in", args=[session.pk])
    attendance = SessionAttendance.objects.get()
    assert attendance.learner == place["a"] and attendance.method == "qr" and attendance.invited
    # Twice: harmless, still one check-in.
    assert client.post(post_url).status_code == 302
    assert SessionAttendance.objects.count() == 1
    assert client.get(done["Location"]).status_code == 200


def test_expired_code_is_refused(client, place, in_english):
    session = plan(place)
    old = codes.checkin_code(session.pk, now=timezone.now().timestamp() - 3 * codes.STEP_SECONDS)
    client.force_login(place["a"])
    response = client.get(reverse("classroom:checkin", args=[old]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post(reverse("classroom:checkin", args=[old])).status_code == 410
    assert not SessionAttendance.objects.exists()


def test_code_replayed_after_close_is_refused(client, place, in_english):
    session = plan(place)
    code = codes.checkin_code(session.pk)
    services.session_close(session=session, actor=place["trainer"])
    client.force_login(place["a"])
    response = client.post(reverse("classroom:checkin", args=[code]))
    assert response.status_code == 410
    assert "closed" in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_someone_elses_check_in_page_is_404(client, place):
    session = plan(place)
    services.session_check_in(session=session, learner=place["a"])
    client.force_login(place["a2"])
    assert client.get(reverse("classroom:checked_in", args=[session.pk])).status_code == 404


def test_roster_tap_close_and_sheets(client, place, course):
    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-30))
    client.force_login(place["trainer"])
    roster = client.get(reverse("classroom_sessions:roster", args=[session.pk])).content.decode()
    assert "甲学员" in roster and "甲二学员" in roster and "乙学员" not in roster
    client.post(reverse("classroom_sessions:roster", args=[session.pk]), {"learner": place["a"].pk})
    assert SessionAttendance.objects.get().method == "roster"
    # Someone not on the roster cannot be checked in by id.
    client.post(reverse("classroom_sessions:roster", args=[session.pk]), {"learner": place["c"].pk})
    assert SessionAttendance.objects.count() == 1
    sheet = client.get(reverse("classroom_sessions:sheet", args=[session.pk, "xlsx"]))
    cells = [
        c
        for row in openpyxl.load_workbook(__import__("io").BytesIO(sheet.content)).active.iter_rows(
            values_only=True
        )
        for c in row
        if c
    ]
    assert "甲学员" in cells and "甲二学员" in cells
    pdf = client.get(reverse("classroom_sessions:sheet", args=[session.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"FrontlineCertificateSans" in pdf.content  # the Chinese font, embedded
    response = client.post(reverse("classroom_sessions:close", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.closed
    assert CourseCompletion.objects.get().learner == place["a"]


def test_sheet_cells_that_look_like_formulas_stay_text(client, place):
    session = plan(place, title='=HYPERLINK("http://x")')
    client.force_login(place["trainer"])
    sheet = client.get(reverse("classroom_sessions:sheet", args=[session.pk, "xlsx"]))
    book = openpyxl.load_workbook(__import__("io").BytesIO(sheet.content))
    cell = book.active["B1"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_my_learning_shows_sessions_and_hours(client, place, in_english):
    plan(place, title="社区消防培训")
    client.force_login(place["a"])
    page = client.get(reverse("progress:my_learning")).content.decode()
    assert "社区消防培训" in page and "社区活动室" in page
    assert "Study hours this year: 0" in page


def test_personal_data_download_lists_check_ins(client, place):
    session = plan(place, title="数据培训")
    services.session_check_in(session=session, learner=place["a"])
    client.force_login(place["a"])
    response = client.get(reverse("progress:my_data"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    data = __import__("json").loads(content)
    assert [row["session"] for row in data["session_attendance"]] == ["数据培训"]
    assert data["session_attendance"][0]["place"] == "社区活动室"


def test_check_ins_are_in_the_site_history_of_the_session(client, place):
    from wagtail.models import ModelLogEntry

    session = plan(place)
    services.session_check_in(session=session, learner=place["a"])
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(session.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [services.CREATE_LOG_ACTION, services.CHECK_IN_LOG_ACTION]
    client.force_login(place["other_manager"])
    page = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "甲学员" not in page
    client.force_login(place["manager"])
    page = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "消防演练培训" in page


def test_edit_a_session_and_a_closed_one_is_history(client, place):
    session = plan(place)
    client.force_login(place["manager"])
    url = reverse("classroom_sessions:edit", args=[session.pk])
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        {
            "title": "改名后的培训",
            "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"),
            "place": "新活动室",
            "capacity": 10,
            "trainer": place["trainer"].pk,
            "unit": place["units"]["解放碑街道"].pk,
            "invited_units": [place["units"]["B社区"].pk],
            "hours": "1.0",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.place, session.capacity) == ("改名后的培训", "新活动室", 10)
    assert list(session.invited_units.all()) == [place["units"]["B社区"]]
    services.session_close(session=session, actor=place["manager"])
    assert client.get(url).status_code == 404


def test_a_scan_from_someone_not_invited_is_refused_and_on_the_roster(client, place, in_english):
    session = plan(place, allow_uninvited=False)
    client.force_login(place["c"])
    page = client.get(reverse("classroom:checkin", args=[codes.checkin_code(session.pk)]))
    post_url = re.search(
        r'<form method="post" action="([^"]+)" data-checkin-form', page.content.decode()
    ).group(1)
    refused = client.post(post_url)
    assert refused.status_code == 403
    assert "only for the people invited" in refused.content.decode()
    assert not SessionAttendance.objects.exists()
    client.force_login(place["trainer"])
    roster = client.get(reverse("classroom_sessions:roster", args=[session.pk])).content.decode()
    assert "丙学员" in roster and "data-refused" in roster


def test_a_printed_check_in_sheet_works_for_its_session_while_it_takes_check_ins(
    client, place, monkeypatch, in_english
):
    from classroom import sheets

    encoded = []
    make_qr = sheets.segno.make_qr
    monkeypatch.setattr(sheets.segno, "make_qr", lambda url, **kw: encoded.append(url) or make_qr(url, **kw))
    session, tomorrow = plan(place), plan(place, starts_in=datetime.timedelta(days=1), title="明天的培训")
    client.force_login(place["trainer"])
    response = client.get(reverse("classroom_sessions:checkin_sheet", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    code = encoded[0].rstrip("/").rsplit("/", 1)[1]
    assert codes.read_sheet_code(code) == session.pk

    # A learner scans the printed code: the same way in as the screen's code.
    client.force_login(place["a"])
    page = client.get(reverse("classroom:checkin", args=[code])).content.decode()
    post_url = re.search(r'<form method="post" action="([^"]+)" data-checkin-form', page).group(1)
    assert client.post(post_url)["Location"] == reverse("classroom:checked_in", args=[session.pk])
    assert SessionAttendance.objects.get().method == "qr"

    # Not another session's code by changing the number, not before its check-in opens, not after it closes.
    forged = "s" + str(tomorrow.pk) + code[1 + len(str(session.pk)) :]
    assert client.get(reverse("classroom:checkin", args=[forged])).status_code == 410
    client.force_login(place["b"])
    early = client.post(reverse("classroom:checkin", args=[codes.sheet_code(tomorrow.pk)]))
    assert early.status_code == 403
    services.session_close(session=session, actor=place["trainer"])
    assert client.post(reverse("classroom:checkin", args=[code])).status_code == 410
    assert SessionAttendance.objects.count() == 1
    client.force_login(place["trainer"])
    closed = client.get(reverse("classroom_sessions:checkin_sheet", args=[session.pk]))
    assert closed.status_code == 302 and closed["Location"].endswith(f"/{session.pk}/roster/")
