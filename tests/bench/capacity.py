"""The capacity model of docs/scaling.md, from measured per-step costs.

    REQUEST_COST_LOG=$PWD/var/costs/app LOAD_USERS=60 LOAD_TIME=240 make load
    .venv/bin/python -m tests.bench.request_costs var/costs/app --people var/cluster/people.json \
        --json > costs.json
    .venv/bin/python -m tests.bench.capacity costs.json [--db-cpu-ms 0.9] [--learners 20000]

Reads the app-server CPU per step (tests.bench.request_costs) and prints, for a campaign hour in which
``--learners`` people each take one course (the journey below), the requests per second, app-server cores
and database writes, on the launch day (everyone signs in with a password) and later (one in ten does).
"""

from __future__ import annotations

import argparse
import json

# One learner's campaign hour: one assigned course of three lessons and a ten-question quiz, done on a phone.
JOURNEY = {
    "My learning": 3,
    "course page": 2,
    "lesson": 6,
    "complete lesson": 3,
    "quiz page": 1,
    "quiz start": 1,
    "quiz question page": 10,
    "answer save / next": 20,
    "quiz review": 1,
    "quiz submit": 1,
    "quiz result": 1,
    "my certificates": 1,
    "certificate": 1,
}
SIGN_IN = {"sign-in page": 1, "sign in (password)": 1}
PEAK_FACTOR = 2.0  # the busiest minutes of the hour against its mean (people start at the shift's start)
TARGET_UTILISATION = 0.6  # leave 40% of each core for bursts, a failed server's share and deploys


def plan(costs: dict[str, float], *, learners: int, sign_in_share: float, db_cpu_ms: float) -> dict:
    journey = dict(JOURNEY)
    for step, count in SIGN_IN.items():
        journey[step] = count * sign_in_share
    missing = sorted(step for step in journey if step not in costs)
    if missing:
        raise SystemExit(f"No measured cost for: {', '.join(missing)}")
    requests = sum(journey.values())
    app_ms = sum(count * costs[step] for step, count in journey.items())
    per_second = learners * requests / 3600
    app_cores = learners * app_ms / 1000 / 3600
    db_cores = per_second * db_cpu_ms / 1000
    return {
        "learners": learners,
        "sign_in_share": sign_in_share,
        "requests_per_learner": round(requests, 1),
        "app_cpu_ms_per_learner": round(app_ms),
        "requests_per_s_mean": round(per_second),
        "requests_per_s_peak": round(per_second * PEAK_FACTOR),
        "app_cores_mean": round(app_cores, 1),
        "app_cores_to_provision": round(app_cores * PEAK_FACTOR / TARGET_UTILISATION, 1),
        "db_cores_mean": round(db_cores, 2),
        "db_cores_to_provision": round(db_cores * PEAK_FACTOR / TARGET_UTILISATION, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("costs", help="tests.bench.request_costs --json output")
    parser.add_argument("--learners", type=int, default=20000, help="people learning in the campaign hour")
    parser.add_argument("--db-cpu-ms", type=float, default=0.0, help="PostgreSQL CPU per request, measured")
    parser.add_argument(
        "--overhead",
        type=float,
        default=1.0,
        help="the app servers' whole CPU over the requests' own (gunicorn: parsing, keep-alive), measured",
    )
    args = parser.parse_args(argv)
    with open(args.costs, encoding="utf-8") as handle:
        rows = json.load(handle)
    costs = {row["step"]: row["cpu_ms_mean"] * args.overhead for row in rows}
    for share in (1.0, 0.1):
        print(json.dumps(plan(costs, learners=args.learners, sign_in_share=share, db_cpu_ms=args.db_cpu_ms)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
