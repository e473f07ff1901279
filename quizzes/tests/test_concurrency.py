"""Exactly-once under concurrency, on PostgreSQL with threads released together.

SQLite serialises all writes through one file lock, so these races cannot happen there and
the tests skip with a message; CI runs them on PostgreSQL."""

import pytest

from quizzes import services
from quizzes.models import AttemptAnswer, QuizAttempt
from tests.concurrency import needs_postgres, race  # noqa: F401 (a fixture)
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("needs_postgres"),
]

THREADS = 8


@pytest.fixture
def quiz_setup():
    course = make_course("并发课程")
    questions = [make_question(f"题 {i}") for i in range(3)]
    return course, make_quiz(course, questions, shuffle_options=False), make_user()


def test_concurrent_submits_grade_once(quiz_setup):
    course, quiz, learner = quiz_setup
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
    for position in range(3):
        services.answer_save(attempt=attempt, position=position, response=0)
    results, errors = race(lambda i: services.attempt_submit(attempt=attempt))
    assert errors == []
    assert len({r.submitted_at for r in results}) == 1
    assert {r.percent for r in results} == {100}
    from progress.models import ItemProgress

    assert (
        ItemProgress.objects.filter(learner=learner, item_id=quiz.pk, completed_at__isnull=False).count() == 1
    )


def test_concurrent_starts_make_one_attempt_and_the_limit_holds(quiz_setup):
    course, quiz, learner = quiz_setup
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    results, errors = race(lambda i: services.attempt_start(learner=learner, quiz=quiz, course=course))
    assert errors == []
    assert len({r.pk for r in results}) == 1
    services.attempt_submit(attempt=results[0])
    results, errors = race(lambda i: services.attempt_start(learner=learner, quiz=quiz, course=course))
    assert all(isinstance(e, services.AttemptLimitReached) for e in errors) and len(errors) == THREADS
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_concurrent_saves_and_submit_lose_nothing_and_count_once(quiz_setup):
    course, quiz, learner = quiz_setup
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)

    def act(i):
        if i < 6:
            return services.answer_save(attempt=attempt, position=i % 3, response=0)
        return None

    _results, errors = race(act, THREADS)
    assert errors == []
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3
    assert sum(AttemptAnswer.objects.filter(attempt=attempt).values_list("saves", flat=True)) == 6
