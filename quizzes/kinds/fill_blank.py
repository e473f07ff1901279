"""Fill in the blank (Moodle's short answer): typed text against a list of answers, each with a weight
and feedback. Case, spaces, full-width forms and trailing punctuation never matter
(`quizzes.grading.normalise_text`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType, text_response
from quizzes.questiondata import MAX_ANSWER_TEXT, Answer, QuestionKind, _check_length, _short


def weighted_lines(q) -> list[str]:
    """Answers as a trainer checks them: "12345", "市民热线（50%）"."""
    lines = []
    for a in q.answers:
        weight = "" if a.weight >= 1 else f"（{a.weight * 100:g}%）"
        tolerance = f" ± {a.tolerance:g}" if a.tolerance else ""
        lines.append(f"{a.text}{tolerance}{weight}")
    return lines


def answer_fraction(percent) -> float:
    return 1.0 if percent is None else float(percent) / 100


class FillBlank(QuestionType):
    kind = QuestionKind.FILL_BLANK
    xapi_interaction_type = "fill-in"
    label = _("Fill in the blank")
    model_fields = ("answers",)

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        if not q.answers:
            errors.append("填空题至少需要 1 个参考答案")
        errors.extend(q.validate_answers("填空题"))
        seen: set[str] = set()
        for answer in q.answers:
            folded = grading.normalise_text(answer.text)
            if not folded:
                errors.append(f"参考答案「{_short(answer.text)}」去掉空格和标点后为空")
            elif folded in seen:
                errors.append(f"参考答案「{_short(answer.text)}」重复")
            seen.add(folded)
            _check_length(errors, "参考答案", answer.text, MAX_ANSWER_TEXT)
        return errors

    def coerce(self, q, response):
        return text_response(response)

    def match(self, q, response) -> Answer | None:
        """The answer `response` earns its mark by: the best-weighted one it matches, or None."""
        if not isinstance(response, str) or len(response) > grading.MAX_TEXT_RESPONSE:
            return None
        given = grading.normalise_text(response)
        matches = [a for a in q.answers if given and grading.normalise_text(a.text) == given]
        return max((a for a in matches if grading.is_weight(a.weight)), key=lambda a: a.weight, default=None)

    def grade(self, q, response, *, aspect=1.0):
        answer = self.match(q, response)
        return grading.weighted_grade(answer.weight) if answer is not None else grading.Grade.zero()

    def correct_answer_text(self, q):
        return " / ".join(q.accepted_answers)

    def feedback(self, q, response):
        answer = self.match(q, response)
        return answer.feedback if answer is not None else ""

    def summary(self, q):
        return [" | ".join(weighted_lines(q))]

    def to_data(self, question):
        return {
            "answers": tuple(
                Answer(
                    text=(b.value["text"] or "").strip(),
                    weight=answer_fraction(b.value["weight"]),
                    feedback=(b.value["feedback"] or "").strip(),
                )
                for b in question.answers
            )
        }

    def model_values(self, q):
        return {
            "answers": [
                {
                    "type": "answer",
                    "value": {"text": a.text, "weight": round(a.weight * 100, 5), "feedback": a.feedback},
                }
                for a in q.answers
            ]
        }
