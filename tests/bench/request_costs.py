"""Per-step cost of the learner's journey, from the app servers' own request log (core.request_costs).

    REQUEST_COST_LOG=var/costs/app make load      # the app servers write var/costs/app.<pid>.jsonl
    .venv/bin/python -m tests.bench.request_costs var/costs/app [--people var/cluster/people.json]

Prints, per step (the view, or for Wagtail's pages the kind of page, told apart with the load's
people.json): requests, app-server CPU ms per request (mean, p50, p95), queries per request (mean) and
what one core of app server serves of that step alone (1000 / mean CPU ms). `--json` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import glob
import json
import statistics
from collections import defaultdict

VIEW_STEPS = {
    ("GET", "accounts:login"): "sign-in page",
    ("POST", "accounts:login"): "sign in (password)",
    ("GET", "accounts:code_sign_in"): "sign-in page (code)",
    ("POST", "accounts:code_sign_in"): "sign in (SMS code)",
    ("POST", "accounts:logout"): "sign out",
    ("GET", "accounts:profile"): "account",
    ("GET", "progress:my_learning"): "My learning",
    ("POST", "progress:item_complete"): "complete lesson",
    ("POST", "quizzes:start"): "quiz start",
    ("GET", "quizzes:question"): "quiz question page",
    ("POST", "quizzes:question"): "answer save / next",
    ("POST", "quizzes:submit"): "quiz submit",
    ("GET", "quizzes:submit"): "quiz review",
    ("GET", "quizzes:result"): "quiz result",
    ("GET", "certificates:mine"): "my certificates",
    ("GET", "certificates:detail"): "certificate",
}


def page_kinds(people_json: str | None) -> dict[str, str]:
    if not people_json:
        return {}
    with open(people_json, encoding="utf-8") as handle:
        data = json.load(handle)
    kinds = {}
    for course in data.get("courses", []):
        kinds[course["url"]] = "course page"
        for lesson in course.get("lessons", []):
            kinds[lesson["url"]] = "lesson"
        if course.get("quiz"):
            kinds[course["quiz"]["url"]] = "quiz page"
    for lesson in data.get("trainer_lessons", data.get("lessons", [])):
        if isinstance(lesson, dict) and "url" in lesson:
            kinds.setdefault(lesson["url"], "lesson")
    return kinds


def step_of(line: dict, kinds: dict[str, str]) -> str:
    view = line.get("view")
    if (line["method"], view) in VIEW_STEPS:
        return VIEW_STEPS[(line["method"], view)]
    if line["path"].startswith("/admin/"):
        return "admin (trainers, managers)"
    if line["path"] in kinds:
        return kinds[line["path"]]
    if line["path"] in ("/", "/courses/"):
        return "catalogue" if line["path"] == "/courses/" else "home"
    return f"{line['method']} {view or line['path']}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarise(lines: list[dict], kinds: dict[str, str]) -> list[dict]:
    steps: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        steps[step_of(line, kinds)].append(line)
    rows = []
    for step, found in steps.items():
        cpu = [line["cpu_ms"] for line in found]
        mean = statistics.fmean(cpu)
        rows.append(
            {
                "step": step,
                "requests": len(found),
                "cpu_ms_mean": round(mean, 2),
                "cpu_ms_p50": round(percentile(cpu, 0.5), 2),
                "cpu_ms_p95": round(percentile(cpu, 0.95), 2),
                "queries_mean": round(statistics.fmean(line["queries"] for line in found), 1),
                "per_core_per_s": round(1000 / mean) if mean else None,
            }
        )
    rows.sort(key=lambda row: -row["requests"])
    return rows


def read(prefix: str) -> list[dict]:
    lines = []
    for name in sorted(glob.glob(f"{prefix}.*.jsonl")):
        with open(name, encoding="utf-8") as handle:
            lines.extend(json.loads(text) for text in handle if text.strip())
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("prefix", help="the REQUEST_COST_LOG prefix the app servers wrote")
    parser.add_argument(
        "--people", help="the load's people.json, to tell course, lesson and quiz pages apart"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--since", type=float, default=0, help="only requests from this unix time on")
    args = parser.parse_args(argv)
    lines = [line for line in read(args.prefix) if line["t"] >= args.since]
    if not lines:
        print(f"No request log at {args.prefix}.*.jsonl")
        return 1
    rows = summarise(lines, page_kinds(args.people))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    total_cpu = sum(line["cpu_ms"] for line in lines)
    print("| step | requests | CPU ms mean | p50 | p95 | queries | per core per s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['step']} | {row['requests']} | {row['cpu_ms_mean']} | {row['cpu_ms_p50']} | "
            f"{row['cpu_ms_p95']} | {row['queries_mean']} | {row['per_core_per_s']} |"
        )
    print(
        f"\n{len(lines)} requests, {total_cpu / 1000:.1f} s of app-server CPU, "
        f"{total_cpu / len(lines):.2f} ms a request"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
