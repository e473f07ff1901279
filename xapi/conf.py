"""The xAPI settings, read in one place (see config/settings/base.py, "xAPI")."""

from django.conf import settings

REQUIRED = ("XAPI_ENDPOINT", "XAPI_KEY", "XAPI_SECRET")
ACTOR_MODES = ("account", "username", "mobile", "email")


def configured() -> bool:
    """Statements are built and sent only when the endpoint and both credentials are set."""
    return all(getattr(settings, name, "") for name in REQUIRED)


def missing() -> list[str]:
    return [name for name in REQUIRED if not getattr(settings, name, "")]


def endpoint() -> str:
    return settings.XAPI_ENDPOINT.rstrip("/")


def site_url() -> str:
    """The actor's homePage and the root of every activity id (no trailing slash)."""
    return (getattr(settings, "XAPI_SITE_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def actor_mode() -> str:
    return getattr(settings, "XAPI_ACTOR", "account") or "account"


def batch_size() -> int:
    return max(1, int(getattr(settings, "XAPI_BATCH_SIZE", 50)))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "XAPI_MAX_ATTEMPTS", 10)))


def retry_base_seconds() -> int:
    return int(getattr(settings, "XAPI_RETRY_BASE_SECONDS", 60))


def timeout_seconds() -> int:
    return int(getattr(settings, "XAPI_TIMEOUT_SECONDS", 20))


def settings_key() -> str:
    return settings.XAPI_KEY


def settings_secret() -> str:
    return settings.XAPI_SECRET
