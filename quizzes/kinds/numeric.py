"""Numeric answer (Moodle's numerical): a number, give or take a tolerance; several answers may earn
part marks. The learner may type full-width digits or a decimal comma (`questiondata.parse_number`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType
from quizzes.kinds.fill_blank import answer_fraction, weighted_lines
from quizzes.questiondata import MAX_NUMBER, Answer, QuestionKind, _is_number, _short, parse_number


def number_text(value) -> str:
    """A number as an answer's text: 3.0 is "3", 0.1 stays "0.1"."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


class Numeric(QuestionType):
    kind = QuestionKind.NUMERIC
    xapi_interaction_type = "numeric"
    label = _("Numeric answer")
    model_fields = ("numeric_answers",)

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        if not q.answers:
            errors.append("数值题至少需要 1 个答案")
        errors.extend(q.validate_answers("数值题"))
        for n, answer in enumerate(q.answers, start=1):
            if answer.number is None:
                errors.append(f"第 {n} 个答案「{_short(answer.text)}」不是数字")
            tolerance = answer.tolerance
            if not _is_number(tolerance) or tolerance < 0 or tolerance > MAX_NUMBER:
                errors.append(f"第 {n} 个答案的误差范围必须是不小于 0 的数字")
        return errors

    def coerce(self, q, response):
        if isinstance(response, str) and len(response) <= 100 and parse_number(response) is not None:
            return response.strip()
        if not isinstance(response, str) and parse_number(response) is not None:
            return response
        raise grading.InvalidResponse("expected a number")

    def match(self, q, response) -> Answer | None:
        """The answer `response` falls within (value ± tolerance), the best-weighted one; or None."""
        given = parse_number(response)
        if given is None:
            return None
        best = None
        for answer in q.answers:
            value, tolerance = answer.number, answer.tolerance
            if value is None or not grading.is_weight(answer.weight):
                continue
            if not grading.is_weight(tolerance) or tolerance < 0:
                continue
            # A hair of slack for decimal fractions that floats cannot hold exactly (0.1 + 0.2).
            slack = 1e-9 * max(1.0, abs(value))
            if abs(given - value) <= tolerance + slack and (best is None or answer.weight > best.weight):
                best = answer
        return best

    def grade(self, q, response, *, aspect=1.0):
        answer = self.match(q, response)
        return grading.weighted_grade(answer.weight) if answer is not None else grading.Grade.zero()

    def correct_answer_text(self, q):
        return " / ".join(
            f"{a.text} ± {a.tolerance:g}" if a.tolerance else a.text for a in q.answers if a.weight >= 1
        )

    def feedback(self, q, response):
        answer = self.match(q, response)
        return answer.feedback if answer is not None else ""

    def statistics_label(self, q, response):
        number = parse_number(response)
        return number_text(number) if number is not None else super().statistics_label(q, response)

    def summary(self, q):
        return [" | ".join(weighted_lines(q))]

    def to_data(self, question):
        return {
            "answers": tuple(
                Answer(
                    text=number_text(b.value["value"]),
                    weight=answer_fraction(b.value["weight"]),
                    feedback=(b.value["feedback"] or "").strip(),
                    tolerance=float(b.value["tolerance"] or 0),
                )
                for b in question.numeric_answers
            )
        }

    def model_values(self, q):
        return {
            "numeric_answers": [
                {
                    "type": "answer",
                    "value": {
                        "value": a.number,
                        "tolerance": a.tolerance,
                        "weight": round(a.weight * 100, 5),
                        "feedback": a.feedback,
                    },
                }
                for a in q.answers
            ]
        }
