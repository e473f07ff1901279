"""Whole lesson pages are cached per state, never across learners' personal bits."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from progress import services
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    course = make_course("缓存测试课")
    return course, [make_lesson(course, f"第 {i} 课") for i in range(1, 4)]


def signed_in(username):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(username))
    return client


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_each_learner_sees_their_own_state_on_the_same_lesson(lessons):
    course, (first, *_rest) = lessons
    done, fresh = signed_in("done-learner"), signed_in("fresh-learner")
    for _ in range(2):  # second round comes from the cache
        html_done_before = done.get(first.url).content.decode()
        assert "完成本课" in html_done_before
    learner = done.session["_auth_user_id"]
    from accounts.models import User

    services.item_complete(learner=User.objects.get(pk=learner), item=first, course=course)
    for _ in range(2):
        assert "本课已完成" in done.get(first.url).content.decode()
        html_fresh = fresh.get(first.url).content.decode()
        assert "完成本课" in html_fresh and "本课已完成" not in html_fresh


def test_cached_pages_carry_each_visitors_own_csrf_token_and_it_works(lessons):
    _course, (first, *_rest) = lessons
    a, b = signed_in("learner-a"), signed_in("learner-b")
    for _ in range(2):
        html_a, html_b = a.get(first.url).content.decode(), b.get(first.url).content.decode()
    assert token_in(html_a) != token_in(html_b)
    response = a.post(
        reverse("progress:item_complete", args=(first.pk,)), {"csrfmiddlewaretoken": token_in(html_a)}
    )
    assert response.status_code == 302


def test_the_language_switch_returns_to_the_page_it_was_pressed_on(lessons):
    _course, (first, second, _third) = lessons
    client = Client()
    client.get(first.url)
    html = client.get(second.url).content.decode()
    assert f'name="next" value="{second.url}"' in html


def test_one_off_messages_are_shown_once_and_not_cached(lessons, client):
    course, items = lessons
    client.force_login(make_user("finisher"))
    for item in items[:-1]:
        client.post(reverse("progress:item_complete", args=(item.pk,)))
    response = client.post(reverse("progress:item_complete", args=(items[-1].pk,)), follow=True)
    assert "您已完成" in response.content.decode()
    assert "您已完成" not in client.get(course.url).content.decode()
    assert "您已完成" not in client.get(items[0].url).content.decode()


def test_editors_still_get_the_editing_bar(lessons, admin_client):
    _course, (first, *_rest) = lessons
    for _ in range(3):
        html = admin_client.get(first.url).content.decode()
    assert "wagtail-userbar" in html or "w-userbar" in html
