"""What learners and managers see of a test-out: the offer on the course page, the lessons skipped on
the outline and My learning, "skipped" on the transcript, and the certificate as for any completion."""

import random

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from certificates.models import Certificate
from courses.models import LessonPage
from progress import services as progress_services
from quizzes import services
from quizzes.models import QuizPage
from reports.tests.conftest import build_world, login, table_rows, tr
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

SKIPPED = "Skipped: passed the test-out"


@pytest.fixture
def course():
    course = make_course("扫码登记入门")
    lessons = [make_lesson(course, title) for title in ("打开小程序", "登记访客", "查看记录")]
    question = make_question("访客扫码后看到什么？")
    make_quiz(
        course,
        [question],
        title="已经会了？先测一测",
        slug="test-out",
        required=False,
        attempts_allowed=1,
        test_out_covers=lessons[:2],
    )
    return course


def quiz_of(course):
    from quizzes.models import QuizPage

    return QuizPage.objects.child_of(course).get(slug="test-out")


def pass_test_out(course, learner, *, right=True):
    quiz = quiz_of(course)
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1))
    services.answer_save(attempt=attempt, position=0, response=0 if right else 1)
    return services.attempt_submit(attempt=attempt)


def ntr(singular: str, plural: str, n: int) -> str:
    """A plural message as the site shows it by default (see reports' ``tr``)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return translation.ngettext(singular, plural, n) % {"n": n}


def offers(html):
    return BeautifulSoup(html, "html.parser").select("section.test-out")


def outline_statuses(html):
    soup = BeautifulSoup(html, "html.parser")
    return {
        item.select_one(".outline__title").get_text(" ", strip=True): item.select_one(".status").get_text(
            strip=True
        )
        for item in soup.select(".outline__item")
        if item.select_one(".status")
    }


def test_the_course_page_offers_the_test_out_with_the_lessons_it_covers(client, course):
    for viewer in (None, make_user()):
        if viewer:
            client.force_login(viewer)
        html = client.get(course.url).content.decode()
        (offer,) = offers(html)
        assert offer.h2.get_text(strip=True) == ntr(
            "Already know this? Take a short test first: pass it to skip %(n)s lesson",
            "Already know this? Take a short test first: pass it to skip %(n)s lessons",
            2,
        )
        assert [li.get_text(strip=True) for li in offer.select("li")] == ["打开小程序", "登记访客"]
        assert offer.select_one("a")["href"] == quiz_of(course).url
        # Offered before the outline.
        assert html.index("test-out") < html.index("outline-heading")


def test_a_course_without_a_test_out_offers_none(client):
    plain = make_course("体温记录", slug="plain")
    make_lesson(plain, "第一课")
    assert offers(client.get(plain.url).content.decode()) == []


def test_after_passing_the_lessons_show_skipped_and_the_offer_goes(client, course):
    learner = make_user()
    client.force_login(learner)
    pass_test_out(course, learner)
    html = client.get(course.url).content.decode()
    assert offers(html) == []
    statuses = outline_statuses(html)
    assert statuses["打开小程序"] == tr(SKIPPED) == statuses["登记访客"]
    assert statuses["查看记录"] != tr(SKIPPED)
    my_learning = BeautifulSoup(client.get(reverse("progress:my_learning")).content, "html.parser")
    notes = [p.get_text(strip=True) for p in my_learning.select(".learning-item__meta")]
    assert (
        ntr("%(n)s lesson skipped: passed the test-out", "%(n)s lessons skipped: passed the test-out", 2)
        in notes
    )


def test_after_failing_nothing_is_skipped_and_lessons_go_on(client, course):
    learner = make_user()
    client.force_login(learner)
    assert pass_test_out(course, learner, right=False).passed is False
    html = client.get(course.url).content.decode()
    assert tr(SKIPPED) not in outline_statuses(html).values()


@pytest.fixture
def world():
    return build_world()


def test_the_transcript_shows_tested_out_lessons(client, world):
    learner = world.learners["C社区"]
    course = world.courses["C社区"]
    extra = make_lesson(course, "课时C2")
    make_quiz(
        course,
        [make_question("测一测")],
        title="先测一测",
        slug="c-test-out",
        required=False,
        test_out_covers=[extra],
    )
    quiz = QuizPage.objects.get(slug="c-test-out")
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
    services.answer_save(attempt=attempt, position=0, response=0)
    assert services.attempt_submit(attempt=attempt).passed
    login(client, world.users["district_manager"])
    response = client.get(reverse("reports:transcript", args=[learner.pk]))
    rows = {(row[1], row[2]): row for row in table_rows(response.content, "table.report-transcript")[1:]}
    assert rows[("课程C", "课时C2")][3] == tr(SKIPPED)
    assert rows[("课程C", "课时C2")][6]  # with the date it was skipped


def test_a_course_completed_with_tested_out_lessons_gets_its_certificate(
    course, django_capture_on_commit_callbacks
):
    learner = make_user()
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    with django_capture_on_commit_callbacks(execute=True):
        progress_services.item_complete(learner=learner, item=lessons[2], course=course)
        pass_test_out(course, learner)
    assert Certificate.objects.filter(learner=learner, course_id=course.pk).exists()
