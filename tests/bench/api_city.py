"""Time the REST API's list endpoints on a generated city (not part of the test suite).

    CITY_BENCH_DATABASE_URL=postgres://…/frontline_city_bench .venv/bin/python -m tests.bench.api_city

Needs a city made by ``manage.py generate_city`` (or ``python -m tests.bench.city --reuse``) and migrated
with the api app. Makes two read clients — the whole city, and one street — the first time, then times
the first page (100 rows) and a ``changed_since`` page of every list, in-process through Django's test
client with production settings (tests.bench.city.bench_env)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from tests.bench.city import DEFAULT_DATABASE_URL, _percentile, bench_env

ENDPOINTS = [
    "units",
    "positions",
    "staff",
    "enrolments",
    "lesson-progress",
    "course-completions",
    "quiz-results",
    "certificates",
    "assignments",
]


def _clients() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from accounts.models import OrgUnit
    from api.models import ApiClient
    from api.services import api_client_create

    admin, _ = get_user_model().objects.get_or_create(
        username="api_bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    ApiClient.objects.filter(name__startswith="bench ").delete()
    street = OrgUnit.objects.filter(level="street").order_by("path").first()
    tokens = {}
    for key, unit in (("city", OrgUnit.get_first_root_node()), ("street", street)):
        _client, tokens[key] = api_client_create(
            name=f"bench {key}", unit=unit, access="read", requests_per_minute=100000, actor=admin
        )
    return tokens


def worker(runs: int, since: str, only: str | None) -> None:
    import django

    django.setup()
    from django.test import Client

    tokens = _clients()
    print(f"{'endpoint':<40} {'client':<7} {'median':>7} {'p95':>7}  rows")
    for name in ENDPOINTS:
        if only and only != name:
            continue
        for key, token in tokens.items():
            for query in ({}, {"changed_since": since}):
                if query and name in ("assignments",):
                    continue
                client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
                url = f"/api/v1/{name}/"
                for _ in range(2):
                    client.get(url, query)
                times, rows = [], 0
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get(url, query)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.content[:300]
                    rows = len(response.json()["results"])
                label = name + (" ?changed_since" if query else "")
                median, p95 = statistics.median(times), _percentile(times, 95)
                print(f"{label:<40} {key:<7} {median:7.0f} {p95:7.0f}  {rows}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--since", default="2026-01-01T00:00:00+08:00", help="changed_since of the timed pages"
    )
    parser.add_argument("--only", help="one endpoint, e.g. enrolments")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.runs, args.since, args.only)
        return
    env = bench_env(os.environ.get("CITY_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    command = [sys.executable, "-m", "tests.bench.api_city", "--worker", "--runs", str(args.runs)]
    command += ["--since", args.since] + (["--only", args.only] if args.only else [])
    sys.exit(subprocess.call(command, env=env))


if __name__ == "__main__":
    main()
