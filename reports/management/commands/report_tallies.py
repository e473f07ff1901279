"""Look after the enrolment tallies behind the completion dashboard (reports/tallies.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import tallies


class Command(BaseCommand):
    help = (
        "Check the enrolment tallies against a live count (the default), fold pending changes into them "
        "(--fold), or count everything again (--rebuild, for repair only: the triggers keep them as "
        "progress changes). PostgreSQL only."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--fold", action="store_true", help="Fold the pending changes now.")
        action.add_argument("--rebuild", action="store_true", help="Count every enrolment again.")

    def handle(self, *args, **options):
        if not tallies.tallies_supported():
            raise CommandError("The tallies need PostgreSQL; on this database the reports count live.")
        if options["fold"]:
            folded = tallies.tally_fold()
            if folded < 0:
                self.stdout.write("Another fold is running; nothing done.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Folded pending changes into {folded:,} tally rows."))
            return
        if options["rebuild"]:
            with transaction.atomic():
                tallies.tally_rebuild()
            self.stdout.write(self.style.SUCCESS("Tallies counted again from the enrolments."))
            return
        pending = tallies.tally_pending()
        differences = tallies.tally_differences()
        self.stdout.write(f"Pending changes: {pending:,}")
        if differences:
            for row in differences:
                self.stdout.write(f"  differs: {row}")
            raise CommandError("The tallies do not match a live count: run with --rebuild.")
        self.stdout.write(self.style.SUCCESS("The tallies match a live count."))
