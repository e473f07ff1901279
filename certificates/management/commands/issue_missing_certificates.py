from django.core.management.base import BaseCommand

from certificates.services import certificates_issue_missing


class Command(BaseCommand):
    help = (
        "Issue certificates for course completions that have none: completions recorded before "
        "certificates existed, or whose certificate could not be issued at the time. Safe to rerun."
    )

    def handle(self, *args, **options):
        issued = certificates_issue_missing()
        self.stdout.write(f"{issued} certificate(s) issued.")
