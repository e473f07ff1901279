"""True or false. The two answers may each carry feedback (`choices`: index 0 true, 1 false)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType
from quizzes.questiondata import MAX_FEEDBACK, TRUE_FALSE_LABELS, Choice, QuestionKind, _check_length


class TrueFalse(QuestionType):
    kind = QuestionKind.TRUE_FALSE
    xapi_interaction_type = "true-false"
    label = _("True or false")
    model_fields = ("true_answer", "true_feedback", "false_feedback")

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        if not isinstance(q.true_answer, bool):
            errors.append("判断题缺少正确答案（对或错）")
        if q.choices:
            expected = (q.true_answer is True, q.true_answer is False)
            if len(q.choices) != 2 or tuple(c.correct for c in q.choices) != expected:
                errors.append("判断题的反馈选项必须是「正确」「错误」两项，且与答案一致")
            for choice in q.choices:
                _check_length(errors, "判断题反馈", choice.feedback, MAX_FEEDBACK)
        return errors

    def coerce(self, q, response):
        if not isinstance(response, bool):
            raise grading.InvalidResponse("expected a bool")
        return response

    def grade(self, q, response, *, aspect=1.0):
        return grading.grade_true_false(q, response)

    def from_post(self, q, post, entry):
        return {"true": True, "false": False}.get(post.get("answer"))

    def correct_answer_text(self, q):
        return gettext("True") if q.true_answer else gettext("False")

    def response_text(self, q, response):
        if not isinstance(response, bool):
            return ""
        return gettext("True") if response else gettext("False")

    def feedback(self, q, response):
        if not isinstance(response, bool) or len(q.choices) != 2:
            return ""
        return q.choices[0 if response else 1].feedback

    def summary(self, q):
        return [TRUE_FALSE_LABELS[0] if q.true_answer else TRUE_FALSE_LABELS[1]]

    def to_data(self, question):
        data = {"true_answer": question.true_answer}
        if question.true_feedback or question.false_feedback:
            right = question.true_answer
            data["choices"] = (
                Choice(TRUE_FALSE_LABELS[0], right is True, feedback=question.true_feedback.strip()),
                Choice(TRUE_FALSE_LABELS[1], right is False, feedback=question.false_feedback.strip()),
            )
        return data

    def model_values(self, q):
        feedback = [c.feedback for c in q.choices] if len(q.choices) == 2 else ["", ""]
        return {"true_answer": q.true_answer, "true_feedback": feedback[0], "false_feedback": feedback[1]}
