"""`python -m tests.bench.city`: the training reports at city scale, on PostgreSQL.

Creates the database `frontline_city_bench` afresh (or reuses it with `--reuse`), migrates it, fills it with
`manage.py generate_city` (about 100,000 staff, two million enrolments, six million lesson records), then
times the report views with the production settings:

- each view is requested in process through Django's test `Client` by a signed-in manager: the time is
  the whole request inside Django (middleware, view, queries, template), without a network or a server
  in front; median and 95th percentile of `--runs` requests after two warm-ups, and the number of
  queries of one request;
- each export (CSV and Excel, ~10,000 and ~100,000 rows) runs in a process of its own, read to the last
  byte: its time, and its peak memory as the rise of the process's resident-set high-water mark
  (`ru_maxrss`) over the same process after a small warm-up export, and as the peak of Python allocations
  (`tracemalloc`, a second run), to show whether memory grows with the rows.

Not part of the test suite. Environment: CITY_BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/frontline_city_bench), REDIS_URL (default: a local Redis when one
answers, as in production). Sizes can be made smaller for a trial: `--staff 10000 --districts 4`.
Results: a table on stdout and test-artifacts/bench-city.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ARTIFACTS = ROOT / "test-artifacts"
STATIC_ROOT = ARTIFACTS / "city-bench-static"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/frontline_city_bench"
SIZE_OPTIONS = ("staff", "districts", "streets_per_district", "communities_per_street", "courses", "seed")


# --- the driver: database, generator, one worker process per measurement ------------------------------


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(STATIC_ROOT),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if "REDIS_URL" not in os.environ and _redis_reachable():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/3"  # as in production: cache and sessions in Redis
    return env


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def recreate_database(database_url: str, *, keep: bool) -> bool:
    """Create the bench database (dropping it first unless ``keep``); True if it existed and was kept."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and keep:
            return True
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def manage(env: dict, *args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def worker(env: dict, *args: str) -> dict:
    """Run ``python -m tests.bench.city --worker …`` in the bench environment; it prints JSON last."""
    result = subprocess.run(
        [PYTHON, "-m", "tests.bench.city", "--worker", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def generate(env: dict, sizes: dict) -> float:
    args = ["generate_city", "--reset", "--password", "city-bench-2026"]
    for name, value in sizes.items():
        if value is not None:
            args += [f"--{name.replace('_', '-')}", str(value)]
    started = time.monotonic()
    manage(env, *args, quiet=False)
    return time.monotonic() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep the database and its city if there is one")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per view (default 20)")
    parser.add_argument("--export-runs", type=int, default=3, help="timed runs per export (default 3)")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--only", metavar="TEXT", help="time only the views whose name contains TEXT")
    parser.add_argument(
        "--huge", action="store_true", help="also export every assigned enrolment of the city as CSV (slow)"
    )
    parser.add_argument(
        "--writes",
        type=int,
        metavar="N",
        help="only time N single-row enrolment updates of each kind with and without the tally triggers "
        "(on the city there is; rolled back)",
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    for name in SIZE_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    args = parser.parse_args(argv)
    if args.worker:
        return run_worker(args.worker)

    database_url = os.environ.get("CITY_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if args.writes:
        return time_writes(database_url, args.writes)
    env = bench_env(database_url)
    kept = recreate_database(database_url, keep=args.reuse)
    print(
        f"Database {database_url.rsplit('/', 1)[1]}: {'reused' if kept else 'created'}; migrating…",
        flush=True,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    generation_seconds = None
    if not kept or not worker(env, "present")["present"]:
        print("Generating the city (manage.py generate_city)…", flush=True)
        generation_seconds = generate(env, {name: getattr(args, name) for name in SIZE_OPTIONS})
    dataset = worker(env, "counts")
    print("Dataset:", json.dumps(dataset, ensure_ascii=False), flush=True)

    print(f"Timing the views ({args.runs} requests each)…", flush=True)
    views = worker(env, "views", str(args.runs), *([args.only] if args.only else []))
    exports = []
    if not args.no_exports:
        for case in EXPORT_CASES:
            rows = None
            for export_format in ("csv", "xlsx"):  # the CSV's lines count the rows of both
                print(f"Export: {case} {export_format}…", flush=True)
                found = worker(env, "export", case, export_format, str(args.export_runs))
                rows = found["rows"] = found["rows"] if found["rows"] is not None else rows
                exports.append(found)
        if args.huge:
            print("Export: city csv…", flush=True)
            exports.append(worker(env, "export", "city", "csv", "1"))

    summary = {
        "date": time.strftime("%Y-%m-%d"),
        "load_average_at_end": os.getloadavg(),
        "machine": machine(),
        "generation_seconds": generation_seconds,
        "dataset": dataset,
        "views": views,
        "exports": exports,
    }
    print_summary(summary)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench-city.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"\nWritten to {ARTIFACTS / 'bench-city.json'}")


def machine() -> str:
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cores} cores, {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def print_summary(summary: dict) -> None:
    print()
    if summary["generation_seconds"] is not None:
        print(f"Generation: {summary['generation_seconds']:.0f} s")
    print("\n| view | viewer | median ms | p95 ms | CPU ms | queries | in queries ms | status |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for view in summary["views"]:
        flag = " **>300**" if view["p95_ms"] > 300 else ""
        print(
            f"| {view['name']} | {view['viewer']} | {view['median_ms']:.0f} | {view['p95_ms']:.0f}{flag} | "
            f"{view['cpu_median_ms']:.0f} | {view['queries']} | {view['query_ms']:.0f} | {view['status']} |"
        )
    if summary["exports"]:
        print("\n| export | format | rows | size | median s | RSS rise MiB | Python peak MiB |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for export in summary["exports"]:
            print(
                f"| {export['case']} | {export['format']} | {export['rows']:,} | "
                f"{export['bytes'] / 2**20:.1f} MiB | "
                f"{export['median_s']:.1f} | {export['rss_rise_mib']:.1f} | {export['traced_peak_mib']:.1f} |"
            )


def time_writes(database_url: str, count: int) -> None:
    """A learner's write as the database sees it: one single-row UPDATE of an enrolment, ``count`` of
    each kind, with the tally trigger keeping both kinds of tallies, keeping the enrolment tallies only
    (no month tally time zone recorded: it keeps no month tallies) and disabled; each inside a
    transaction that is rolled back, as is every update. Medians and 95th percentiles."""
    import random

    import psycopg

    kinds = {
        "open a lesson (last_seen_at)": ("in_progress", "SET last_seen_at = now()"),
        "start a course (status)": ("not_started", "SET status = 'in_progress', last_seen_at = now()"),
        "complete a course (status, completed_at)": (
            "in_progress",
            "SET status = 'completed', completed_at = now()",
        ),
    }
    rng = random.Random(1)
    with psycopg.connect(database_url) as conn:
        # The declared update trigger (reports.models.TalliedEnrolment), by the name pgtrigger gave it.
        (update_trigger,) = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'progress_enrolment'::regclass "
            "AND tgname LIKE 'pgtrigger\\_tally\\_update\\_%'"
        ).fetchone()
        configurations = {
            "both kinds of tallies": [],
            "without the month tallies": ["DELETE FROM reports_monthtallyzone"],
            "without any tally": [f"ALTER TABLE progress_enrolment DISABLE TRIGGER {update_trigger}"],
        }
        ids = {}
        for kind, (status, _change) in kinds.items():
            found = conn.execute(
                "SELECT id FROM progress_enrolment WHERE assigned AND status = %s", [status]
            ).fetchall()
            ids[kind] = rng.sample([row[0] for row in found], count)
        conn.rollback()
        times = {(kind, name): [] for kind in kinds for name in configurations}
        for round_ in range(3):  # interleaved, so that the machine's moods touch every configuration
            for name, setup in configurations.items():
                for kind, (_status, change) in kinds.items():
                    for statement in setup:
                        conn.execute(statement)
                    for pk in ids[kind][round_::3]:
                        started = time.perf_counter()
                        conn.execute(f"UPDATE progress_enrolment {change} WHERE id = %s", [pk])
                        times[(kind, name)].append((time.perf_counter() - started) * 1000)
                    conn.rollback()
    print(f"\n| write | {' | '.join(configurations)} |")
    print("|---|" + "---:|" * len(configurations))
    for kind in kinds:
        cells = [
            f"{statistics.median(times[(kind, name)]):.2f} ({_percentile(times[(kind, name)], 95):.2f})"
            for name in configurations
        ]
        print(f"| {kind} | {' | '.join(cells)} |")
    print(f"\nmedian (p95) ms, {count} updates each; load average {os.getloadavg()}")


# --- the workers: run inside Django with the production settings --------------------------------------

# name → (viewer, URL name, args, query string), resolved from the generated city by `_targets`.
EXPORT_CASES = ("street", "course")


def run_worker(args: list[str]) -> None:
    import django

    django.setup()
    kind, *rest = args
    if kind == "present":
        from demo import citygen

        result = {"present": citygen.generated_present()}
    elif kind == "counts":
        result = dataset_counts()
    elif kind == "views":
        result = time_views(int(rest[0]), *rest[1:])
    elif kind == "export":
        result = time_export(rest[0], rest[1], int(rest[2]))
    else:
        raise SystemExit(f"unknown worker {kind}")
    print(json.dumps(result, ensure_ascii=False))


def dataset_counts() -> dict:
    from django.db import connection
    from django.db.models import Count

    from accounts.models import OrgUnit, User
    from assignments.models import Assignment, AssignmentMember
    from courses.models import CoursePage, LessonPage
    from demo import citygen
    from progress.models import CourseCompletion, Enrolment, ItemProgress

    today = time.strftime("%Y-%m-%d")
    counts = {
        "units": {
            level: OrgUnit.objects.filter(level=level).count()
            for level in ("city", "district", "street", "community")
        },
        "staff": User.objects.filter(username__startswith=citygen.STAFF_PREFIX).count(),
        "courses": CoursePage.objects.filter(slug__startswith=citygen.COURSE_SLUG_PREFIX).count(),
        "lessons": LessonPage.objects.count(),
        "assignments": Assignment.objects.count(),
        "assignment_members": AssignmentMember.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "enrolments_by_status": dict(
            Enrolment.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
        "enrolments_overdue": Enrolment.objects.filter(due_on__lt=today).exclude(status="completed").count(),
        "item_progress": ItemProgress.objects.count(),
        "course_completions": CourseCompletion.objects.count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts["database_size"] = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        counts["shared_buffers"] = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        counts["postgresql"] = cursor.fetchone()[0].split(" on ")[0]
    return counts


def _targets() -> dict:
    """Users and places of the generated city that the views are timed with."""
    from django.db.models import Count

    from accounts.models import OrgUnit, User
    from courses.models import CoursePage
    from demo import citygen
    from progress.models import Enrolment

    city_admin = User.objects.get(username=citygen.CITY_ADMIN)
    district_manager = User.objects.get(username=citygen.DISTRICT_MANAGER)
    street_manager = User.objects.get(username=citygen.STREET_MANAGER)
    district = district_manager.managed_unit
    street = (
        OrgUnit.objects.filter(path__startswith=district.path, depth=district.depth + 1)
        .order_by("path")
        .first()
    )
    community = (
        OrgUnit.objects.filter(path__startswith=street.path, depth=street.depth + 1).order_by("path").first()
    )
    course = CoursePage.objects.get(slug=f"{citygen.COURSE_SLUG_PREFIX}01")  # assigned to the whole city
    learner_id = (
        Enrolment.objects.filter(org_unit=community)
        .values("learner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "learner_id")
        .first()["learner_id"]
    )
    return {
        "users": {
            "city admin": city_admin,
            "district manager": district_manager,
            "street manager": street_manager,
        },
        "district": district,
        "street": street,
        "community": community,
        "course": course,
        "learner_id": learner_id,
        "learner_name": User.objects.get(pk=learner_id).name,
    }


def _view_cases(t: dict) -> list[tuple[str, str, str, dict]]:
    """(name, viewer, URL, query) for every view timed."""
    from django.urls import reverse

    completion = reverse("reports:completion")
    people = reverse("reports:people")
    overdue = reverse("reports:overdue")
    history = reverse("wagtailadmin_reports:site_history")
    return [
        ("Wagtail admin home (for reference)", "city admin", reverse("wagtailadmin_home"), {}),
        ("completion dashboard, city", "city admin", completion, {}),
        ("completion dashboard, district", "district manager", completion, {}),
        ("completion, drill down to a street", "district manager", completion, {"node": t["street"].pk}),
        (
            "completion, drill down to a community",
            "district manager",
            completion,
            {"node": t["community"].pk},
        ),
        ("completion, city, one course", "city admin", completion, {"course": t["course"].pk}),
        (
            "completion, city, completed in a date range",
            "city admin",
            completion,
            {"completed_from": "2026-01-01", "completed_to": "2026-12-31"},
        ),
        (
            "completion, city, completed in a range of part months",
            "city admin",
            completion,
            {"completed_from": "2026-06-16", "completed_to": "2026-11-14"},
        ),
        (
            # The most a date range counts live: eight days at either end (half of a 16-day half month).
            "completion, city, completed in a range of part half months",
            "city admin",
            completion,
            {"completed_from": "2026-07-24", "completed_to": "2026-10-23"},
        ),
        (
            "completion, city, enrolled in a date range",
            "city admin",
            completion,
            {"enrolled_from": "2026-01-01", "enrolled_to": "2026-12-31"},
        ),
        ("people, city (page 1)", "city admin", people, {}),
        (
            "people, city, completed in a date range",
            "city admin",
            people,
            {"completed_from": "2026-01-01", "completed_to": "2026-12-31"},
        ),
        ("people, district (page 1)", "district manager", people, {}),
        ("people, city, page 200", "city admin", people, {"p": 200}),
        (
            "people, city, one course, overdue",
            "city admin",
            people,
            {"course": t["course"].pk, "status": "overdue"},
        ),
        ("people, city, search a surname (1 character)", "city admin", people, {"q": "王"}),
        ("people, city, search a full name", "city admin", people, {"q": t["learner_name"]}),
        ("people, a community", "district manager", people, {"node": t["community"].pk}),
        ("overdue, city", "city admin", overdue, {}),
        ("overdue, district", "district manager", overdue, {}),
        ("transcript", "district manager", reverse("reports:transcript", args=[t["learner_id"]]), {}),
        ("site history, city (page 1)", "city admin", history, {}),
        ("site history, district", "district manager", history, {}),
        ("site history, street", "street manager", history, {}),
        (
            "site history, district, one action",
            "district manager",
            history,
            {"action": "progress.completion_override"},
        ),
        ("site history, city, page 100", "city admin", history, {"p": 100}),
    ]


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _request(client, url: str, query: dict) -> tuple[float, int, int, float]:
    """(wall seconds, status, bytes, CPU seconds of this process) of one request read to the end."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, query)
    size = (
        sum(len(chunk) for chunk in response.streaming_content)
        if response.streaming
        else len(response.content)
    )
    return time.perf_counter() - started, response.status_code, size, time.process_time() - cpu


class QueryLog:
    """Every query run while inside, with its time: (ms, SQL with its parameters)."""

    def __enter__(self):
        from django.db import connection

        self.queries: list[tuple[float, str]] = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shown = sql if many else f"{sql} -- params: {params!r}"
            self.queries.append(((time.perf_counter() - started) * 1000, shown[:4000]))


def time_views(runs: int, only: str | None = None) -> list[dict]:
    from django.test import Client

    t = _targets()
    clients = {}
    for role, user in t["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    results = []
    for name, viewer, url, query in _view_cases(t):
        if only and only not in name:
            continue
        client = clients[viewer]
        for _ in range(2):  # warm-up: templates, caches, the database's buffers
            _request(client, url, query)
        with QueryLog() as captured:
            _seconds, status, size, _cpu = _request(client, url, query)
        measured = [_request(client, url, query) for _ in range(runs)]
        times = [found[0] * 1000 for found in measured]
        cpu_times = [found[3] * 1000 for found in measured]
        results.append(
            {
                "name": name,
                "viewer": viewer,
                "url": url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                "status": status,
                "bytes": size,
                "queries": len(captured.queries),
                "median_ms": statistics.median(times),
                "p95_ms": _percentile(times, 95),
                "max_ms": max(times),
                "cpu_median_ms": statistics.median(cpu_times),
                "runs": runs,
                "query_ms": sum(ms for ms, _sql in captured.queries),
                "slowest_queries": [
                    {"ms": ms, "sql": sql} for ms, sql in sorted(captured.queries, key=lambda q: -q[0])[:3]
                ],
            }
        )
        print(f"  {name} ({viewer}): {results[-1]['median_ms']:.0f} ms median", file=sys.stderr, flush=True)
    return results


def _export_query(case: str, t: dict) -> tuple[str, dict, str]:
    """(viewer, query, description) of an export case."""
    if case == "street":
        return (
            "city admin",
            {"node": t["street"].pk},
            f"people of one street ({t['street'].name}), all courses",
        )
    if case == "course":
        return (
            "city admin",
            {"course": t["course"].pk},
            f"people of the whole city, one course ({t['course'].title})",
        )
    if case == "city":
        return "city admin", {}, "people of the whole city, all courses"
    raise SystemExit(f"unknown export case {case}")


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def time_export(case: str, export_format: str, runs: int) -> dict:
    import tracemalloc

    from django.test import Client
    from django.urls import reverse

    t = _targets()
    viewer, query, description = _export_query(case, t)
    client = Client()
    client.force_login(t["users"][viewer])
    url = reverse("reports:people")
    # Warm-up: a small export of the same kind, so imports and caches are not counted as the export's.
    _request(client, url, {"node": t["community"].pk, "course": t["course"].pk, "export": export_format})
    baseline = _max_rss_mib()
    times, size, status = [], 0, 0
    rows = None
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, {**query, "export": export_format})
        status = response.status_code
        size = 0
        newlines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            newlines += chunk.count(b"\n")
        times.append(time.perf_counter() - started)
        response.close()
        if export_format == "csv":
            rows = newlines - 1  # the header
    peak = _max_rss_mib()
    tracemalloc.start()
    response = client.get(url, {**query, "export": export_format})
    for _chunk in response.streaming_content:
        pass
    response.close()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "case": description,
        "format": export_format,
        "status": status,
        "rows": rows,
        "bytes": size,
        "median_s": statistics.median(times),
        "times_s": times,
        "rss_baseline_mib": baseline,
        "rss_peak_mib": peak,
        "rss_rise_mib": peak - baseline,
        "traced_peak_mib": traced_peak / 2**20,
    }


if __name__ == "__main__":
    main()
