"""Hardening every app shares: browser security headers on every response, a warning when requests
come through a proxy the settings do not trust, and the upload limits of profile pictures.

The policies themselves are declared in settings (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN,
PERMISSIONS_POLICY); core.checks reports what is wrong with them.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.account import AvatarPreferencesForm
from wagtail.admin.views.account import AvatarSettingsPanel
from wagtail.images.fields import WagtailImageField

logger = logging.getLogger(__name__)

# Seen by every app server through the shared cache, and read by `check --deploy` (core.checks).
UNTRUSTED_PROXY_CACHE_KEY = "security:untrusted-proxy"
UNTRUSTED_PROXY_REMEMBER_SECONDS = 60 * 60 * 24 * 30
# Chromium shows a PDF inside a page of its own making, with inline styles and a plugin, which a policy
# written for our pages breaks (crbug.com/271452): documents and certificates would open blank.
NO_CSP_CONTENT_TYPES = ("application/pdf",)


# -- Content-Security-Policy and Permissions-Policy --------------------------------------------------


def content_security_policy_header(policy: dict[str, list[str]]) -> str:
    """{"default-src": ["'self'"], "object-src": ["'none'"]} → "default-src 'self'; object-src 'none'"."""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} → "camera=(), fullscreen=(self)"."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, static files included.

    Django 5.2 has no CSP of its own. The learner site gets the strict CONTENT_SECURITY_POLICY; the
    Wagtail admin (its own views, previews and choosers) gets CONTENT_SECURITY_POLICY_ADMIN, because
    Wagtail's templates carry inline scripts and style attributes. A response that already has a
    policy keeps it; a PDF gets none (NO_CSP_CONTENT_TYPES).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    # Read from settings at each request (a few microseconds), so a policy changed by a test's settings
    # (e.g. SCORM_CONTENT_ORIGIN's frame-src, config/settings/base.py) holds for a live server too.
    @property
    def site_policy(self) -> str:
        return content_security_policy_header(settings.CONTENT_SECURITY_POLICY)

    @property
    def admin_policy(self) -> str:
        return content_security_policy_header(settings.CONTENT_SECURITY_POLICY_ADMIN)

    @property
    def permissions_policy(self) -> str:
        return permissions_policy_header(settings.PERMISSIONS_POLICY)

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("wagtailadmin_home")

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):
            # Wagtail renders a preview by sending a made-up request for the page's own URL through
            # the middleware; the admin response that returns the preview sets the admin's policy.
            return response
        if not response.get("Content-Type", "").startswith(NO_CSP_CONTENT_TYPES):
            admin = request.path.startswith(self.admin_prefix)
            response.headers.setdefault(
                "Content-Security-Policy", self.admin_policy if admin else self.site_policy
            )
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


# -- Proxies -----------------------------------------------------------------------------------------


def _looks_like_a_proxy(remote_addr: str) -> bool:
    """A private or loopback peer (or a Unix socket, which has no address) is a proxy on our side."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return True
    return address.is_private or address.is_loopback


def untrusted_proxy_seen() -> dict | None:
    """What the last request through an untrusted proxy looked like, if one came in the last 30 days."""
    try:
        return cache.get(UNTRUSTED_PROXY_CACHE_KEY)
    except Exception:  # the cache may be unreachable where `check --deploy` runs
        logger.warning("could not read %s from the cache", UNTRUSTED_PROXY_CACHE_KEY, exc_info=True)
        return None


class UntrustedProxyMiddleware:
    """Warn when requests come through a proxy while TRUSTED_PROXY_COUNT is 0.

    Then every visitor has the proxy's address, so one person's failed sign-ins lock everybody out
    (accounts.throttle). The first such request logs a warning (once per process) and is remembered in
    the shared cache, where `manage.py check --deploy` finds it (core.checks). With a trusted proxy
    count this middleware removes itself.
    """

    def __init__(self, get_response):
        if getattr(settings, "TRUSTED_PROXY_COUNT", 0):
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.warned = False

    def __call__(self, request):
        if not self.warned and request.META.get("HTTP_X_FORWARDED_FOR"):
            remote_addr = request.META.get("REMOTE_ADDR", "")
            if _looks_like_a_proxy(remote_addr):
                self.warned = True
                self._warn(remote_addr)
        return self.get_response(request)

    @staticmethod
    def _warn(remote_addr: str) -> None:
        logger.warning(
            "A request came through a proxy (%s sent X-Forwarded-For) but TRUSTED_PROXY_COUNT is 0: every "
            "visitor has the proxy's address, and one person's failed sign-ins lock everybody out. Set "
            "TRUSTED_PROXY_COUNT to the number of proxies in front of this server.",
            remote_addr or "a Unix socket",
        )
        seen = {"remote_addr": remote_addr, "seen_at": timezone.now().isoformat(timespec="seconds")}
        try:
            cache.set(UNTRUSTED_PROXY_CACHE_KEY, seen, UNTRUSTED_PROXY_REMEMBER_SECONDS)
        except Exception:  # a warning must never fail the request
            logger.warning("could not record %s in the cache", UNTRUSTED_PROXY_CACHE_KEY, exc_info=True)


# -- Profile pictures --------------------------------------------------------------------------------


class AvatarForm(AvatarPreferencesForm):
    """Wagtail's profile-picture form with the limits and messages of image uploads.

    Wagtail's own form opens and resizes any picture, whatever its size: a small file that unpacks
    to a huge number of pixels (a decompression bomb) would fill the server's memory. The image field
    refuses files over WAGTAILIMAGES_MAX_UPLOAD_SIZE or WAGTAILIMAGES_MAX_IMAGE_PIXELS, and formats
    other than WAGTAILIMAGES_EXTENSIONS, before the picture is decoded.
    """

    avatar = WagtailImageField(label=_("Upload a profile picture"), required=False)


def avatar_uploads_limit() -> None:
    """Give the account screen's profile-picture panel the limited form and a template that shows its
    errors (Wagtail's shows none). The panel is not swappable through a hook, hence the assignment."""
    AvatarSettingsPanel.form_class = AvatarForm
    AvatarSettingsPanel.template_name = "core/account/avatar_panel.html"
