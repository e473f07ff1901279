"""`make load`: the Locust learner load (tests/cluster/locustfile.py) against the cluster, then the
latency and errors per step, and the acknowledged writes checked in the database.

Against the cluster `make cluster` runs (var/cluster/state.json); with none running, it starts one for
the run and stops it after. LOAD_HOST points it at another site instead: then CLUSTER_DIR must hold the
people.json that tests.cluster.seed wrote for that site's database, and the database check is skipped
unless DATABASE_URL is set.

Environment: LOAD_USERS (200), LOAD_RATE (users started per second, 5), LOAD_TIME (seconds, 300),
LOAD_THINK (think-time scale, 1 = a person reading), LOAD_HOST, CLUSTER_DIR.
"""

from __future__ import annotations

import os
import sys
import time

from tests.cluster import analysis
from tests.cluster.cluster import Cluster, cluster_dir, cluster_running, log, read_state, stop_on_signals
from tests.cluster.drill import check_acks, clear_run_files, locust_start


def main() -> int:
    users = int(os.environ.get("LOAD_USERS", "200"))
    rate = float(os.environ.get("LOAD_RATE", "5"))
    seconds = int(os.environ.get("LOAD_TIME", "300"))
    think = os.environ.get("LOAD_THINK", "1")
    stop_on_signals()
    directory = cluster_dir()
    cluster = None
    if os.environ.get("LOAD_HOST"):
        if not (directory / "people.json").exists():
            missing = f"LOAD_HOST is set but {directory}/people.json is missing"
            print(f"{missing}: run tests.cluster.seed for that site with CLUSTER_DIR set.", file=sys.stderr)
            return 2
        state = {"dir": str(directory), "base_url": os.environ["LOAD_HOST"].rstrip("/"), "env": {}}
        if os.environ.get("DATABASE_URL"):
            state["env"] = {"DATABASE_URL": os.environ["DATABASE_URL"]}
    elif cluster_running(directory):
        state = read_state(directory)
    else:
        log("no cluster running: starting one for this load")
        cluster = Cluster(directory, learners=max(users * 2, 200))
    locust = None
    try:
        if cluster is not None:
            cluster.start()
            state = read_state(directory)
        (directory / "logs").mkdir(parents=True, exist_ok=True)
        clear_run_files(directory)
        started = time.monotonic()
        locust = locust_start(state, users, rate, seconds, think)
        code = locust.wait()
        log(f"load ended after {time.monotonic() - started:.0f} s (locust exit {code})")
        records = analysis.read_jsonl(sorted(directory.glob("requests*.jsonl")))
        stats = analysis.step_stats(records)
        print()
        print(
            f"{users} users (started {rate:g}/s) for {seconds} s, think x{think}, against {state['base_url']}"
        )
        print(analysis.format_stats(stats))
        access = directory / "logs" / "nginx-access.jsonl"
        if access.exists() and not os.environ.get("LOAD_HOST"):
            print(f"requests passed by nginx to each app server: "
                  f"{analysis.upstream_spread(analysis.read_jsonl([access]))}")  # fmt: skip
        acks = check_acks(state) if state["env"].get("DATABASE_URL") else {}
    finally:
        if locust is not None and locust.poll() is None:
            locust.terminate()
        if cluster is not None:
            cluster.stop()
    failed = any(acks.get(key) for key in ("lost", "duplicates", "cross_user")) or acks.get("exit_code")
    return 1 if failed or not records else 0


if __name__ == "__main__":
    sys.exit(main())
