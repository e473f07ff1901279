"""A learner the course is not open to reads its lessons with a notice saying why, in their
language, instead of a "Finish this lesson" button that would only refuse them."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from progress.models import Enrolment
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db

NOTICE = "This course is open to assigned staff only. Ask your training manager."


def notice_in(language: str) -> str:
    with translation.override(language):
        return translation.gettext(NOTICE)


def finish_form(lesson) -> str:
    return f'action="{reverse("progress:item_complete", args=(lesson.pk,))}"'


def signed_in(user, *, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_a_learner_the_course_is_open_to_gets_the_button():
    lesson = make_lesson(make_course("开放课程"))
    html = signed_in(make_user()).get(lesson.url).content.decode()
    assert finish_form(lesson) in html and "完成本课" in html
    assert notice_in("zh-hans") not in html


def test_a_learner_not_allowed_gets_the_notice_and_no_button_on_every_view():
    lesson = make_lesson(make_course("指派课程", open_enrolment=False))
    client = signed_in(make_user())
    for _ in range(2):  # the second view may come from the page cache
        html = client.get(lesson.url).content.decode()
        assert notice_in("zh-hans") in html
        assert finish_form(lesson) not in html and "完成本课" not in html


def test_the_notice_is_in_the_learners_language():
    lesson = make_lesson(make_course("指派课程", open_enrolment=False))
    html = signed_in(make_user(), language="en").get(lesson.url).content.decode()
    assert NOTICE in html and "Finish this lesson" not in html


def test_learners_allowed_and_not_on_the_same_lesson_never_share_a_cached_page():
    course = make_course("指派课程", open_enrolment=False)
    lesson = make_lesson(course)
    refused, assigned = make_user(), make_user()
    Enrolment.objects.create(learner=assigned, course_id=course.pk, source=Enrolment.Source.ASSIGNED)
    for _ in range(2):  # each in turn, the page cache warm from the other
        refused_html = signed_in(refused).get(lesson.url).content.decode()
        assert notice_in("zh-hans") in refused_html and finish_form(lesson) not in refused_html
        assigned_html = signed_in(assigned).get(lesson.url).content.decode()
        assert finish_form(lesson) in assigned_html and notice_in("zh-hans") not in assigned_html


def test_visitors_get_the_sign_in_hint_not_the_notice():
    lesson = make_lesson(make_course("指派课程", open_enrolment=False))
    html = Client().get(lesson.url).content.decode()
    assert "后可以记录学习进度" in html and notice_in("zh-hans") not in html


def test_a_preview_in_the_admin_shows_no_notice():
    """A preview is not learning: the editor looking at a lesson of a course assigned to others
    sees neither the button nor the notice."""
    lesson = make_lesson(make_course("指派课程", open_enrolment=False))
    client = signed_in(make_user(is_superuser=True, is_staff=True))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    response = lesson.make_preview_request(RequestFactory().get(lesson.url, HTTP_COOKIE=cookie))
    html = response.content.decode()
    assert response.status_code == 200 and lesson.title in html
    assert notice_in("zh-hans") not in html and finish_form(lesson) not in html
