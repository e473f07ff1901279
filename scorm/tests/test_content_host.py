"""SCORM_CONTENT_ORIGIN: package files on a host of their own, where a package is one real origin (so its
frames may script each other), and that host answers nothing else; unset, nothing changes
(test_runtime.py)."""

import pytest

from scorm.checks import scorm_content_origin_check
from scorm.tests.packages import make_scorm_lesson
from scorm.views import _runtime_script
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db

CONTENT = "https://scorm.test"
LESSONS = "https://learn.test"


@pytest.fixture(autouse=True)
def content_host(settings):
    settings.SCORM_CONTENT_ORIGIN = CONTENT
    settings.SCORM_LESSON_ORIGINS = [LESSONS]
    settings.ALLOWED_HOSTS = ["testserver", "scorm.test", "learn.test"]


@pytest.fixture
def world():
    course = make_course("扫码登记 SCORM", slug="scorm-course")
    return {"one": make_scorm_lesson(course, "1.2", slug="sco12"), "learner": make_user("learner")}


def on_content_host(client, path, **extra):
    return client.get(path, HTTP_HOST="scorm.test", secure=True, **extra)


def test_the_lesson_page_frames_the_package_on_the_content_host(client, world):
    client.force_login(world["learner"])
    html = client.get(world["one"].url).content.decode()
    key = world["one"].package.key
    assert f'data-launch="{CONTENT}/scorm/content/{key}/content/index.html"' in html
    assert f'data-content-origin="{CONTENT}"' in html
    assert (
        'sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"'
        in html
    )


def test_package_files_asked_of_the_site_are_sent_to_the_content_host(client, world):
    key = world["one"].package.key
    response = client.get(f"/scorm/content/{key}/content/index.html?lang=zh")
    assert response.status_code == 302
    assert response["Location"] == f"{CONTENT}/scorm/content/{key}/content/index.html?lang=zh"


def test_the_content_host_serves_a_package_as_one_origin_framed_by_lesson_pages_only(client, world):
    client.force_login(world["learner"])  # the session cookie goes along: nothing reads or sets it
    key = world["one"].package.key
    response = on_content_host(client, f"/scorm/content/{key}/content/index.html")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts allow-same-origin allow-forms allow-popups")
    assert "allow-top-navigation" not in policy
    assert policy.endswith(f"frame-ancestors 'self' {LESSONS}")
    assert "X-Frame-Options" not in response
    assert not response.cookies
    version = _runtime_script()[1]
    html = response.content.decode()
    script = f'<script src="/scorm/content/_/sco-api.js?v={version}"></script>'
    assert html.count(script) == 1 and "/static/" not in html
    assert html.index(script) < html.index("<script>")  # before the package's own
    css = on_content_host(client, f"/scorm/content/{key}/content/style.css")
    assert css.status_code == 200 and css["Content-Type"] == "text/css"


def test_the_content_host_serves_our_api_script(client):
    body, version = _runtime_script()
    response = on_content_host(client, f"/scorm/content/_/sco-api.js?v={version}")
    assert response.status_code == 200 and response.content == body
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    assert "immutable" not in on_content_host(client, "/scorm/content/_/sco-api.js?v=old")["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/admin/",
        "/static/scorm/sco-api.js",
        "/my/data/",
        "/api/v1/units/",
        "/scorm/1/attempt/",
        "/ping/",
    ],
)
def test_the_content_host_answers_nothing_else(client, world, path):
    client.force_login(world["learner"])
    response = on_content_host(client, path)
    assert response.status_code == 404
    assert response.content == b"Not found"
    assert not response.cookies


def test_the_content_host_keeps_the_paths_checks(client, world):
    key = world["one"].package.key
    assert (
        on_content_host(client, f"/scorm/content/{key}/../../../config/settings/base.py").status_code == 404
    )
    assert on_content_host(client, "/scorm/content/" + "0" * 32 + "/content/index.html").status_code == 404


def test_a_runtime_call_on_the_content_host_is_not_found(client, world):
    client.force_login(world["learner"])
    response = client.post(f"/scorm/{world['one'].pk}/attempt/", HTTP_HOST="scorm.test", secure=True)
    assert response.status_code == 404


def test_without_a_content_origin_the_site_serves_the_files_itself(client, world, settings):
    settings.SCORM_CONTENT_ORIGIN = ""
    key = world["one"].package.key
    response = client.get(f"/scorm/content/{key}/content/index.html")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox allow-scripts allow-forms")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The content host's name is then just another host of the site: no special treatment.
    assert client.get("/scorm/content/_/sco-api.js", HTTP_HOST="scorm.test").status_code == 200


def _ids(settings_changes, settings):
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return [message.id for message in scorm_content_origin_check()]


def test_the_checks(settings):
    assert _ids({}, settings) == []
    assert _ids({"SCORM_CONTENT_ORIGIN": "https://scorm.test/packages"}, settings) == ["scorm.E001"]
    assert _ids({"SCORM_CONTENT_ORIGIN": "scorm.test"}, settings) == ["scorm.E001"]
    assert _ids({"SCORM_CONTENT_ORIGIN": CONTENT, "ALLOWED_HOSTS": ["learn.test"]}, settings) == [
        "scorm.E002"
    ]
    assert _ids({"ALLOWED_HOSTS": ["*"], "SCORM_CONTENT_ORIGIN": LESSONS}, settings) == ["scorm.E003"]
    settings.SCORM_CONTENT_ORIGIN = CONTENT
    assert _ids({"SESSION_COOKIE_DOMAIN": ".test"}, settings) == ["scorm.E004"]
    settings.SESSION_COOKIE_DOMAIN = None
    assert _ids(
        {"SCORM_LESSON_ORIGINS": [], "WAGTAILADMIN_BASE_URL": "", "CSRF_TRUSTED_ORIGINS": []}, settings
    ) == ["scorm.W001"]
