"""`make lighthouse`: Lighthouse's mobile profile on the lesson, course and My learning pages of a
signed-in learner, served as in production (gunicorn, DEBUG off, WhiteNoise with compressed static
files, PostgreSQL, Redis when it answers), with the demo curriculum. Prints performance,
accessibility, best practices and SEO per page, and the audits that cost points; exits 1 when a page
misses a target (performance >= 95, accessibility 100, best practices >= 95; issue 17).

Not part of the test suite: it needs the pinned Lighthouse that `make lighthouse` installs from the npm
registry into tools/lighthouse/node_modules, and Debian's chromium (CHROME_PATH, default
/usr/bin/chromium). Reports (JSON and HTML) go to test-artifacts/lighthouse/.

Environment: LIGHTHOUSE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/frontline_lighthouse),
REDIS_URL (default: a local Redis, database 3, when one answers), LIGHTHOUSE_RUNS (runs per page, the
median by performance is reported; default 3), LIGHTHOUSE_PAGES (comma-separated names to run only
some: lesson, course, my-learning).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.bench.run import (
    ARTIFACTS,
    ROOT,
    bench_env,
    fetch,
    learner_session,
    prepare,
    scenarios,
    start_gunicorn,
    wait_until_up,
)

LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
REPORTS = ARTIFACTS / "lighthouse"
PAGES = {  # our name: the bench's name for the same page
    "lesson": "signed-in lesson page",
    "course": "signed-in course page",
    "my-learning": "signed-in My learning",
}


def run_lighthouse(url: str, headers: dict, output: Path, attempts: int = 3) -> dict:
    """One Lighthouse run (its default, mobile, profile); returns the JSON report. A run Lighthouse itself
    gives up on (e.g. "NO_NAVSTART: … Please run Lighthouse again", seen on a loaded machine) is retried."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps(headers)}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
    ]
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    for attempt in range(1, attempts + 1):
        try:
            subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=300)
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if attempt == attempts:
                raise
            print(f"  Lighthouse failed on {url}; trying again", flush=True)
    return json.loads(output.with_suffix(".report.json").read_text())


def scores(report: dict) -> dict:
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def cpu_index(report: dict) -> int:
    """Lighthouse's measure of the machine's CPU speed during the run: it expects 1000 or more (a mid-range
    phone's CPU times four) and warns below; a loaded machine scores lower and the simulated times grow."""
    return round(report["environment"]["benchmarkIndex"])


def lost_points(report: dict) -> list[str]:
    """The audits that cost a category points, with what Lighthouse measured."""
    lines = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lines.append(f"{name}: {ref['id']} score {audit['score']:.2f}{shown}")
    return lines


def main() -> int:
    if not LIGHTHOUSE.exists():
        print(
            f"{LIGHTHOUSE} is missing: run `make lighthouse` (it installs the pinned Lighthouse)",
            file=sys.stderr,
        )
        return 2
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not shutil.which(chrome):
        print(f"{chrome} is missing: run scripts/ensure_browser.sh", file=sys.stderr)
        return 2
    runs = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
    wanted = [name for name in os.environ.get("LIGHTHOUSE_PAGES", ",".join(PAGES)).split(",") if name]
    database_url = os.environ.get(
        "LIGHTHOUSE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_lighthouse"
    )
    # One machine without a proxy: Django serves the uploaded pictures (DJANGO_SERVE_MEDIA), so the lesson
    # loads them as a phone would instead of logging 404s.
    env = dict(bench_env(database_url), DJANGO_SERVE_MEDIA="true")
    prepare(env, redis_db=3)
    port, _server_env, server = start_gunicorn(env)
    base = f"http://127.0.0.1:{port}"
    REPORTS.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        wait_until_up(base + "/ping/")
        found = {name: (path, headers) for name, path, headers in scenarios(base, learner_session(env))}
        for name in wanted:
            path, headers = found[PAGES[name]]
            for _ in range(5):  # renditions, caches and every worker warm, as for a learner mid-course
                fetch(base + path, headers)
            reports = []
            for number in range(1, runs + 1):
                report = run_lighthouse(base + path, headers, REPORTS / f"{name}-{number}")
                reports.append(report)
                print(
                    f"  {name} ({path}), run {number}: {scores(report)}, CPU {cpu_index(report)}", flush=True
                )
            median = sorted(reports, key=lambda r: scores(r)["performance"])[len(reports) // 2]
            results[name] = (path, median, [(scores(r)["performance"], cpu_index(r)) for r in reports])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    version = next(iter(results.values()))[1]["lighthouseVersion"] if results else "?"
    print()
    print(
        f"Lighthouse {version}, mobile profile (simulated slow 4G, 4x CPU slowdown), chromium headless, "
        f"signed-in learner, gunicorn with the production settings; median of {runs} run(s) by performance"
    )
    print(
        f"{'page':<14}{'performance':>13}{'accessibility':>15}{'best practices':>16}{'SEO':>6}"
        "  runs (performance, benchmarkIndex)"
    )
    failed = False
    for name, (path, report, performances) in results.items():
        got = scores(report)
        print(
            f"{name:<14}{got['performance']:>13}{got['accessibility']:>15}{got['best-practices']:>16}"
            f"{got['seo']:>6}  {performances}  {path}"
        )
        metrics = report["audits"]
        print(
            "    FCP {fcp}, LCP {lcp}, TBT {tbt}, CLS {cls}, Speed Index {si}".format(
                fcp=metrics["first-contentful-paint"]["displayValue"],
                lcp=metrics["largest-contentful-paint"]["displayValue"],
                tbt=metrics["total-blocking-time"]["displayValue"],
                cls=metrics["cumulative-layout-shift"]["displayValue"],
                si=metrics["speed-index"]["displayValue"],
            )
        )
        for line in lost_points(report):
            print(f"    {line}")
        failed |= any(got[category] < target for category, target in TARGETS.items())
    verdict = "MISSED" if failed else "met"
    print(f"\nTargets (performance >= 95, accessibility 100, best practices >= 95): {verdict}")
    print(f"Reports: {REPORTS.relative_to(ROOT)}/<page>-<run>.report.html")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
