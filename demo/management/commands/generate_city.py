"""Generate a city-sized dataset for the report benchmark: see demo.citygen and docs/benchmarks.md."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo import citygen

# Without PostgreSQL the generator is for tests only: SQLite takes minutes per million rows.
SQLITE_MAX_STAFF = 5_000


class Command(BaseCommand):
    help = (
        "Generate a city: 重庆市 > districts > streets > communities, ~100,000 staff, courses, assignments "
        "and millions of progress rows, for the report benchmark. PostgreSQL only; refuses to run twice "
        "unless --reset."
    )

    def add_arguments(self, parser):
        defaults = citygen.Options()
        parser.add_argument("--staff", type=int, default=defaults.staff)
        parser.add_argument("--districts", type=int, default=defaults.districts)
        parser.add_argument("--streets-per-district", type=int, default=defaults.streets_per_district)
        parser.add_argument("--communities-per-street", type=int, default=defaults.communities_per_street)
        parser.add_argument("--courses", type=int, default=defaults.courses)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--password",
            default="",
            help="Password of the generated managers and staff (default: random, printed at the end).",
        )
        parser.add_argument("--reset", action="store_true", help="Remove a previously generated city first.")
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help=f"Run on SQLite with at most {SQLITE_MAX_STAFF:,} staff (for tests).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            if not options["allow_sqlite"]:
                raise CommandError(
                    f"generate_city needs PostgreSQL (this database is {connection.vendor}); set "
                    "DATABASE_URL=postgres://… or, for a tiny test city, pass --allow-sqlite."
                )
            if options["staff"] > SQLITE_MAX_STAFF:
                raise CommandError(f"On {connection.vendor} use --staff {SQLITE_MAX_STAFF:,} or fewer.")
        for name in ("staff", "districts", "streets_per_district", "communities_per_street", "courses"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        if options["districts"] > 999 or options["streets_per_district"] > 999:
            raise CommandError("At most 999 districts and 999 streets per district.")

        def log(message: str) -> None:
            if options["verbosity"]:
                self.stdout.write(message)
                self.stdout.flush()

        if citygen.generated_present():
            if not options["reset"]:
                raise CommandError(
                    "This database already has a generated city. Run again with --reset to replace it."
                )
            citygen.reset(log)

        password = options["password"] or (
            "city-bench-2026" if settings.DEMO_ACCOUNTS_ALLOWED else citygen.default_password()
        )
        result = citygen.generate(
            citygen.Options(
                staff=options["staff"],
                districts=options["districts"],
                streets_per_district=options["streets_per_district"],
                communities_per_street=options["communities_per_street"],
                courses=options["courses"],
                seed=options["seed"],
                password=password,
            ),
            log,
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Generated a city in {result.seconds:.1f} s:"))
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<26} {count:>12,}")
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("Manager accounts (for this benchmark database only):"))
        for role, username, unit in result.managers:
            self.stdout.write(f"  {role:<17} {username} / {password}   ({unit})")
        self.stdout.write(f"  staff: {citygen.STAFF_PREFIX}000001 … share the same password")
