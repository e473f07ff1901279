"""SCORM_CONTENT_ORIGIN in a real browser: a package whose launch page is a wrapper around an inner frame
(as many authoring tools' players are) plays from a content host of its own. The inner frame finds the API
in its parent frame (the wrapper, same origin on that host), its progress is saved with the learner's
session on the site, and the content host carries no cookie of the site.

Chromium resolves scorm.test to 127.0.0.1 in a browser launched for this test only (the shared browser
keeps its arguments)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from scorm.models import ScormAttempt, ScormPackage, ScormPage
from scorm.tests.packages import package_files, zip_bytes
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, CSP_VIOLATION_REPORTER, PHONE
from tests.browser.test_scorm import wait_until
from tests.factories import make_course, make_user, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONTENT_HOST = "scorm.test"
# The launch page: a wrapper whose frame holds the SCO. The SCO walks window.parent to find the API, which
# in an opaque origin (no content host) throws: the parent frame is another origin to it.
WRAPPER = """<!doctype html>
<html><head><meta charset="utf-8"><title>播放器</title></head>
<body style="margin:0"><p id="wrapper">wrapper</p>
<iframe name="sco" src="sco.html" style="border:0;width:100%;height:420px"></iframe>
</body></html>
"""


@pytest.fixture
def world(transactional_db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scorm import package as packages

    files = package_files("1.2")
    files["content/sco.html"] = files["content/index.html"]
    files["content/index.html"] = WRAPPER
    upload = SimpleUploadedFile("wrapped.zip", zip_bytes(files), content_type="application/zip")
    record = ScormPackage.create_from_upload(upload, package=packages.read_package(upload))
    course = make_course("扫码登记 SCORM", slug="scorm-course")
    lesson = publish(course, ScormPage(title="包装页练习", slug="wrapped", package=record))
    return {"lesson": lesson, "learner": make_user("scorm-learner", name="王小明")}


@pytest.fixture
def content_origin(live_server, settings):
    port = live_server.url.rsplit(":", 1)[1]
    origin = f"http://{CONTENT_HOST}:{port}"
    settings.SCORM_CONTENT_ORIGIN = origin
    settings.SCORM_LESSON_ORIGINS = [live_server.url]
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "frame-src": ["'self'", origin]}
    return origin


@pytest.fixture
def mapped_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {CONTENT_HOST} 127.0.0.1"],
        )
        yield browser
        browser.close()


def test_a_wrapped_package_plays_from_its_own_host(world, live_server, content_origin, mapped_browser):
    lesson, learner = world["lesson"], world["learner"]
    context = mapped_browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_VIOLATION_REPORTER)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    client = Client()
    client.force_login(learner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    response = page.goto(live_server.url + lesson.url)
    assert response is not None and response.ok
    outer = page.locator("iframe.scorm__frame")
    expect(outer).to_have_attribute(
        "src", f"{content_origin}/scorm/content/{lesson.package.key}/content/index.html"
    )
    sco = page.frame_locator("iframe.scorm__frame").frame_locator("iframe[name=sco]")
    expect(sco.locator("#api")).to_have_text("init=true")  # found in the parent frame
    expect(sco.locator("#entry")).to_have_text("entry=ab-initio")
    sco.locator("#next").click()
    expect(page.locator("[data-scorm-status]")).to_have_attribute("data-state", "saved")
    attempt = ScormAttempt.objects.get(learner=learner, item_id=lesson.pk)
    assert attempt.data["cmi.core.lesson_location"] == "page-2"

    # What the package's frames hold: no cookie of the site on the content host.
    wrapper = next(frame for frame in page.frames if frame.name.startswith("frontline.scorm"))
    assert wrapper.url.startswith(content_origin)
    assert wrapper.evaluate("document.cookie") == ""
    assert not [c for c in context.cookies() if CONTENT_HOST in c["domain"]]

    page.reload()
    expect(sco.locator("#entry")).to_have_text("entry=resume")
    expect(sco.locator("#location")).to_have_text("location=page-2")
    sco.locator("#answer").click()
    expect(page.locator("[data-scorm-status]")).to_have_attribute("data-state", "done")
    wait_until(lambda: ScormAttempt.objects.get(pk=attempt.pk).completed_at is not None)
    context.close()
    # Over plain http (this test), Chromium ignores the Cross-Origin-Opener-Policy of a host other than
    # localhost and says so; a real content host is served over https.
    errors = [error for error in errors if "Cross-Origin-Opener-Policy header has been ignored" not in error]
    assert errors == [], errors
