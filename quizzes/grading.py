"""Grading as pure functions: a question and a learner's response in, a `Grade` out.

`grade` and `coerce_response` ask the kind's type (quizzes.kinds); the graders and response shapes
here are the primitives those types share.

Response shapes, per question kind:

=============  ==============================================================================
single         the chosen choice index, an ``int``
multiple       an iterable of chosen choice indexes (no duplicates)
true_false     a ``bool``
fill_blank     a ``str``
ordering       the step indexes in the learner's order: a permutation of ``range(len(steps))``
hotspot        ``(x, y)``, the tapped point as fractions of the image width and height
numeric        a ``str`` as typed (full-width digits, a decimal comma accepted) or a number
essay          a ``str``; never graded here: a trainer marks it (``MANUALLY_MARKED``)
=============  ==============================================================================

A response of the wrong shape (wrong type, an index out of range, duplicates, ``None``, NaN…) never
raises: it is worth 0. Every grade is out of 1.0.

Partial credit, when the question turns it on:

* **multiple** — the score is the sum of the `effective weights
  <quizzes.questiondata.QuestionData.effective_weights>` of the chosen options, clamped to [0, 1]:
  an explicit weight counts as written; correct options without one share the rest of 100% equally;
  wrong options without one cost 1/k (k = number of correct options). Choosing exactly the correct
  options is always full marks; anything else stays below full marks.
* **single** — choosing a wrong option that carries a positive weight (GIFT ``~%50%``) earns that weight.
* **fill_blank** and **numeric** — the best-weighted answer the response matches earns its weight
  (always on: Moodle's short-answer and numerical questions carry a weight per answer).
* **ordering** — each pair of neighbouring positions in the learner's order earns a point when the
  earlier step really comes before the later one; score = points / (steps - 1). Only the exact
  order gets full marks (any other permutation has at least one pair the wrong way round).

Without partial credit every kind is all-or-nothing.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice, pairwise

from quizzes.questiondata import QuestionData

MAX_SCORE = 1.0
MAX_TEXT_RESPONSE = 10_000

# Invisible characters that are not `str.isspace()` but that a phone keyboard or a paste can slip in.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Checked after NFKC, so full-width ！？．，；： have already become their ASCII forms.
_TRAILING_PUNCTUATION = ".。!?,;:、…~·｡"

_BELOW_FULL_MARKS = math.nextafter(MAX_SCORE, 0.0)


class InvalidResponse(ValueError):
    """The response does not have the shape the question kind expects; it is graded as 0."""


@dataclass(frozen=True)
class Grade:
    score: float
    max_score: float
    correct: bool

    def __post_init__(self) -> None:
        if not 0 <= self.score <= self.max_score:
            raise ValueError(f"score {self.score} outside [0, {self.max_score}]")
        if self.correct != (self.score == self.max_score):
            raise ValueError("correct must mean full marks")

    @classmethod
    def full(cls) -> Grade:
        return cls(MAX_SCORE, MAX_SCORE, True)

    @classmethod
    def zero(cls) -> Grade:
        return cls(0.0, MAX_SCORE, False)

    @classmethod
    def partial(cls, score: float) -> Grade:
        """Part marks; never full marks, which only an exactly right answer earns."""
        if not math.isfinite(score):
            score = 0.0
        score = min(max(score, 0.0), _BELOW_FULL_MARKS)
        return cls(score, MAX_SCORE, False)


def normalise_text(s: str) -> str:
    """Fold a typed answer so that trivially different spellings compare equal.

    NFKC (full-width ＡＢＣ１２３ and punctuation become half-width), casefold, all whitespace and
    zero-width characters removed, trailing punctuation (。.!！?？ …) stripped. Idempotent: the steps are
    repeated until nothing changes, because removing a space can let NFKC compose characters it
    could not compose before.
    """
    if not isinstance(s, str):
        return ""
    for _ in range(8):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", s).casefold())
        folded = "".join(ch for ch in folded if not ch.isspace()).translate(_INVISIBLE)
        folded = folded.rstrip(_TRAILING_PUNCTUATION)
        if folded == s:
            break
        s = folded
    return s


# -- response shapes ------------------------------------------------------------------------------


def _index(response: object, n: int) -> int:
    if isinstance(response, bool) or not isinstance(response, int):
        raise InvalidResponse("expected an int")
    if not 0 <= response < n:
        raise InvalidResponse("index out of range")
    return response


def _indexes(response: object, n: int) -> tuple[int, ...]:
    if isinstance(response, str | bytes | bytearray | Mapping) or not isinstance(response, Iterable):
        raise InvalidResponse("expected an iterable of ints")
    try:
        # Bounded, so an endless generator cannot hang grading: more than n items must repeat one.
        items = tuple(islice(response, n + 1))
    except Exception as exc:  # a broken iterator is just another bad response
        raise InvalidResponse("could not iterate") from exc
    indexes = tuple(_index(item, n) for item in items)
    if len(set(indexes)) != len(indexes):
        raise InvalidResponse("duplicate index")
    return indexes


def _point(response: object) -> tuple[float, float]:
    if isinstance(response, str | bytes | Mapping) or not isinstance(response, list | tuple):
        raise InvalidResponse("expected (x, y)")
    if len(response) != 2:
        raise InvalidResponse("expected (x, y)")
    x, y = response
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidResponse("coordinates must be finite numbers")
    return float(x), float(y)


def coerce_response(q: QuestionData, response: object) -> object:
    """The response in its canonical shape for `q`, or `InvalidResponse`.

    Useful to reject a malformed autosave before storing it; grading calls it too. Each kind's type
    (quizzes.kinds) knows its shape.
    """
    from quizzes.kinds import UnknownKind, question_type

    try:
        kind_type = question_type(q.kind)
    except UnknownKind:
        raise InvalidResponse(f"unknown question kind {q.kind!r}") from None
    return kind_type.coerce(q, response)


# -- one grader per kind --------------------------------------------------------------------------


def grade_single(q: QuestionData, response: object) -> Grade:
    try:
        chosen = q.choices[_index(response, len(q.choices))]
    except InvalidResponse:
        return Grade.zero()
    if chosen.correct:
        return Grade.full()
    if q.partial_credit and chosen.weight > 0:
        return Grade.partial(chosen.weight)
    return Grade.zero()


def grade_multiple(q: QuestionData, response: object) -> Grade:
    try:
        chosen = frozenset(_indexes(response, len(q.choices)))
    except InvalidResponse:
        return Grade.zero()
    correct = q.correct_indexes()
    if correct and chosen == correct:
        return Grade.full()
    if not q.partial_credit or not correct:
        return Grade.zero()
    weights = q.effective_weights()
    return Grade.partial(sum(weights[i] for i in chosen))


def grade_true_false(q: QuestionData, response: object) -> Grade:
    if not isinstance(response, bool) or not isinstance(q.true_answer, bool):
        return Grade.zero()
    return Grade.full() if response is q.true_answer else Grade.zero()


def weighted_grade(weight: float) -> Grade:
    """The grade an answer's weight earns: full marks at 1, part marks between 0 and 1."""
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not math.isfinite(weight):
        return Grade.zero()
    if weight >= 1:
        return Grade.full()
    return Grade.partial(weight) if weight > 0 else Grade.zero()


