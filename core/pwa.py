"""The installable web app: the manifest, the service worker, the offline page, and the "saved copy"
variant of pages that a phone keeps for offline reading.

- ``/manifest.webmanifest``: name by language, start page My learning, the icons of
  ``scripts/make_icons.py``.
- ``/sw.js``: the service worker (``core/templates/core/pwa/sw.js``), served from the site root so its
  scope is the whole site, never cached by the browser's HTTP cache (``no-cache``). Its cache names carry
  ``asset_version()``, a hash of its own source and of the static files a saved page uses, so a deploy
  that changes any of them installs a new worker, which drops the old caches.
- ``/offline/``: what a page the phone has not saved shows with no network.
- The saved-copy variant: a page fetched with the ``X-Frontline-Offline: 1`` header (sent only by
  ``js/pwa.js`` when it saves a course) is answered without the CSRF token's hidden inputs
  (``OfflineCopyMiddleware``) and without the personal reminders count (notifications.badge asks
  ``is_offline_copy``), and marked ``no-store`` so no HTTP cache keeps it for a normal request. The page
  cache (core.templatetags.content_cache_tags) is not involved: it stores the token as a placeholder,
  so the variant is cut from the finished response and nothing of it is ever stored server-side.
"""

import hashlib
import json
import re
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

OFFLINE_HEADER = "X-Frontline-Offline"
_OFFLINE_META = "HTTP_X_FRONTLINE_OFFLINE"
# Colours of site/static/css/site.css (--c-primary, --c-bg).
THEME_COLOR = "#0a4f94"
BACKGROUND_COLOR = "#ffffff"
ICONS = (
    ("img/icons/icon-192.png", "192x192", "any"),
    ("img/icons/icon-512.png", "512x512", "any"),
    ("img/icons/icon-maskable-512.png", "512x512", "maskable"),
)
# The static files a saved course's pages use (a saved page must find each of them offline). Apps whose
# learner pages load another script add it here.
OFFLINE_STATIC = (
    "css/site.css",
    "css/practice.css",
    "js/pwa.js",
    "js/offline.js",
    "js/video.js",
    "js/listen.js",
    "js/datasaver.js",
    "js/practice.js",
    "img/favicon.svg",
)
SW_TEMPLATE = "core/pwa/sw.js"

_CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def is_offline_copy(request) -> bool:
    """Is this request js/pwa.js fetching a page to keep on the phone?"""
    return request.method == "GET" and request.META.get(_OFFLINE_META) == "1"


class OfflineCopyMiddleware:
    """Answer the saved-copy variant of a page without the CSRF token (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_offline_copy(request):
            return response
        response["Cache-Control"] = "no-store, private"
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        response.content = _CSRF_INPUT.sub(b"", response.content)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def _file_bytes(name: str) -> bytes:
    path = finders.find(name)
    if not path:
        return b""
    with open(path, "rb") as file:
        return file.read()


def static_size(name: str) -> int:
    return len(_file_bytes(name))


def _asset_version() -> str:
    digest = hashlib.sha256()
    digest.update(get_template(SW_TEMPLATE).template.source.encode())
    for name in (*OFFLINE_STATIC, *(icon for icon, _size, _purpose in ICONS)):
        digest.update(name.encode())
        digest.update(_file_bytes(name))
        digest.update(static(name).encode())  # hashed names in production
    return digest.hexdigest()[:12]


_cached_asset_version = lru_cache(maxsize=1)(_asset_version)


def asset_version() -> str:
    """A hash of the service worker's source and the static files saved pages use: changes with a deploy
    that changes any of them. Worked out once per process (in DEBUG on every call: files change)."""
    return _asset_version() if settings.DEBUG else _cached_asset_version()


def offline_static_urls() -> list[tuple[str, int]]:
    """(URL, bytes) of every static file a saved course keeps."""
    return [(static(name), static_size(name)) for name in OFFLINE_STATIC]


@require_GET
def manifest(request):
    data = {
        "id": "/",
        "name": _("Frontline Academy"),
        "short_name": _("Frontline Academy"),
        "description": _("Short lessons for community workers, on the phone."),
        "lang": "zh-Hans" if request.LANGUAGE_CODE == "zh-hans" else request.LANGUAGE_CODE,
        "start_url": reverse("progress:my_learning"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(name), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for name, sizes, purpose in ICONS
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["Vary"] = "Cookie"
    return response


@require_GET
def service_worker(request):
    context = {
        "version": asset_version(),
        "offline_url": reverse("offline"),
        "manifest_url": reverse("manifest"),
        "precache": json.dumps([url for url, _size in offline_static_urls()]),
        "static_url": settings.STATIC_URL,
        "media_url": settings.MEDIA_URL,
        "header": OFFLINE_HEADER,
    }
    response = render(request, SW_TEMPLATE, context, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    # The worker may control the whole site although it is a file of the site root anyway.
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_page(request):
    """What a page the phone did not save shows with no network (the service worker keeps a copy)."""
    return render(request, "core/pwa/offline.html")
