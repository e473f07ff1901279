"""A learner the course is not open to sees, on its quiz page, a notice saying why in their
language, instead of a "Start the quiz" button that would only refuse them."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from progress.models import Enrolment
from quizzes.tests.factories import make_graded_attempt
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

NOTICE = "This course is open to assigned staff only. Ask your training manager."


def notice_in(language: str) -> str:
    with translation.override(language):
        return translation.gettext(NOTICE)


def start_form(quiz) -> str:
    return f'action="{reverse("quizzes:start", args=(quiz.pk,))}"'


def quiz_in(course):
    return make_quiz(course, [make_question()], attempts_allowed=2)


def page_for(user, quiz, *, language: str | None = None) -> str:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(quiz.url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_learner_the_course_is_open_to_gets_the_start_button():
    quiz = quiz_in(make_course("开放课程"))
    html = page_for(make_user(), quiz)
    assert start_form(quiz) in html and "开始测验" in html
    assert notice_in("zh-hans") not in html


def test_an_assigned_learner_gets_the_start_button():
    course = make_course("指派课程", open_enrolment=False)
    quiz = quiz_in(course)
    learner = make_user()
    Enrolment.objects.create(learner=learner, course_id=course.pk, source=Enrolment.Source.ASSIGNED)
    html = page_for(learner, quiz)
    assert start_form(quiz) in html and notice_in("zh-hans") not in html


def test_a_learner_not_allowed_gets_the_notice_and_no_start_button():
    quiz = quiz_in(make_course("指派课程", open_enrolment=False))
    html = page_for(make_user(), quiz)
    assert notice_in("zh-hans") in html
    assert start_form(quiz) not in html and "开始测验" not in html and "还可以作答" not in html


def test_the_notice_is_in_the_learners_language():
    quiz = quiz_in(make_course("指派课程", open_enrolment=False))
    html = page_for(make_user(), quiz, language="en")
    assert NOTICE in html and "Start the quiz" not in html


def test_a_learner_no_longer_allowed_keeps_the_list_of_their_attempts():
    course = make_course("指派课程", open_enrolment=False)
    quiz = quiz_in(course)
    learner = make_user()
    attempt = make_graded_attempt(
        learner=learner, quiz=quiz, course=course, questions=[make_question()], answers=[(0, True)]
    )
    html = page_for(learner, quiz)
    assert notice_in("zh-hans") in html and "再做一次" not in html and start_form(quiz) not in html
    assert reverse("quizzes:result", args=(attempt.uuid,)) in html
