"""The learner's AI helpers on a lesson page (assistant/static/assistant/helper.js calls these):
accepting the usage policy, and "explain more simply" / "ask about this lesson", streamed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from assistant import answers, services
from assistant.access import config_for
from assistant.conf import LEARNER_HELPERS
from courses.models import LessonPage


def _json_error(message: str, *, status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": message, "code": code}, status=status)


def _any_learner_helper_on(request) -> bool:
    settings_now = config_for(request.user, request)
    return any(settings_now.is_on(helper) for helper in LEARNER_HELPERS)


@require_POST
@login_required
def policy_accept(request):
    """「我同意」 under the AI helpers' rules: once per person (per version of the rules)."""
    if not _any_learner_helper_on(request):
        raise Http404
    services.assistant_policy_accept(user=request.user)
    return JsonResponse({"accepted": True})


def lesson_for_helper(request, lesson_id: int) -> LessonPage:
    """The published lesson, if the person may read it (its view restrictions, like the page itself)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    for restriction in lesson.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    return lesson


@require_POST
@login_required
def lesson_help(request, lesson_id: int, helper: str):
    """「用更简单的话讲一讲」 (POST ``block``) or 「问一问」 (POST ``question``), answered as server-sent
    events (assistant.answers). Refusals before anything is sent are JSON ``{"error", "code"}``."""
    settings_now = config_for(request.user, request)
    if helper not in LEARNER_HELPERS or not settings_now.is_on(helper):
        raise Http404
    help_request = answers.HelpRequest(
        user=request.user,
        lesson=lesson_for_helper(request, lesson_id),
        helper=helper,
        config=settings_now,
        question=request.POST.get("question", ""),
        block_id=request.POST.get("block", ""),
    )
    try:
        messages, sections = answers.lesson_help_check(help_request)
    except answers.HelpRefused as refused:
        return _json_error(refused.message, status=refused.status, code=refused.code)
    response = StreamingHttpResponse(
        answers.lesson_help_events(help_request, messages, sections), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each piece on as it comes
    return response
