"""Reads of the AI helpers' records."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from assistant.models import POLICY_VERSION, AssistantPolicyAcceptance, AssistantUsage

# Calls that reached (or tried to reach) the provider count toward the daily limit; a question the guard
# refused, or one asked after the limit, never left the platform.
COUNTED_OUTCOMES = (
    AssistantUsage.Outcome.STARTED,
    AssistantUsage.Outcome.OK,
    AssistantUsage.Outcome.NOT_COVERED,
    AssistantUsage.Outcome.PROVIDER_ERROR,
    AssistantUsage.Outcome.TIMEOUT,
    AssistantUsage.Outcome.INVALID,
)


def policy_accepted(user) -> bool:
    return AssistantPolicyAcceptance.objects.filter(user=user, version__gte=POLICY_VERSION).exists()


def start_of_today() -> datetime.datetime:
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def usage_today_count(user) -> int:
    """The person's calls today (the site's time zone) that count toward AI_DAILY_LIMIT."""
    return AssistantUsage.objects.filter(
        user=user, created_at__gte=start_of_today(), outcome__in=COUNTED_OUTCOMES
    ).count()


def usage_log() -> QuerySet[AssistantUsage]:
    """The usage log for the site administrator's listing: people and pages resolved in the same query."""
    return AssistantUsage.objects.select_related("user", "page")
