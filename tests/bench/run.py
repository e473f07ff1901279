"""`make bench`: serve the site with gunicorn (production settings) on PostgreSQL and measure
requests/second and p95 latency per page, each next to the floor (a Django view with the
full middleware stack and no database) served by the same server. Not part of the test suite.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/frontline_bench),
REDIS_URL (default: a local Redis when one answers), BENCH_SECONDS per page per round (default 5),
BENCH_ROUNDS (default 3), BENCH_PROCESSES / BENCH_THREADS (load).
"""

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
import urllib.request
from pathlib import Path

from tests.bench.load import Result, hammer

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


def page_weight(base: str, path: str, headers=None) -> dict:
    """HTML (gzip, as the proxy would send it) + linked CSS and JS as served compressed."""
    html, _headers = fetch(base + path, headers)
    weight = {"html": len(gzip.compress(html, 6))}
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    for asset in assets:
        url = asset.decode()
        body, headers = fetch(base + url, {"Accept-Encoding": "gzip"})
        weight[url] = len(body) if headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body, 6))
    weight["total"] = sum(value for key, value in weight.items() if key != "total")
    return weight


def learner_session(env) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from tests.bench.session import main; main()"],
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
    signed_in = {"Cookie": f"{csrf}; sessionid={session_key}"}
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


def main() -> int:
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_bench")
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    rounds_count = int(os.environ.get("BENCH_ROUNDS", "3"))
    processes = int(os.environ.get("BENCH_PROCESSES", "2"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    env = bench_env(database_url)
    if "REDIS_URL" not in os.environ and redis_reachable():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/2"  # as in production: shared cache and sessions
    ensure_database(database_url)
    print("Preparing: migrate, demo curriculum, collectstatic…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--clear")
    session_key = learner_session(env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    results: list[Result] = []
    try:
        wait_until_up(base + "/ping/")
        pages = scenarios(base, session_key)
        for _name, path, headers in pages:  # warm renditions, caches and every worker
            for _ in range(20):
                fetch(base + path, headers)
        for name, path, headers in pages:
            result = hammer(
                name,
                base + path,
                seconds=seconds,
                processes=processes,
                threads=threads,
                headers=headers,
            )
            results.append(result)
            print(f"  measured {name}: {result.rps:.0f} req/s", flush=True)
        weights = {
            name: page_weight(base, path, headers) for name, path, headers in pages if name.endswith("page")
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

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
    for name, weight in weights.items():
        print(f"page weight, {name}: {weight['total'] / 1024:.1f} KB compressed ({json.dumps(weight)})")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench.json").write_text(
        json.dumps(
            {
                "results": [
                    {
                        "name": r.name,
                        "rps": r.rps,
                        "p50_ms": r.median,
                        "p95_ms": r.percentile(95),
                        "errors": r.errors,
                    }
                    for r in results
                ],
                "page_weight": weights,
            },
            indent=2,
        )
    )
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
