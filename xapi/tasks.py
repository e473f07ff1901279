"""The background task that sends the outbox (TASKS["background"], `manage.py db_worker --backend
background`). Enqueued once by every transaction that records statements (xapi.events), and by
`manage.py xapi_send --enqueue` from cron as a safety net. Idempotent: a run finds what is owed."""

from django_tasks import task

from xapi import sending

BACKEND = "background"


@task(backend=BACKEND)
def send_statements() -> dict:
    outcome = sending.statements_send()
    retry_at = sending.next_retry_at() if outcome.retry else None
    if retry_at is not None and send_statements.get_backend().supports_defer:
        # Come back when the earliest retry falls due (the database queue can wait; cron covers the rest).
        send_statements.using(run_after=retry_at).enqueue()
    return outcome.as_dict()
