"""The embedded SQLite default survives what one person can do at once: an autosave while the page is saved,
ten taps on "submit". Checked on a database file of its own, with the options the settings use."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import OperationalError

from core.sqlite import SQLITE_OPTIONS


def connection_to(path, options):
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": dict(options),
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=f"sqlite-{id(options)}-{threading.get_ident()}",
    )


def read_then_write_concurrently(path, options, workers=10):
    """Each worker, in a transaction of its own, reads the counter, lingers, then writes it (as a quiz
    submit reads the attempt and then saves it). Returns the errors."""
    setup = connection_to(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    errors, start = [], threading.Barrier(workers)

    def work():
        connection = connection_to(path, options)
        connections[connection.alias] = connection  # this thread's; atomic() looks it up by alias
        start.wait()
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                time.sleep(0.02)
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = connection_to(path, options)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (total,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
    check.close()
    return errors, total, mode


def test_ten_concurrent_read_then_write_transactions_all_succeed_in_turn(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # a database of the test's own, not the test database
        errors, total, mode = read_then_write_concurrently(tmp_path / "site.sqlite3", SQLITE_OPTIONS)
    assert errors == []
    assert total == 10  # serialised: no lost update either
    assert mode == "wal"


@pytest.mark.parametrize("options", [{"timeout": 20}], ids=["deferred-transactions"])
def test_without_the_options_such_transactions_fail_at_once(tmp_path, options, django_db_blocker):
    """What the options prevent (the 500s seen before): a deferred transaction that must upgrade its lock
    gets "database is locked" straight away, whatever the timeout."""
    with django_db_blocker.unblock():
        errors, _total, _mode = read_then_write_concurrently(tmp_path / "site.sqlite3", options)
    assert errors and all("locked" in error for error in errors)
