"""`manage.py enqueue_daily_work`: the scheduler's entry point (cron or a systemd timer).

Puts today's reminder task on the background queue, and the managers' digest on the weekday
named by REMINDER_DIGEST_WEEKDAY. Running it twice (or on two machines) is harmless: the tasks
create each reminder and send each email once, whatever runs them again.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import tasks


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must look like 2026-12-01, not {value!r}") from exc


class Command(BaseCommand):
    help = "Enqueue the daily reminders (and, on the digest weekday, the managers' weekly digest)."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, help="Work as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--deliveries",
            action="store_true",
            help="Only enqueue the sending of messages owed (retries); run this every few minutes.",
        )
        parser.add_argument(
            "--digest", action="store_true", help="Enqueue the managers' digest whatever the weekday."
        )

    def handle(self, *, date: datetime.date | None, digest: bool, deliveries: bool = False, **options):
        if deliveries:
            result = tasks.send_deliveries.enqueue()
            self.stdout.write(f"send_deliveries: {result.id} ({result.status})")
            return
        today = date or timezone.localdate()
        result = tasks.send_reminders.enqueue(today.isoformat())
        self.stdout.write(f"send_reminders {today.isoformat()}: {result.id} ({result.status})")
        if digest or today.weekday() == settings.REMINDER_DIGEST_WEEKDAY:
            result = tasks.send_manager_digests.enqueue(today.isoformat())
            self.stdout.write(f"send_manager_digests {today.isoformat()}: {result.id} ({result.status})")
