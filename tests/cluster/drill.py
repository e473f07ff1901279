"""Fault drills on the cluster while the learner load runs, each checked, none needing a person.

    python -m tests.cluster.drill            # against `make cluster` (or one it starts), the long load
    python -m tests.cluster.drill --short    # make cluster-check: its own throwaway cluster, 20 users

a. publish: a lesson revised and published (Wagtail's own revision publish, run with the cluster's
   settings) — app server B, asked on its own port, must serve the new text within 2 s; then A too;
b. app server: `kill -9` app server A's whole process group; the supervisor starts it again (as systemd
   would); nginx routes around it meanwhile;
c. worker: reminders for DRILL_REMINDERS deliveries by text message (the SMS file backend), the worker
   killed with -9 while it sends them, started again, the queue drained: every one sent, none twice;
d. Redis: killed and started empty: a signed-in learner's session (cached_db) still reaches My learning,
   and a publish after it still reaches the other server within 2 s (the content generation rebuilds);
e. PostgreSQL: `pg_ctl restart -m fast`: the app recovers by itself.

They run in the order b, c, a, d, e, once the load's first sign-ins are over, with a pause between them.

Each drill's window (from breaking to answering again) goes to $CLUSTER_DIR/drills.jsonl. After the load:
tests/cluster/check_acks.py (zero lost, duplicated or cross-user), no failed request outside the windows
(tests/cluster/analysis.py, with its grace), and the error rate and p95 per step. Exit status 1 on any
failure.

Environment: LOAD_USERS, LOAD_RATE, LOAD_TIME (seconds) for the load; LOAD_THINK (think-time scale).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from tests.cluster import analysis
from tests.cluster.cluster import (
    PYTHON,
    ROOT,
    Cluster,
    as_postgres,
    cluster_dir,
    cluster_running,
    http_status,
    log,
    port_open,
    postgres_bin,
    postgres_stop_stale,
    read_state,
    stop_on_signals,
    wait_for,
)

PUBLISH_LIMIT = 2.0  # seconds for a publish on one server to show on the other (issue 19)
DRILL_MOBILE_PREFIX = "1390019"  # the drill's own recipients: 13900190000…


def fetch(url: str, cookie: str = "", timeout: float = 5) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "") or ""
    except OSError:
        return 0, ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Drills:
    def __init__(self, state: dict, short: bool):
        self.state = state
        self.dir = Path(state["dir"])
        self.short = short
        self.results: dict[str, dict] = {}
        self.failures: list[str] = []
        self.run = uuid.uuid4().hex[:6]

    # --- plumbing ------------------------------------------------------------------------------

    def refresh(self) -> dict:
        self.state = read_state(self.dir)
        return self.state

    def app_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.state['ports'][f'app_{name}']}"

    def window(self, drill: str, start: float, end: float, **extra) -> None:
        record = {"drill": drill, "start": round(start, 3), "end": round(end, 3), **extra}
        with (self.dir / "drills.jsonl").open("a") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def check(self, drill: str, ok: bool, message: str) -> None:
        log(f"drill {drill}: {'ok' if ok else 'FAILED'} — {message}")
        if not ok:
            self.failures.append(f"{drill}: {message}")

    def kill_group(self, part: str) -> int:
        pid = self.refresh()["pids"][part]
        os.killpg(pid, signal.SIGKILL)
        return pid

    def restarted(self, part: str, old_pid: int) -> bool:
        with contextlib.suppress(RuntimeError, ValueError):
            return self.refresh()["pids"].get(part) not in (None, old_pid)
        return False

    @staticmethod
    def db_reset() -> None:
        """This process's own database connections, after PostgreSQL restarted under them."""
        from django.db import connections

        for connection in connections.all():
            connection.close_if_unusable_or_obsolete()
            with contextlib.suppress(Exception):
                connection.close()

    # --- a. publish on A, visible on B ---------------------------------------------------------

    def publish(self, label: str) -> float:
        """Revise a lesson and publish the revision; returns the seconds until server B (then A) serves
        it on its own port. The lesson is the drill's own, in the seed's course no learner takes."""
        from courses.models import CoursePage, LessonPage
        from tests.cluster.seed import PUBLISH_COURSE_SLUG

        self.db_reset()
        course = CoursePage.objects.get(slug=PUBLISH_COURSE_SLUG)  # the seed's course nobody is assigned
        lesson = LessonPage.objects.child_of(course).filter(slug="cluster-drill").first()
        if lesson is None:
            lesson = LessonPage(
                title="演练：发布后每台服务器都可见",
                slug="cluster-drill",
                body=[("paragraph", "<p>第一版</p>")],
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        lesson = lesson.specific
        marker = f"drill-{label}-{uuid.uuid4().hex[:10]}"
        lesson.body = [("paragraph", f"<p>新版本 {marker}</p>")]
        revision = lesson.save_revision()
        revision.publish()
        published = time.time()
        path = lesson.get_url()
        seen, asked = {}, {}
        deadline = published + 15
        while len(seen) < 2 and time.time() < deadline:
            for name in ("b", "a"):
                if name not in seen:
                    sent = time.time()
                    status, body = fetch(self.app_url(name) + path)
                    if status == 200 and marker in body:
                        # Answered: the strict figure (it includes waiting behind the load's requests).
                        seen[name], asked[name] = time.time() - published, sent - published
            time.sleep(0.02)
        delay = seen.get("b", float("inf"))
        self.check(
            label,
            delay <= PUBLISH_LIMIT and "a" in seen,
            f"published at {path}; server B answered with it {delay:.2f} s after the publish (to a request "
            f"sent at {asked.get('b', float('inf')):.2f} s), server A {seen.get('a', float('inf')):.2f} s "
            f"(limit {PUBLISH_LIMIT:.0f} s)",
        )
        return delay

    def drill_publish(self) -> None:
        start = time.time()
        delay = self.publish("a-publish")
        self.results["a-publish"] = {"visible_on_b_s": round(delay, 3)}
        self.window("a-publish", start, start, visible_on_b_s=round(delay, 3), breaks_nothing=True)

    # --- b. kill -9 an app server --------------------------------------------------------------

    def drill_app_server(self) -> None:
        start = time.time()
        old = self.kill_group("app_a")
        wait_for(lambda: self.restarted("app_a", old), "app server A restarted by the supervisor", 30, 0.05)
        url = self.app_url("a") + "/ping/"
        wait_for(lambda: http_status(url) == 200, "app server A answering again", 60, 0.05)
        end = time.time()
        self.results["b-app-server"] = {"down_s": round(end - start, 2)}
        self.window("b-app-server", start, end)
        # What the learners saw meanwhile is the request log's to say (no failure outside the window).
        self.check(
            "b-app-server", True, f"killed A (pid group {old}); answering again {end - start:.1f} s later"
        )

    # --- c. kill -9 the worker while it sends ------------------------------------------------------

    def drill_worker(self) -> None:
        from django.utils import timezone

        from accounts.models import User
        from notifications import services, tasks
        from notifications.models import Delivery, Notification
        from notifications.selectors import ReminderDraft

        self.db_reset()
        count = 300 if self.short else 2000
        people = []
        for n in range(20):
            person, _ = User.objects.get_or_create(
                username=f"drill-sms-{n:02d}",
                defaults={"name": f"演练收信人{n:02d}", "mobile": f"{DRILL_MOBILE_PREFIX}{n:04d}"},
            )
            people.append(person)
        due = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
        tag = f"演练{self.run}#"
        drafts = [
            ReminderDraft(
                recipient_id=people[n % len(people)].pk,
                kind=Notification.Kind.DUE_SOON,
                dedupe_key=f"cluster-drill:{self.run}:{n}",
                params={"course": f"{tag}{n}", "due_on": due},
                link="/my/",
            )
            for n in range(count)
        ]
        services.notifications_create(drafts=drafts)
        ours = Delivery.objects.filter(notification__dedupe_key__startswith=f"cluster-drill:{self.run}:")
        owed = ours.count()
        outbox = Path(self.state["env"]["SMS_FILE_PATH"])
        pattern = re.compile(re.escape(tag) + r"(\d+)》")

        def sent_lines() -> list[int]:
            if not outbox.exists():
                return []
            return [int(m.group(1)) for m in pattern.finditer(outbox.read_text(encoding="utf-8"))]

        tasks.send_deliveries.enqueue()
        wait_for(
            lambda: len(sent_lines()) >= min(30, owed // 10), "the worker sending the reminders", 60, 0.01
        )
        # At a moment that has nothing to do with the sends (seeing a line written and killing at once
        # would aim at the instant after a send, before its record commits).
        time.sleep(random.uniform(0.05, 0.5))
        start = time.time()
        before = len(sent_lines())
        old = self.kill_group("worker")
        wait_for(lambda: self.restarted("worker", old), "worker restarted by the supervisor", 30, 0.05)
        back = time.time()
        stopped_at = len(sent_lines())
        # What the killed worker had in flight (stamped, not recorded): checked with the outbox by its key
        # on the next run instead of being sent again (notifications.deliveries).
        in_flight = ours.filter(state=Delivery.State.PENDING, sending_at__isnull=False).count()
        # The task the killed worker held is left "running" in the queue (django-tasks-db does not take
        # it back); the sending is exactly-once, so the scheduler's retry task (enqueue_daily_work
        # --deliveries, every few minutes on real servers) picks up the rest: enqueued here at once.
        tasks.send_deliveries.enqueue()
        wait_for(
            lambda: not ours.filter(state=Delivery.State.PENDING).exists(), "the queue drained", 120, 0.2
        )
        end = time.time()
        lines = sent_lines()
        per_reminder = Counter(lines)
        twice = sorted(n for n, times in per_reminder.items() if times > 1)
        missing = sorted(set(range(count)) - set(per_reminder))
        states = Counter(ours.values_list("state", flat=True))
        self.results["c-worker"] = {
            "reminders": count,
            "deliveries": owed,
            "sent_before_kill": before,
            "sent_when_killed": stopped_at,
            "in_flight_when_killed": in_flight,
            "worker_back_s": round(back - start, 2),
            "drained_s": round(end - start, 2),
            "outbox_lines": len(lines),
            "sent_twice": len(twice),
            "missing": len(missing),
        }
        self.window("c-worker", start, back)
        self.check(
            "c-worker",
            not twice and not missing and owed == count and states.get(Delivery.State.SENT) == count,
            f"{count} reminders; killed the worker after {stopped_at} were sent ({in_flight} in flight); "
            f"back in {back - start:.1f} s, all sent {end - start:.1f} s after the kill; "
            f"outbox lines {len(lines)}, twice {twice[:5]}, "
            f"missing {missing[:5]}, states {dict(states)}",
        )

    # --- d. Redis restarted empty -------------------------------------------------------------------

    def session_for(self, username: str) -> str:
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from accounts.models import User

        user = User.objects.get(username=username)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"sessionid={store.session_key}"

    @staticmethod
    def learner(last: bool):
        """A seeded learner (tests/cluster/seed.py: load-00001…), the drills' own signed-in person."""
        from accounts.models import User

        learners = User.objects.filter(username__regex=r"^load-[0-9]+$").order_by("pk")
        return learners.last() if last else learners.first()

    def my_learning(self, cookie: str, name: str) -> bool:
        """Signed in: My learning answers 200 (signed out, it redirects to the sign-in page). Whose page it
        is the load's own cross-user check looks after (tests/cluster/locustfile.py)."""
        status, _body = fetch(self.state["base_url"] + "/my/", cookie, timeout=10)
        return status == 200

    def drill_redis(self) -> None:

        self.db_reset()
        learner = self.learner(last=True)
        cookie = self.session_for(learner.username)
        before = self.my_learning(cookie, learner.name)
        start = time.time()
        old = self.kill_group("redis")
        redis_port = self.state["ports"]["redis"]
        wait_for(lambda: self.restarted("redis", old) and port_open(redis_port), "Redis restarted", 30, 0.05)
        wait_for(
            lambda: http_status(self.state["base_url"] + "/ping/") == 200, "the site after Redis", 60, 0.05
        )
        end = time.time()
        after = self.my_learning(cookie, learner.name)
        self.results["d-redis"] = {"down_s": round(end - start, 2)}
        self.window("d-redis", start, end)
        self.check(
            "d-redis",
            before and after,
            f"Redis killed and started empty; back in {end - start:.1f} s; {learner.username}'s session "
            f"reached My learning before: {before}, after: {after}",
        )
        delay = self.publish("d-redis-publish")
        self.results["d-redis"]["publish_after_s"] = round(delay, 3)

    # --- e. PostgreSQL restarted --------------------------------------------------------------------

    def drill_postgres(self) -> None:

        self.db_reset()
        learner = self.learner(last=False)
        cookie = self.session_for(learner.username)
        self.db_reset()
        start = time.time()
        pgdata = Path(self.state["pgdata"])
        # Without -o, pg_ctl restart starts the server with the options it ran with (postmaster.opts).
        command = [postgres_bin("pg_ctl"), "-D", str(pgdata), "-l", str(pgdata.parent / "postgres.log"),
                   "-w", "-t", "60", "-m", "fast", "restart"]  # fmt: skip
        subprocess.run(as_postgres(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        restarted = time.time()
        wait_for(
            lambda: self.my_learning(cookie, learner.name), "My learning after PostgreSQL restarted", 60, 0.05
        )
        end = time.time()
        self.db_reset()
        self.results["e-postgres"] = {
            "restart_s": round(restarted - start, 2),
            "recovered_s": round(end - start, 2),
        }
        self.window("e-postgres", start, end)
        self.check(
            "e-postgres",
            True,
            f"pg_ctl restart -m fast took {restarted - start:.1f} s; My learning answered "
            f"{end - start:.1f} s after the restart began",
        )


def django_setup(state: dict) -> None:
    os.environ.update(state["env"])
    import django

    django.setup()


def locust_start(state: dict, users: int, rate: float, seconds: int, think: str) -> subprocess.Popen:
    directory = Path(state["dir"])
    env = {**os.environ, **state["env"], "LOAD_THINK": think, "CLUSTER_DIR": str(directory)}
    locust = shutil.which("locust", path=str(Path(PYTHON).parent)) or "locust"
    command = [
        locust, "-f", "tests/cluster/locustfile.py", "--headless", "-u", str(users), "-r", str(rate),
        "-t", f"{seconds}s", "--host", state["base_url"], "--csv", str(directory / "locust"),
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]  # fmt: skip
    log(f"load: {users} users, {rate}/s ramp, {seconds} s: {' '.join(command[1:])}")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=(directory / "logs" / "locust.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def clear_run_files(directory: Path) -> None:
    for pattern in ("requests*.jsonl", "drills.jsonl", "locust_*.csv", "acks/*.jsonl"):
        for path in directory.glob(pattern):
            path.unlink()


def check_acks(state: dict) -> dict:
    env = {**os.environ, **state["env"]}
    result = subprocess.run(
        [PYTHON, "-m", "tests.cluster.check_acks"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr[-3000:])
    try:
        summary = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        summary = {"error": "no JSON from check_acks"}
    summary["exit_code"] = result.returncode
    return summary


def report(state: dict, drills: Drills, acks: dict) -> tuple[list[str], dict]:
    directory = Path(state["dir"])
    records = analysis.read_jsonl(sorted(directory.glob("requests*.jsonl")))
    windows = (
        analysis.read_jsonl([directory / "drills.jsonl"]) if (directory / "drills.jsonl").exists() else []
    )
    outside = analysis.failures_outside(records, windows)
    stats = analysis.step_stats(records)
    access = directory / "logs" / "nginx-access.jsonl"
    spread = analysis.upstream_spread(analysis.read_jsonl([access])) if access.exists() else {}
    print()
    print(analysis.format_stats(stats))
    print()
    print(f"requests passed by nginx to each app server: {spread}")
    print(f"failed requests in each drill window (+{analysis.GRACE_SECONDS:.0f} s): "
          f"{analysis.failures_by_drill(records, windows)}")  # fmt: skip
    print(f"drills: {json.dumps(drills.results, ensure_ascii=False)}")
    problems = list(drills.failures)
    if not records:
        problems.append("the load logged no requests")
    if outside:
        sample = [f"{r['step']} {r['status']} at {r['t']}" for r in outside[:5]]
        problems.append(f"{len(outside)} failed requests outside the drill windows: {sample}")
    for key in ("lost", "duplicates", "cross_user"):
        if acks.get(key, 1):
            problems.append(f"check_acks: {key} = {acks.get(key)}")
    if acks.get("exit_code"):
        problems.append(f"check_acks exited {acks['exit_code']}")
    apps = [f"127.0.0.1:{state['ports'][f'app_{name}']}" for name in ("a", "b")]
    if any(spread.get(app, 0) == 0 for app in apps):
        problems.append(f"nginx did not spread the load over both app servers: {spread}")
    summary = {
        "steps": stats,
        "drills": drills.results,
        "acks": acks,
        "outside_windows": len(outside),
        "spread": spread,
        "grace_s": analysis.GRACE_SECONDS,
    }
    (directory / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return problems, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="CI: own throwaway cluster, 20 users, ≤ 3 min")
    args = parser.parse_args(argv)
    started = time.monotonic()
    users = int(os.environ.get("LOAD_USERS", "20" if args.short else "200"))
    rate = float(os.environ.get("LOAD_RATE", "10" if args.short else "5"))
    seconds = int(os.environ.get("LOAD_TIME", "75" if args.short else "300"))
    # CI's load keeps the two app servers busy without queueing every request behind the others
    # (think time x0.5): the publish drill's 2 s must measure the servers, not the queue.
    think = os.environ.get("LOAD_THINK", "0.5" if args.short else "1")
    pause = 4 if args.short else 30  # between drills: stretches where nothing may fail
    stop_on_signals()
    cluster = None
    if args.short:
        directory = cluster_dir("var/cluster-check")
        # The last run's logs are kept one run longer, beside the fresh one.
        previous = directory.with_name(directory.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if directory.exists():
            postgres_stop_stale(directory / "postgres" / "data")
            directory.rename(previous)
        cluster = Cluster(directory, throwaway=True, learners=max(users * 2, 60))
    else:
        directory = cluster_dir()
        if not cluster_running(directory):
            cluster = Cluster(directory, learners=max(users * 2, 200))
    locust = None
    try:
        if cluster is not None:
            cluster.start()
        state = read_state(directory)
        django_setup(state)
        clear_run_files(directory)
        drills = Drills(state, args.short)
        locust = locust_start(state, users, rate, seconds, think)
        load_started = time.monotonic()
        # Past the first sign-ins (password hashing keeps both cores busy for the first seconds): the
        # publish drill measures how fast a publish spreads, not a queue of sign-ins.
        time.sleep(12 if args.short else 60)
        for drill in (drills.drill_app_server, drills.drill_worker, drills.drill_publish, drills.drill_redis,
                      drills.drill_postgres):  # fmt: skip
            try:
                drill()
            except Exception as exc:
                drills.check(drill.__name__.removeprefix("drill_"), False, f"{type(exc).__name__}: {exc}")
            time.sleep(pause)
        log(f"drills done {time.monotonic() - load_started:.0f} s into the load; waiting for it to end")
        code = locust.wait(timeout=seconds + 120)
        log(f"load ended ({code})")
        acks = check_acks(state)
        problems, _summary = report(state, drills, acks)
    finally:
        if locust is not None and locust.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(locust.pid, signal.SIGKILL)
        if cluster is not None:
            cluster.stop()
    print()
    if problems:
        print("CLUSTER CHECK FAILED:")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print("CLUSTER CHECK PASSED: no acknowledged write lost or doubled, no page of another learner, "
              "no failure outside the drill windows, every drill within its limits.")  # fmt: skip
    print(f"wall time {time.monotonic() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
