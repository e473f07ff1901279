"""Recurring courses: re-assigned before the certificate expires; the old proof stays."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import Certificate
from progress import services as progress_services
from progress.models import CourseCompletion, Enrolment, ItemProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def recurring(course):
    course.certificate_valid_months = 12
    course.save_revision().publish()
    return course


def test_a_certificate_about_to_expire_reopens_the_course_and_keeps_the_proof(
    organisation, recurring, learner, complete, django_capture_on_commit_callbacks
):
    old = complete(learner, recurring)
    assert old.expires_at is not None
    soon = old.expires_at - datetime.timedelta(days=10)

    assert services.retraining_start_due(within_days=30, now=soon) == 1
    old.refresh_from_db()
    assert old.completion_id is None and old.revoked_at is None  # still valid until it expires
    assert not CourseCompletion.objects.filter(learner=learner).exists()
    assert not ItemProgress.objects.filter(learner=learner, completed_at__isnull=False).exists()
    assert ItemProgress.objects.filter(learner=learner).count() == 2  # first/last seen kept
    enrolment = Enrolment.objects.get(learner=learner, course_id=recurring.pk)
    assert enrolment.assigned and enrolment.mandatory
    assert enrolment.status == Enrolment.Status.IN_PROGRESS and enrolment.completed_at is None
    assert enrolment.due_on == timezone.localdate(old.expires_at)
    assert ModelLogEntry.objects.filter(action=services.RETRAIN_LOG_ACTION).count() == 1

    # A rerun of the daily work changes nothing.
    assert services.retraining_start_due(within_days=30, now=soon) == 0

    # Finishing again gives a new certificate; the old one is untouched.
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in recurring.items().specific():
            progress_services.item_complete(learner=learner, item=lesson, course=recurring)
    new = Certificate.objects.filter(learner=learner).latest("issued_at")
    assert new.pk != old.pk and new.completion_id is not None
    assert Certificate.objects.filter(learner=learner).count() == 2
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED


def test_certificates_far_from_expiry_expired_or_revoked_are_left_alone(
    organisation, recurring, learner, complete, course
):
    certificate = complete(learner, recurring)
    assert services.retraining_start_due(within_days=30, now=timezone.now()) == 0
    assert services.retraining_start(certificate=certificate, now=certificate.expires_at) is False
    certificate.revoked_at = timezone.now()
    assert (
        services.retraining_start(
            certificate=certificate, now=certificate.expires_at - datetime.timedelta(days=1)
        )
        is False
    )
    assert CourseCompletion.objects.filter(learner=learner).count() == 1


def test_courses_that_do_not_recur_are_never_reopened(organisation, course, learner, complete):
    certificate = complete(learner, course)
    assert certificate.expires_at is None
    assert services.retraining_start_due(within_days=100000) == 0
    assert progress_services.course_completion_evaluate(learner=learner, course=course) is not None


def test_re_training_gives_a_one_attempt_quiz_a_fresh_attempt(
    organisation, recurring, learner, django_capture_on_commit_callbacks, client
):
    """A required quiz allowing one attempt: passed last year, it must be passable again this year."""
    from quizzes import services as quiz_services
    from quizzes.models import QuizAttempt
    from quizzes.selectors import quiz_state
    from tests.factories import make_question, make_quiz

    quiz = make_quiz(recurring, [make_question("访客扫码后看到什么？")], attempts_allowed=1, pass_mark=100)

    def take_and_pass():
        attempt = quiz_services.attempt_start(learner=learner, quiz=quiz, course=recurring)
        quiz_services.answer_save(attempt=attempt, position=0, response=0)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in recurring.items().specific().exclude(pk=quiz.pk):
                progress_services.item_complete(learner=learner, item=lesson, course=recurring)
            return quiz_services.attempt_submit(attempt=attempt)

    first = take_and_pass()
    assert first.passed and first.number == 1
    old = Certificate.objects.get(learner=learner)
    with pytest.raises(quiz_services.AttemptLimitReached):
        quiz_services.attempt_start(learner=learner, quiz=quiz, course=recurring)

    services.retraining_start(certificate=old, now=old.expires_at - datetime.timedelta(days=10))
    state = quiz_state(learner=learner, quiz=quiz)
    assert state.can_start and state.attempts_left == 1 and not state.passed
    assert [a.superseded for a in state.attempts] == [True]  # still listed, as history
    client.force_login(learner)
    html = client.get(quiz.url).content.decode()
    assert "上一轮培训" in html and "再做一次" in html

    second = take_and_pass()
    assert second.passed and second.number == 2 and not second.superseded
    assert QuizAttempt.objects.filter(learner=learner).count() == 2
    assert Certificate.objects.filter(learner=learner).count() == 2  # this year's proof
    assert quiz_state(learner=learner, quiz=quiz).passed
