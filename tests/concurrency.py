"""Races for tests of exactly-once writes: threads released together, on PostgreSQL.

SQLite serialises all writes through one file lock, so these races cannot happen there: a test that asks for
`needs_postgres` skips with a message, and CI runs it on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections


@pytest.fixture
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL); SQLite serialises all writes")


def race(target: Callable[[int], object], n: int = 8) -> tuple[list, list[Exception]]:
    """Run target(i) in n threads released at the same moment; return their results and errors. Each thread
    closes its own database connections, so the test database can be dropped afterwards."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # collected and asserted on by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
