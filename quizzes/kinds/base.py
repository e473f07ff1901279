"""What every question type answers for itself.

One class per kind (quizzes/kinds/<kind>.py) owns how its answer is read from a form, checked, graded,
described in the review, the import preview and the statistics, snapshotted into an attempt, and stored
in the bank (the model fields it uses). Grading, forms, views, statistics and imports ask the registry
(`quizzes.kinds.question_type`) instead of switching on the kind, so adding a kind is one module here and
one template (``quizzes/kinds/<kind>.html``, the learner's input).

Types work on `QuestionData` (pure, no database), except `to_data`/`model_values`, which read and write
the bank's `Question` row.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext

from quizzes.grading import MAX_TEXT_RESPONSE, Grade, InvalidResponse
from quizzes.questiondata import QuestionData, QuestionKind


class QuestionType:
    kind: ClassVar[QuestionKind]
    label: ClassVar[Promise]  # the bank's name for the kind (translated)
    # The Question model's answer fields this kind uses (the admin shows only these; see models.Question).
    model_fields: ClassVar[tuple[str, ...]] = ()
    # A trainer gives the mark (quizzes.marking); grading leaves it pending.
    manually_marked: ClassVar[bool] = False
    # Whether the bank's "partial credit" switch means anything for this kind.
    partial_credit_switch: ClassVar[bool] = False

    @property
    def template(self) -> str:
        """The learner's input for one question (included by quizzes/attempt_question.html)."""
        return f"quizzes/kinds/{self.kind.value}.html"

    def validate(self, q: QuestionData) -> list[str]:
        """Everything wrong with this kind's answer fields, as sentences a trainer can act on (Chinese).
        QuestionData.validate checks what every kind shares first."""
        return []

    # -- answering ------------------------------------------------------------------------------

    def coerce(self, q: QuestionData, response: object) -> object:
        """The response in its canonical shape, or `InvalidResponse`."""
        raise NotImplementedError

    def stored(self, value: object) -> object:
        """A coerced response as JSON keeps it."""
        return value

    def from_stored(self, q: QuestionData, value: object) -> object:
        """A stored response back in the shape `grade` takes."""
        return value

    def grade(self, q: QuestionData, response: object, *, aspect: float = 1.0) -> Grade:
        raise NotImplementedError

    def from_post(self, q: QuestionData, post, entry: dict) -> object | None:
        """The response posted in a plain HTML form (no JavaScript needed), None if unanswered."""
        text = post.get("answer", "")
        return text if isinstance(text, str) and text.strip() else None

    def start(self, q: QuestionData, entry: dict, *, shuffle_options: bool, rng: random.Random) -> None:
        """Add what a new attempt fixes for this question to its snapshot ``entry`` (an option order)."""

    # -- describing -----------------------------------------------------------------------------

    def shown_options(self, q: QuestionData, entry: dict) -> list[tuple[int, str]]:
        """(original index, text) in the order the attempt shows them; [] for kinds without options."""
        return []

    def correct_answer_text(self, q: QuestionData) -> str:
        return ""

    def response_text(self, q: QuestionData, response: object) -> str:
        return "" if response is None else str(response)

    def feedback(self, q: QuestionData, response: object) -> str:
        """What the trainer wrote for this particular answer (an option's or an answer's feedback)."""
        return ""

    def summary(self, q: QuestionData) -> list[str]:
        """What counts as right, one line per item, for the import preview."""
        return []

    # How the question statistics find "the most chosen wrong answer": "options" (tally each wrong
    # option ticked), "response" (group identical responses), or "" (no such thing: every answer is
    # its own, or a tap on a picture).
    wrong_answer_statistics: ClassVar[str] = "response"
    # The xAPI interaction type of an answer to this kind (xapi.statements): true-false, choice, fill-in,
    # long-fill-in, sequencing, numeric or other.
    xapi_interaction_type: ClassVar[str] = "other"

    def statistics_label(self, q: QuestionData, response: object) -> str:
        """A response as the statistics show it."""
        return Truncator(self.response_text(q, response)).chars(100) or gettext("(blank)")

    # -- the bank -------------------------------------------------------------------------------

    def to_data(self, question) -> dict[str, Any]:
        """QuestionData keyword arguments for this kind's answer fields, read from a Question row."""
        return {}

    def model_values(self, q: QuestionData) -> dict[str, Any]:
        """Question model field values for this kind's answer fields."""
        return {}


def text_response(response: object) -> str:
    if not isinstance(response, str) or len(response) > MAX_TEXT_RESPONSE:
        raise InvalidResponse("expected a str")
    return response
