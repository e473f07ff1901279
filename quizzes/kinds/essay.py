"""Written answer (Moodle's essay): the learner writes; a trainer marks it with a score and a comment
(quizzes.marking). Grading never marks it: the attempt waits for the trainer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.kinds.base import QuestionType, text_response
from quizzes.questiondata import _CONTROL_CHARS, MAX_MARKING_GUIDE, QuestionKind, _check_length


class Essay(QuestionType):
    kind = QuestionKind.ESSAY
    xapi_interaction_type = "long-fill-in"
    label = _("Written answer (marked by a trainer)")
    model_fields = ("marking_guide",)
    manually_marked = True

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        _check_length(errors, "评分参考", q.marking_guide, MAX_MARKING_GUIDE)
        if _CONTROL_CHARS.search(q.marking_guide):
            errors.append("评分参考含有不可见的控制字符")
        return errors

    def coerce(self, q, response):
        return text_response(response)

    def from_post(self, q, post, entry):
        # Browsers post a textarea's line breaks as CRLF; keep one character per break, as the
        # textarea's maxlength counted them.
        text = post.get("answer", "").replace("\r\n", "\n")
        return text if text.strip() else None

    def grade(self, q, response, *, aspect=1.0):
        return grading.Grade.zero()

    wrong_answer_statistics = ""  # every written answer is its own

    def summary(self, q):
        return [q.marking_guide] if q.marking_guide else []

    def to_data(self, question):
        return {"marking_guide": question.marking_guide.strip()}

    def model_values(self, q):
        return {"marking_guide": q.marking_guide}
