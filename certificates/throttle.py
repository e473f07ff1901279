"""Rate limit for the public verification page: so many lookups per client address per window
(codes are 80 bits, so this is about load and scraping rather than guessing)."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from accounts.throttle import client_address


def _limit() -> int:
    return getattr(settings, "CERTIFICATE_VERIFY_LIMIT", 30)


def window_seconds() -> int:
    return getattr(settings, "CERTIFICATE_VERIFY_WINDOW_SECONDS", 10 * 60)


def verification_allowed(request) -> bool:
    """Count this lookup; False once the address has used up its lookups for the window."""
    address = client_address(request) or "unknown"
    key = "certificate-verify:" + hashlib.sha256(address.encode()).hexdigest()[:32]
    # add() starts the window; incr() never extends it.
    if cache.add(key, 1, window_seconds()):
        return _limit() >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, window_seconds())
        count = 1
    return count <= _limit()
