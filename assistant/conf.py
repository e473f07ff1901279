"""The AI helpers' configuration, read from settings (which read the environment: config/settings/base.py).

Everything is off until a provider is configured: a helper is on only when AI_BASE_URL and a model for it
are set and AI_HELPERS names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

SIMPLIFY = "simplify"
ASK = "ask"
QUESTION_DRAFTS = "question_drafts"
ALT_TEXT = "alt_text"
READABILITY = "readability"

LEARNER_HELPERS = (SIMPLIFY, ASK)
TRAINER_HELPERS = (QUESTION_DRAFTS, ALT_TEXT, READABILITY)
ALL_HELPERS = LEARNER_HELPERS + TRAINER_HELPERS
# The one helper that never calls a provider (a local heuristic): it needs no AI_BASE_URL.
LOCAL_HELPERS = frozenset({READABILITY})


@dataclass(frozen=True)
class ProviderConfig:
    base_url: str
    api_key: str
    chat_model: str
    vision_model: str
    timeout: float
    daily_limit: int
    helpers: frozenset[str]
    audit_text: bool

    @classmethod
    def from_settings(cls) -> ProviderConfig:
        return cls(
            base_url=(getattr(settings, "AI_BASE_URL", "") or "").rstrip("/"),
            api_key=getattr(settings, "AI_API_KEY", "") or "",
            chat_model=getattr(settings, "AI_CHAT_MODEL", "") or "",
            vision_model=getattr(settings, "AI_VISION_MODEL", "") or "",
            timeout=float(getattr(settings, "AI_TIMEOUT_SECONDS", 30) or 30),
            daily_limit=int(getattr(settings, "AI_DAILY_LIMIT", 30) or 0),
            helpers=frozenset(getattr(settings, "AI_HELPERS", []) or []) & frozenset(ALL_HELPERS),
            audit_text=bool(getattr(settings, "AI_AUDIT_TEXT", False)),
        )

    def model_for(self, helper: str) -> str:
        return self.vision_model if helper == ALT_TEXT else self.chat_model

    def is_on(self, helper: str) -> bool:
        if helper not in self.helpers:
            return False
        if helper in LOCAL_HELPERS:
            return True
        return bool(self.base_url and self.model_for(helper))


def config() -> ProviderConfig:
    return ProviderConfig.from_settings()


def helper_is_on(helper: str) -> bool:
    return config().is_on(helper)
