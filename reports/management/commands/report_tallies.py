"""Look after the enrolment tallies and month tallies behind the completion dashboard (reports/tallies.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import tallies


class Command(BaseCommand):
    help = (
        "Check that the tallies' triggers are the declared ones and that the enrolment tallies and month "
        "tallies match a live count (the default), fold pending changes into them (--fold), or count "
        "everything again (--rebuild, for repair, or after changing TIME_ZONE: the month tallies count half "
        "months of the site's time zone; the triggers keep them as progress changes). PostgreSQL only."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--fold", action="store_true", help="Fold the pending changes now.")
        action.add_argument("--rebuild", action="store_true", help="Count every enrolment again.")

    def handle(self, *args, **options):
        if not tallies.tallies_supported():
            raise CommandError("The tallies need PostgreSQL; on this database the reports count live.")
        if options["fold"]:
            for label, fold in (("tally", tallies.tally_fold), ("month tally", tallies.month_tally_fold)):
                folded = fold()
                if folded < 0:
                    self.stdout.write(f"Another fold of the {label} rows is running; nothing done.")
                else:
                    self.stdout.write(
                        self.style.SUCCESS(f"Folded pending changes into {folded:,} {label} rows.")
                    )
            return
        if options["rebuild"]:
            with transaction.atomic():
                tallies.tally_rebuild()
                tallies.month_tally_rebuild(zone=settings.TIME_ZONE)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Tallies counted again from the enrolments (half months in {settings.TIME_ZONE})."
                )
            )
            return
        drift = tallies.trigger_drift()
        for problem in drift:
            self.stdout.write(f"  trigger: {problem}")
        if drift:
            raise CommandError(
                "The tallies' triggers in the database are not the ones declared in reports/models.py: "
                "run `manage.py migrate` (a change to their SQL needs its migration: `makemigrations`)."
            )
        pending = tallies.tally_pending()
        month_pending = tallies.month_tally_pending()
        differences = tallies.tally_differences() + tallies.month_tally_differences()
        zone = tallies.month_tally_zone()
        self.stdout.write(f"Pending changes: {pending:,} (tallies), {month_pending:,} (month tallies)")
        if differences:
            for row in differences:
                self.stdout.write(f"  differs: {row}")
            raise CommandError("The tallies do not match a live count: run with --rebuild.")
        if zone != settings.TIME_ZONE:
            raise CommandError(
                f"The month tallies count half months in {zone}, the site is in {settings.TIME_ZONE} "
                "(reports filtered by date count live): run with --rebuild."
            )
        self.stdout.write(
            self.style.SUCCESS("The triggers are the declared ones and the tallies match a live count.")
        )
