"""The scheduled work: `enqueue_daily_work` puts tasks on the database queue and django-tasks-db's
`db_worker` runs them."""

import datetime
import io
import logging
import signal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from notifications import tasks
from notifications.models import Notification
from tests.factories import make_org_tree, make_user

from .conftest import days, enrol, learner_with_email

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.REMINDER_DIGEST_WEEKDAY = 0


@pytest.fixture
def restore_worker_side_effects():
    """db_worker installs signal handlers and log levels for its process; give them back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    levels = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def enqueue(*args) -> str:
    out = io.StringIO()
    call_command("enqueue_daily_work", *args, stdout=out)
    return out.getvalue()


def queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
def test_enqueue_puts_the_daily_task_on_the_queue_and_the_digest_on_its_weekday(database_queue):
    enqueue("--date", (MONDAY + days(1)).isoformat())
    assert queued() == ["notifications.tasks.send_reminders"]
    DBTaskResult.objects.all().delete()

    output = enqueue("--date", MONDAY.isoformat())
    assert queued() == ["notifications.tasks.send_manager_digests", "notifications.tasks.send_reminders"]
    assert "send_manager_digests 2026-11-30" in output
    task = DBTaskResult.objects.get(task_path="notifications.tasks.send_reminders")
    assert task.backend_name == "background" and task.args_kwargs["args"] == ["2026-11-30"]


@pytest.mark.django_db
def test_enqueue_can_force_the_digest_and_refuses_a_bad_date(database_queue):
    enqueue("--date", "2026-12-02", "--digest")
    assert len(queued()) == 2
    with pytest.raises(CommandError):
        enqueue("--date", "2 December")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_queued_tasks_and_a_second_run_changes_nothing(
    database_queue, restore_worker_side_effects, course
):
    tree = make_org_tree()
    late = learner_with_email("late", org_unit=tree["A社区"], name="王一")
    enrol(late, course, due_on=MONDAY - days(2))
    manager = learner_with_email("street", managed_unit=tree["解放碑街道"])
    enqueue("--date", MONDAY.isoformat())
    enqueue("--date", MONDAY.isoformat())  # cron ran twice: harmless
    assert DBTaskResult.objects.ready().count() == 4
    assert Notification.objects.count() == 0  # nothing happens until the worker runs

    call_command(
        "db_worker", "--batch", "--backend", "background", "--no-startup-delay", "--no-reload", verbosity=0
    )

    assert DBTaskResult.objects.ready().count() == 0
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    first = DBTaskResult.objects.filter(task_path="notifications.tasks.send_reminders").order_by(
        "enqueued_at"
    )
    assert first[0].return_value == {"date": "2026-11-30", "created": 1, "sent": 1}
    assert first[1].return_value == {"date": "2026-11-30", "created": 0, "sent": 0}
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {
        (late.pk, "overdue"),
        (manager.pk, "manager_digest"),
    }
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "late@example.cn",
        "street@example.cn",
    ]


@pytest.mark.django_db
def test_in_tests_and_without_a_worker_the_task_can_run_at_once(course):
    learner = make_user("now", email="now@example.cn")
    enrol(learner, course, due_on=MONDAY - days(1))
    result = tasks.send_reminders.enqueue(MONDAY.isoformat())
    assert result.status == "SUCCESSFUL" and result.return_value["created"] == 1
    assert len(mail.outbox) == 1
