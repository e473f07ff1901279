"""A two-level cache for published content: routing, view restrictions, lesson positions,
rendered lesson bodies, site settings.

Entries live in each app server's memory (an LRU of pickles, so every request gets its own
copy; strings, being immutable, as they are) and are tagged with a *content generation* kept in
the shared cache (Redis in production). Publishing, unpublishing, moving or deleting a page, or
editing settings, topics, images or view restrictions bumps the generation (core.signals), so every server
drops its entries at its next request. A request reads the generation once.
"""

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString

GENERATION_KEY = "content-generation"
MAX_ENTRIES = 4000
_MISSING = object()


class Raw(bytes):
    """Bytes kept and handed out as they are (a whole page, encoded once when it is kept)."""


_AS_IS = (str, SafeString, Raw)  # immutable: kept and handed out as they are, without a pickle

_lock = threading.Lock()
_entries: OrderedDict[tuple, bytes] = OrderedDict()
_current = threading.local()  # the generation read for the request this thread is serving
# How long a server may keep using the generation it last read before asking again: other
# servers see a publish within this time; the server that published sees it at once.
_memo: list = [None, 0.0]  # [generation, monotonic time it was read]


def _memo_seconds() -> float:
    from django.conf import settings

    return getattr(settings, "CONTENT_CACHE_GENERATION_SECONDS", 1.0)


def generation(request=None) -> int:
    """The current content generation, read once per request."""
    if request is not None and hasattr(request, "_content_generation"):
        return request._content_generation
    if request is None and getattr(_current, "generation", None) is not None:
        return _current.generation
    memo_value, read_at = _memo
    if memo_value is not None and time.monotonic() - read_at < _memo_seconds():
        value = memo_value
        if request is not None:
            request._content_generation = value
        return value
    value = cache.get(GENERATION_KEY)
    if value is None:
        # After a cache flush, start from the clock so no stale local entry can match.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    _memo[0], _memo[1] = value, time.monotonic()
    if request is not None:
        request._content_generation = value
    return value


def begin_request(request) -> None:
    """Read the generation once and let code without the request (model methods) reuse it."""
    _current.generation = None
    _current.generation = generation(request)


def end_request() -> None:
    _current.generation = None


def bump() -> None:
    """Invalidate every cached piece of content on every app server."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    _current.generation = None  # this server's own next read must see the change
    _memo[0] = None


def get(key: tuple, request=None) -> Any:
    full_key = (generation(request), *key)
    with _lock:
        data = _entries.get(full_key, _MISSING)
        if data is not _MISSING:
            _entries.move_to_end(full_key)
    if data is _MISSING or type(data) in _AS_IS:
        return data
    return pickle.loads(data)  # noqa: S301 - our own pickles


def put(key: tuple, value: Any, request=None) -> None:
    data = value if type(value) in _AS_IS else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    full_key = (generation(request), *key)
    with _lock:
        _entries[full_key] = data
        _entries.move_to_end(full_key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def get_or_build(key: tuple, build: Callable[[], Any], request=None) -> Any:
    value = get(key, request)
    if value is _MISSING:
        value = build()
        put(key, value, request)
    return value


def is_missing(value) -> bool:
    return value is _MISSING


def clear_local() -> None:
    with _lock:
        _entries.clear()
