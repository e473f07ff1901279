"""The demo curriculum for tests, loaded once per run and restored after that.

`load_demo` builds 9 courses, 45 lessons, their pictures and the demo people: about 25 s on a two-core
machine, and a dozen browser journeys each start from it. The first test that asks for it loads it for
real; the rows of every table and the files under MEDIA_ROOT are then kept, and later tests get the same
database back in about a second. Each test still starts from the migrated database its fixture gave it
(`db` or `transactional_db`), so nothing one test changes reaches another.

PostgreSQL copies tables with COPY (every type round-trips as text), with triggers off while it does (the
tallies are restored as they were), and resets the sequences. SQLite copies rows and `sqlite_sequence`; its
search index's full-text table is refilled by its own triggers. Foreign keys are
deferred to the end of the transaction on both, so the order of the tables does not matter. The rows keep
their ids, so ContentType's in-process cache stays right: clearing it would make the next test's restore of
its migrated data create content types halfway through (signal handlers ask for them) and collide."""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from wagtail.models import Page

SKIPPED_TABLES = {"django_migrations"}
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass
class _Snapshot:
    tables: dict[str, object] = field(default_factory=dict)
    media: Path | None = None


_snapshots: dict[tuple[str, ...], _Snapshot] = {}


def load_demo(*args: str) -> None:
    """What `call_command("load_demo", *args)` leaves behind, in about a second after the first time."""
    key = tuple(args)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        # The migrated database has no people and no page below the home page.
        fresh = not get_user_model().objects.exists() and not Page.objects.filter(depth__gt=2).exists()
        call_command("load_demo", *args, verbosity=0)
        if fresh:  # else the snapshot would hand this test's own rows to every later test
            _snapshots[key] = _take()
    else:
        _restore(snapshot)
    from conftest import _clear  # the one rule for clearing a shared Redis: only this run's keys

    for cache in caches.all():
        _clear(cache)


def _table_names() -> list[str]:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%%'"
            )
            rows = cursor.fetchall()
        virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
        shadows = {f"{name}{suffix}" for name in virtual for suffix in FTS_SHADOW_SUFFIXES}
        names = [name for name, _sql in rows if name not in shadows | virtual]
    else:
        names = connection.introspection.table_names()
    return sorted(set(names) - SKIPPED_TABLES)


def _take() -> _Snapshot:
    snapshot = _Snapshot()
    with connection.cursor() as cursor:
        for table in _table_names():
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                    for chunk in copy:
                        buffer.write(chunk)
                snapshot.tables[table] = buffer.getvalue()
            else:
                cursor.execute(f"SELECT rowid, * FROM {quoted}")  # noqa: S608 (a table name from the schema)
                columns = ["rowid", *(column[0] for column in cursor.description[1:])]
                snapshot.tables[table] = (columns, cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            snapshot.tables["sqlite_sequence"] = (["name", "seq"], cursor.fetchall())
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        snapshot.media = Path(tempfile.mkdtemp(prefix="fa-demo-media-"))
        shutil.copytree(media, snapshot.media, dirs_exist_ok=True)
    return snapshot


def _restore(snapshot: _Snapshot) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(table) for table in snapshot.tables)
            # The tallies' triggers would count the restored enrolments a second time.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for table, data in snapshot.tables.items():
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(data)
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            for table, (columns, rows) in snapshot.tables.items():
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608
                if rows:
                    names = ", ".join(connection.ops.quote_name(column) for column in columns)
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", rows)  # noqa: S608
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
