"""Helpers for the question bank's admin tests (the shared factories are in tests/factories.py)."""

import itertools

from django.contrib.auth.models import Permission
from django.utils import timezone

from quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_user

_counter = itertools.count(1)


def make_staff(*codenames: str, org_unit=None, **fields):
    """A user who may open the Wagtail admin, with the given `app_label.codename` permissions."""
    user = make_user(org_unit=org_unit, **fields)
    wanted = ("wagtailadmin.access_admin", *codenames)
    for name in wanted:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


def make_graded_attempt(*, learner, quiz, course, questions, answers, state=QuizAttempt.State.SUBMITTED):
    """A closed attempt built directly: `answers` is one (response, correct) per question, or None for
    a question left unanswered; the snapshot is each question's current content."""
    attempt = QuizAttempt.objects.create(
        learner=learner,
        quiz_id=quiz.pk,
        course_id=course.pk,
        number=QuizAttempt.objects.filter(learner=learner, quiz_id=quiz.pk).count() + 1,
        rules=quiz.rules_snapshot(),
        questions=[
            {
                "question_id": q.pk,
                "revision_id": q.live_revision_id,
                "data": q.to_data().as_dict(),
                "image": None,
            }
            for q in questions
        ],
        state=state,
        submitted_at=None if state == QuizAttempt.State.IN_PROGRESS else timezone.now(),
    )
    for position, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        if answer is None:
            continue
        response, correct = answer
        AttemptAnswer.objects.create(
            attempt=attempt,
            position=position,
            question_id=question.pk,
            response=response,
            correct=None if state == QuizAttempt.State.IN_PROGRESS else correct,
            score=None if state == QuizAttempt.State.IN_PROGRESS else float(correct),
        )
    return attempt
