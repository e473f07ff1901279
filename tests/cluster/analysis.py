"""After a cluster run: what the request log and the drill windows say (pure functions, no I/O but reading).

* Every response the load got is a record ``{t, step, status, ms}`` (tests/cluster/journeys.py writes
  them to ``$CLUSTER_DIR/requests-*.jsonl``); status 0 is no answer at all (refused, reset, timed out).
* Every drill is a window ``{drill, start, end}`` in ``$CLUSTER_DIR/drills.jsonl`` (tests/cluster/drill.py):
  from the moment it breaks something until the part is back and answering.
* A failed request (5xx or no answer) is allowed inside a window and for GRACE_SECONDS after its end:
  requests that were in flight when the part died (up to the client's timeout), and nginx's own pause
  on a server it saw fail (fail_timeout=5s in deploy/nginx/frontline-academy.conf.in: a GET is then
  retried on the other server, but a POST that reached the dead one is not). Outside those, none.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# Seconds after a drill window's end in which failures still count as the drill's: nginx's fail_timeout
# (5 s) for the server it saw fail, plus one second for a request that left just before the window
# closed and was answered after it.
GRACE_SECONDS = 6.0


def failed(status: int) -> bool:
    return status == 0 or status >= 500


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method (p95 of 20 values is the 19th smallest); 0 if none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return float(ordered[rank - 1])


def read_jsonl(paths: Iterable[Path]) -> list[dict]:
    """Every complete JSON line of these files (a line cut short by a crash is skipped)."""
    records = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    return records


def in_window(t: float, windows: list[dict], grace: float) -> dict | None:
    """The drill window (with its grace) that holds time t. A drill that breaks nothing (the publish)
    logs its moment too, but excuses no failure."""
    for window in windows:
        if window.get("breaks_nothing"):
            continue
        if window["start"] <= t <= window["end"] + grace:
            return window
    return None


def failures_outside(records: list[dict], windows: list[dict], grace: float = GRACE_SECONDS) -> list[dict]:
    """The failed requests that no drill window (with its grace) explains."""
    return [r for r in records if failed(r["status"]) and in_window(r["t"], windows, grace) is None]


def failures_by_drill(
    records: list[dict], windows: list[dict], grace: float = GRACE_SECONDS
) -> dict[str, int]:
    counts: dict[str, int] = {window["drill"]: 0 for window in windows if not window.get("breaks_nothing")}
    for record in records:
        if failed(record["status"]):
            window = in_window(record["t"], windows, grace)
            if window is not None:
                counts[window["drill"]] += 1
    return counts


def step_stats(records: list[dict]) -> dict[str, dict]:
    """Per step: requests, failures, error rate, p50 and p95 latency (ms, over every response)."""
    by_step: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_step[record["step"]].append(record)
    stats = {}
    for step, found in sorted(by_step.items()):
        errors = sum(1 for r in found if failed(r["status"]))
        times = [r["ms"] for r in found]
        stats[step] = {
            "requests": len(found),
            "errors": errors,
            "error_rate": errors / len(found),
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
        }
    return stats


def format_stats(stats: dict[str, dict]) -> str:
    lines = [f"{'step':<34}{'requests':>9}{'errors':>8}{'error %':>9}{'p50 ms':>9}{'p95 ms':>9}"]
    total = sum(s["requests"] for s in stats.values())
    errors = sum(s["errors"] for s in stats.values())
    for step, s in stats.items():
        lines.append(
            f"{step:<34}{s['requests']:>9}{s['errors']:>8}{s['error_rate'] * 100:>9.2f}"
            f"{s['p50_ms']:>9.0f}{s['p95_ms']:>9.0f}"
        )
    if total:
        lines.append(f"{'all steps':<34}{total:>9}{errors:>8}{errors / total * 100:>9.2f}")
    return "\n".join(lines)


def upstream_spread(access_log: list[dict]) -> dict[str, int]:
    """Requests nginx passed to each app server (the last address tried, as nginx logs "a, b")."""
    spread: dict[str, int] = defaultdict(int)
    for record in access_log:
        upstream = (record.get("upstream") or "").split(",")[-1].strip()
        if upstream:
            spread[upstream] += 1
    return dict(spread)
