"""Writes of the AI helpers: accepting the usage policy, recording a call (usage log and site history)."""

from __future__ import annotations

from django.db import transaction
from wagtail.log_actions import log

from assistant.conf import ProviderConfig
from assistant.models import POLICY_VERSION, AssistantPolicyAcceptance, AssistantUsage
from quizzes.importing import question_from_data

CALL_LOG_ACTION = "assistant.call"
POLICY_LOG_ACTION = "assistant.policy_accept"


@transaction.atomic
def assistant_policy_accept(*, user) -> AssistantPolicyAcceptance:
    """The person accepts the usage policy (again, after a new version); a repeated tap changes nothing."""
    acceptance, created = AssistantPolicyAcceptance.objects.get_or_create(
        user=user, defaults={"version": POLICY_VERSION}
    )
    if not created and acceptance.version < POLICY_VERSION:
        acceptance.version = POLICY_VERSION
        acceptance.full_clean()
        acceptance.save()
        created = True
    if created:
        log(instance=acceptance, action=POLICY_LOG_ACTION, user=user, data={"version": POLICY_VERSION})
    return acceptance


@transaction.atomic
def assistant_usage_record(
    *,
    user,
    helper: str,
    outcome: str,
    config: ProviderConfig,
    page=None,
    model_name: str = "",
    tokens_in: int = 0,
    tokens_out: int = 0,
    duration_ms: int = 0,
    question: str = "",
    answer: str = "",
) -> AssistantUsage:
    """One row of the usage log, and a line in the site history. The words go in only with AI_AUDIT_TEXT."""
    usage = AssistantUsage(
        user=user,
        helper=helper,
        page=page,
        model_name=model_name[:100],
        tokens_in=max(tokens_in, 0),
        tokens_out=max(tokens_out, 0),
        duration_ms=max(duration_ms, 0),
        outcome=outcome,
        question_text=question if config.audit_text else "",
        answer_text=answer if config.audit_text else "",
    )
    usage.full_clean()
    usage.save()
    if outcome != AssistantUsage.Outcome.STARTED:
        _log_call(usage)
    return usage


@transaction.atomic
def assistant_usage_finish(
    *,
    usage: AssistantUsage,
    outcome: str,
    config: ProviderConfig,
    tokens_in: int = 0,
    tokens_out: int = 0,
    duration_ms: int = 0,
    question: str = "",
    answer: str = "",
) -> AssistantUsage:
    """A call recorded as started (so it counts toward the daily limit at once) gets its outcome."""
    usage.outcome = outcome
    usage.tokens_in = max(tokens_in, 0)
    usage.tokens_out = max(tokens_out, 0)
    usage.duration_ms = max(duration_ms, 0)
    usage.question_text = question if config.audit_text else ""
    usage.answer_text = answer if config.audit_text else ""
    usage.full_clean()
    usage.save()
    _log_call(usage)
    return usage


def _log_call(usage: AssistantUsage) -> None:
    log(
        instance=usage,
        action=CALL_LOG_ACTION,
        user=usage.user,
        data={
            "helper": usage.helper,
            "outcome": usage.outcome,
            "page": usage.page_id,
            "tokens_in": usage.tokens_in,
            "tokens_out": usage.tokens_out,
        },
    )


QUESTION_DRAFTS_LOG_ACTION = "assistant.question_drafts"
ALT_TEXT_LOG_ACTION = "assistant.alt_text"


@transaction.atomic
def question_drafts_create(*, questions, category, actor, lesson) -> list:
    """Save generated questions as drafts of the bank (never published): each gets a first revision, so
    it shows as 草稿 in the bank and goes through the same editing and publishing as any question."""
    created = []
    for data in questions:
        question = question_from_data(data, category=category)
        question.full_clean()
        question.live = False
        question.save()
        revision = question.save_revision(user=actor, clean=False)
        log(
            instance=question,
            action=QUESTION_DRAFTS_LOG_ACTION,
            user=actor,
            revision=revision,
            content_changed=True,
            data={"lesson": lesson.pk, "lesson_title": lesson.title},
        )
        created.append(question)
    return created


@transaction.atomic
def image_alt_text_set(*, image, alt_text: str, actor):
    """The trainer accepted (or edited) a proposed alt text: it becomes the image's description, which
    Wagtail uses as its default alt text."""
    image.description = " ".join(alt_text.split())
    image.full_clean()
    image.save(update_fields=["description"])
    log(instance=image, action=ALT_TEXT_LOG_ACTION, user=actor, data={"alt_text": image.description})
    return image
