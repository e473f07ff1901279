import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures around it are still synchronous, so Django's async-safety guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _clear(cache):
    if isinstance(cache, RedisCache):  # includes core.cache_backends.FastRedisCache
        # clear() would FLUSHDB the whole Redis database; delete only this run's keys.
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_caches():
    """Tests never see each other's cached renditions, site root paths or throttle counters."""
    from scorm.services import memo_clear

    for cache in caches.all():
        _clear(cache)
    memo_clear()  # the app server's own memo of SCORM attempts
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def in_english(settings):
    """For tests that read messages in English (the source strings): the site's language is Chinese, and
    the Chinese is checked by tests/test_chinese_everywhere.py."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
