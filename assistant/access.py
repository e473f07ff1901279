"""Which AI helpers a person may use, and their daily limit: the environment's ceiling (assistant.conf)
narrowed by the site administrator's setting (AIHelperSettings, Settings → AI helpers)."""

from __future__ import annotations

from dataclasses import replace

from accounts.rights import role_of
from assistant.conf import ProviderConfig, config
from assistant.models import AIHelperSettings


def config_for(user, request=None) -> ProviderConfig:
    """The configuration as ``user`` meets it: only the helpers the administrator allows their role
    (among those the environment switches on), and the administrator's daily limit when set."""
    ceiling = config()
    if not ceiling.helpers:
        return ceiling  # all off: nothing to look up
    if not getattr(user, "is_authenticated", False):
        return replace(ceiling, helpers=frozenset())
    choice = AIHelperSettings.load(request)  # cached on the request when there is one
    role = role_of(user)
    helpers = frozenset(helper for helper in ceiling.helpers if choice.allows(helper, role))
    limit = ceiling.daily_limit if choice.daily_limit is None else choice.daily_limit
    return replace(ceiling, helpers=helpers, daily_limit=limit)


def helper_is_on_for(user, helper: str, request=None) -> bool:
    return config_for(user, request).is_on(helper)
