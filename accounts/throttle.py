"""Sign-in throttling, per account and per address, in the shared cache.

The account counter counts the account that was found, not the text typed: every spelling that
signs in to the same person — another letter case, another Unicode form of the same letters (``ſ``
for ``s``, full-width letters), the mobile number instead of the username — adds to that person's
one counter (``account_key``). Text that finds no account is counted by its folded form, so unknown
names run out of tries exactly like real ones and the lock-out never reveals which accounts exist.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.core.cache import cache

ACCOUNT_LIMIT = getattr(settings, "SIGN_IN_ACCOUNT_LIMIT", 5)
ADDRESS_LIMIT = getattr(settings, "SIGN_IN_ADDRESS_LIMIT", 30)
WINDOW_SECONDS = getattr(settings, "SIGN_IN_WINDOW_SECONDS", 15 * 60)


def identifier_fold(identifier: str) -> str:
    """The typed text with case and Unicode compatibility forms folded away (NFKC, then casefold)."""
    return unicodedata.normalize("NFKC", identifier).casefold().strip()


def account_key(identifier: str, user=None) -> str:
    """What the per-account counter counts: the account found (by primary key), else the folded text.

    ``identifier`` is what the sign-in lookup searched for (a mobile number already in its 11-digit
    form), so the ways of typing one unknown number share a counter too."""
    if user is not None:
        return f"user:{user.pk}"
    return f"name:{identifier_fold(identifier)}"


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
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


def is_locked(account: str, address: str) -> bool:
    """``account`` is an ``account_key``."""
    return (account and _count(_key("account", account)) >= ACCOUNT_LIMIT) or (
        address and _count(_key("address", address)) >= ADDRESS_LIMIT
    )


def record_failure(account: str, address: str) -> None:
    for kind, value in (("account", account), ("address", address)):
        if not value:
            continue
        key = _key(kind, value)
        # add() starts the window; incr() never extends it, so a lock ends WINDOW after it began.
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, WINDOW_SECONDS)


def reset_account(account: str) -> None:
    cache.delete(_key("account", account))


def lock_minutes() -> int:
    return max(1, WINDOW_SECONDS // 60)
