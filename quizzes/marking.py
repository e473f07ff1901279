"""Written answers marked by a trainer: who may mark (the permission policy), the marking queue
(selectors) and recording marks (services).

An attempt with a written answer closes ``awaiting_marking`` (quizzes.services._close). A marker gives
each written answer a score (0–100 %) and a comment; the last mark grades the attempt through
``services.attempt_result_record``, the one place the pass rule is applied, so a pass completes the
quiz and maybe the course exactly as a pass on submitting does. Then ``ATTEMPT_MARKED_HOOK`` announces
it (notifications tells the learner; quizzes never imports notifications).

Marks are final once the attempt is graded: before that, a mark saved for one answer can still be
changed while others wait; after it, nothing changes, so a completion or certificate never has to be
taken back. A replayed or concurrent save meets the attempt's row lock and finds it graded
(:class:`AlreadyMarked`).

Who may mark: whoever holds ``quizzes.mark_quizattempt`` (trainers, reviewers and training managers
are given it by migration 0005). A training manager marks only learners placed in their part of the
tree (accounts.scope, as the reports); trainers and reviewers, who write the questions and belong to
no part, mark everyone's. Nobody marks their own attempt.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import policy_registry

from accounts.scope import scope_for
from core.rights import ScopedPermissionPolicy
from courses.models import CoursePage
from quizzes import services
from quizzes.models import AttemptAnswer, QuizAttempt, QuizPage
from quizzes.questiondata import MANUALLY_MARKED

ATTEMPT_MARKED_HOOK = "frontline_quiz_attempt_marked"
MARK_ACTION = "mark"


# -- who may mark ----------------------------------------------------------------------------------


class QuizAttemptPermissionPolicy(ScopedPermissionPolicy):
    """``mark``: the ``quizzes.mark_quizattempt`` permission, for the learners in the marker's reach."""

    def scope_q(self, user, action: str) -> Q:
        if user.managed_unit_id is None:
            return Q()  # a trainer or reviewer: the question bank is the whole organisation's
        return scope_for(user).q("learner__org_unit")


def register() -> None:
    from wagtail.permissions import register_permission_policy

    register_permission_policy(QuizAttempt, QuizAttemptPermissionPolicy(QuizAttempt), exact_class=True)


def _policy() -> QuizAttemptPermissionPolicy:
    return policy_registry.get_by_type(QuizAttempt)


def user_can_mark(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and _policy().user_has_permission(user, MARK_ACTION)


def markable_attempts(user) -> QuerySet[QuizAttempt]:
    """The closed attempts ``user`` may mark or look at in the marking screens: in their reach, not
    their own."""
    closed = QuizAttempt.objects.exclude(state=QuizAttempt.State.IN_PROGRESS).exclude(learner_id=user.pk)
    return _policy().filter_queryset(user, closed, [MARK_ACTION])


# -- reads -----------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    attempt: QuizAttempt
    quiz: str
    course: str

    @property
    def learner(self):
        return self.attempt.learner


def marking_queue(user) -> QuerySet[QuizAttempt]:
    """Attempts waiting for a mark that ``user`` may give, oldest first (learner and unit joined)."""
    return (
        markable_attempts(user)
        .filter(awaiting_marking=True)
        .select_related("learner", "learner__org_unit")
        .order_by("submitted_at", "pk")
    )


def queue_rows(attempts) -> list[QueueRow]:
    """One page of the queue, with quiz and course titles: one more query whatever the page's length."""
    attempts = list(attempts)
    ids = {a.quiz_id for a in attempts} | {a.course_id for a in attempts}
    titles = dict(QuizPage.objects.filter(pk__in=ids).values_list("pk", "title"))
    titles.update(CoursePage.objects.filter(pk__in=ids).values_list("pk", "title"))
    deleted = _("(deleted #%(id)s)")
    return [
        QueueRow(
            attempt=a,
            quiz=titles.get(a.quiz_id) or str(deleted) % {"id": a.quiz_id},
            course=titles.get(a.course_id) or str(deleted) % {"id": a.course_id},
        )
        for a in attempts
    ]


@dataclass
class WrittenAnswer:
    """One written answer of an attempt, as the marker sees it."""

    position: int
    question: str
    marking_guide: str
    response: str
    answer: AttemptAnswer | None  # None: left blank (scores 0, nothing to mark)

    @property
    def number(self) -> int:
        return self.position + 1

    @property
    def needs_mark(self) -> bool:
        return self.answer is not None and self.answer.marked_at is None

    @property
    def percent(self) -> int | None:
        if self.answer is None or self.answer.score is None:
            return None
        return round(self.answer.score * 100)


def written_answers(attempt: QuizAttempt) -> list[WrittenAnswer]:
    """The attempt's written-answer questions with what the learner wrote. One query."""
    answers = {a.position: a for a in attempt.answers.select_related("marked_by")}
    rows = []
    for position in range(len(attempt.questions)):
        data = attempt.question_data(position)
        if data.kind not in MANUALLY_MARKED:
            continue
        answer = answers.get(position)
        written = answer is not None and services.answer_is_written(answer.response)
        rows.append(
            WrittenAnswer(
                position=position,
                question=data.text,
                marking_guide=data.marking_guide,
                response=answer.response if written else "",
                answer=answer if written else None,
            )
        )
    return rows


# -- writes ----------------------------------------------------------------------------------------


class MarkingError(Exception):
    message = _("These marks could not be saved.")

    def __str__(self):
        return str(self.message)


class AlreadyMarked(MarkingError):
    message = _("This attempt has already been marked; marks are final once the result is out.")


class NotMarkable(MarkingError):
    message = _("That question is not a written answer of this attempt.")


@dataclass(frozen=True)
class Mark:
    score: float  # the fraction of the question's point: 0..1
    comment: str = ""


def attempt_mark(*, attempt: QuizAttempt, marker, marks: dict[int, Mark], now=None) -> QuizAttempt:
    """Record ``marks`` (question position → Mark) for the attempt's written answers. When every
    written answer has its mark, grade the attempt (``services.attempt_result_record``) and announce
    it on ``ATTEMPT_MARKED_HOOK``. All or nothing; refused (AlreadyMarked) once the attempt is graded,
    so a replayed or concurrent save changes nothing. The caller checked the marker may mark it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.awaiting_marking:
            raise AlreadyMarked
        rows = {row.position: row for row in written_answers(locked)}
        for position, mark in marks.items():
            row = rows.get(position)
            if row is None or row.answer is None:
                raise NotMarkable
            if not 0 <= mark.score <= 1:
                raise MarkingError
        for position, mark in marks.items():
            answer = rows[position].answer
            answer.score = mark.score
            answer.correct = mark.score >= 1
            answer.comment = mark.comment.strip()[:2000]
            answer.marked_by = marker
            answer.marked_at = now
            answer.save(update_fields=["score", "correct", "comment", "marked_by", "marked_at"])
        if any(row.needs_mark for row in rows.values()):
            return locked
        total = sum(
            AttemptAnswer.objects.filter(attempt=locked, score__isnull=False).values_list("score", flat=True)
        )
        locked.awaiting_marking = False
        services.attempt_result_record(locked, total=total, also=("awaiting_marking",))
        for follow in hooks.get_hooks(ATTEMPT_MARKED_HOOK):
            follow(locked)
    return locked
