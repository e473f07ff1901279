"""Production: refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, BEHIND_PROXY, SECRET_KEY, TRUSTED_PROXY_COUNT, env_bool, env_int

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names this site answers to.")
# The client address decides the sign-in lock per address (accounts.throttle).
if BEHIND_PROXY and not TRUSTED_PROXY_COUNT:
    raise ImproperlyConfigured(
        "DJANGO_BEHIND_PROXY is true but TRUSTED_PROXY_COUNT is 0: every visitor would have the proxy's "
        "address, and one person's failed sign-ins would lock everybody out. Set TRUSTED_PROXY_COUNT to "
        "the number of proxies that append to X-Forwarded-For (usually 1)."
    )
if BEHIND_PROXY is False and TRUSTED_PROXY_COUNT:
    raise ImproperlyConfigured(
        "DJANGO_BEHIND_PROXY is false but TRUSTED_PROXY_COUNT is not 0: without a proxy, X-Forwarded-For "
        "is whatever the client writes, and anyone could pick a fresh address for every sign-in attempt."
    )

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
X_FRAME_OPTIONS = "DENY"  # Wagtail lifts this to SAMEORIGIN on its own preview views
