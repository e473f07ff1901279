"""A learner on a 360 px phone plays a SCORM 1.2 and a SCORM 2004 package built in the tests: the package
finds the API through window.parent, starts from the beginning, saves its place, resumes after a reload,
scores, passes and finishes, and the lesson counts toward the course."""

import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from progress.models import ItemProgress
from scorm.models import ScormAttempt
from scorm.tests.packages import make_scorm_lesson
from tests.factories import make_course, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(transactional_db):
    course = make_course("扫码登记 SCORM", slug="scorm-course")
    return {
        "1.2": make_scorm_lesson(course, "1.2", mastery=80, slug="sco12"),
        "2004": make_scorm_lesson(course, "2004", slug="sco2004"),
        "learner": make_user("scorm-learner", name="王小明"),
    }


def sign_in(phone, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    phone.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def wait_until(condition, timeout=15.0):
    """Poll the database until the runtime's commit has landed (no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_package_plays_resumes_scores_and_completes_on_a_phone(phone, live_server, world, version):
    page = phone.page
    lesson, learner = world[version], world["learner"]
    sign_in(phone, live_server, learner)
    phone.goto(lesson.url)
    frame = page.frame_locator("iframe.scorm__frame")
    expect(frame.locator("#api")).to_have_text("init=true")
    expect(frame.locator("#entry")).to_have_text("entry=ab-initio")
    # It fits the phone: the frame is as wide as the content column, nothing scrolls sideways.
    box = page.locator("iframe.scorm__frame").bounding_box()
    assert box is not None and box["width"] <= 360 and box["height"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(f"scorm-{version}-1-start")

    frame.locator("#next").click()
    status = page.locator("[data-scorm-status]")
    expect(status).to_have_attribute("data-state", "saved")
    location = "cmi.core.lesson_location" if version == "1.2" else "cmi.location"
    assert ScormAttempt.objects.get(learner=learner, item_id=lesson.pk).data[location] == "page-2"

    page.reload()
    expect(frame.locator("#entry")).to_have_text("entry=resume")
    expect(frame.locator("#location")).to_have_text("location=page-2")
    expect(frame.locator("#suspend")).to_have_text('suspend={"page":2,"answers":[1,3]}')

    frame.locator("#answer").click()
    expect(status).to_have_attribute("data-state", "done")
    frame.locator("#finish").click()
    expect(frame.locator("#api")).to_have_text("finish=true")
    wait_until(lambda: ScormAttempt.objects.get(learner=learner, item_id=lesson.pk).total_seconds > 0)
    phone.screenshot(f"scorm-{version}-2-done")

    attempt = ScormAttempt.objects.get(learner=learner, item_id=lesson.pk)
    assert attempt.score_raw == 80 and attempt.success_status == "passed"
    assert attempt.completion_status == "completed" and attempt.completed_at is not None
    assert ItemProgress.objects.get(learner=learner, item_id=lesson.pk).completed_at is not None

    page.reload()  # the lesson shows as finished, and the package resumes where it was suspended
    expect(status).to_have_attribute("data-state", "done")
    expect(frame.locator("#entry")).to_have_text("entry=resume")
