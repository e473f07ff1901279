"""Test settings: SQLite by default, PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os
import tempfile
import uuid
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-key-3c9b1f0e6f5a4c2e8b7d9a1f0c3e5d7b9a2c4e6f8"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="fa-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_ACCOUNTS_ALLOWED = True
if REDIS_URL:
    # Each run gets its own keys so parallel or repeated runs never see each other's data.
    _run = uuid.uuid4().hex[:8]
    for _alias, _cache in CACHES.items():
        _cache["KEY_PREFIX"] = f"fa-test-{_run}-{_alias}"
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests change content and look at once, as if on another server: no generation memo.
CONTENT_CACHE_GENERATION_SECONDS = 0

# Background tasks run at once in tests; tests of the worker switch "background" to the database.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": BACKGROUND_QUEUES,  # noqa: F405
    },
}
# Without ffmpeg the site runs and says so (courses.W001); CI (REQUIRE_BROWSER=1) installs it and
# must have it.
if not os.environ.get("REQUIRE_BROWSER"):
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "courses.W001"]
SMS_BACKEND = "core.sms.LocmemBackend"  # messages kept in core.sms.outbox
REMINDER_EMAIL_ENABLED = True  # into the locmem outbox above
NOTIFICATION_BADGE_MEMO_SECONDS = 0  # counts read fresh, as if every request hit another server

# The test database on SQLite is one in-memory database shared between the test's connection and the live
# server's (shared cache), where locks are per table and never waited for: a test's own transaction begun
# IMMEDIATE would hold the write lock for the whole test and lock the live server out. Tests keep SQLite's
# deferred transactions; core/tests/test_sqlite.py checks the site's options on a database file.
from .base import DATABASES  # noqa: E402

DATABASES["default"].get("OPTIONS", {}).pop("transaction_mode", None)
