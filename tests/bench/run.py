"""`make bench`: serve the site with gunicorn (production settings) on PostgreSQL and measure
requests/second and p95 latency per page, each next to the floor (a Django view with the
full middleware stack and no database) served by the same server; then quiz answer-saves and
submits by many learners at once, each acknowledged write checked in the database afterwards.
Not part of the test suite. `--only pages` or `--only quiz` runs one part.

`--wrk` (what `make bench` runs first) measures the learner's pages as issue 19 does instead: 2 sync
workers, `wrk -t1 -c8`, a PASS/FAIL line per target ratio to the floor (tests/bench/wrk.py); with
`--strict` a missed target fails the command.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/frontline_bench),
REDIS_URL (default: a local Redis when one answers), BENCH_SECONDS per page per round (default 5),
BENCH_ROUNDS (default 3, pages and quiz), BENCH_PROCESSES / BENCH_THREADS (page load);
BENCH_QUIZ_LEARNERS (200), BENCH_QUIZ_QUESTIONS (20), BENCH_QUIZ_PROCESSES / BENCH_QUIZ_THREADS
(quiz load: 2 processes x 16 threads), BENCH_QUIZ_RATE (answer saves per second offered on a
fixed schedule over those clients; unset: each client sends its next save as soon as the last
one is answered).
"""

import argparse
import gzip
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bench.load import Result, hammer
from tests.bench.quiz_load import quiz_round
from tests.page_weight import BUDGET, PageWeight, measure

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(ROOT / "staticfiles"),
        LOG_LEVEL="WARNING",
    )
    return env


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_gunicorn(env: dict, *extra: str) -> tuple[int, dict, subprocess.Popen]:
    """gunicorn with the production settings on a free port, in a process group of its own (stop it with
    os.killpg(server.pid, signal.SIGTERM)). ``extra``: command-line options, which override the file's."""
    port = free_port()
    server_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", *extra, "config.wsgi"],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    return port, server_env, server


def prepare(env: dict, redis_db: int = 2) -> None:
    """The bench database migrated, the demo curriculum loaded, static files collected and compressed."""
    if "REDIS_URL" not in env and redis_reachable():
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"  # as in production: shared cache and sessions
    ensure_database(env["DATABASE_URL"])
    print("Preparing: migrate, demo curriculum, collectstatic…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--clear")


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not come up at {url}")


def fetch(url: str, headers=None) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read(), dict(response.headers)


def http_fetch(headers=None):
    """For tests.page_weight: a same-site file as the server sends it to a browser that accepts gzip."""

    def fetch_file(url: str):
        try:
            body, answer = fetch(url, {**(headers or {}), "Accept-Encoding": "gzip"})
        except urllib.error.HTTPError:
            return None
        if answer.get("Content-Encoding") == "gzip":
            return gzip.decompress(body), len(body)
        return body, None

    return fetch_file


def page_weight(base: str, path: str, headers=None) -> PageWeight:
    """HTML (gzip, as the proxy would send it) + every stylesheet, script and other file it loads, as
    served compressed (tests/page_weight.py; content images are not counted)."""
    html, _headers = fetch(base + path, headers)
    return measure(base + path, html, http_fetch(headers))


def quiz_path(base: str, pages) -> str:
    """The first demo course's quiz: the outline entry whose page offers to start a quiz."""
    course = next(path for name, path, _headers in pages if name == "signed-in course page")
    signed_in = pages[-1][2]
    course_html, _ = fetch(base + course, signed_in)
    for link in reversed(re.findall(rb'class="outline__link" href="([^"]+)"', course_html)):
        html, _ = fetch(base + link.decode(), signed_in)
        if re.search(rb'action="/quizzes/\d+/start/"', html):
            return link.decode()
    raise RuntimeError(f"no quiz in the outline of {course}")


