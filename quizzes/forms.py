"""Reading a learner's answer from a plain HTML form (works without JavaScript).

Each kind's type (quizzes.kinds) reads its own fields; this is the one entry point the views use."""

from quizzes.kinds import UnknownKind, question_type
from quizzes.kinds.hotspot import HOTSPOT_FALLBACK_WIDTH
from quizzes.kinds.ordering import ordering_field_name
from quizzes.questiondata import QuestionData

__all__ = ["HOTSPOT_FALLBACK_WIDTH", "ordering_field_name", "response_from_post"]


def response_from_post(data: QuestionData, post, entry: dict) -> object | None:
    """The response for ``data`` posted in ``post`` (a QueryDict), or None if unanswered.
    ``entry``: the question as the attempt stored it (its image, the order its options are shown in).
    Shapes follow quizzes.grading; anything odd is passed on for coerce_response to refuse."""
    try:
        kind_type = question_type(data.kind)
    except UnknownKind:
        return None
    return kind_type.from_post(data, post, entry)
