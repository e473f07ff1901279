"""`make bench` pages as issue 19 measures them: gunicorn with 2 sync workers (production settings,
PostgreSQL, Redis), each page hammered by ``wrk -t1 -c8`` in the same run as the floor (``/ping/``),
rounds interleaved, the median round per page; then a PASS/FAIL line per target ratio to the floor.

wrk comes from Debian (scripts/ensure_wrk.sh installs it). Machine noise moves these ratios, so a miss
fails the command only with ``--strict``."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

# Issue 19: each page's requests/second as a share of the floor's, measured in the same run.
TARGETS = {
    "signed-in lesson page": 0.5,
    "signed-in course page": 0.33,
    "signed-in My learning": 0.33,
    "course catalogue": 0.33,
    "signed-in course catalogue": 0.33,
    "quiz question page": 0.33,
}
WORKERS = 2
THREADS, CONNECTIONS = 1, 8

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class WrkResult:
    name: str
    rps: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    p50_ms: float
    p99_ms: float
    vs_floor: float = 0.0  # requests/second over the floor's in the run just before (measure)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def parse(name: str, output: str) -> WrkResult:
    """What wrk --latency printed, read."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if found:
        errors += int(found.group(1))
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if found:
        errors += sum(int(n) for n in found.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    return WrkResult(
        name, rps, requests, errors, _ms(p50.group(1)) if p50 else 0.0, _ms(p99.group(1)) if p99 else 0.0
    )


def wrk(name: str, url: str, headers: dict, seconds: float) -> WrkResult:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds:g}s",
        "--latency",
    ]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    return parse(name, output)


def ensure_wrk(root) -> None:
    if shutil.which("wrk"):
        return
    subprocess.run(["bash", str(root / "scripts" / "ensure_wrk.sh")], check=True)
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk (scripts/ensure_wrk.sh)")


def measure(pages, base: str, seconds: float, rounds_count: int, warm) -> list[WrkResult]:
    """Each page right after its own floor run, in every round (the floor first in ``pages``): on a
    machine others share, the floor moves by 2-3x within a minute, and a page is compared with the floor
    of the same moment. A page's figure is its median round by ratio; ``vs_floor`` is that ratio, and
    the floor's row is the median of all its runs."""
    for _name, path, headers in pages:
        warm(base + path, headers)
    floor_name, floor_path, floor_headers = pages[0]
    floors: list[WrkResult] = []
    rounds: dict[str, list[WrkResult]] = {name: [] for name, _path, _headers in pages[1:]}
    for number in range(1, rounds_count + 1):  # interleaved, so a slow spell hits every page alike
        for name, path, headers in pages[1:]:
            floor = wrk(floor_name, base + floor_path, floor_headers, seconds)
            result = wrk(name, base + path, headers, seconds)
            result.vs_floor = result.rps / floor.rps if floor.rps else 0.0
            floors.append(floor)
            rounds[name].append(result)
            print(
                f"  round {number}, {name}: {result.rps:.0f} req/s, floor just before {floor.rps:.0f}: "
                f"{result.vs_floor:.3f}",
                flush=True,
            )
    floor = sorted(floors, key=lambda r: r.rps)[len(floors) // 2]
    floor.vs_floor = 1.0
    return [floor] + [sorted(found, key=lambda r: r.vs_floor)[len(found) // 2] for found in rounds.values()]


def verdicts(results: list[WrkResult]) -> list[tuple[str, float, float, bool]]:
    """(page, ratio to the floor, target, met) for every page with a target."""
    return [
        (r.name, r.vs_floor, TARGETS[r.name], r.vs_floor >= TARGETS[r.name])
        for r in results
        if r.name in TARGETS
    ]


def report(results: list[WrkResult], seconds: float, rounds_count: int, redis: bool) -> list:
    print()
    print(
        f"gunicorn {WORKERS} sync workers, production settings, PostgreSQL, "
        f"Redis {'on' if redis else 'off'}; "
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{seconds:g}s per page, each right after a floor run, "
        f"{rounds_count} interleaved rounds (median round by ratio), "
        f"on the same {os.cpu_count()}-core machine, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'page':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs floor':>10}")
    for r in results:
        print(f"{r.name:<28}{r.rps:>9.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}{r.vs_floor:>10.3f}")
    print()
    found = verdicts(results)
    for name, ratio, target, met in found:
        print(f"{'PASS' if met else 'FAIL'}  {name}: {ratio:.3f} of the floor (target ≥ {target})")
    return found
