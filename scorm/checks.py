"""System checks of SCORM_CONTENT_ORIGIN (scorm.hosts): a content host that shares this site's origin or
its cookies would hand every package the learner's session, so say so at start-up."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.http.request import validate_host

from scorm import hosts


def _within(host: str, domain: str) -> bool:
    domain = domain.lstrip(".").lower()
    return bool(domain) and (host == domain or host.endswith("." + domain))


@register()
def scorm_content_origin_check(app_configs=None, **kwargs):
    origin = hosts.content_origin()
    if not origin:
        return []
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
        return [
            Error(
                f"SCORM_CONTENT_ORIGIN must be an origin such as https://scorm.example.org, not {origin!r}.",
                hint="A scheme and a host (and a port if not the usual one), without a path.",
                id="scorm.E001",
            )
        ]
    problems = []
    host = (parts.hostname or "").lower()
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            Error(
                f"The SCORM content host {host} is not in DJANGO_ALLOWED_HOSTS, so every package file "
                "is refused.",
                hint="Add it to DJANGO_ALLOWED_HOSTS.",
                id="scorm.E002",
            )
        )
    lessons = hosts.lesson_origins()
    if origin in lessons:
        problems.append(
            Error(
                "SCORM_CONTENT_ORIGIN is this site's own origin: packages would run with the learner's "
                "session.",
                hint="Use a host of its own, best on another registrable domain.",
                id="scorm.E003",
            )
        )
    if not lessons:
        problems.append(
            Warning(
                "No lesson page origin is known, so no page may frame the packages on SCORM_CONTENT_ORIGIN.",
                hint="Set SCORM_LESSON_ORIGINS (or WAGTAILADMIN_BASE_URL) to this site's public address.",
                id="scorm.W001",
            )
        )
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "LANGUAGE_COOKIE_DOMAIN"):
        domain = getattr(settings, name, None)
        if domain and _within(host, domain):
            problems.append(
                Error(
                    f"{name} ({domain}) covers the SCORM content host {host}: packages would be sent the "
                    "site's cookies.",
                    hint="Serve packages from another registrable domain, or leave the cookie domain unset.",
                    id="scorm.E004",
                )
            )
    return problems
