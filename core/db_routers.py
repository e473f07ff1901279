"""Report queries to a read replica, when there is one.

Set ``REPORTS_DATABASE_URL`` to a streaming replica of the main PostgreSQL database and the training
reports (培训报表: completion, people, overdue, quiz results, study hours, their exports) read from it,
so a district manager's city-wide export never competes with learners' answer saves on the primary.

Only what runs inside :func:`reading_reports` goes there: the report screens wrap their GET in it
(reports.views.base). Everything else — sign-in, the learner pages, every write, and a report's own
follow-up after a write (the transcript after an override) — reads the primary, so nobody reads their
own write from a replica that has not caught up yet. A replica is seconds behind at most in normal
running; reports are about days and weeks.

Without ``REPORTS_DATABASE_URL`` nothing changes: there is no "reports" alias and every query goes to
"default". Migrations never run on the replica (it copies the primary's schema).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "reports"
_reading_reports: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_reports", default=False)


def replica_alias() -> str | None:
    return REPLICA if REPLICA in settings.DATABASES else None


@contextmanager
def reading_reports():
    """Reads inside this block go to the reports replica (when configured)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def streamed_from_reports(chunks: Iterable) -> Iterator:
    """A streaming export's rows are read after the view has returned: read them from the replica too."""
    iterator = iter(chunks)
    while True:
        with reading_reports():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get():
            return replica_alias()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
