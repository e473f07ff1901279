"""The platform's events as statements (xapi.events), through the services that record them: a trainer's
mark, a manager's override, a test-out; and a statement that cannot be built never breaks the event."""

import random

import pytest

from progress import services as progress_services
from progress.models import ItemProgress
from quizzes import marking, services
from quizzes.models import QuizAttempt
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user
from xapi import statements
from xapi.models import Statement
from xapi.tests.validator import problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def configured(settings):
    # Statements are recorded but not sent here: on-commit callbacks do not run in these tests.
    settings.XAPI_ENDPOINT = "http://127.0.0.1:9/xapi"
    settings.XAPI_KEY, settings.XAPI_SECRET = "k", "s"
    settings.XAPI_SITE_URL = "https://learn.example.org"


def _verbs(learner):
    return sorted(Statement.objects.filter(learner=learner).values_list("verb", flat=True))


def _all_valid():
    for payload in Statement.objects.values_list("payload", flat=True):
        assert problems(payload) == [], payload


def test_a_written_answer_sends_the_result_once_it_is_marked():
    course = make_course("测验课程")
    quiz = make_quiz(
        course,
        [make_question("单选题"), make_question("居民拒绝扫码时，你会怎么说？", kind="essay")],
        pass_mark=60,
        shuffle_options=False,
    )
    learner = make_user("learner")
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1))
    services.answer_save(attempt=attempt, position=0, response=0)
    services.answer_save(attempt=attempt, position=1, response="您好，扫码只需十秒。我的电话 13800138000")
    services.attempt_submit(attempt=attempt)
    assert _verbs(learner) == ["experienced"]  # waiting for the trainer: no result yet

    attempt = QuizAttempt.objects.get()
    marking.attempt_mark(attempt=attempt, marker=make_user("trainer"), marks={1: marking.Mark(score=0.5)})
    assert _verbs(learner) == [
        "answered",
        "answered",
        "attempted",
        "completed",
        "completed",
        "experienced",
        "passed",
    ]
    _all_valid()
    passed = Statement.objects.get(verb="passed").payload
    assert passed["result"]["score"] == {"scaled": 0.75, "raw": 1.5, "min": 0, "max": 2.0}
    essay = [
        s.payload
        for s in Statement.objects.filter(verb="answered")
        if "#question-" in s.payload["object"]["id"]
    ]
    written = next(s for s in essay if s["object"]["definition"]["interactionType"] == "long-fill-in")
    assert "response" not in written["result"]  # the learner's own words stay on the platform
    assert "13800138000" not in str(list(Statement.objects.values_list("payload", flat=True)))


def test_a_manager_override_is_a_course_completion_naming_the_rule():
    course = make_course("线下培训")
    make_lesson(course)
    learner, manager = make_user("learner"), make_user("manager", is_superuser=True)
    progress_services.course_completion_override(
        learner=learner, course=course, actor=manager, reason="线下培训 3 月 3 日"
    )
    (statement,) = Statement.objects.filter(verb="completed")
    assert statement.payload["object"]["id"] == f"https://learn.example.org/xapi/activities/page/{course.pk}/"
    assert statement.payload["context"]["extensions"] == {
        "https://learn.example.org/xapi/extensions/completion-rule": "manager_override"
    }
    _all_valid()


def test_a_lesson_opened_again_is_the_same_statement():
    course = make_course()
    lesson = make_lesson(course)
    learner = make_user()
    progress_services.item_seen(learner=learner, item=lesson, course=course)
    progress_services.item_seen(learner=learner, item=lesson, course=course)
    progress_services.item_complete(learner=learner, item=lesson, course=course)
    progress_services.item_complete(learner=learner, item=lesson, course=course)
    assert _verbs(learner) == ["completed", "completed", "experienced"]  # the lesson, and the course


def test_a_statement_that_cannot_be_built_never_breaks_the_event(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(statements, "item_completed", broken)
    course = make_course()
    lesson = make_lesson(course)
    learner = make_user()
    progress_services.item_complete(learner=learner, item=lesson, course=course)
    assert ItemProgress.objects.get(learner=learner).completed_at is not None
    assert "completed" in _verbs(learner)  # the course's completion still has its statement
    assert Statement.objects.filter(verb="completed").count() == 1


def test_nothing_is_recorded_without_a_store(settings):
    settings.XAPI_SECRET = ""
    course = make_course()
    lesson = make_lesson(course)
    learner = make_user()
    progress_services.item_complete(learner=learner, item=lesson, course=course)
    assert not Statement.objects.exists()
