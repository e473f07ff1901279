"""Six-digit codes sent by text message: to sign in, to reset a password, to join by invitation.

A code lives ``PHONE_CODE_SECONDS`` (5 minutes), is used once, and is kept only as a keyed hash in the
shared cache (Redis in production), so every app server can check it and nobody can read it back.
Checking compares in constant time and allows ``MAX_TRIES`` wrong tries before the code is void.

Sending is limited per number (one a minute, ``PER_NUMBER_PER_DAY`` a day) and per address
(``PER_ADDRESS_PER_HOUR``). Callers answer the same whether or not the number has an account: a
caller that must not send (no such account) calls `code_request(..., send=False)`, which counts
against the same limits and says the same thing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

CODE_DIGITS = 6
MAX_TRIES = 5
RESEND_SECONDS = 60
PER_NUMBER_PER_DAY = 10
PER_ADDRESS_PER_HOUR = 30
PURPOSES = {
    "sign_in": "登录",
    "reset": "重设密码",
    "join": "加入培训",
    "bind": "绑定账号",
}


class CodeRequestRefused(Exception):
    """Too many codes asked for; ``retry_after`` seconds until the next may be sent."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Stored:
    digest: str
    tries: int


def _lifetime() -> int:
    return getattr(settings, "PHONE_CODE_SECONDS", 5 * 60)


def _digest(mobile: str, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _key(*parts: str) -> str:
    return "phone-code:" + hashlib.sha256(":".join(parts).encode()).hexdigest()[:40]


def _count(key: str, timeout: int) -> int:
    """Add one to a counter that lives ``timeout`` seconds from its first use; the new value."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def code_request(*, mobile: str, purpose: str, address: str, send: bool = True) -> None:
    """Make a new code for ``mobile`` and text it (from the task queue), replacing any earlier one.
    ``send=False``: count and refuse exactly as if sending, but send nothing (no such account).
    Raises `CodeRequestRefused` past a limit."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    resend = _key("resend", purpose, mobile)
    if cache.get(resend) is not None:
        ttl = getattr(cache, "ttl", lambda _key: RESEND_SECONDS)(resend)
        raise CodeRequestRefused(int(ttl or RESEND_SECONDS))
    if _count(_key("address", address), 60 * 60) > PER_ADDRESS_PER_HOUR:
        raise CodeRequestRefused(60 * 60)
    if _count(_key("day", mobile), 24 * 60 * 60) > PER_NUMBER_PER_DAY:
        raise CodeRequestRefused(24 * 60 * 60)
    cache.set(resend, 1, RESEND_SECONDS)
    if not send:
        return
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    cache.set(_key("code", purpose, mobile), _Stored(_digest(mobile, purpose, code), 0), _lifetime())
    minutes = _lifetime() // 60
    text = f"【一线学堂】您的{PURPOSES[purpose]}验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。"
    from accounts.tasks import send_text_message  # the task module imports this one

    send_text_message.enqueue(mobile=mobile, template=f"{purpose}_code", text=text, params={"code": code})


def code_check(*, mobile: str, purpose: str, code: str) -> bool:
    """Whether ``code`` is the live code for ``mobile`` and ``purpose``. A right code is used up; a
    wrong one uses a try, and the code is void after ``MAX_TRIES`` wrong ones."""
    key = _key("code", purpose, mobile)
    stored = cache.get(key)
    if not isinstance(stored, _Stored):
        return False
    typed = "".join(ch for ch in str(code) if not ch.isspace())
    if hmac.compare_digest(stored.digest, _digest(mobile, purpose, typed)):
        # One use: whoever deletes it first wins (two tabs, a replayed form).
        return bool(cache.delete(key))
    if stored.tries + 1 >= MAX_TRIES:
        cache.delete(key)
    else:
        cache.set(key, _Stored(stored.digest, stored.tries + 1), _lifetime())
    return False
