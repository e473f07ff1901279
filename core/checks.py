"""System checks for the deployment: proxies the settings do not trust, third-party origins in the
Content-Security-Policy. The proxy checks run with `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Info, Tags, Warning, register
from django.utils.module_loading import import_string

from core.security import untrusted_proxy_seen

PROXY_HINT = (
    "Behind the reverse proxy of the production setup (README, 'Running in production'), set "
    "TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (usually 1) and "
    "DJANGO_BEHIND_PROXY=true. If clients connect to this server directly, set DJANGO_BEHIND_PROXY=false."
)
# What a Content-Security-Policy source may be here: keywords, hashes and local schemes, never a host.
LOCAL_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "'unsafe-hashes'", "data:", "blob:"}


@register(Tags.security, deploy=True)
def proxy_trust_check(app_configs=None, **kwargs):
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0):
        return []
    warnings = []
    seen = untrusted_proxy_seen()
    if seen:
        warnings.append(
            Warning(
                f"Requests came through a proxy ({seen.get('remote_addr') or 'a Unix socket'} sent "
                f"X-Forwarded-For, at {seen.get('seen_at')}) but TRUSTED_PROXY_COUNT is 0: every "
                "visitor has the proxy's address, and one person's failed sign-ins lock everybody out.",
                hint=PROXY_HINT,
                id="core.W002",
            )
        )
    elif getattr(settings, "BEHIND_PROXY", None) is not False:
        warnings.append(
            Warning(
                "TRUSTED_PROXY_COUNT is 0, so the client address is the address of whatever connects to "
                "this server: behind a proxy every visitor would share the proxy's address, and one "
                "person's failed sign-ins would lock everybody out.",
                hint=PROXY_HINT,
                id="core.W001",
            )
        )
    return warnings


@register(Tags.security)
def content_security_policy_check(app_configs=None, **kwargs):
    """No page loads anything from another site (issue 12): a host in a policy is a decision to review."""
    warnings = []
    # The SCORM lesson page frames packages on their own host (scorm.hosts): ours, not a third party.
    own_frames = {getattr(settings, "SCORM_CONTENT_ORIGIN", "")} - {""}
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_ADMIN"):
        for directive, sources in getattr(settings, name, {}).items():
            foreign = [
                source
                for source in sources
                if source not in LOCAL_SOURCES
                and not source.startswith(("'sha256-", "'nonce-"))
                and not (directive == "frame-src" and source in own_frames)
            ]
            if foreign:
                warnings.append(
                    Warning(
                        f"{name}['{directive}'] allows another origin: {', '.join(foreign)}.",
                        hint="Pages load nothing from third parties. If media really live on another "
                        "host (object storage), silence core.W003 in that deployment's settings.",
                        id="core.W003",
                    )
                )
    return warnings


# The template keys the sign-in and password reset codes use (accounts.phone_codes: "<purpose>_code").
SMS_CODE_TEMPLATES = ("sign_in_code", "reset_code")


@register(deploy=True)
def sms_provider_check(app_configs=None, **kwargs):
    """A text-message provider chosen without what it needs sends nothing: nobody could sign in by code."""
    from core.sms_providers import ProviderBackend, TencentCloudSmsBackend

    try:
        backend = import_string(getattr(settings, "SMS_BACKEND", "core.sms.ConsoleBackend"))
    except ImportError as error:
        return [Warning(f"SMS_BACKEND cannot be imported: {error}", id="core.W010")]
    if not issubclass(backend, ProviderBackend):
        from core.sms import ConsoleBackend, FileBackend

        if issubclass(backend, ConsoleBackend | FileBackend):
            # Information, not a warning: an organisation may run with passwords only, for now.
            return [
                Info(
                    f"SMS_BACKEND is {backend.__name__}: no text message reaches a phone, so nobody can sign "
                    "in by code, reset a password or join by invitation.",
                    hint="Set SMS_BACKEND to alibaba or tencent with its keys (README, 'Text messages').",
                    id="core.I012",
                )
            ]
        return []
    options = getattr(settings, "SMS_OPTIONS", {})
    needed = ["access_key_id", "access_key_secret", "sign_name"]
    if issubclass(backend, TencentCloudSmsBackend):
        needed.append("sdk_app_id")
    missing = [f"SMS_{name.upper()}" for name in needed if not options.get(name)]
    templates = options.get("templates") or {}
    missing += [f"SMS_TEMPLATE_{key.upper()}" for key in SMS_CODE_TEMPLATES if not templates.get(key)]
    if not missing:
        return []
    return [
        Warning(
            f"SMS_BACKEND is {backend.__name__} but these are not set: {', '.join(missing)}. Codes to sign "
            "in and to reset a password cannot be texted.",
            hint="See README, 'Text messages': the keys, the approved signature and template codes.",
            id="core.W011",
        )
    ]
