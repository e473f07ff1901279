"""Adds the learner's attempts to quiz pages (registered at start-up by QuizzesConfig.ready)."""

from wagtail import hooks

from quizzes.models import QUIZ_CONTEXT_HOOK
from quizzes.selectors import quiz_state


@hooks.register(QUIZ_CONTEXT_HOOK)
def add_quiz_state(request, page, context):
    if request.user.is_authenticated and not getattr(request, "is_preview", False):
        context["quiz_state"] = quiz_state(learner=request.user, quiz=page)
    context["question_count"] = sum(
        1 if block.block_type == "question" else block.value["count"] for block in page.questions
    )
