"""A learner's help on a lesson, as server-sent events: the checks before anything is sent (helper on,
usage policy, daily limit, personal-data guard), the streamed answer with its citations, and the usage log.

Events (``text/event-stream``):

* ``sources``: ``{"1": "#block-…", …}`` — the anchors of the numbered blocks, before the answer;
* (unnamed) ``{"t": "…"}`` — a piece of the answer as the provider writes it;
* ``done``: ``{"cited": [{"n": 1, "href": "#block-…"}], "not_covered": false}``;
* ``error``: ``{"message": "…"}`` — in the learner's language; the answer so far stays on screen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from assistant import prompts, selectors, services
from assistant.conf import ASK, SIMPLIFY, ProviderConfig
from assistant.guard import personal_data_refusal
from assistant.models import AssistantUsage
from assistant.provider import ProviderError, chat_stream

Outcome = AssistantUsage.Outcome

PROVIDER_MESSAGES = {
    "timeout": gettext_lazy("The AI helper took too long to answer. Try again in a moment."),
    "busy": gettext_lazy("The AI helper is busy just now. Try again in a few minutes."),
}
PROVIDER_DOWN = gettext_lazy(
    "The AI helper cannot be reached just now. Read the lesson again or ask your trainer, and try later."
)


class HelpRefused(Exception):
    """The question is not sent. ``status``: the HTTP status for the page's script; ``code`` names why."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


@dataclass
class HelpRequest:
    user: object
    lesson: object
    helper: str
    config: ProviderConfig
    question: str = ""
    block_id: str = ""
    usage: AssistantUsage | None = None


def limit_message(limit: int) -> str:
    return gettext(
        "You have used the AI helpers %(limit)s times today, the most for one day. Try again tomorrow."
    ) % {"limit": limit}


def lesson_help_check(request: HelpRequest) -> tuple[list[dict], list[prompts.LessonSection]]:
    """The messages to send and the sections they number, or ``HelpRefused``."""
    if not selectors.policy_accepted(request.user):
        raise HelpRefused(gettext("Read and accept the AI helpers' rules first."), status=403, code="policy")
    sections = prompts.lesson_sections(request.lesson)
    if request.helper == SIMPLIFY:
        section = next((s for s in sections if s.block_id == request.block_id), None)
        if section is None:
            raise HelpRefused(gettext("This part of the lesson cannot be found."), status=400, code="block")
        messages = prompts.simplify_messages(lesson=request.lesson, section=section)
        sections = [section]
    else:
        question = " ".join(request.question.split())
        if not question:
            raise HelpRefused(gettext("Type your question first."), status=400, code="empty")
        if len(question) > prompts.MAX_QUESTION_CHARS:
            raise HelpRefused(
                gettext("Ask in at most %(count)s characters.") % {"count": prompts.MAX_QUESTION_CHARS},
                status=400,
                code="long",
            )
        refusal = personal_data_refusal(question)
        if refusal:
            _record(request, Outcome.REFUSED)  # the question itself is never kept
            # Answered by the platform itself, not an error of the request: 200 with the explanation.
            raise HelpRefused(refusal, status=200, code="personal_data")
        request.question = question
        messages = prompts.ask_messages(
            lesson=request.lesson,
            sections=sections,
            outline=prompts.course_outline_titles(request.lesson),
            question=question,
        )
    limit = request.config.daily_limit
    if limit and selectors.usage_today_count(request.user) >= limit:
        _record(request, Outcome.LIMIT)
        raise HelpRefused(limit_message(limit), status=429, code="limit")
    # Counted from now: a learner who leaves mid-answer, or sends twice at once, has still used it.
    request.usage = _record(request, Outcome.STARTED, model_name=request.config.model_for(request.helper))
    return messages, sections


def _event(data: dict, name: str = "") -> str:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def lesson_help_events(
    request: HelpRequest, messages: list[dict], sections: list[prompts.LessonSection]
) -> Iterator[str]:
    """The answer as server-sent events; the call is logged when it ends, however it ends."""
    yield _event({str(s.number): s.anchor for s in sections}, "sources")
    model = request.config.model_for(request.helper)
    stream = chat_stream(request.config, messages=messages, model=model, max_tokens=800)
    started = time.monotonic()
    outcome = Outcome.OK
    try:
        for piece in stream:
            yield _event({"t": piece})
    except ProviderError as error:
        outcome = Outcome.TIMEOUT if error.reason == "timeout" else Outcome.PROVIDER_ERROR
        yield _event({"message": str(PROVIDER_MESSAGES.get(error.reason, PROVIDER_DOWN))}, "error")
    finally:
        answer = stream.text
        if outcome == Outcome.OK and request.helper == ASK and prompts.is_not_covered(answer):
            outcome = Outcome.NOT_COVERED
        services.assistant_usage_finish(
            usage=request.usage,
            outcome=outcome,
            config=request.config,
            tokens_in=stream.usage.prompt_tokens,
            tokens_out=stream.usage.completion_tokens,
            duration_ms=round((time.monotonic() - started) * 1000),
            question=request.question,
            answer=answer,
        )
    if outcome in (Outcome.OK, Outcome.NOT_COVERED):
        cited = [] if outcome == Outcome.NOT_COVERED else prompts.cited_sections(answer, sections)
        yield _event(
            {
                "cited": [{"n": s.number, "href": s.anchor} for s in cited],
                "not_covered": outcome == Outcome.NOT_COVERED,
            },
            "done",
        )


def _record(request: HelpRequest, outcome: str, **values) -> AssistantUsage:
    return services.assistant_usage_record(
        user=request.user,
        helper=request.helper,
        outcome=outcome,
        config=request.config,
        page=request.lesson,
        **values,
    )
