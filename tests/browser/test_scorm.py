"""A learner on a 360 px phone plays a SCORM 1.2 and a SCORM 2004 package built in the tests: the package
finds the API through window.parent, starts from the beginning, saves its place, resumes after a reload,
scores, passes and finishes, and the lesson counts toward the course."""

import json
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
    # "saved" may still show from the commit before this one: wait for this commit to land.
    wait_until(
        lambda: ScormAttempt.objects.get(learner=learner, item_id=lesson.pk).data.get(location) == "page-2"
    )

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


@pytest.fixture
def malicious(transactional_db):
    """A lesson whose package a street training manager uploaded, opened by a superuser."""
    from scorm import package as packages
    from scorm.models import ScormPackage, ScormPage
    from scorm.tests.packages import malicious_package_upload
    from tests.factories import publish

    course = make_course("来路不明的课件", slug="malicious-course")
    upload = malicious_package_upload()
    record = ScormPackage.create_from_upload(upload, package=packages.read_package(upload))
    lesson = publish(course, ScormPage(title="恶意课件", slug="malicious", package=record))
    admin = make_user("scorm-admin", name="超级管理员")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return {"lesson": lesson, "admin": admin}


# What Chromium logs when it blocks the package (the test expects these, and nothing else).
BLOCKED_BY_THE_BROWSER = (
    "from origin 'null' has been blocked by CORS policy",
    "Failed to fetch",
    "net::ERR_FAILED",
)


def test_a_package_cannot_act_with_the_viewers_rights(phone, live_server, malicious):
    page = phone.page
    lesson, admin = malicious["lesson"], malicious["admin"]
    sent, saves = [], []  # what the package's frame asked the site for; the lesson page's saves
    page.on("request", lambda request: request.frame != page.main_frame and sent.append(request))
    page.on("request", lambda request: "/commit/" in request.url and saves.append(request))
    sign_in(phone, live_server, admin)
    phone.goto(lesson.url)
    frame = page.frame_locator("iframe.scorm__frame")
    expect(frame.locator("#api")).to_have_text("init=true")  # the package still finds the SCORM API
    expect(frame.locator("#attacks")).not_to_be_empty()
    attacks = json.loads(frame.locator("#attacks").text_content())
    assert attacks == dict.fromkeys(attacks, "blocked"), attacks
    assert len(attacks) == 10
    # The package is an opaque origin, and its requests to the site carry no session.
    content = page.frame(url=lambda url: "/scorm/content/" in url)
    assert content.evaluate("self.origin") == "null"
    asked = {
        path: request.all_headers().get("cookie", "")
        for request in sent
        if (path := request.url.removeprefix(live_server.url)) in ("/admin/", "/my/data.json")
    }
    assert set(asked) == {"/admin/", "/my/data.json"}
    assert not any(settings.SESSION_COOKIE_NAME in cookie for cookie in asked.values()), asked

    # The forged messages changed nothing; the lesson still plays and saves.
    frame.locator("#next").click()
    status = page.locator("[data-scorm-status]")
    expect(status).to_have_attribute("data-state", "saved")
    wait_until(
        lambda: (
            ScormAttempt.objects.get(learner=admin, item_id=lesson.pk).data.get("cmi.core.lesson_location")
            == "page-2"
        )
    )
    attempt = ScormAttempt.objects.get(learner=admin, item_id=lesson.pk)
    assert attempt.data["cmi.core.lesson_status"] == "incomplete" and "cmi.core.score.raw" not in attempt.data
    assert attempt.completed_at is None
    # (The lesson page's own saves do carry the session: the check above is not vacuous.)
    assert settings.SESSION_COOKIE_NAME in saves[0].all_headers().get("cookie", "")
    frame.locator("#answer").click()
    expect(status).to_have_attribute("data-state", "done")

    # Opened directly, a package's page is an opaque origin too, with no API and no cookie.
    phone.goto(lesson.package.launch_url)
    expect(page.locator("#api")).to_have_text("no API")
    assert page.evaluate("self.origin") == "null"
    expect(page.locator("#attacks")).not_to_be_empty()
    direct = json.loads(page.locator("#attacks").text_content())
    assert direct["cookie"] == "blocked" and direct["fetch /my/data.json"] == "blocked", direct
    phone.errors[:] = [e for e in phone.errors if not any(blocked in e for blocked in BLOCKED_BY_THE_BROWSER)]


def test_a_package_moving_to_its_next_page_keeps_its_state(phone, live_server, world):
    from scorm import package as packages
    from scorm.models import ScormPackage, ScormPage
    from scorm.tests.packages import two_page_package_upload
    from tests.factories import publish

    upload = two_page_package_upload()
    record = ScormPackage.create_from_upload(upload, package=packages.read_package(upload))
    lesson = publish(world["2004"].get_parent().specific, ScormPage(title="两页", slug="two", package=record))
    page, learner = phone.page, world["learner"]
    sign_in(phone, live_server, learner)
    phone.goto(lesson.url)
    frame = page.frame_locator("iframe.scorm__frame")
    expect(frame.locator("#state")).to_have_text("page1 ab-initio  0")
    frame.locator("#save").click()
    expect(page.locator("[data-scorm-status]")).to_have_attribute("data-state", "saved")
    frame.locator("#go").click()  # the same frame, the package's next page: it carries on
    expect(frame.locator("#state")).to_have_text("page2 ab-initio page1 60000")
    page.reload()  # 60,000 characters of suspend data reach the frame whole
    expect(frame.locator("#state")).to_have_text("page1 resume page1 60000")
    wait_until(
        lambda: (
            len(ScormAttempt.objects.get(learner=learner, item_id=lesson.pk).data["cmi.suspend_data"])
            == 60000
        )
    )
