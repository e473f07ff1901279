"""`manage.py xapi_send`: send the xAPI statements owed now (or put the sending on the background queue).

Run `xapi_send --enqueue` from cron every few minutes as a safety net for retries; `--retry-failed` puts
the statements that failed for good back in the queue (after fixing the store or its credentials)."""

from django.core.management.base import BaseCommand

from xapi import conf, sending, tasks


class Command(BaseCommand):
    help = "Send the xAPI statements owed to the learning record store."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Put the sending on the background queue.")
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Try the failed statements again (from the first try).",
        )

    def handle(self, *, enqueue: bool, retry_failed: bool, **options):
        if not conf.configured():
            missing = ", ".join(conf.missing())
            self.stdout.write(f"No learning record store configured ({missing} not set): nothing sent.")
            return
        if retry_failed:
            self.stdout.write(f"{sending.statements_retry_failed()} failed statements queued again.")
        if enqueue:
            result = tasks.send_statements.enqueue()
            self.stdout.write(f"send_statements: {result.id} ({result.status})")
            return
        outcome = sending.statements_send()
        self.stdout.write(
            f"sent {outcome.sent}, to retry {outcome.retry}, failed {outcome.failed}"
            + (f" (last error: {outcome.errors[-1]})" if outcome.errors else "")
        )
