"""Sign-in throttling, per account and per address, in the shared cache.

Failures are counted for whatever identifier was typed, whether or not such an account
exists, so the lock-out itself never reveals which accounts are real.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

ACCOUNT_LIMIT = getattr(settings, "SIGN_IN_ACCOUNT_LIMIT", 5)
ADDRESS_LIMIT = getattr(settings, "SIGN_IN_ADDRESS_LIMIT", 30)
WINDOW_SECONDS = getattr(settings, "SIGN_IN_WINDOW_SECONDS", 15 * 60)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin-fail:{kind}:{digest}"


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if request is not None else ""
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _count(key: str) -> int:
    return cache.get(key, 0)


def is_locked(identifier: str, address: str) -> bool:
    return (identifier and _count(_key("account", identifier)) >= ACCOUNT_LIMIT) or (
        address and _count(_key("address", address)) >= ADDRESS_LIMIT
    )


def record_failure(identifier: str, address: str) -> None:
    for kind, value in (("account", identifier), ("address", address)):
        if not value:
            continue
        key = _key(kind, value)
        # add() starts the window; incr() never extends it, so a lock ends WINDOW after it began.
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, WINDOW_SECONDS)


def reset_account(identifier: str) -> None:
    cache.delete(_key("account", identifier))


def lock_minutes() -> int:
    return max(1, WINDOW_SECONDS // 60)
