"""Load the demo curriculum (and, on a local machine, demo accounts). Safe to run again:
whatever exists already is left as it is, so nothing is duplicated or overwritten."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the Chinese demo curriculum; with --with-accounts also create local demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-accounts",
            action="store_true",
            help=(
                "Create admin/trainer/reviewer/learner and district/community manager accounts with known "
                "passwords, and demo staff with assignments and progress for the reports (local only)."
            ),
        )

    def handle(self, *args, with_accounts=False, verbosity=1, **options):
        if with_accounts and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "Demo accounts have known passwords and are refused by these settings. "
                "Create real accounts with `manage.py createsuperuser` instead."
            )
        # Imported here so the refusal above needs no database or demo assets.
        from demo.accounts import DEMO_ACCOUNTS, ensure_demo_accounts
        from demo.loader import load_curriculum
        from demo.people import ensure_demo_staff
        from demo.training import ensure_demo_training

        report = load_curriculum()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo curriculum: {report.courses_created} courses and {report.lessons_created} lessons "
                f"created, {report.courses_existing} courses already there; "
                f"{report.quizzes_created} quizzes with {report.questions_created} questions created; "
                f"{report.images_created} images generated; {report.units_created} organisation units and "
                f"{report.positions_created} positions added."
            )
        )
        if with_accounts:
            created = ensure_demo_accounts()
            staff_created = ensure_demo_staff()
            training = ensure_demo_training()
            self.stdout.write(
                f"Demo staff and training: {staff_created} staff and {training.assignments_created} "
                f"assignments created; progress in {training.histories} of their enrolments, with "
                f"{training.quiz_attempts} quiz attempts."
            )
            self.stdout.write("")
            self.stdout.write(self.style.WARNING("Local demo accounts (for this machine only):"))
            for account in DEMO_ACCOUNTS:
                state = "created" if account.username in created else "already existed, password unchanged"
                sign_in = f"{account.username} / {account.password}"
                manages = f"  manages {account.manages}" if account.manages else ""
                self.stdout.write(f"  {account.role:<10} {sign_in:<34} {state}{manages}")
            self.stdout.write("  Admin: http://127.0.0.1:8000/admin/   Site: http://127.0.0.1:8000/")
