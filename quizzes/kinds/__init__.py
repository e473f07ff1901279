"""The question-type registry: one class per kind (see quizzes/kinds/base.py)."""

from __future__ import annotations

from quizzes.kinds.base import QuestionType
from quizzes.kinds.choice import MultipleChoice, SingleChoice
from quizzes.kinds.essay import Essay
from quizzes.kinds.fill_blank import FillBlank
from quizzes.kinds.hotspot import Hotspot
from quizzes.kinds.numeric import Numeric
from quizzes.kinds.ordering import Ordering
from quizzes.kinds.true_false import TrueFalse
from quizzes.questiondata import MANUALLY_MARKED, QuestionKind

REGISTRY: dict[QuestionKind, QuestionType] = {
    t.kind: t
    for t in (
        SingleChoice(),
        MultipleChoice(),
        TrueFalse(),
        FillBlank(),
        Ordering(),
        Hotspot(),
        Numeric(),
        Essay(),
    )
}
assert set(REGISTRY) == set(QuestionKind), "every QuestionKind has a type"


class UnknownKind(ValueError):
    pass


def question_type(kind) -> QuestionType:
    """The type of a kind (a QuestionKind, its value, or anything with a ``kind``)."""
    kind = getattr(kind, "kind", kind)
    try:
        return REGISTRY[QuestionKind(kind)]
    except (ValueError, KeyError):
        raise UnknownKind(f"unknown question kind {kind!r}") from None


def kind_choices() -> list[tuple[str, object]]:
    """The bank's (value, label) choices, in the registry's order."""
    return [(kind.value, t.label) for kind, t in REGISTRY.items()]


def used_by(field_name: str) -> str:
    """The kinds whose form shows the Question field `field_name`, space separated (the admin's
    question form shows only the chosen kind's answer fields: quizzes/static/quizzes/question-form.js)."""
    if field_name == "partial_credit":
        return " ".join(k.value for k, t in REGISTRY.items() if t.partial_credit_switch)
    return " ".join(k.value for k, t in REGISTRY.items() if field_name in t.model_fields)


# questiondata.MANUALLY_MARKED (for code below the registry) names the same kinds as the types do.
assert {k for k, t in REGISTRY.items() if t.manually_marked} == MANUALLY_MARKED
