"""SCORM runtime commits per second: many learners' runtimes committing through the whole Django stack
(middleware, session, CSRF check, view, the conditional UPDATE), on a test database of its own.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m tests.bench.scorm
    (add DATABASE_URL=postgres://… REDIS_URL=redis://… for PostgreSQL and Redis)

With BENCH_SCORM_SERVER=gunicorn: served by gunicorn with the production settings and
config/gunicorn.conf.py (2 workers x 2 threads unless WEB_CONCURRENCY / GUNICORN_THREADS say otherwise)
on PostgreSQL (BENCH_DATABASE_URL, default the database frontline_bench_scorm, made and migrated if need
be) and Redis (REDIS_URL, default db 2), each learner's runtime a thread here with a keep-alive connection:

    REDIS_URL=redis://127.0.0.1:6379/2 BENCH_SCORM_SERVER=gunicorn .venv/bin/python -m tests.bench.scorm

Bodies are URL-encoded as the runtime sends them (BENCH_SCORM_BODY=multipart: as FormData).
Prints one JSON line: commits, seconds, commits per second, and how many were stored. Environment:
BENCH_SCORM_LEARNERS (default 20), BENCH_SCORM_COMMITS (per learner, default 100), BENCH_SCORM_PROCESSES
(default 1: one process sends every commit in turn; 2 or more: that many processes, as app server workers,
each with its share of the learners, timed from the first commit to the last).
"""

import json
import multiprocessing
import os
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.conf import settings
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment, teardown_test_environment

    # A test database of its own: other test runs on the same server use the default name.
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_scorm_bench"
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        print(
            json.dumps(
                run(
                    int(os.environ.get("BENCH_SCORM_LEARNERS", 20)),
                    int(os.environ.get("BENCH_SCORM_COMMITS", 100)),
                    int(os.environ.get("BENCH_SCORM_PROCESSES", 1)),
                )
            )
        )
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


_CLIENTS: list = []


def _send_share(indexes: list[int], commits: int) -> tuple[int, float]:
    return _send([_CLIENTS[n] for n in indexes], commits)


def _send(clients, commits: int) -> tuple[int, float]:
    """Every client's commits, in turn; (commits sent, this process's CPU seconds)."""
    cpu_start = time.process_time()
    suspend = "x" * 2000  # a typical authoring tool's suspend data
    sent = 0
    for step in range(1, commits + 1):
        for client, token, url in clients:
            data = {
                "cmi.location": f"slide-{step}",
                "cmi.suspend_data": suspend,
                "cmi.completion_status": "incomplete",
                "cmi.score.scaled": "0.5",
                "cmi.session_time": f"PT{step}S",
            }
            body = {"seq": step, "data": data, "total_seconds": step}
            body, content_type = _encode({"csrfmiddlewaretoken": token, "state": json.dumps(body)})
            response = client.post(url, body, content_type=content_type)
            assert response.status_code == 200 and response.json()["saved"], response.content
            sent += 1
    return sent, time.process_time() - cpu_start


def run(learners: int, commits: int, processes: int = 1) -> dict:
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client

    from scorm.models import ScormAttempt
    from scorm.tests.packages import make_scorm_lesson
    from tests.factories import make_course, make_course_index, make_user

    index = make_course_index()
    course = make_course("压测 SCORM", index=index, slug="bench-scorm")
    lesson = make_scorm_lesson(course, "2004", slug="bench-sco")
    clients = []
    for n in range(learners):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_user(f"bench-scorm-{n}"))
        token = "b" * 32  # a returning browser's CSRF cookie; the form sends the same secret back
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        state = client.post(f"/scorm/{lesson.pk}/attempt/", {"csrfmiddlewaretoken": token}).json()
        clients.append((client, token, state["commit_url"]))
    connections.close_all()  # each process opens its own
    if processes <= 1:
        start, cpu_start = time.perf_counter(), time.process_time()
        sent, _ = _send(clients, commits)
        cpu = time.process_time() - cpu_start
    else:
        # Forked workers share nothing of an in-memory SQLite database: PostgreSQL only.
        assert connection.vendor == "postgresql", "BENCH_SCORM_PROCESSES > 1 needs DATABASE_URL (PostgreSQL)"
        _CLIENTS[:] = clients  # inherited by the forked workers (test clients do not pickle)
        shares = [list(range(n, len(clients), processes)) for n in range(processes)]
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            start = time.perf_counter()
            results = pool.starmap(_send_share, [(share, commits) for share in shares])
        sent, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    seconds = time.perf_counter() - start
    stored = ScormAttempt.objects.filter(item_id=lesson.pk, seq=commits).count()
    return {
        "database": connection.vendor,
        "processes": processes,
        "learners": learners,
        "commits": sent,
        "seconds": round(seconds, 2),
        "commits_per_second": round(sent / seconds, 1),
        # The app server's own CPU time per commit (the database server's not counted on PostgreSQL):
        # what one core does unloaded, whatever else shares the machine.
        "app_cpu_ms_per_commit": round(cpu / sent * 1000, 2),
        "commits_per_app_cpu_second": round(sent / cpu, 1),
        "load_average": os.getloadavg()[0],
        "attempts_at_last_commit": stored,
    }


# --- Served by gunicorn (BENCH_SCORM_SERVER=gunicorn) ------------------------------------------------


