"""Single and multiple choice (Moodle's multichoice)."""

from __future__ import annotations

import random
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType
from quizzes.questiondata import WEIGHT_SUM_TOLERANCE, Choice, QuestionKind, _is_number

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def shown_order(entry: dict, count: int) -> list[int]:
    """The order an attempt shows ``count`` options or steps in: indexes, as its snapshot stored them
    (``option_order``), or as written when it holds none or one that does not fit."""
    order = entry.get("option_order")
    if isinstance(order, list) and sorted(order) == list(range(count)):
        return order
    return list(range(count))


class _ChoiceType(QuestionType):
    model_fields = ("choices",)
    wrong_answer_statistics = "options"

    def statistics_label(self, q, response):
        texts = [Truncator(q.choices[i].text).chars(60) for i in self._chosen(q, response)]
        return "、".join(texts) or gettext("(no option)")

    def start(self, q, entry, *, shuffle_options, rng: random.Random):
        order = list(range(len(q.choices)))
        if shuffle_options:
            rng.shuffle(order)
        entry["option_order"] = order

    def shown_options(self, q, entry):
        return [(i, q.choices[i].text) for i in shown_order(entry, len(q.choices))]

    def correct_answer_text(self, q):
        return "；".join(c.text for c in q.choices if c.correct)

    def _chosen(self, q, response) -> list[int]:
        if isinstance(response, bool):
            return []
        if isinstance(response, int):
            response = [response]
        if not isinstance(response, list | tuple | frozenset | set):
            return []
        return [
            i for i in response if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(q.choices)
        ]

    def response_text(self, q, response):
        return "；".join(q.choices[i].text for i in self._chosen(q, response))

    def feedback(self, q, response):
        return "\n".join(q.choices[i].feedback for i in self._chosen(q, response) if q.choices[i].feedback)

    def summary(self, q):
        lines = []
        for letter, choice in zip(LETTERS, q.choices, strict=False):
            mark = "✓" if choice.correct else "✗"
            weight = f"（{choice.weight * 100:g}%）" if q.partial_credit and choice.weight else ""
            lines.append(f"{mark} {letter}. {Truncator(choice.text).chars(80)}{weight}")
        return lines

    def to_data(self, question) -> dict[str, Any]:
        return {
            "choices": tuple(
                Choice(
                    text=(block.value["text"] or "").strip(),
                    correct=bool(block.value["correct"]),
                    weight=float(block.value["weight"] or 0) / 100,
                    feedback=(block.value["feedback"] or "").strip(),
                )
                for block in question.choices
            )
        }

    def model_values(self, q) -> dict[str, Any]:
        # Weights are kept as written (a float percent): 33.33333% stays 33.33333%, so a question
        # exported again says what was imported.
        return {
            "choices": [
                {
                    "type": "option",
                    "value": {
                        "text": c.text,
                        "correct": c.correct,
                        "weight": round(c.weight * 100, 5) if c.weight else None,
                        "feedback": c.feedback,
                    },
                }
                for c in q.choices
            ]
        }


class SingleChoice(_ChoiceType):
    kind = QuestionKind.SINGLE
    xapi_interaction_type = "choice"
    label = _("Single choice")
    partial_credit_switch = True

    def validate(self, q) -> list[str]:
        errors = q.validate_choices("单选题")
        n_correct = len(q.correct_indexes())
        if n_correct != 1:
            errors.append(f"单选题必须恰好有 1 个正确答案（当前 {n_correct} 个）")
        for n, choice in enumerate(q.choices, start=1):
            if not choice.correct and _is_number(choice.weight) and choice.weight >= 1:
                errors.append(f"第 {n} 个选项不是正确答案，分值不能为 100%")
        return errors

    def coerce(self, q, response):
        return grading._index(response, len(q.choices))

    def grade(self, q, response, *, aspect=1.0):
        return grading.grade_single(q, response)

    def from_post(self, q, post, entry):
        return _int(post.get("choice"))


class MultipleChoice(_ChoiceType):
    kind = QuestionKind.MULTIPLE
    xapi_interaction_type = "choice"
    label = _("Multiple choice")
    partial_credit_switch = True

    def validate(self, q) -> list[str]:
        errors = q.validate_choices("多选题")
        if not q.correct_indexes():
            errors.append("多选题至少需要 1 个正确答案")
            return errors
        if not q.partial_credit or not all(_is_number(c.weight) for c in q.choices):
            return errors
        for n, choice in enumerate(q.choices, start=1):
            if choice.correct and choice.weight < 0:
                errors.append(f"第 {n} 个选项是正确答案，分值不能为负")
            if not choice.correct and choice.weight > 0:
                errors.append(f"第 {n} 个选项不是正确答案，分值不能为正")
        weights = q.effective_weights()
        correct_weights = [w for w, c in zip(weights, q.choices, strict=True) if c.correct]
        if any(w <= 0 for w in correct_weights):
            errors.append("有正确选项分不到分值：正确选项的分值之和应为 100%")
        elif abs(sum(correct_weights) - 1) > WEIGHT_SUM_TOLERANCE:
            errors.append(f"正确选项的分值之和应为 100%（当前 {sum(correct_weights) * 100:g}%）")
        return errors

    def coerce(self, q, response):
        return frozenset(grading._indexes(response, len(q.choices)))

    def stored(self, value):
        return sorted(value)

    def from_stored(self, q, value):
        return frozenset(value) if isinstance(value, list) else value

    def grade(self, q, response, *, aspect=1.0):
        return grading.grade_multiple(q, response)

    def from_post(self, q, post, entry):
        values = [_int(v) for v in post.getlist("choice")]
        return values if values else None
