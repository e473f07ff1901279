"""Whole pages kept rendered in the content cache (core.content_cache), served by a view before it reads
anything: the ``{% pagecache %}`` tag (core.templatetags.content_cache_tags) stores a page under
``full_key(request, page_cache_key)``; ``cached_response`` answers from it.

A page's key names everything it depends on besides the content generation (always part of a content
cache key), the language, the text size and data saver. Learner pages add the learner and their state
version (core.learner_state) and the day. Per-request values (the CSRF token, the path) are placeholders
filled on the way out; the header's reminders badge is filled by its middleware."""

import secrets

from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _add_new_csrf_cookie
from django.utils.html import escape
from django.utils.translation import get_language

from core import content_cache
from core.context_processors import reading_preferences
from core.templatetags.editor_tags import SESSION_KEY as EDITOR_SESSION_KEY

CSRF_PLACEHOLDER = "\x00csrf\x00"
PATH_PLACEHOLDER = "\x00path\x00"


def full_key(request, key: tuple, text_size=None, data_saver=None) -> tuple:
    if text_size is None:
        preferences = reading_preferences(request)
        text_size, data_saver = preferences["text_size"], preferences["data_saver"]
    return ("page", *key, get_language(), text_size, bool(data_saver))


def may_cache(request, has_messages: bool) -> bool:
    """Whether this request may get (and leave) a cached page: not a preview, no one-off message, and not
    an editor (who gets Wagtail's editing bar; worked out once per session by the editor_userbar tag)."""
    return (
        request is not None
        and not getattr(request, "is_preview", False)
        and not has_messages  # a one-off message belongs to this response only
        and (not request.user.is_authenticated or request.session.get(EDITOR_SESSION_KEY) is False)
    )


def fill(html: str, request, csrf_token: str) -> str:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, csrf_token)
    if PATH_PLACEHOLDER in html:
        html = html.replace(PATH_PLACEHOLDER, escape(request.get_full_path()))
    return html


_CSRF_BYTES, _PATH_BYTES = CSRF_PLACEHOLDER.encode(), PATH_PLACEHOLDER.encode()


def fill_bytes(page: bytes, request) -> bytes:
    """``fill`` for a kept page, which is kept encoded: no decoding, searching or encoding of the whole
    page's text on the way out."""
    if _CSRF_BYTES in page:
        page = page.replace(_CSRF_BYTES, csrf_token(request).encode())
    if _PATH_BYTES in page:
        page = page.replace(_PATH_BYTES, escape(request.get_full_path()).encode())
    return page


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage)  # reads the stored messages without marking them seen


def cached_response(request, key: tuple) -> HttpResponse | None:
    """The page stored under ``key`` for this request, ready to send; None when there is none (render it,
    with ``page_cache_key`` = key in the context, and the template stores it)."""
    if request.method != "GET" or not may_cache(request, _has_messages(request)):
        return None
    page = content_cache.get(full_key(request, key), request)
    if content_cache.is_missing(page):
        return None
    return HttpResponse(fill_bytes(page if isinstance(page, bytes) else page.encode(), request))


_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def csrf_token(request) -> str:
    """Django's ``get_token`` (the CSRF secret of this browser, masked afresh for each response, and the
    cookie kept), with the mask drawn from one read of the system's random source instead of 32: the
    same token, at a tenth of the cost, for the pages served most."""
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie is sent back
    else:
        secret = _add_new_csrf_cookie(request)
    size = len(CSRF_ALLOWED_CHARS)  # 62: bytes below 248 (4 × 62) map onto it evenly
    mask: list[int] = []
    while len(mask) < len(secret):
        mask.extend(byte % size for byte in secrets.token_bytes(48) if byte < 4 * size)
    mask = mask[: len(secret)]
    cipher = (
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[char] + shift) % size]
        for char, shift in zip(secret, mask, strict=True)
    )
    return "".join(CSRF_ALLOWED_CHARS[shift] for shift in mask) + "".join(cipher)


def learner_key(request, *parts, hourly: bool = False) -> tuple:
    """A key for a page of the signed-in learner's own: ``parts``, the learner, their state version (every
    write of theirs changes it, core.learner_state) and the local day (due dates read "in 2 days"), or
    the hour with ``hourly`` (for what drops off the page with the clock, such as past sessions)."""
    from django.utils import timezone

    from core import learner_state

    now = timezone.localtime()
    moment = now.strftime("%Y-%m-%dT%H") if hourly else now.date().isoformat()
    return (*parts, request.user.pk, *learner_state.version(request), moment)
