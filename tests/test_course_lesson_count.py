"""Regression: every course card and the course page give a course the same number of lessons,
and a lesson published later shows on all of them at once (issue 14)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

COUNT = re.compile(r"(\d+) lessons?\b(?! found| waiting)")


def counts(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return COUNT.findall(response.content.decode())


def every_screen(client, course):
    return {
        "home": counts(client, "/"),
        "catalogue": counts(client, "/courses/"),
        "search": counts(client, reverse("search"), q=course.title),
        "my learning": counts(client, reverse("progress:my_learning")),
        "course page": counts(client, course.url),
    }


def test_cards_and_course_page_agree_and_follow_a_new_lesson(client, settings):
    settings.LANGUAGE_CODE = "en"
    course = make_course("Visitor QR codes")
    for n in range(5):
        make_lesson(course, f"Lesson {n + 1}")
    make_quiz(course, [make_question()])
    client.force_login(make_user())
    client.cookies["django_language"] = "en"

    before = every_screen(client, course)
    assert before == {screen: ["6"] for screen in before}, before

    make_lesson(course, "Lesson 6")  # published after the cards were first shown (and cached)

    after = every_screen(client, course)
    assert after == {screen: ["7"] for screen in after}, after
