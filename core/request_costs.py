"""What each request costs the app server: CPU time, wall time and queries, one JSON line per request.

Off unless ``REQUEST_COST_LOG`` names a file path prefix (then each process appends to
``<prefix>.<pid>.jsonl``). Used to measure the cost of each step of the learner's journey under the
cluster load (docs/scaling.md: ``python -m tests.bench.request_costs``); never on in normal running.

CPU time is the serving thread's own (``time.thread_time``), from the outermost middleware in: the
whole of Django — middleware, view, template, the database driver's work in this process — but not the
database server's time nor gunicorn's own request parsing.
"""

from __future__ import annotations

import json
import os
import threading
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

_files: dict[int, object] = {}
_lock = threading.Lock()


def _file():
    pid = os.getpid()  # a forked worker gets a file of its own
    handle = _files.get(pid)
    if handle is None:
        with _lock:
            handle = _files.get(pid)
            if handle is None:
                handle = open(f"{settings.REQUEST_COST_LOG}.{pid}.jsonl", "a", buffering=1, encoding="utf-8")  # noqa: SIM115
                _files[pid] = handle
    return handle


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestCostMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "REQUEST_COST_LOG", None):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            cpu_ms = (time.thread_time() - cpu) * 1000
            wall_ms = (time.perf_counter() - wall) * 1000
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        match = getattr(request, "resolver_match", None)
        line = {
            "t": time.time(),
            "method": request.method,
            "path": request.path,
            "view": match.view_name if match else None,
            "status": response.status_code,
            "cpu_ms": round(cpu_ms, 3),
            "wall_ms": round(wall_ms, 3),
            "queries": counter.count,
        }
        _file().write(json.dumps(line, ensure_ascii=False) + "\n")
        return response
