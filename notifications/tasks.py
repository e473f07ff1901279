"""Background tasks on the persistent queue (TASKS["background"]: django-tasks-db in development
and production, processed by `manage.py db_worker --backend background`).

Both are idempotent, so a task that is enqueued twice, retried or rerun after a crash sends
nothing twice. Arguments are ISO dates (JSON), defaulting to today in TIME_ZONE.
"""

import datetime

from django_tasks import task

from notifications import deliveries, services

BACKEND = "background"


def _day(today: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(today) if today else None


@task(backend=BACKEND)
def send_reminders(today: str | None = None) -> dict:
    """Daily: due-soon, overdue and expiring-certificate reminders, then every delivery owed."""
    return services.reminders_send(today=_day(today))


@task(backend=BACKEND)
def send_manager_digests(today: str | None = None) -> dict:
    """Weekly: each manager's digest of overdue staff in their part of the tree."""
    return services.manager_digests_send(today=_day(today))


@task(backend=BACKEND)
def notify_course_assigned(assignment_id: int, learner_ids: list[int] | None = None) -> dict:
    """After an assignment commits: tell each newly covered person, once, then send what is owed."""
    return services.notifications_course_assigned(assignment_id=assignment_id, learner_ids=learner_ids)


@task(backend=BACKEND)
def notify_session_planned(session_id: int, moved: bool = False) -> dict:
    """After an in-person session is planned or changed: invite (or tell of the change) once each."""
    return services.notifications_session_planned(session_id=session_id, moved=moved)


@task(backend=BACKEND)
def send_deliveries() -> dict:
    """Every few minutes (``manage.py enqueue_daily_work --deliveries``): retries that have fallen due."""
    return {"sent": deliveries.deliveries_send()}
