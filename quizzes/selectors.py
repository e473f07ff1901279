"""Reads for quiz pages and attempts."""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from core.percent import format_percent
from quizzes.kinds import question_type
from quizzes.kinds.choice import shown_order
from quizzes.models import QuizAttempt, QuizPage
from quizzes.questiondata import MANUALLY_MARKED, QuestionData, QuestionKind

__all__ = ["shown_order"]  # where the form and tests have always found it


@dataclass
class QuizState:
    attempts: list[QuizAttempt] = field(default_factory=list)
    open_attempt: QuizAttempt | None = None
    attempts_left: int | None = None  # None: unlimited

    @property
    def current(self) -> list[QuizAttempt]:
        """This round of training's attempts (earlier rounds' stay listed, as history)."""
        return [a for a in self.attempts if not a.superseded]

    @property
    def best(self) -> QuizAttempt | None:
        graded = [a for a in self.current if not a.is_open and not a.awaiting_marking]
        return max(graded, key=lambda a: a.percent or 0, default=None)

    @property
    def awaiting(self) -> QuizAttempt | None:
        """The attempt waiting for a trainer's mark: neither passed nor failed yet, and no new
        attempt starts until it is marked (quizzes.services.AwaitingMarking)."""
        return next((a for a in self.current if a.awaiting_marking), None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.current)

    @property
    def can_start(self) -> bool:
        if self.open_attempt is not None:
            return True
        if self.awaiting is not None:
            return False
        return self.attempts_left is None or self.attempts_left > 0


def quiz_state(*, learner, quiz: QuizPage) -> QuizState:
    """This learner's attempts at this quiz. One query."""
    attempts = list(
        QuizAttempt.objects.filter(learner=learner, quiz_id=quiz.pk)
        .order_by("number")
        .only(
            "uuid",
            "number",
            "state",
            "started_at",
            "deadline",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "superseded",
            "awaiting_marking",
            "learner",
        )
    )
    open_attempt = next((a for a in attempts if a.is_open), None)
    left = None
    if quiz.attempts_allowed:
        left = max(0, quiz.attempts_allowed - sum(1 for a in attempts if not a.superseded))
    return QuizState(attempts=attempts, open_attempt=open_attempt, attempts_left=left)


def attempt_for_learner(*, uuid, learner, lock: bool = False) -> QuizAttempt:
    """Only the learner who owns an attempt may see it: anyone else gets a 404. ``lock`` takes
    the attempt's row lock in the same read (inside a transaction), for the writes that follow."""
    attempts = QuizAttempt.objects.select_for_update() if lock else QuizAttempt.objects
    return get_object_or_404(attempts, uuid=uuid, learner=learner)


def attempt_quiz(attempt: QuizAttempt, *, live: bool = False) -> QuizPage | None:
    """The quiz page an attempt was taken on (None once deleted; with ``live``, also while
    unpublished). One query."""
    quizzes = QuizPage.objects.live() if live else QuizPage.objects.all()
    return quizzes.filter(pk=attempt.quiz_id).first()


def first_unanswered_position(attempt: QuizAttempt) -> int:
    """Where to resume an attempt: the first question without an answer (0-based), or the first
    question when every one is answered. One query."""
    answered = set(attempt.answers.values_list("position", flat=True))
    return next((i for i in range(len(attempt.questions)) if i not in answered), 0)


@dataclass
class QuestionView:
    """One question as the learner sees it: options in display order, never the answer key."""

    position: int
    data: QuestionData
    entry: dict
    response: object = None
    checked: bool = False
    correct: bool | None = None
    score: float | None = None
    comment: str = ""  # a trainer's, on a written answer
    marked: bool = False  # a written answer a trainer has marked

    @property
    def awaiting_mark(self) -> bool:
        return self.data.kind in MANUALLY_MARKED and self.response is not None and not self.marked

    @property
    def mark_text(self) -> str:
        """A trainer's mark of a written answer, as a percent of the question's point."""
        return format_percent(self.score, 1.0) if self.marked and self.score is not None else ""

    @property
    def number(self) -> int:
        return self.position + 1

    @property
    def kind(self) -> str:
        return self.data.kind.value

    @property
    def type(self):
        return question_type(self.data.kind)

    @property
    def template(self) -> str:
        """The learner's input for this kind (quizzes/kinds/<kind>.html)."""
        return self.type.template

    @property
    def options(self) -> list[tuple[int, str]]:
        """(original index, text) in the order this attempt shows them."""
        return self.type.shown_options(self.data, self.entry)

    @property
    def chosen(self) -> set:
        if isinstance(self.response, list) and self.data.kind == QuestionKind.MULTIPLE:
            return set(self.response)
        if isinstance(self.response, int) and not isinstance(self.response, bool):
            return {self.response}
        return set()

    @property
    def step_positions(self) -> dict[int, int]:
        """For ordering: original step index → the position (1-based) the learner gave it."""
        if self.data.kind != QuestionKind.ORDERING or not isinstance(self.response, list):
            return {}
        return {step: place + 1 for place, step in enumerate(self.response)}

    @property
    def ordering_rows(self) -> list[tuple[int, str, int | None]]:
        """For ordering: (row as shown, step text, the place the learner gave it), in the order
        shown. The row, not the step's index, names the learner's field: the step's index is its
        place in the right order, so it must never reach the page."""
        positions = self.step_positions
        return [(row, text, positions.get(step)) for row, (step, text) in enumerate(self.options)]

    @property
    def correct_answer_text(self) -> str:
        return self.type.correct_answer_text(self.data)

    @property
    def response_text(self) -> str:
        if self.response is None:
            return ""
        return self.type.response_text(self.data, self.response)

    @property
    def feedback(self) -> str:
        """What the trainer wrote for the answer given (the chosen option's, the matched answer's)."""
        if self.response is None:
            return ""
        return self.type.feedback(self.data, self.response)


def question_views(attempt: QuizAttempt) -> list[QuestionView]:
    """Every question of an attempt with the learner's saved answer. One query."""
    answers = {a.position: a for a in attempt.answers.all()}
    views = []
    for position, entry in enumerate(attempt.questions):
        answer = answers.get(position)
        views.append(
            QuestionView(
                position=position,
                data=QuestionData.from_dict(entry["data"]),
                entry=entry,
                response=answer.response if answer else None,
                checked=answer.checked if answer else False,
                correct=answer.correct if answer else None,
                score=answer.score if answer else None,
                comment=answer.comment if answer else "",
                marked=bool(answer and answer.marked_at),
            )
        )
    return views
