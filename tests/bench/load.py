"""A small HTTP load generator: several processes, each with a few threads on keep-alive
connections, hammering one URL for a fixed time. Reports requests/second and latencies."""

import http.client
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def _worker(url: str, headers: dict, seconds: float, threads: int, queue) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run():
        local: list[float] = []
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            local.append((time.perf_counter() - start) * 1000)
        connection.close()
        with lock:
            latencies.extend(local)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, errors[0]))


def hammer(
    name: str, url: str, *, seconds: float = 10, processes: int = 2, threads: int = 4, headers=None
) -> Result:
    queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_worker, args=(url, headers or {}, seconds, threads, queue))
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    latencies: list[float] = []
    errors = 0
    for _ in procs:
        got, failed = queue.get()
        latencies.extend(got)
        errors += failed
    for proc in procs:
        proc.join()
    return Result(name=name, requests=len(latencies), errors=errors, seconds=seconds, latencies_ms=latencies)
