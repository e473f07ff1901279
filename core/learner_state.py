"""Learner state versions: what lets a learner's own pages (My learning, the signed-in course page, the
quiz question page) be kept rendered, like the lesson page, until something they show changes.

Each learner has a *state version* in the shared cache (Redis in production), and there is one version
for everyone. A cached learner page is keyed by both (with the content generation, the day and the
reading preferences: core.page_cache). Every write to a table a learner page is built from bumps them,
whichever code wrote it, ORM, ``update()``, ``bulk_create()`` or raw SQL: a database execute wrapper
(installed on every connection) watches the statements, and

- in a request by a signed-in learner, bumps that learner's version;
- in a request by someone who may use the admin (trainers, managers, administrators), by an anonymous
  request (an API client, a sign-up), or outside any request (the worker, a management command, a
  shell), bumps everyone's version, since such writes may be about anyone.

A bump happens at once and again when the transaction commits, so a page rendered in between from the
old rows cannot outlive the commit. The tables are ``settings.LEARNER_STATE_TABLES`` (prefixes).
"""

import re
import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver

ALL_KEY = "learner-state:all"
KEY_SECONDS = 60 * 60 * 24 * 30  # a version that expires is replaced by a new one: pages re-render once
EVERYONE = 0  # a bump target: everyone's version

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)
_current = threading.local()  # the request this thread is serving (LearnerWritesMiddleware)


def _key(learner_id: int) -> str:
    return f"learner-state:{learner_id}"


def keys_for(learner_id) -> list[str]:
    return [ALL_KEY, _key(learner_id)]


def remember(user, found: dict) -> None:
    """Keep the versions read with the signed-in user (accounts.backends reads both in one round trip)."""
    versions = [found.get(key) for key in keys_for(user.pk)]
    if None not in versions:
        user._learner_state = tuple(versions)


def version(request) -> tuple:
    """(everyone's version, this learner's version): read with the signed-in user, or one shared-cache
    read, once per request."""
    found = getattr(request, "_learner_state", None)
    if found is not None:
        return found
    found = getattr(request.user, "_learner_state", None)
    if found is not None:
        request._learner_state = found
        return found
    keys = keys_for(request.user.pk)
    values = cache.get_many(keys)
    for key in keys:
        if values.get(key) is None:  # never bumped, expired, or the cache was emptied: start afresh
            cache.add(key, time.time_ns(), KEY_SECONDS)
            values[key] = cache.get(key)
    request._learner_state = found = (values[ALL_KEY], values[keys[1]])
    return found


def bump(learner_id: int) -> None:
    """Every cached page of this learner (``EVERYONE``: of every learner) is out of date."""
    cache.set(ALL_KEY if learner_id == EVERYONE else _key(learner_id), time.time_ns(), KEY_SECONDS)


def _targets() -> tuple[int, ...]:
    request = getattr(_current, "request", None)
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return (EVERYONE,)
    # Every role but learner is staff (accounts.services): no query to tell.
    if user.is_staff or user.is_superuser:
        return (EVERYONE, user.pk)
    return (user.pk,)


def _is_learner_table(table: str) -> bool:
    return table.lower().startswith(tuple(getattr(settings, "LEARNER_STATE_TABLES", ())))


def _after_commit(connection, pending: set, targets: tuple[int, ...]) -> None:
    pending.difference_update(targets)
    for target in targets:
        bump(target)


def _written(connection) -> None:
    targets = _targets()
    for target in targets:  # at once: this request's own next read sees it (and tests, where nothing commits)
        bump(target)
    if not connection.in_atomic_block:  # autocommit: the row is already committed
        return
    # And once per transaction and target when it commits: a page rendered in between from the rows
    # as they were before cannot outlive the commit.
    commit_hooks = connection.run_on_commit
    marker = getattr(connection, "_learner_state_pending", None)
    if marker is None or marker[0] is not commit_hooks:
        marker = (commit_hooks, set())
        connection._learner_state_pending = marker
    new = tuple(target for target in targets if target not in marker[1])
    if new:
        marker[1].update(new)
        transaction.on_commit(partial(_after_commit, connection, marker[1], new), using=connection.alias)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        found = _WRITE.match(sql)
        if found and _is_learner_table(found.group(1)):
            _written(context["connection"])
    return result


@receiver(connection_created)
def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install_on_open_connections() -> None:
    """For connections opened before this module was imported (tests, the shell)."""
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


class LearnerWritesMiddleware:
    """Remembers whose request this thread serves, so writes bump the right learner's version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _current.request = request
        try:
            return self.get_response(request)
        finally:
            _current.request = None


def _user_saved(sender, instance, update_fields=None, **kwargs):
    # Signing in writes last_login only: nothing a learner page shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    if instance.pk:
        bump(instance.pk)


def connect_user_signal() -> None:
    """A person's unit, position or name may show on their pages (sessions they are invited to)."""
    from django.db.models.signals import post_save

    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="learner-state-user")
