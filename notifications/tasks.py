"""Background tasks on the persistent queue (TASKS["background"]: django-tasks-db in development
and production, processed by `manage.py db_worker --backend background`).

Both are idempotent, so a task that is enqueued twice, retried or rerun after a crash sends
nothing twice. Arguments are ISO dates (JSON), defaulting to today in TIME_ZONE.
"""

import datetime

from django_tasks import task

from notifications import services

BACKEND = "background"


def _day(today: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(today) if today else None


@task(backend=BACKEND)
def send_reminders(today: str | None = None) -> dict:
    """Daily: due-soon, overdue and expiring-certificate reminders, then every email owed."""
    return services.reminders_send(today=_day(today))


@task(backend=BACKEND)
def send_manager_digests(today: str | None = None) -> dict:
    """Weekly: each manager's digest of overdue staff in their part of the tree."""
    return services.manager_digests_send(today=_day(today))
