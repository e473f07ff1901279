"""Where SCORM package files are served (settings.SCORM_CONTENT_ORIGIN).

Unset: on this site under /scorm/content/, each file a sandbox of its own (an opaque origin). Set: on that
origin only, where a package is one real origin (``sandbox allow-same-origin``), so a frameset or a wrapper
page can script its own inner frames and find the SCORM API in a parent frame. That origin must share no
cookies with this site, and answers nothing but package files: :class:`ContentHostMiddleware`. The lesson
page frames it, and the API in the package's frame talks to the lesson page's origin only
(:func:`lesson_origins`; scorm/sco-api.js and scorm/runtime.js check both ends)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseNotFound
from django.urls import Resolver404, resolve

# The URL names (namespace scorm) that the content host answers.
CONTENT_URL_NAMES = frozenset({"content", "content_runtime"})


def content_origin() -> str:
    """``https://scorm.example.org`` (no path, no trailing slash), or "" when files stay on this site."""
    return (getattr(settings, "SCORM_CONTENT_ORIGIN", "") or "").rstrip("/")


def content_host() -> str:
    """The content origin's host as a request's Host header names it (with a port if it has one)."""
    return urlsplit(content_origin()).netloc.lower()


def on_content_host(request) -> bool:
    origin = content_origin()
    return bool(origin) and request.get_host().lower() == content_host()


def content_url(path: str) -> str:
    """A path under /scorm/content/ as the lesson page must ask for it."""
    origin = content_origin()
    return f"{origin}{path}" if origin else path


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def lesson_origins() -> list[str]:
    """The origins of this site's lesson pages: SCORM_LESSON_ORIGINS, else the origins of
    WAGTAILADMIN_BASE_URL and CSRF_TRUSTED_ORIGINS."""
    listed = list(getattr(settings, "SCORM_LESSON_ORIGINS", []) or [])
    if not listed:
        listed = [getattr(settings, "WAGTAILADMIN_BASE_URL", ""), *settings.CSRF_TRUSTED_ORIGINS]
    found = []
    for url in listed:
        origin = _origin(url.strip())
        if origin and "*" not in origin and origin not in found:
            found.append(origin)
    return found


class ContentHostMiddleware:
    """On the content host, package files and nothing else: every other path is a bare 404, answered
    before static files, sessions, CSRF or language cookies could run. On this site, nothing changes
    (scorm.views.content sends a package file's request over to the content host)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not on_content_host(request):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is None or match.namespace != "scorm" or match.url_name not in CONTENT_URL_NAMES:
            return _not_found()
        try:
            return match.func(request, *match.args, **match.kwargs)
        except Http404:
            return _not_found()  # not the site's 404 page, which reads the session


def _not_found() -> HttpResponseNotFound:
    response = HttpResponseNotFound(b"Not found", content_type="text/plain")
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