def setup_server() -> None:
    """In the bench environment (manage.py shell): the bench lesson (made once), its learners with a
    signed-in session each and a fresh attempt each; prints JSON [[session key, commit URL], …] last."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.urls import reverse

    from courses.models import CoursePage
    from scorm import services
    from scorm.models import ScormAttempt, ScormPage
    from scorm.tests.packages import make_scorm_lesson
    from tests.factories import make_course, make_course_index, make_user

    learners = int(os.environ.get("BENCH_SCORM_LEARNERS", 20))
    course = CoursePage.objects.filter(slug="bench-scorm").first() or make_course(
        "压测 SCORM", index=make_course_index(), slug="bench-scorm"
    )
    lesson = ScormPage.objects.filter(slug="bench-sco").first() or make_scorm_lesson(
        course, "2004", slug="bench-sco"
    )
    lesson = ScormPage.objects.select_related("package").get(pk=lesson.pk)
    out = []
    for n in range(learners):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=f"bench-scorm-{n}").first() or make_user(
            f"bench-scorm-{n}"
        )
        ScormAttempt.objects.filter(learner=user, item_id=lesson.pk).delete()  # each run starts at seq 0
        attempt = services.attempt_open(learner=user, item=lesson, course=course)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        out.append([store.session_key, reverse("scorm:commit", args=(attempt.uuid,))])
    print(json.dumps({"item": lesson.pk, "learners": out}))


def _encode(fields: dict) -> tuple[bytes, str]:
    """The form as the runtime sends it: URL-encoded (URLSearchParams), or with BENCH_SCORM_BODY=multipart
    as FormData did before (and pages loaded before a release still do)."""
    if os.environ.get("BENCH_SCORM_BODY", "urlencoded") == "multipart":
        return _multipart(fields)
    from urllib.parse import urlencode

    return urlencode(fields).encode(), "application/x-www-form-urlencoded;charset=UTF-8"


def _multipart(fields: dict) -> tuple[bytes, str]:
    """A body as a browser's FormData sends it."""
    boundary = "----benchscorm7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _learner_commits(port: int, session_key: str, url: str, commits: int) -> int:
    """One learner's runtime: its commits in turn on one keep-alive connection; how many were saved."""
    import http.client

    token = "b" * 32
    suspend = "x" * 2000
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Cookie": f"sessionid={session_key}; csrftoken={token}",
        "Origin": f"http://127.0.0.1:{port}",
        "X-Requested-With": "fetch",
    }
    saved = 0
    for step in range(1, commits + 1):
        data = {
            "cmi.location": f"slide-{step}",
            "cmi.suspend_data": suspend,
            "cmi.completion_status": "incomplete",
            "cmi.score.scaled": "0.5",
            "cmi.session_time": f"PT{step}S",
        }
        body, content_type = _encode(
            {
                "csrfmiddlewaretoken": token,
                "state": json.dumps({"seq": step, "data": data, "total_seconds": step}),
            }
        )
        connection.request("POST", url, body=body, headers=dict(headers, **{"Content-Type": content_type}))
        response = connection.getresponse()
        payload = response.read()
        assert response.status == 200 and json.loads(payload)["saved"], (response.status, payload[:300])
        saved += 1
    connection.close()
    return saved


def run_server() -> dict:
    """gunicorn with the production settings (tests.bench.run's environment) on PostgreSQL + Redis; every
    learner's runtime a thread of this process with its own keep-alive connection."""
    import signal
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    import psycopg

    from tests.bench import run as bench

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontline_bench_scorm"
    )
    commits = int(os.environ.get("BENCH_SCORM_COMMITS", 100))
    env = bench.bench_env(database_url)
    env.setdefault("WEB_CONCURRENCY", "2")
    env.setdefault("GUNICORN_THREADS", "2")
    if "REDIS_URL" not in env:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/2"
    bench.ensure_database(database_url)
    bench.manage(env, "migrate", "--noinput")
    setup = subprocess.run(
        [
            bench.PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from tests.bench.scorm import setup_server; setup_server()",
        ],
        cwd=bench.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    prepared = json.loads(setup.stdout.strip().splitlines()[-1])
    port, server_env, server = bench.start_gunicorn(env)
    try:
        bench.wait_until_up(f"http://127.0.0.1:{port}/ping/")
        cpu = bench.server_cpu(server.pid)
        load_before = os.getloadavg()[0]
        cpu_start, start = cpu(), time.perf_counter()
        with ThreadPoolExecutor(len(prepared["learners"])) as pool:
            sent = sum(
                pool.map(
                    lambda learner: _learner_commits(port, learner[0], learner[1], commits),
                    prepared["learners"],
                )
            )
        seconds = time.perf_counter() - start
        server_seconds = cpu() - cpu_start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM scorm_scormattempt WHERE item_id = %s AND seq = %s",
            (prepared["item"], commits),
        ).fetchone()[0]
    return {
        "workers": int(server_env["WEB_CONCURRENCY"]),
        "threads": int(server_env["GUNICORN_THREADS"]),
        "database": "postgresql",
        "learners": len(prepared["learners"]),
        "commits": sent,
        "seconds": round(seconds, 2),
        "commits_per_second": round(sent / seconds, 1),
        # gunicorn's own CPU (master and workers; PostgreSQL's and Redis's not counted).
        "server_cpu_ms_per_commit": round(server_seconds / sent * 1000, 2),
        "commits_per_server_cpu_second": round(sent / server_seconds, 1) if server_seconds else None,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg()[0],
        "attempts_at_last_commit": stored,
    }


if __name__ == "__main__":
    if os.environ.get("BENCH_SCORM_SERVER") == "gunicorn":
        print(json.dumps(run_server()))
    else:
        main()
