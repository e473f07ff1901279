"""SCORM runtime commits per second: many learners' runtimes committing through the whole Django stack
(middleware, session, CSRF check, view, the conditional UPDATE), on a test database of its own.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m tests.bench.scorm
    (add DATABASE_URL=postgres://… REDIS_URL=redis://… for PostgreSQL and Redis)

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
            response = client.post(url, {"csrfmiddlewaretoken": token, "state": json.dumps(body)})
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


if __name__ == "__main__":
    main()
