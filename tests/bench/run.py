"""`make bench`: serve the site with gunicorn (production settings) on PostgreSQL and measure
requests/second and p95 latency per page, each next to the floor (a Django view with the
full middleware stack and no database) served by the same server. Not part of the test suite.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/frontline_bench),
REDIS_URL (used when set), BENCH_SECONDS (default 10), BENCH_PROCESSES / BENCH_THREADS (load).
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


def page_weight(base: str, path: str) -> dict:
    """HTML (gzip, as the proxy would send it) + linked CSS and JS as served compressed."""
    html, _headers = fetch(base + path)
    weight = {"html": len(gzip.compress(html, 6))}
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="([^"]+)"', html)
    for asset in assets:
        url = asset.decode()
        body, headers = fetch(base + url, {"Accept-Encoding": "gzip"})
        weight[url] = len(body) if headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body, 6))
    weight["total"] = sum(value for key, value in weight.items() if key != "total")
    return weight


def scenarios(base: str) -> list[tuple[str, str]]:
    """Pages to measure: found from the demo site so paths never go stale."""
    html, _ = fetch(base + "/courses/")
    course = re.search(rb'class="card__link" href="([^"]+)"', html).group(1).decode()
    course_html, _ = fetch(base + course)
    lesson = re.search(rb'class="outline__link" href="([^"]+)"', course_html).group(1).decode()
    css = re.search(rb'href="(/static/css/site[^"]*\.css)"', course_html).group(1).decode()
    return [
        ("floor (/ping/)", "/ping/"),
        ("static file (site.css)", css),
        ("course page", course),
        ("lesson page", lesson),
        ("course catalogue", "/courses/"),
        ("search", "/search/?q=%E7%99%BB%E8%AE%B0"),
    ]


def main() -> int:
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_bench")
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    processes = int(os.environ.get("BENCH_PROCESSES", "2"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    env = bench_env(database_url)
    ensure_database(database_url)
    print("Preparing: migrate, demo curriculum, collectstatic…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--clear")

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
        pages = scenarios(base)
        for _name, path in pages:  # warm renditions, caches and every worker
            for _ in range(20):
                fetch(base + path)
        for name, path in pages:
            result = hammer(name, base + path, seconds=seconds, processes=processes, threads=threads)
            results.append(result)
            print(f"  measured {name}: {result.rps:.0f} req/s", flush=True)
        weights = {path: page_weight(base, path) for name, path in pages if "page" in name}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    floor = results[0].rps
    print()
    print(
        f"gunicorn {server_env.get('WEB_CONCURRENCY', os.cpu_count() * 2)} workers x 2 threads (gthread), "
        f"PostgreSQL, Redis {'on' if env.get('REDIS_URL') else 'off'}; "
        f"load: {processes} processes x {threads} connections, {seconds:.0f} s per page, "
        f"on the same {os.cpu_count()}-core machine"
    )
    print(f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs floor':>10}")
    for result in results:
        print(
            f"{result.name:<26}{result.rps:>9.0f}{result.median:>9.1f}{result.percentile(95):>9.1f}"
            f"{result.errors:>8}{result.rps / floor:>10.2f}"
        )
    print()
    for path, weight in weights.items():
        print(f"page weight {path}: {weight['total'] / 1024:.1f} KB compressed ({json.dumps(weight)})")
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
