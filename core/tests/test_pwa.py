"""The installable web app: manifest, service worker, offline page, and the saved-copy variant of pages."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from core import pwa
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_site_in_the_visitors_language(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "一线学堂" and data["short_name"] == "一线学堂"
    assert data["start_url"] == "/my/" and data["scope"] == "/" and data["display"] == "standalone"
    assert data["theme_color"] == "#0a4f94" and data["background_color"] == "#ffffff"
    client.cookies["django_language"] = "en"
    assert json.loads(client.get("/manifest.webmanifest").content)["name"] == "Frontline Academy"


def test_the_manifest_icons_are_pngs_of_their_stated_size(client):
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]
    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_the_service_worker_script(client):
    html = client.get("/offline/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon"' in html and 'name="theme-color"' in html
    assert re.search(r'<script src="/static/js/pwa.js" defer data-sw="/sw.js"', html)


def test_the_service_worker_is_served_from_the_root_uncached_as_javascript_under_the_strict_policy(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert f'const VERSION = "{pwa.asset_version()}";' in body
    assert 'addEventListener("fetch"' in body
    assert "/static/css/site.css" in body and '"/offline/"' in body
    assert "&quot;" not in body and "{{" not in body


def test_the_cache_version_changes_when_a_static_file_changes(monkeypatch):
    before = pwa._asset_version()
    real = pwa._file_bytes
    monkeypatch.setattr(
        pwa, "_file_bytes", lambda name: real(name) + (b"/* new */" if name.endswith(".css") else b"")
    )
    assert pwa._asset_version() != before


def test_the_offline_page_says_saved_courses_still_work(client):
    client.cookies["django_language"] = "en"  # its Chinese comes with the translations (locale/)
    html = client.get("/offline/").content.decode()
    assert "No network" in html and "The courses you saved to this phone can still be studied" in html
    assert 'href="/my/"' in html


def _token_inputs(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken"', html)


def test_the_saved_copy_of_a_lesson_has_no_csrf_token_and_keeps_the_finish_form():
    course = make_course("离线课", open_enrolment=True)
    lesson = make_lesson(course, "第一课")
    client = Client()
    client.force_login(make_user("offline-learner", first_name="小明"))
    normal = client.get(lesson.url).content.decode()
    assert _token_inputs(normal)
    saved = client.get(lesson.url, headers={pwa.OFFLINE_HEADER: "1"})
    html = saved.content.decode()
    assert _token_inputs(html) == [] and "csrfmiddlewaretoken" not in html
    assert saved["Cache-Control"] == "no-store, private"
    assert f'data-offline-complete data-item="{lesson.pk}"' in html
    assert "小明" not in html and "offline-learner" not in html
    # The variant never leaks into what the next normal request gets (the page cache keeps a placeholder).
    again = client.get(lesson.url).content.decode()
    assert len(_token_inputs(again)) == len(_token_inputs(normal))


def test_the_saved_copy_shows_no_reminder_count(client):
    from notifications.models import Notification

    user = make_user("reminded")
    Notification.objects.create(recipient=user, kind="due_soon", dedupe_key="k", subject="请完成课程")
    client.force_login(user)
    assert "未读提醒" in client.get("/my/").content.decode()
    saved = client.get("/my/", headers={pwa.OFFLINE_HEADER: "1"}).content.decode()
    assert "未读提醒" not in saved and "csrfmiddlewaretoken" not in saved


def test_signing_out_tells_the_browser_to_forget_saved_pages(client):
    client.force_login(make_user("leaving"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
