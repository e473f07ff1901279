"""Browser security headers, the untrusted-proxy warning, no Gravatar, and profile-picture limits."""

import base64
import hashlib
import io
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image
from wagtail.admin.views.account import AvatarSettingsPanel
from wagtail.users.models import UserProfile

from core.checks import content_security_policy_check, proxy_trust_check
from core.security import (
    UNTRUSTED_PROXY_CACHE_KEY,
    SecurityHeadersMiddleware,
    UntrustedProxyMiddleware,
    content_security_policy_header,
    permissions_policy_header,
)
from tests.factories import make_course, make_lesson, make_user

ROOT = Path(__file__).resolve().parents[2]


def header_directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


# -- Content-Security-Policy and Permissions-Policy --------------------------------------------------


@pytest.mark.django_db
def test_learner_pages_get_the_strict_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = header_directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_admin_gets_the_policy_wagtail_needs(client):
    client.force_login(make_user("root", is_superuser=True))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    policy = header_directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_admin_sign_in_page_and_static_files_have_a_policy_too(client):
    assert "'unsafe-inline'" in client.get(reverse("wagtailadmin_login"))["Content-Security-Policy"]
    static = client.get(settings.STATIC_URL + "css/site.css")
    assert static.status_code == 200
    assert header_directives(static["Content-Security-Policy"])["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_a_preview_in_the_admin_gets_the_admin_policy(client):
    """Wagtail renders a preview through the middleware with a made-up request for the page's own
    URL; the learner policy (frame-ancestors 'none') would stop the editor's preview panel."""
    lesson = make_lesson(make_course())
    client.force_login(make_user("root", is_superuser=True))
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert response.status_code == 200 and lesson.title in response.content.decode()
    assert header_directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


def test_a_policy_a_view_set_itself_is_kept():
    def view(request):
        response = HttpResponse()
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/documents/1/"))
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Permissions-Policy"]


def test_a_pdf_gets_no_policy_for_chromium_to_show_it():
    response = SecurityHeadersMiddleware(
        lambda request: HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    )(RequestFactory().get("/documents/1/guide.pdf"))
    assert "Content-Security-Policy" not in response
    assert "camera=()" in response["Permissions-Policy"]


def test_no_policy_names_another_site():
    for policy in (settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_ADMIN):
        for sources in policy.values():
            assert not [source for source in sources if "." in source or "//" in source]
    assert content_security_policy_check() == []


def test_the_check_warns_about_a_third_party_origin(settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "img-src": ["'self'", "https://cdn.example.com"],
    }
    [warning] = content_security_policy_check()
    assert warning.id == "core.W003" and "https://cdn.example.com" in warning.msg


def test_the_500_page_style_is_the_one_the_policy_allows():
    """The 500 page keeps its styles inline (it must render when nothing else works); its hash is in
    the policy, so editing the page means updating the hash in config/settings/base.py."""
    html = (ROOT / "site" / "templates" / "500.html").read_text(encoding="utf-8")
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert styles, "the 500 page has no <style> any more: drop its hash from the policy"
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["style-src"]


def test_headers_are_written_as_browsers_read_them():
    assert (
        content_security_policy_header({"default-src": ["'self'"], "img-src": ["'self'", "data:"]})
        == "default-src 'self'; img-src 'self' data:"
    )
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"


# -- The untrusted proxy -----------------------------------------------------------------------------


def through(middleware, remote_addr, forwarded="114.114.115.115"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return middleware(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra))


@pytest.mark.parametrize("proxy", ["127.0.0.1", "10.0.0.5", "192.168.1.2", "::1", ""])
def test_a_request_through_an_untrusted_proxy_is_logged_once_and_reported_by_check_deploy(
    settings, caplog, proxy
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.BEHIND_PROXY = False  # even when declared direct: the requests say otherwise
    middleware = UntrustedProxyMiddleware(lambda request: HttpResponse())
    with caplog.at_level(logging.WARNING, logger="core.security"):
        through(middleware, proxy)
        through(middleware, proxy)
    assert [record.message for record in caplog.records].count(caplog.records[0].message) == 1
    assert "TRUSTED_PROXY_COUNT is 0" in caplog.records[0].message
    assert cache.get(UNTRUSTED_PROXY_CACHE_KEY)["remote_addr"] == proxy
    [warning] = proxy_trust_check()
    assert warning.id == "core.W002"


@pytest.mark.parametrize(("remote_addr", "forwarded"), [("114.114.114.114", "1.2.3.4"), ("10.0.0.5", "")])
def test_direct_clients_are_not_mistaken_for_a_proxy(settings, caplog, remote_addr, forwarded):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.BEHIND_PROXY = False
    middleware = UntrustedProxyMiddleware(lambda request: HttpResponse())
    with caplog.at_level(logging.WARNING, logger="core.security"):
        through(middleware, remote_addr, forwarded)
    assert caplog.records == []
    assert cache.get(UNTRUSTED_PROXY_CACHE_KEY) is None
    assert proxy_trust_check() == []


@pytest.mark.django_db
def test_every_request_is_watched(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.get(reverse("accounts:login"), HTTP_X_FORWARDED_FOR="114.114.114.114")  # from 127.0.0.1
    assert cache.get(UNTRUSTED_PROXY_CACHE_KEY)["remote_addr"] == "127.0.0.1"


def test_the_middleware_steps_aside_when_proxies_are_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    with pytest.raises(MiddlewareNotUsed):
        UntrustedProxyMiddleware(lambda request: HttpResponse())
    assert proxy_trust_check() == []


def test_check_deploy_warns_until_the_proxy_question_is_answered(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.BEHIND_PROXY = None
    [warning] = proxy_trust_check()
    assert warning.id == "core.W001"
    settings.BEHIND_PROXY = False
    assert proxy_trust_check() == []


# -- No Gravatar -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_pages_load_no_gravatar(client):
    admin = make_user("root", is_superuser=True, email="root@example.org")
    make_user("colleague", is_staff=True, email="colleague@example.org")
    client.force_login(admin)
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_account"),
        reverse("wagtailusers_users:index"),
    ):
        html = client.get(url).content.decode()
        assert "avatar" in html, url  # the avatars are on the page…
        assert "gravatar.com" not in html, url  # …and none comes from Gravatar


# -- Profile pictures --------------------------------------------------------------------------------


def png(size, mode="RGB", **options) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG", **options)
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def avatar_panel(user, upload):
    request = RequestFactory().post(reverse("wagtailadmin_account"), {"avatar-avatar": upload})
    request.user = user
    return AvatarSettingsPanel(request, user, UserProfile.get_for_user(user))


# What a phone would send: a plain picture; then one too big to upload, one with more pixels than
# images may have, and a decompression bomb (a few kilobytes that unpack to 200 million pixels, more
# than twice Pillow's own limit, so Pillow refuses to even read its size).
TOO_BIG = {"size": (1900, 1900), "compress_level": 0}  # 10.3 MiB uncompressed
TOO_MANY_PIXELS = {"size": (8000, settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS // 8000 + 1), "mode": "1"}
BOMB = {"size": (20_000, 10_000), "mode": "1"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("picture", "code", "message"),
    [
        (TOO_BIG, "file_too_large", "文件过大 (10.3 MB)，文件大小上限为 10.0 MB。"),
        (TOO_MANY_PIXELS, "file_too_many_pixels", "像素数量上限为 40000000"),
        (BOMB, "file_too_many_pixels", "像素数量上限为"),
    ],
)
def test_profile_pictures_have_the_limits_of_images(picture, code, message):
    user = make_user("trainer", is_staff=True)
    panel = avatar_panel(user, png(**picture))
    form = panel.get_form()
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["avatar"]] == [code]
    assert message in panel.render().replace("\xa0", " ")  # in Chinese, on the account screen
    assert not UserProfile.get_for_user(user).avatar


@pytest.mark.django_db
def test_the_account_screen_refuses_an_oversized_picture_and_says_why(client):
    user = make_user("trainer", groups=["Trainers"])
    client.force_login(user)
    response = client.post(reverse("wagtailadmin_account"), {"avatar-avatar": png(**TOO_MANY_PIXELS)})
    assert response.status_code == 200
    assert "文件包含像素过多" in response.content.decode()
    assert not UserProfile.get_for_user(user).avatar


@pytest.mark.django_db
def test_an_ordinary_picture_is_still_taken_and_shrunk():
    user = make_user("trainer", is_staff=True)
    form = avatar_panel(user, png((800, 600))).get_form()
    assert form.is_valid(), form.errors
    form.save()
    with Image.open(UserProfile.get_for_user(user).avatar) as saved:
        assert saved.size == (400, 300)
