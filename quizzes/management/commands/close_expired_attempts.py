from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_expired


class Command(BaseCommand):
    help = "Mark and close every timed quiz attempt whose deadline has passed (run every minute)."

    def handle(self, *args, **options):
        closed = attempts_close_expired()
        self.stdout.write(f"Closed {closed} expired attempt(s).")
