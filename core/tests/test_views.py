import pytest
from django.urls import reverse

from core.preferences import TEXT_SIZE_COOKIE

pytestmark = pytest.mark.django_db


def test_ping_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("ping"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_site_is_chinese_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "跳到主要内容" in html
    assert response["Content-Language"] == "zh-hans"


def test_language_switch_turns_the_site_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/courses/"})
    assert response.status_code == 302
    assert response["Location"] == "/courses/"
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Skip to main content" in html
    assert 'value="zh-hans"' in html  # the switch offers the way back
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "跳到主要内容" in client.get("/").content.decode()


def test_large_text_sticks_across_pages(client):
    response = client.post(reverse("text_size"), {"size": "large", "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert response.cookies[TEXT_SIZE_COOKIE].value == "large"
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] > 60 * 60 * 24 * 365
    assert 'class="text-large"' in client.get("/").content.decode()
    assert 'class="text-large"' in client.get(reverse("search")).content.decode()
    client.post(reverse("text_size"), {"size": "normal"})
    assert 'class="text-large"' not in client.get("/").content.decode()


def test_preference_forms_never_redirect_off_site(client):
    response = client.post(reverse("text_size"), {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_text_size_ignores_unknown_values(client):
    response = client.post(reverse("text_size"), {"size": "gigantic"})
    assert TEXT_SIZE_COOKIE not in response.cookies


def test_text_size_is_post_only(client):
    assert client.get(reverse("text_size")).status_code == 405


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/courses/no-such-course/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode() or "不存在" in response.content.decode()


def test_every_page_has_landmarks_and_skip_link(client):
    html = client.get("/").content.decode()
    for fragment in ('href="#main"', "<header", "<nav", '<main id="main"', "<footer"):
        assert fragment in html