def returning_browser(base: str, cookie: str) -> str:
    """The cookies a signed-in browser sends after its first page: ``cookie`` plus what that page set
    to keep (the fa_uid hint that lets the session and the user come in one round trip:
    accounts.sessions)."""
    request = urllib.request.Request(base + "/my/", headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        kept = [
            value.split(";", 1)[0]
            for value in response.headers.get_all("Set-Cookie") or []
            if value.startswith("fa_uid=")
        ]
    return "; ".join([cookie, *kept])


def learner_session(env, function: str = "main") -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", f"from tests.bench.session import {function}; {function}()"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def scenarios(base: str, session_key: str) -> list[tuple[str, str, dict]]:
    """Pages to measure: found from the demo site so paths never go stale."""
    html, _ = fetch(base + "/courses/")
    course = re.search(rb'class="card__link" href="([^"]+)"', html).group(1).decode()
    course_html, _ = fetch(base + course)
    lessons = re.findall(rb'class="outline__link" href="([^"]+)"', course_html)
    lesson = lessons[1].decode()
    css = re.search(rb'href="(/static/css/site[^"]*\.css)"', course_html).group(1).decode()
    # A returning browser sends back the CSRF cookie it was given on its first page.
    csrf = "csrftoken=" + "b" * 32
    browser = {"Cookie": csrf}
    signed_in = {"Cookie": returning_browser(base, f"{csrf}; sessionid={session_key}")}
    return [
        ("floor (/ping/)", "/ping/", {}),
        ("static file (site.css)", css, {}),
        ("course page", course, browser),
        ("lesson page", lesson, browser),
        ("course catalogue", "/courses/", browser),
        ("search", "/search/?q=%E7%99%BB%E8%AE%B0", browser),
        ("signed-in lesson page", lesson, signed_in),
        ("signed-in course page", course, signed_in),
        ("signed-in My learning", "/my/", signed_in),
    ]


def wrk_pages(base: str, env: dict) -> list[tuple[str, str, dict]]:
    """The learner's journey as issue 19 measures it, the floor first."""
    pages = {name: (path, headers) for name, path, headers in scenarios(base, learner_session(env))}
    signed_in = pages["signed-in My learning"][1]
    question = learner_session(env, "quiz_question")
    named = [
        "floor (/ping/)",
        "lesson page",
        "signed-in lesson page",
        "signed-in course page",
        "signed-in My learning",
        "course catalogue",
    ]
    return [(name, *pages[name]) for name in named] + [
        ("signed-in course catalogue", "/courses/", signed_in),
        ("quiz question page", question, signed_in),
    ]


def run_wrk(env: dict, seconds: float, rounds_count: int, strict: bool) -> int:
    from tests.bench import wrk

    wrk.ensure_wrk(ROOT)
    port, _server_env, server = start_gunicorn(
        env, "--workers", str(wrk.WORKERS), "--worker-class", "sync", "--threads", "1"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/ping/")
        pages = wrk_pages(base, env)

        def warm(url, headers):  # renditions, caches and both workers
            for _ in range(20):
                fetch(url, headers)

        results = wrk.measure(pages, base, seconds, rounds_count, warm)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    found = wrk.report(results, seconds, rounds_count, bool(env.get("REDIS_URL")))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench-wrk.json").write_text(
        json.dumps(
            {
                "results": [vars(r) for r in results],
                "targets": [{"page": n, "ratio": r, "target": t, "met": m} for n, r, t, m in found],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    if any(r.errors for r in results):
        print("Some requests failed (see the errors column).", file=sys.stderr)
        return 1
    return 1 if strict and not all(met for *_rest, met in found) else 0


def manage_json(env, function: str, **extra) -> dict:
    """Run one function of tests.bench.quiz in the bench environment; it prints JSON last."""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", f"from tests.bench.quiz import {function}; {function}()"],
        cwd=ROOT,
        env=dict(env, **extra),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_pages(base: str, env: dict, processes: int, threads: int, seconds: float, rounds_count: int):
    session_key = learner_session(env)
    pages = scenarios(base, session_key)
    for _name, path, headers in pages:  # warm renditions, caches and every worker
        for _ in range(20):
            fetch(base + path, headers)
    rounds: dict[str, list[Result]] = {name: [] for name, _path, _headers in pages}
    for number in range(1, rounds_count + 1):  # interleaved, so a slow spell hits every page alike
        for name, path, headers in pages:
            result = hammer(
                name, base + path, seconds=seconds, processes=processes, threads=threads, headers=headers
            )
            rounds[name].append(result)
            print(f"  round {number}, {name}: {result.rps:.0f} req/s", flush=True)
    results = [sorted(found, key=lambda r: r.rps)[len(found) // 2] for found in rounds.values()]
    weighed = [
        (name, path, headers) for name, path, headers in pages if not path.startswith(("/ping/", "/static/"))
    ]
    weighed.append(("signed-in quiz page", quiz_path(base, pages), pages[-1][2]))
    weights = {name: page_weight(base, path, headers) for name, path, headers in weighed}
    return results, weights


def server_cpu(server_pid: int):
    """CPU seconds used so far by gunicorn: the master, its live workers (one process group) and the
    workers it has already recycled and reaped (Linux /proc). Steadier than wall time when other work
    shares the machine. (PostgreSQL's share is left out: its backends come and go with
    CONN_MAX_AGE, and those that exit take their CPU time with them.)"""
    ticks = os.sysconf("SC_CLK_TCK")

    def probe() -> float:
        used = 0.0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fields = (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(pid) == server_pid:
                used += sum(int(value) for value in fields[11:15]) / ticks  # own + reaped children
            elif int(fields[2]) == server_pid:  # a live worker: same process group
                used += (int(fields[11]) + int(fields[12])) / ticks
        return used

    return probe


def measure_quiz(port: int, env: dict, rounds_count: int, cpu_probe, floor_load: dict) -> dict:
    """Answer saves and submits by many learners at once, then every acknowledged write checked
    in the database. A bench course and its learners exist only while this runs."""
    learners = int(os.environ.get("BENCH_QUIZ_LEARNERS", "200"))
    questions = int(os.environ.get("BENCH_QUIZ_QUESTIONS", "20"))
    processes = int(os.environ.get("BENCH_QUIZ_PROCESSES", "2"))
    threads = int(os.environ.get("BENCH_QUIZ_THREADS", "16"))
    rate = float(os.environ.get("BENCH_QUIZ_RATE", "0")) or None
    ARTIFACTS.mkdir(exist_ok=True)
    setup_file = ARTIFACTS / "bench-quiz-setup.json"
    record_file = ARTIFACTS / "bench-quiz-record.json"
    load_before = os.getloadavg()[0]
    setup = manage_json(env, "setup", BENCH_QUIZ_LEARNERS=str(learners), BENCH_QUIZ_QUESTIONS=str(questions))
    setup_file.write_text(json.dumps(setup))
    rounds, attempts, floors = [], [], []
    try:
        for number in range(1, rounds_count + 1):
            # The floor again in each round: how fast the machine is serving right now.
            floors.append(hammer("floor (/ping/)", f"http://127.0.0.1:{port}/ping/", **floor_load).rps)
            saves, submits, round_attempts, readings = quiz_round(
                "127.0.0.1", port, setup, number, processes, threads, cpu_probe, rate
            )
            cpu = {"answer save": readings[1] - readings[0], "submit": readings[2] - readings[1]}
            rounds.append((saves, submits, cpu))
            attempts += round_attempts
            print(
                f"  quiz round {number}: {saves.rps:.0f} saves/s (p95 {saves.percentile(95):.0f} ms), "
                f"{submits.rps:.0f} submits/s (p95 {submits.percentile(95):.0f} ms)",
                flush=True,
            )
        record_file.write_text(json.dumps({"rounds": rounds_count, "attempts": attempts}))
        check = manage_json(env, "verify", BENCH_QUIZ_FILE=str(record_file))
    finally:
        manage_json(env, "cleanup", BENCH_QUIZ_FILE=str(setup_file))
        setup_file.unlink(missing_ok=True)
    return {
        "learners": learners,
        "questions": questions,
        "processes": processes,
        "threads": threads,
        "rate": rate,
        "rounds": rounds,
        "check": check,
        "load_average_before": round(load_before, 2),  # other work on the machine, for the record
        "floor_rps": sorted(floors)[len(floors) // 2],
    }


def print_pages(results, weights, server_env, env, processes, threads, seconds, rounds_count):
    floor = results[0].rps
    print()
    print(
        f"gunicorn {server_env.get('WEB_CONCURRENCY', os.cpu_count() * 2)} workers x "
        f"{server_env.get('GUNICORN_THREADS', 2)} threads (gthread), "
        f"PostgreSQL, Redis {'on' if env.get('REDIS_URL') else 'off'}; "
        f"load: {processes} processes x {threads} connections, "
        f"{rounds_count} rounds of {seconds:.0f} s per page (median round), "
        f"on the same {os.cpu_count()}-core machine"
    )
    print(f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs floor':>10}")
    for result in results:
        print(
            f"{result.name:<26}{result.rps:>9.0f}{result.median:>9.1f}{result.percentile(95):>9.1f}"
            f"{result.errors:>8}{result.rps / floor:>10.2f}"
        )
    print()
    print(f"Page weight, compressed as served, without content images (budget {BUDGET // 1024} KB):")
    for name, weight in weights.items():
        verdict = "" if weight.total <= BUDGET else "  OVER THE BUDGET"
        print(f"  {name:<26}{weight.describe()}{verdict}")


def cpu_ms(result: Result, cpu: dict) -> float:
    """gunicorn CPU per acknowledged request, in ms."""
    return cpu[result.name] * 1000 / max(result.requests, 1)


def print_quiz(quiz: dict) -> None:
    rounds = quiz["rounds"]
    saves, submits, cpu = sorted(rounds, key=lambda r: r[0].rps)[len(rounds) // 2]  # the median round
    print()
    print(
        f"Quiz: {quiz['learners']} learners at once, {quiz['questions']} single-choice questions each; "
        f"load: {quiz['processes']} processes x {quiz['threads']} threads, "
        + (
            f"saves offered at {quiz['rate']:.0f}/s on a fixed schedule (latency from when each was due); "
            if quiz.get("rate")
            else "one request each in flight; "
        )
        + f"{len(rounds)} rounds (fresh attempts each), median round by saves/s; "
        f"machine load average before: {quiz['load_average_before']}; "
        f"floor (/ping/, page load) in the same rounds: {quiz['floor_rps']:.0f} req/s (median)"
    )
    print(
        f"{'request':<14}{'count':>7}{'per s':>7}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}"
        f"{'vs floor':>9}{'gunicorn CPU ms':>17}"
    )
    for result in (saves, submits):
        print(
            f"{result.name:<14}{result.requests:>7}{result.rps:>7.0f}{result.median:>8.1f}"
            f"{result.percentile(95):>8.1f}{result.errors:>7}{result.rps / quiz['floor_rps']:>9.2f}"
            f"{cpu_ms(result, cpu):>17.2f}"
        )
    check = quiz["check"]
    print(f"database check: lost: {check['lost']}, duplicated: {check['duplicated']}")
    print("  " + json.dumps(check, ensure_ascii=False))


def quiz_failed(quiz: dict | None) -> bool:
    if quiz is None:
        return False
    check = quiz["check"]
    problems = {
        key: value
        for key, value in check.items()
        if key not in ("saves acknowledged", "answer rows", "attempts", "submit requests")
    }
    errors = sum(saves.errors + submits.errors for saves, submits, _cpu in quiz["rounds"])
    return errors > 0 or any(problems.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["pages", "quiz"], help="measure only the pages or only the quiz")
    parser.add_argument(
        "--wrk",
        action="store_true",
        help="the learner's pages as issue 19 measures them (2 sync workers, wrk)",
    )
    parser.add_argument("--strict", action="store_true", help="with --wrk: exit 1 when a target is missed")
    args = parser.parse_args(argv)
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_bench")
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    rounds_count = int(os.environ.get("BENCH_ROUNDS", "3"))
    processes = int(os.environ.get("BENCH_PROCESSES", "2"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    env = bench_env(database_url)
    prepare(env)
    if args.wrk:
        return run_wrk(env, seconds, rounds_count, args.strict)

    port, server_env, server = start_gunicorn(env)
    base = f"http://127.0.0.1:{port}"
    results: list[Result] = []
    weights: dict = {}
    quiz = None
    try:
        wait_until_up(base + "/ping/")
        if args.only != "quiz":
            results, weights = measure_pages(base, env, processes, threads, seconds, rounds_count)
        if args.only != "pages":  # after the pages: its bench course must not show in the catalogue
            floor_load = {"seconds": seconds, "processes": processes, "threads": threads}
            quiz = measure_quiz(port, env, rounds_count, server_cpu(server.pid), floor_load)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    if results:
        print_pages(results, weights, server_env, env, processes, threads, seconds, rounds_count)
    if quiz:
        print_quiz(quiz)
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {
        "results": [
            {"name": r.name, "rps": r.rps, "p50_ms": r.median, "p95_ms": r.percentile(95), "errors": r.errors}
            for r in results
        ],
        "page_weight": {name: weight.as_dict() for name, weight in weights.items()},
    }
    if quiz:
        summary["quiz"] = {key: value for key, value in quiz.items() if key != "rounds"} | {
            "rounds": [
                {
                    r.name: {
                        "count": r.requests,
                        "per_s": r.rps,
                        "p50_ms": r.median,
                        "p95_ms": r.percentile(95),
                        "errors": r.errors,
                        "server_cpu_ms": cpu_ms(r, cpu),
                    }
                    for r in (saves, submits)
                }
                for saves, submits, cpu in quiz["rounds"]
            ]
        }
    (ARTIFACTS / "bench.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    over_budget = any(weight.total > BUDGET for weight in weights.values())
    return 1 if any(r.errors for r in results) or quiz_failed(quiz) or over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
