"""Quizzes follow the enrolment rule: starting, answering and submitting a quiz of a course that is
not open to the learner is refused, in their language, and writes nothing."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from progress.models import CourseCompletion, Enrolment, ItemProgress
from progress.services import NotEnrolled
from quizzes import services
from quizzes.models import AttemptAnswer, QuizAttempt
from quizzes.tests.factories import make_graded_attempt
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

REFUSAL = str(NotEnrolled.message)


@pytest.fixture
def closed():
    """A course for assigned people only, whose one item is a quiz: passing it completes the course."""
    course = make_course("指派课程：消防检查", open_enrolment=False)
    questions = [make_question("单选题", kind="single"), make_question("判断题", kind="true_false")]
    quiz = make_quiz(course, questions, pass_mark=50, shuffle_options=False)
    return course, quiz, questions


@pytest.fixture
def learner(client):
    user = make_user("quiz-not-assigned")
    client.force_login(user)
    return user


def assert_no_learning_recorded():
    assert not Enrolment.objects.exists()
    assert not ItemProgress.objects.exists()
    assert not CourseCompletion.objects.exists()
    assert not Certificate.objects.exists()


def attempt_from_before_the_rule(learner, closed):
    """An open attempt held by someone the rule refuses (started before the rule held)."""
    course, quiz, questions = closed
    return make_graded_attempt(
        learner=learner,
        quiz=quiz,
        course=course,
        questions=questions,
        answers=[None, None],
        state=QuizAttempt.State.IN_PROGRESS,
    )


# -- services ----------------------------------------------------------------------------------------


def test_starting_a_quiz_of_a_course_not_open_to_the_learner_is_refused(closed):
    course, quiz, _questions = closed
    with pytest.raises(NotEnrolled):
        services.attempt_start(learner=make_user(), quiz=quiz, course=course, rng=random.Random(1))
    assert not QuizAttempt.objects.exists()
    assert_no_learning_recorded()


def test_checking_and_submitting_are_refused_too(closed):
    """Saving an answer is not checked (the hot path; an attempt exists only because starting it passed
    the rule), but nothing saved in an attempt from before the rule can be checked or counted."""
    learner = make_user()
    attempt = attempt_from_before_the_rule(learner, closed)
    services.answer_save(attempt=attempt, position=0, response=0)
    with pytest.raises(NotEnrolled):
        services.answer_check(attempt=attempt, position=0)
    with pytest.raises(NotEnrolled):
        services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.score is None
    assert_no_learning_recorded()


def test_an_attempt_closed_by_its_deadline_is_graded_but_completes_nothing(closed):
    learner = make_user()
    attempt = attempt_from_before_the_rule(learner, closed)
    AttemptAnswer.objects.create(
        attempt=attempt, position=0, question_id=attempt.questions[0]["question_id"], response=0
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert services.attempts_close_expired() == 1
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.TIMED_OUT and attempt.passed
    assert_no_learning_recorded()


def test_an_assigned_learner_takes_and_passes_the_quiz(closed, django_capture_on_commit_callbacks):
    course, quiz, _questions = closed
    learner = make_user()
    Enrolment.objects.create(learner=learner, course_id=course.pk, source=Enrolment.Source.ASSIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1))
        services.answer_save(attempt=attempt, position=0, response=0)
        services.answer_save(attempt=attempt, position=1, response=True)
        assert services.attempt_submit(attempt=attempt).passed
    assert CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()
    assert Certificate.objects.filter(learner=learner, course_id=course.pk).exists()


def test_starting_a_quiz_of_an_open_course_joins_it():
    course = make_course("开放课程")
    quiz = make_quiz(course, [make_question()])
    learner = make_user()
    services.attempt_start(learner=learner, quiz=quiz, course=course)
    assert Enrolment.objects.get(learner=learner).source == Enrolment.Source.SELF


# -- screens -------------------------------------------------------------------------------------------


def test_start_button_posted_by_a_learner_not_allowed_is_refused_on_the_course_page(client, learner, closed):
    course, quiz, _questions = closed
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)), follow=True)
    assert response.redirect_chain == [(course.url, 302)]
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert not QuizAttempt.objects.exists()
    assert_no_learning_recorded()


def test_submitting_by_a_learner_not_allowed_is_refused(client, learner, closed):
    course, _quiz, _questions = closed
    attempt = attempt_from_before_the_rule(learner, closed)
    question = reverse("quizzes:question", args=(attempt.uuid, 1))
    # Saving an answer is not checked (see quizzes.services.answer_save); it counts for nothing.
    response = client.post(question, {"choice": "0", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    # The submit button: back on the course page, saying why.
    response = client.post(reverse("quizzes:submit", args=(attempt.uuid,)), follow=True)
    assert response.redirect_chain == [(course.url, 302)] and REFUSAL in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.score is None
    assert_no_learning_recorded()


def test_viewing_the_quiz_page_of_a_course_not_open_to_the_learner_records_nothing(client, learner, closed):
    _course, quiz, _questions = closed
    assert client.get(quiz.url).status_code == 200
    assert_no_learning_recorded()


def test_an_assigned_learner_takes_the_quiz_through_the_screens(client, learner, closed):
    course, quiz, _questions = closed
    Enrolment.objects.create(learner=learner, course_id=course.pk, source=Enrolment.Source.ASSIGNED)
    response = client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get(learner=learner)
    assert response["Location"] == reverse("quizzes:question", args=(attempt.uuid, 1))
    client.post(response["Location"], {"choice": "0", "action": "next"})
    client.post(reverse("quizzes:question", args=(attempt.uuid, 2)), {"answer": "true", "action": "finish"})
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    attempt.refresh_from_db()
    assert attempt.passed and CourseCompletion.objects.filter(learner=learner).exists()