def grade_fill_blank(q: QuestionData, response: object) -> Grade:
    if not isinstance(response, str) or len(response) > MAX_TEXT_RESPONSE:
        return Grade.zero()
    given = normalise_text(response)
    if not given:
        return Grade.zero()
    weights = [a.weight for a in q.answers if normalise_text(a.text) == given and is_weight(a.weight)]
    return weighted_grade(max(weights)) if weights else Grade.zero()


def is_weight(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def grade_ordering(q: QuestionData, response: object) -> Grade:
    n = len(q.steps)
    if n == 0:
        return Grade.zero()
    try:
        order = _indexes(response, n)
    except InvalidResponse:
        return Grade.zero()
    if len(order) != n:
        return Grade.zero()
    if list(order) == list(range(n)):
        return Grade.full()
    if not q.partial_credit:
        return Grade.zero()
    in_order = sum(1 for a, b in pairwise(order) if a < b)
    return Grade.partial(in_order / (n - 1))


def grade_hotspot(q: QuestionData, response: object, aspect: float = 1.0) -> Grade:
    """`aspect` is the image's height / width, so that a circle stays round on a non-square picture."""
    try:
        x, y = _point(response)
    except InvalidResponse:
        return Grade.zero()
    if isinstance(aspect, bool) or not isinstance(aspect, int | float) or not math.isfinite(aspect):
        aspect = 1.0
    if aspect <= 0:
        aspect = 1.0
    eps = 1e-9
    for area in q.areas:
        if area.problems():
            continue
        if area.shape == "rect":
            if area.x - eps <= x <= area.x + area.w + eps and area.y - eps <= y <= area.y + area.h + eps:
                return Grade.full()
        else:
            # Measure in image-width units: a y fraction is `aspect` times as long as an x fraction.
            dx, dy = x - area.x, (y - area.y) * aspect
            if dx * dx + dy * dy <= area.r * area.r + eps:
                return Grade.full()
    return Grade.zero()


def grade(q: QuestionData, response: object, *, aspect: float = 1.0) -> Grade:
    """Grade any question, by its kind's type (quizzes.kinds); `aspect` (image height / width) is
    used by hotspot questions only. A kind marked by hand (essay) grades as 0 until a trainer marks it."""
    from quizzes.kinds import question_type

    return question_type(q.kind).grade(q, response, aspect=aspect)


# -- the order an ordering question lists its steps in --------------------------------------------


def ordering_start_order(steps: int, *, rng: random.Random) -> list[int]:
    """The order in which a new attempt lists an ordering question's steps (indexes into ``steps``,
    which hold the right order): each of the ``steps!`` orders with the same chance, the right one
    included.

    Why the right order is not left out: left out, the order shown depends on the answer. With two
    steps only the reverse remains, so every attempt gave the answer away; with more, each order
    shown rules one answer out. Drawn from every order alike, the list tells nothing about the answer
    whatever the number of steps. Showing the steps in the right order now and then answers nothing
    either: the learner still gives each step its place, and nothing is filled in for them."""
    order = list(range(steps))
    rng.shuffle(order)
    return order
