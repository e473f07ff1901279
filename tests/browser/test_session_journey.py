"""An in-person session, end to end: a street's training manager plans a session of a course for a
community in the admin and opens the check-in screen; two learners on 360 px phones scan the QR code
(decoded from a screenshot of the trainer's screen with zxing-cpp), sign in and check in; a third, with
no phone, is checked in from the roster; the manager closes the session. The three have the course
completed with the session named in their transcripts, the no-show is on the overdue list, and the
hours show on My learning and in the study hours report."""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from classroom.models import SessionAttendance, TrainingSession
from progress.models import CourseCompletion
from reports.tests.conftest import enrol
from tests.browser.conftest import PHONE, _recorded_page
from tests.factories import make_course, make_lesson, make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"
TITLE = "消防器材使用现场培训"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def for_the_readme(shot: Path, name: str) -> None:
    """With UPDATE_DOCS_SCREENSHOTS=1, the README's screenshots of sessions come from this journey."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        shutil.copyfile(shot, DOCS_IMAGES / f"session-{name}.png")


@pytest.fixture
def street(transactional_db):
    units = make_org_tree()
    course = make_course("消防器材使用", hours="2.0")
    make_lesson(course, "灭火器怎么用")
    manager = make_user(
        "street-manager",
        name="解放碑街道培训管理员",
        org_unit=units["解放碑街道"],
        managed_unit=units["解放碑街道"],
        groups=["Managers"],
        is_staff=True,
    )
    learners = [
        make_user(f"learner{n}", name=name, org_unit=units["A社区"])
        for n, name in enumerate(["甲学员", "乙学员", "丙学员", "丁学员"], start=1)
    ]
    overdue = timezone.localdate() - datetime.timedelta(days=3)
    for learner in learners:
        enrol(learner, course, due_on=overdue)
    return {"units": units, "course": course, "manager": manager, "learners": learners}


def decode_qr(path) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(path))
    assert results, "no QR code found on the check-in screen"
    return results[0].text


def check_in_on_phone(phone, url: str, username: str) -> None:
    page = phone.page
    page.goto(url)
    expect(page.get_by_label("用户名或手机号")).to_be_visible()
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-session-title]")).to_have_text(TITLE)
    for_the_readme(phone.screenshot(f"check-in-{username}", full_page=False), "1-check-in")
    page.locator("[data-checkin-form] button").click()
    expect(page.locator("[data-checked-in]")).to_be_visible()
    for_the_readme(phone.screenshot(f"checked-in-{username}", full_page=False), "2-checked-in")


def test_plan_scan_roster_close_and_count(street, desktop, browser, live_server, request):
    page = desktop.page
    first, second, third, no_show = street["learners"]

    desktop.goto("/admin/")
    page.get_by_label("用户名").fill("street-manager")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("body")).to_contain_text("解放碑街道培训管理员")

    # Plan the session: it started a few minutes ago and runs for two hours.
    desktop.goto(reverse("classroom_sessions:add"))
    starts = timezone.localtime() - datetime.timedelta(minutes=5)
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_course").select_option(str(street["course"].pk))
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_ends_at").fill((starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"))
    page.locator("#id_place").fill("A社区党群服务中心二楼")
    page.locator("#id_capacity").fill("20")
    page.locator("#id_unit").select_option(str(street["units"]["解放碑街道"].pk))
    page.locator(f"input[name=invited_units][value='{street['units']['A社区'].pk}']").check()
    page.locator("#id_hours").fill("1.5")
    desktop.screenshot("1-plan")
    page.locator("button.action-save, button[type=submit].button").first.click()
    expect(page.locator("[data-roster-count]")).to_have_text("0")
    session = TrainingSession.objects.get()
    assert session.unit == street["units"]["解放碑街道"] and session.course_id == street["course"].pk

    # The check-in screen: its QR code, read off a screenshot, is the way in.
    desktop.goto(reverse("classroom_sessions:checkin", args=[session.pk]))
    qr = page.locator("[data-checkin-qr] svg")
    expect(qr).to_be_visible()
    shot = desktop.screenshot("2-check-in-screen", full_page=False)
    qr.screenshot(path=str(shot.with_name(shot.stem + "-qr.png")))
    url = decode_qr(shot.with_name(shot.stem + "-qr.png"))
    assert url.startswith(live_server.url + "/checkin/")

    for learner in (first, second):
        phone = _recorded_page(browser, live_server, request, PHONE)
        learner_phone = next(phone)
        check_in_on_phone(learner_phone, url, learner.username)
        next(phone, None)  # closes the phone's context and checks it had no errors
    # The screen counts them (it refreshes itself).
    expect(page.locator("[data-checkin-count]")).to_have_text("2", timeout=40_000)

    # The third has no phone: the trainer checks them in from the roster.
    desktop.goto(reverse("classroom_sessions:roster", args=[session.pk]))
    page.locator(f"[data-roster-row='{third.pk}'] button").click()
    expect(page.locator("[data-roster-count]")).to_have_text("3")
    desktop.screenshot("3-roster")
    assert set(SessionAttendance.objects.values_list("method", flat=True)) == {"qr", "roster"}

    # Close: the course is complete for the three, as of the session.
    desktop.goto(reverse("classroom_sessions:close", args=[session.pk]))
    page.locator("form button.serious").click()
    expect(page.locator("[data-roster-count]")).to_have_text("3")
    completed = set(CourseCompletion.objects.values_list("learner_id", flat=True))
    assert completed == {first.pk, second.pk, third.pk}

    desktop.goto(reverse("reports:transcript", args=[first.pk]))
    expect(page.locator("table.listing")).to_contain_text(TITLE)
    desktop.goto(reverse("reports:overdue"))
    expect(page.locator("table.listing")).to_contain_text(no_show.name)
    expect(page.locator("table.listing")).not_to_contain_text(first.name)
    desktop.goto(reverse("reports:hours"))
    row = page.locator("tr", has_text=first.name)
    expect(row).to_contain_text("1.5")
    desktop.screenshot("4-hours-report")

    # The learner's My learning shows this year's hours.
    phone = _recorded_page(browser, live_server, request, PHONE)
    learner_phone = next(phone)
    learner_phone.goto("/accounts/login/")
    learner_phone.page.get_by_label("用户名或手机号").fill(first.username)
    learner_phone.page.get_by_label("密码", exact=True).fill(PASSWORD)
    learner_phone.page.get_by_role("button", name="登录").click()
    expect(learner_phone.page.locator(".study-hours")).to_contain_text("1.5")
    for_the_readme(learner_phone.screenshot("5-my-learning-hours", full_page=False), "3-my-learning-hours")
    next(phone, None)
