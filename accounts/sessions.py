"""Sessions in the shared cache and the database (Django's ``cached_db``), read in the same cache round
trip as their user and the user's learner state versions.

A signed-in request needs three things from Redis before it can answer: the session, the user it names
(accounts.backends) and that user's learner state versions (core.learner_state, which key the learner's
cached pages). Read one after the other that is two round trips, because the user's id is inside the
session. The browser tells us the id in advance: a ``fa_uid`` cookie, set next to the session cookie
whenever a response knows the signed-in user and removed when nobody is signed in. With it, the session,
the user and the versions come in one ``MGET``.

The cookie is a hint, never trusted: the user is the one the session names, as always, and a prefetched
user is used only when the session names that same id. A missing, stale or forged cookie costs the
second round trip and nothing else.
"""

import contextvars

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils.functional import SimpleLazyObject, empty

from core import learner_state

HINT_COOKIE = "fa_uid"
_prefetched: contextvars.ContextVar = contextvars.ContextVar("session_prefetched", default=None)


def prefetch_keys(user_id: int) -> list[str]:
    """What a request by ``user_id`` reads right after its session: their cached user and versions."""
    from accounts.backends import user_cache_key

    return [user_cache_key(user_id), *learner_state.keys_for(user_id)]


def take(keys: list[str]) -> dict | None:
    """The cache values of ``keys`` read along with this request's session (found ones only, as
    ``get_many`` gives them), once; None when they were not read with it (then read them)."""
    stash = _prefetched.get()
    if stash is None:
        return None
    asked, found = stash
    if not set(keys) <= asked:
        return None
    _prefetched.set(None)
    return {key: found[key] for key in keys if key in found}


class SessionStore(cached_db.SessionStore):
    user_hint: int | None = None  # from the fa_uid cookie (SessionMiddleware)

    def load(self):
        if not self.user_hint or not self.session_key:
            return super().load()
        extra = prefetch_keys(self.user_hint)
        try:
            found = self._cache.get_many([self.cache_key, *extra])
        except Exception:  # as Django's: a cache that cannot answer means reading the database
            return super().load()
        data = found.pop(self.cache_key, None)
        _prefetched.set((set(extra), found))
        if data is None:  # not in the cache (Redis restarted, or a new server): Django's way
            return super().load()
        return data


def _known_user(request):
    """The request's user if something in it already looked (never loads it just for the cookie)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, plus the fa_uid hint: passed to the store, and kept in step with the signed-in user."""

    def process_request(self, request):
        _prefetched.set(None)
        super().process_request(request)
        hint = request.COOKIES.get(HINT_COOKIE, "")
        if hint.isdigit() and len(hint) <= 12 and isinstance(request.session, SessionStore):
            request.session.user_hint = int(hint)

    def process_response(self, request, response):
        _prefetched.set(None)
        response = super().process_response(request, response)
        user = _known_user(request)
        if user is None or not isinstance(getattr(request, "session", None), SessionStore):
            return response
        have = request.COOKIES.get(HINT_COOKIE, "")
        wanted = str(user.pk) if user.is_authenticated else ""
        if wanted and have != wanted:
            response.set_cookie(
                HINT_COOKIE,
                wanted,
                max_age=settings.SESSION_COOKIE_AGE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif have and not wanted:
            response.delete_cookie(
                HINT_COOKIE,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response
