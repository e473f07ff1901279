"""Put the steps in order: the steps are stored in the right order and shown in a drawn order."""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType
from quizzes.kinds.choice import _int, shown_order
from quizzes.questiondata import _CONTROL_CHARS, MAX_STEP_TEXT, MAX_STEPS, QuestionKind, _check_length, _short


def ordering_field_name(row: int) -> str:
    """The field giving a place to the step shown in ``row`` (0 = shown first). Named by the row
    as shown, never by the step: a step's index is its place in the right order."""
    return f"row-{row}"


class Ordering(QuestionType):
    kind = QuestionKind.ORDERING
    xapi_interaction_type = "sequencing"
    label = _("Put the steps in order")
    model_fields = ("steps",)
    partial_credit_switch = True
    wrong_answer_statistics = ""  # orders are too many to count as "the" wrong answer

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        if len(q.steps) < 2:
            errors.append("排序题至少需要 2 个步骤")
        if len(q.steps) > MAX_STEPS:
            errors.append(f"排序题最多 {MAX_STEPS} 个步骤（当前 {len(q.steps)} 个）")
        seen: set[str] = set()
        for n, step in enumerate(q.steps, start=1):
            if not step.strip():
                errors.append(f"第 {n} 个步骤内容为空")
            elif step in seen:
                errors.append(f"步骤「{_short(step)}」重复")
            seen.add(step)
            _check_length(errors, f"第 {n} 个步骤", step, MAX_STEP_TEXT)
            if _CONTROL_CHARS.search(step):
                errors.append(f"第 {n} 个步骤含有不可见的控制字符")
        return errors

    def coerce(self, q, response):
        order = grading._indexes(response, len(q.steps))
        if len(order) != len(q.steps):
            raise grading.InvalidResponse("expected every step exactly once")
        return order

    def stored(self, value):
        return list(value)

    def from_stored(self, q, value):
        return tuple(value) if isinstance(value, list) else value

    def grade(self, q, response, *, aspect=1.0):
        return grading.grade_ordering(q, response)

    def start(self, q, entry, *, shuffle_options, rng):
        entry["option_order"] = grading.ordering_start_order(len(q.steps), rng=rng)

    def shown_options(self, q, entry):
        return [(i, q.steps[i]) for i in shown_order(entry, len(q.steps))]

    def from_post(self, q, post, entry):
        # Each row shown names the place the learner gave it; the attempt's display order says which
        # step that row showed. The response lists step indexes, first place first.
        places = []
        for row, step in enumerate(shown_order(entry, len(q.steps))):
            place = _int(post.get(ordering_field_name(row)))
            if place is None:
                return None
            places.append((place, step))
        if sorted(place for place, _step in places) != list(range(1, len(q.steps) + 1)):
            return "duplicate-positions"  # refused by coerce, with a clear message
        return [step for _place, step in sorted(places)]

    def correct_answer_text(self, q):
        return " → ".join(q.steps)

    def response_text(self, q, response):
        if not isinstance(response, list | tuple):
            return ""
        return " → ".join(q.steps[i] for i in response if isinstance(i, int) and 0 <= i < len(q.steps))

    def summary(self, q):
        return [f"{n}. {Truncator(step).chars(80)}" for n, step in enumerate(q.steps, start=1)]

    def to_data(self, question):
        return {"steps": tuple(b.value.strip() for b in question.steps)}

    def model_values(self, q):
        return {"steps": [{"type": "step", "value": step} for step in q.steps]}
