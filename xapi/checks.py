"""System checks of the xAPI configuration: a half-configured store sends nothing, so say why."""

from urllib.parse import urlsplit

from django.core.checks import Error, register

from xapi import conf


@register()
def xapi_configuration_check(app_configs=None, **kwargs):
    missing = conf.missing()
    errors = []
    if missing and len(missing) < len(conf.REQUIRED):
        errors.append(
            Error(
                f"The learning record store is half configured: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set, so no xAPI statement is built or sent.",
                hint="Set XAPI_ENDPOINT, XAPI_KEY and XAPI_SECRET together, or none of them "
                "(README, 'xAPI: learning records to a learning record store').",
                id="xapi.E001",
            )
        )
    if not missing:
        parts = urlsplit(conf.endpoint())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(
                Error(
                    f"XAPI_ENDPOINT must be an http(s) address, not {conf.endpoint()!r}.",
                    hint="The LRS's xAPI base address, e.g. https://lrs.example.org/xapi "
                    "(statements are posted to <endpoint>/statements).",
                    id="xapi.E002",
                )
            )
    if conf.actor_mode() not in conf.ACTOR_MODES:
        errors.append(
            Error(
                f"XAPI_ACTOR must be one of {', '.join(conf.ACTOR_MODES)}, not {conf.actor_mode()!r}.",
                id="xapi.E003",
            )
        )
    site = urlsplit(conf.site_url())
    if not missing and (site.scheme not in ("http", "https") or not site.netloc):
        errors.append(
            Error(
                f"XAPI_SITE_URL (or WAGTAILADMIN_BASE_URL) must be the site's public http(s) address, "
                f"not {conf.site_url()!r}: it is the root of every activity id and the learners' "
                "account home.",
                id="xapi.E004",
            )
        )
    return errors
