"""Load for the quiz benchmark: many signed-in learners saving answers and submitting at once.

Each learner's requests go out one at a time, in order (as the page's script sends them), except
where the plan says two go out together: a pair of re-saves to different questions (two tabs)
or a duplicate submit (a double tap). The learners of one client connection take turns, so every
learner is mid-quiz at the same time. Every request is recorded with the status it got, for the
database check afterwards (tests/bench/quiz.py verify).
"""

import http.client
import multiprocessing
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.bench.load import Result

CSRF = "b" * 32  # a returning browser's CSRF cookie; the form sends the same secret back
IDLE_SECONDS = 3  # gunicorn closes keep-alive connections idle for 5 s
SAVED = 200
SUBMITTED = 302


@dataclass
class Learner:
    username: str
    session: str
    uuid: str = ""
    steps: list = field(default_factory=list)  # each: [(position, value), ...], sent together
    pair_submit: bool = False

    def headers(self, form: bool = True) -> dict:
        headers = {"Cookie": f"csrftoken={CSRF}; sessionid={self.session}"}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers


class _Connection:
    """A keep-alive connection that reopens itself when the server may have dropped it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn = None
        self.used = 0.0

    def send(self, path: str, body: str, headers: dict) -> float:
        if self.conn is None or time.monotonic() - self.used > IDLE_SECONDS:
            if self.conn is not None:
                self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        start = time.perf_counter()
        self.conn.request("POST", path, body=body, headers=headers)
        return start

    def receive(self) -> tuple[int, bytes, str]:
        response = self.conn.getresponse()
        body = response.read()
        self.used = time.monotonic()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, body, response.getheader("Location", "")

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def _exchange(connections, requests) -> list[tuple[int, bytes, str, float]]:
    """Send every request (one per connection) before reading any answer: they reach the
    server together. Returns (status, body, Location, latency ms) per request; status 0 for a
    broken one."""
    starts, results = [], []
    for connection, (path, body, headers) in zip(connections, requests, strict=False):
        try:
            starts.append(connection.send(path, body, headers))
        except (OSError, http.client.HTTPException):
            connection.close()
            starts.append(None)
    for connection, start in zip(connections, starts, strict=False):
        if start is None:
            results.append((0, b"", "", 0.0))
            continue
        try:
            status, body, location = connection.receive()
            results.append((status, body, location, (time.perf_counter() - start) * 1000))
        except (OSError, http.client.HTTPException):
            connection.close()
            results.append((0, b"", "", 0.0))
    return results


def _save_request(learner: Learner, position: int, value: int):
    body = urlencode({"csrfmiddlewaretoken": CSRF, "choice": value, "action": "save"})
    headers = learner.headers() | {"X-Requested-With": "fetch"}
    return f"/quizzes/attempts/{learner.uuid}/{position + 1}/", body, headers


def _submit_request(learner: Learner):
    return (
        f"/quizzes/attempts/{learner.uuid}/submit/",
        urlencode({"csrfmiddlewaretoken": CSRF}),
        learner.headers(),
    )


def _run_thread(host, port, phase, learners, out, lock, rate=None) -> None:
    """``rate``: requests per second this client sends on a fixed schedule (open loop), whatever
    the answers' speed; each latency then runs from the moment the request was due, so a server
    that falls behind shows it in full. None: the next request goes as soon as the last answered."""
    connections = [_Connection(host, port), _Connection(host, port)]
    latencies, records = [], {}
    turn = 0
    sent = 0
    began = time.perf_counter()
    rounds = max((len(learner.steps) for learner in learners), default=0) if phase == "save" else 1
    for step in range(rounds):
        for learner in learners:
            if phase == "save":
                if step >= len(learner.steps):
                    continue
                saves = learner.steps[step]
                requests = [_save_request(learner, position, value) for position, value in saves]
            else:
                saves = []
                requests = [_submit_request(learner)] * (2 if learner.pair_submit else 1)
            # Alternate single requests between the two connections so neither sits idle.
            order = connections if turn % 2 == 0 or len(requests) > 1 else connections[::-1]
            turn += 1
            due = None
            if rate:
                due = began + sent / rate
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            sent += len(requests)
            sent_at = time.perf_counter()
            results = _exchange(order, requests)
            record = records.setdefault(learner.uuid, {"saves": {}, "submits": []})
            for index, (status, body, location, latency) in enumerate(results):
                if phase == "save":
                    ok = status == 200 and b'"saved": true' in body
                    position, value = saves[index]
                    record["saves"].setdefault(position, []).append([value, SAVED if ok else status or -1])
                else:
                    ok = status == 302 and location.endswith("/result/")
                    record["submits"].append(SUBMITTED if ok else status or -1)
                if status:
                    # Open loop: the time since the request was due, including any wait for its turn.
                    latencies.append(latency + (sent_at - due) * 1000 if due is not None else latency)
    for connection in connections:
        connection.close()
    with lock:
        out["latencies"].extend(latencies)
        out["records"].update(records)


def _run_process(host, port, phase, groups, barrier, queue, rates) -> None:
    out = {"latencies": [], "records": {}}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_run_thread, args=(host, port, phase, g, out, lock, r))
        for g, r in zip(groups, rates, strict=True)
    ]
    barrier.wait()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((out, time.monotonic()))


def run_phase(host, port, phase: str, learners: list[Learner], processes: int, threads: int, rate=None):
    """Every learner's saves (or submits), spread over processes × threads clients; the clock
    runs from the moment all are ready until the last one finishes. ``rate``: requests per second
    offered in all on a fixed schedule (see _run_thread), shared out by each client's number of
    requests so that all of them finish together."""
    clients = processes * threads
    groups = [learners[i::clients] for i in range(clients)]
    sizes = [sum(len(step) for learner in group for step in learner.steps) for group in groups]
    rates = [rate * size / sum(sizes) if rate and size else None for size in sizes]
    barrier = multiprocessing.Barrier(processes + 1)
    queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_run_process,
            args=(host, port, phase, groups[p::processes], barrier, queue, rates[p::processes]),
        )
        for p in range(processes)
    ]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.monotonic()
    latencies, records, end = [], {}, start
    for _ in procs:
        out, finished = queue.get()
        latencies.extend(out["latencies"])
        records.update(out["records"])
        end = max(end, finished)
    for proc in procs:
        proc.join()
    return latencies, records, end - start


def start_attempts(host, port, quiz_id: int, learners: list[Learner]) -> None:
    """Untimed setup: each learner starts (or resumes) an attempt; its id comes from the redirect."""

    def start(learner: Learner) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.request(
            "POST",
            f"/quizzes/{quiz_id}/start/",
            body=urlencode({"csrfmiddlewaretoken": CSRF}),
            headers=learner.headers(),
        )
        response = conn.getresponse()
        response.read()
        location = response.getheader("Location", "")
        conn.close()
        parts = location.strip("/").split("/")
        if response.status != 302 or parts[:2] != ["quizzes", "attempts"]:
            raise RuntimeError(f"start for {learner.username}: {response.status} {location}")
        learner.uuid = parts[2]

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, learners))


def plan(learners: list[Learner], questions: int, options: int, rng: random.Random) -> None:
    """Every learner answers each question in turn, then changes a quarter of the answers. Every
    fourth learner sends those changes two at a time; every fifth submits twice at once."""
    for index, learner in enumerate(learners):
        current = [rng.randrange(options) for _ in range(questions)]
        learner.steps = [[(position, value)] for position, value in enumerate(current)]
        changes = []
        for position in rng.sample(range(questions), max(1, questions // 4)):
            value = rng.choice([v for v in range(options) if v != current[position]])
            changes.append((position, value))
        if index % 4 == 0:
            learner.steps += [changes[i : i + 2] for i in range(0, len(changes), 2)]
        else:
            learner.steps += [[change] for change in changes]
        learner.pair_submit = index % 5 == 0


def quiz_round(
    host, port, setup: dict, round_number: int, processes: int, threads: int, cpu_probe, rate=None
):
    """One round with fresh attempts. `cpu_probe()` is read before, between and after the two
    phases and the readings returned, for the caller to turn into CPU used per phase. ``rate``:
    answer saves per second offered on a fixed schedule (submits always go as fast as answered)."""
    learners = [Learner(username=entry["username"], session=entry["session"]) for entry in setup["learners"]]
    start_attempts(host, port, setup["quiz_id"], learners)
    plan(learners, setup["questions"], setup["options"], random.Random(round_number))
    readings = [cpu_probe()]
    save_latencies, save_records, save_seconds = run_phase(
        host, port, "save", learners, processes, threads, rate
    )
    readings.append(cpu_probe())
    submit_latencies, submit_records, submit_seconds = run_phase(
        host, port, "submit", learners, processes, threads
    )
    readings.append(cpu_probe())
    acknowledged = sum(
        1
        for record in save_records.values()
        for sends in record["saves"].values()
        for _v, s in sends
        if s == SAVED
    )
    save_requests = sum(len(sends) for record in save_records.values() for sends in record["saves"].values())
    submitted = sum(1 for record in submit_records.values() for s in record["submits"] if s == SUBMITTED)
    submit_requests = sum(len(record["submits"]) for record in submit_records.values())
    saves = Result("answer save", acknowledged, save_requests - acknowledged, save_seconds, save_latencies)
    submits = Result("submit", submitted, submit_requests - submitted, submit_seconds, submit_latencies)
    attempts = [
        {
            "username": learner.username,
            "uuid": learner.uuid,
            "saves": save_records.get(learner.uuid, {}).get("saves", {}),
            "submits": submit_records.get(learner.uuid, {}).get("submits", []),
        }
        for learner in learners
    ]
    return saves, submits, attempts, readings
