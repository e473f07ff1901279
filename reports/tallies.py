"""Counts of assigned enrolments kept up to date as progress changes (PostgreSQL).

Why: the completion dashboard for a whole city aggregates about two million enrolments; live, that takes
over a second even on a covering index (docs/benchmarks.md). So the database keeps the counts itself:

- triggers on ``progress_enrolment`` (insert, update, delete, truncate) turn every statement's changed rows
  into signed counts per (unit, course, position, status, due date) for the learner's unit and every
  unit above it, aggregated per statement, and append them to ``reports_enrolmenttallychange``;
- a trigger on ``accounts_orgunit`` moves the counts of a unit that moves to another parent (treebeard
  also rewrites paths when it only shifts siblings: those change no ancestor and cost nothing);
- ``tally_fold()`` folds the appended changes into ``reports_enrolmenttally``. It runs inside any
  statement that produced many changes (bulk assignment, import, the city generator), and, by chance,
  after one small statement in ~256, so that only a few thousand changes are ever pending. A reader
  takes the tally *plus* the changes not folded yet, in one statement, so the figures are always exact.

Learners' writes only ever append rows: no shared counter row is locked in their transactions, so the
triggers add no waiting and no deadlocks to progress. Only one fold runs at a time (an advisory lock,
tried, never waited for).

The same is kept per half month (``reports_enrolmentmonthtally``, the "month tallies", by triggers of their
own, further down): counts per half month of completion and of enrolment, so that "completed between" and
"enrolled between" read whole half months and count only the days at either end live.

Triggers see every write, whichever code makes it (services, bulk ``update()``, COPY, raw deletes), which
is why they are not Django signals. On SQLite (development and the default test run) nothing is
installed and the reports aggregate live (`reports.selectors`). ``manage.py report_tallies`` checks,
folds or rebuilds them (both kinds).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import OrgUnit
from reports.models import COMPLETED_MONTH, ENROLLED_MONTH, SECOND_HALF_STARTS

STEP = OrgUnit.steplen
FOLD_LOCK = 7_411_001  # pg advisory lock key: one fold at a time
INLINE_FOLD_ROWS = 5_000  # a statement that appends more changes than this folds them at once
# Any other statement folds with this chance, which keeps a few thousand changes pending at most without
# keeping any state: one learner's write in ~256 pays a few milliseconds, and never waits.
FOLD_CHANCE = 1 / 256
NO_DUE_SQL = "DATE '9999-12-31'"

# The paths of unit u and every unit above it (none when there is no u): looked up by index, a few rows
# per changed row. (A join on generate_series, estimated at 1,000 rows a unit, made PostgreSQL hash every
# unit of the city for each learner's write: 0.9 ms a statement instead of 0.1.)
_ANCESTOR_PATHS = f"ARRAY(SELECT substr(u.path, 1, k * {STEP}) FROM generate_series(1, u.depth) AS k)"  # noqa: S608

# Signed rows (org_unit_id, course_id, position_id, status, due_on, sign) → changes per ancestor unit.
_APPEND = f"""
    WITH src AS (
        SELECT org_unit_id, course_id, position_id, status, due_on, SUM(sign) AS n
        FROM ({{source}}) AS rows
        GROUP BY org_unit_id, course_id, position_id, status, due_on
        HAVING SUM(sign) <> 0
    )
    INSERT INTO reports_enrolmenttallychange (unit_id, course_id, position_id, status, due_on, change)
    SELECT COALESCE(a.id, 0), src.course_id, COALESCE(src.position_id, 0), src.status,
           COALESCE(src.due_on, {NO_DUE_SQL}), SUM(src.n)
    FROM src
    LEFT JOIN accounts_orgunit u ON u.id = src.org_unit_id
    LEFT JOIN accounts_orgunit a ON a.path = ANY({_ANCESTOR_PATHS})
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(src.n) <> 0
"""  # noqa: S608 - SQL built from constants, no outside input

_OLD = "SELECT org_unit_id, course_id, position_id, status, due_on, -1 AS sign FROM old_rows WHERE assigned"
_NEW = "SELECT org_unit_id, course_id, position_id, status, due_on, 1 AS sign FROM new_rows WHERE assigned"


def _trigger_function(name: str, source: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    appended bigint;
BEGIN
    {_APPEND.format(source=source)};
    GET DIAGNOSTICS appended = ROW_COUNT;
    IF appended > {INLINE_FOLD_ROWS} OR (appended > 0 AND random() < {FOLD_CHANCE}) THEN
        PERFORM reports_tally_fold();
    END IF;
    RETURN NULL;
END
$$;
"""


FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION reports_tally_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    emptied bigint[];
BEGIN
    IF NOT pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
        RETURN -1;  -- another fold is running; readers add the pending changes themselves
    END IF;
    WITH moved AS (
        DELETE FROM reports_enrolmenttallychange
        RETURNING unit_id, course_id, position_id, status, due_on, change
    ), summed AS (
        SELECT unit_id, course_id, position_id, status, due_on, SUM(change) AS n
        FROM moved GROUP BY 1, 2, 3, 4, 5 HAVING SUM(change) <> 0
    ), upserted AS (
        INSERT INTO reports_enrolmenttally AS t (unit_id, course_id, position_id, status, due_on, learners)
        SELECT unit_id, course_id, position_id, status, due_on, n FROM summed ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (unit_id, course_id, position_id, status, due_on)
        DO UPDATE SET learners = t.learners + EXCLUDED.learners
        RETURNING t.id, t.learners
    )
    SELECT COUNT(*), array_agg(id) FILTER (WHERE learners = 0) INTO folded, emptied FROM upserted;
    IF emptied IS NOT NULL THEN
        DELETE FROM reports_enrolmenttally WHERE id = ANY(emptied);
    END IF;
    RETURN folded;
END
$$;
"""  # noqa: S608 - SQL built from constants, no outside input

# Each unit whose ancestors change in a statement on accounts_orgunit, with the ancestors it loses (-1) and
# gains (+1), into a temporary table: "{table}" is its name.
_MOVES = f"""    CREATE TEMPORARY TABLE {{table}} ON COMMIT DROP AS
    WITH moved AS (
        SELECT o.id, o.path AS old_path, n.path AS new_path
        FROM old_units o JOIN new_units n ON n.id = o.id
        WHERE o.path <> n.path
    ), before AS (
        SELECT id, path FROM accounts_orgunit WHERE id NOT IN (SELECT id FROM new_units)
        UNION ALL SELECT id, path FROM old_units
    ), old_ancestors AS (
        SELECT m.id AS unit_id, b.id AS ancestor_id
        FROM moved m
        JOIN LATERAL generate_series(1, length(m.old_path) / {STEP} - 1) AS k(level) ON TRUE
        JOIN before b ON b.path = substr(m.old_path, 1, k.level * {STEP})
    ), new_ancestors AS (
        SELECT m.id AS unit_id, a.id AS ancestor_id
        FROM moved m
        JOIN LATERAL generate_series(1, length(m.new_path) / {STEP} - 1) AS k(level) ON TRUE
        JOIN accounts_orgunit a ON a.path = substr(m.new_path, 1, k.level * {STEP})
    )
    SELECT unit_id, ancestor_id, -1 AS sign
    FROM (SELECT * FROM old_ancestors EXCEPT SELECT * FROM new_ancestors) lost
    UNION ALL
    SELECT unit_id, ancestor_id, 1 AS sign
    FROM (SELECT * FROM new_ancestors EXCEPT SELECT * FROM old_ancestors) gained;
"""  # noqa: S608 - SQL built from constants, no outside input

# A unit whose ancestors change (moved to another parent) takes its enrolments' counts with it. The
# state before the statement is the table now with the changed rows put back as they were.
MOVE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION reports_tally_unit_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_units bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id WHERE o.path <> n.path) THEN
        RETURN NULL;  -- a rename, a new child counted: no path changed
    END IF;
{_MOVES.format(table="reports_tally_moves")}
    SELECT array_agg(DISTINCT unit_id) INTO changed_units FROM reports_tally_moves;
    IF changed_units IS NOT NULL THEN
        -- No enrolment may change while its counts move (writers in flight finish first).
        LOCK TABLE progress_enrolment IN SHARE MODE;
        INSERT INTO reports_enrolmenttallychange (unit_id, course_id, position_id, status, due_on, change)
        SELECT m.ancestor_id, e.course_id, COALESCE(e.position_id, 0), e.status,
               COALESCE(e.due_on, {NO_DUE_SQL}), SUM(m.sign)
        FROM reports_tally_moves m
        JOIN progress_enrolment e ON e.org_unit_id = m.unit_id AND e.assigned
        GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(m.sign) <> 0;
    END IF;
    DROP TABLE reports_tally_moves;
    RETURN NULL;
END
$$;
"""  # noqa: S608 - SQL built from constants, no outside input

TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reports_enrolmenttallychange;
    DELETE FROM reports_enrolmenttally;
    RETURN NULL;
END
$$;
"""


def _triggers(prefix: str) -> list[str]:
    """The statement triggers that feed a kind of tally (``prefix``: the names of its functions)."""
    on_enrolments = [
        ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows", "enrolments_inserted"),
        ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", "enrolments_updated"),
        ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows", "enrolments_deleted"),
        ("truncate", "TRUNCATE", "", "truncated"),
    ]
    statements = [
        f"CREATE TRIGGER {prefix}_{name} AFTER {event} ON progress_enrolment {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_{function}()"
        for name, event, tables, function in on_enrolments
    ]
    statements.append(
        f"CREATE TRIGGER {prefix}_unit_move AFTER UPDATE ON accounts_orgunit "
        f"REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_unit_moved()"
    )
    return statements


def _uninstall(prefix: str) -> list[str]:
    """Drop what `_triggers` and the functions behind them created."""
    return [
        *(
            f"DROP TRIGGER IF EXISTS {prefix}_{name} ON progress_enrolment"
            for name in ("insert", "update", "delete", "truncate")
        ),
        f"DROP TRIGGER IF EXISTS {prefix}_unit_move ON accounts_orgunit",
        *(
            f"DROP FUNCTION IF EXISTS {prefix}_{function}()"
            for function in (
                "enrolments_inserted",
                "enrolments_updated",
                "enrolments_deleted",
                "unit_moved",
                "truncated",
                "fold",
            )
        ),
    ]


INSTALL = [
    FOLD_FUNCTION,
    _trigger_function("reports_tally_enrolments_inserted", _NEW),
    _trigger_function("reports_tally_enrolments_updated", f"{_OLD} UNION ALL {_NEW}"),
    _trigger_function("reports_tally_enrolments_deleted", _OLD),
    MOVE_FUNCTION,
    TRUNCATE_FUNCTION,
    *_triggers("reports_tally"),
]

UNINSTALL = _uninstall("reports_tally")

# Every assigned enrolment counted for its unit and each unit above it: what the tables must add up to.
EXPECTED = f"""
    SELECT COALESCE(a.id, 0) AS unit_id, e.course_id, COALESCE(e.position_id, 0) AS position_id, e.status,
           COALESCE(e.due_on, {NO_DUE_SQL}) AS due_on, COUNT(*) AS learners
    FROM progress_enrolment e
    LEFT JOIN accounts_orgunit u ON u.id = e.org_unit_id
    LEFT JOIN LATERAL generate_series(1, u.depth) AS k(level) ON TRUE
    LEFT JOIN accounts_orgunit a ON a.path = substr(u.path, 1, k.level * {STEP})
    WHERE e.assigned
    GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608 - SQL built from constants, no outside input

ACTUAL = """
    SELECT unit_id, course_id, position_id, status, due_on, SUM(n) AS learners FROM (
        SELECT unit_id, course_id, position_id, status, due_on, learners AS n FROM reports_enrolmenttally
        UNION ALL
        SELECT unit_id, course_id, position_id, status, due_on, change FROM reports_enrolmenttallychange
    ) t GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0
"""


def tallies_supported(using=None) -> bool:
    return connection.vendor == "postgresql"


FUNCTIONS = [
    statement for statement in INSTALL if statement.lstrip().startswith("CREATE OR REPLACE FUNCTION")
]


def tallies_install(schema_editor=None) -> None:
    """Create the functions and triggers and count what is there already (used by the migration)."""
    execute = schema_editor.execute if schema_editor else _execute
    for statement in INSTALL:
        execute(statement)
    tally_rebuild(execute=execute)


def tallies_functions_replace(schema_editor=None) -> None:
    """Replace the functions with the ones here. The migration that installed them ran the SQL of its
    day: a change to the SQL above needs a new migration that calls this."""
    execute = schema_editor.execute if schema_editor else _execute
    for statement in FUNCTIONS:
        execute(statement)


def tallies_uninstall(schema_editor=None) -> None:
    execute = schema_editor.execute if schema_editor else _execute
    for statement in UNINSTALL:
        execute(statement)


def _execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tally_rebuild(*, execute=_execute) -> None:
    """Count everything again from the enrolments (installation and repair; never scheduled)."""
    execute("LOCK TABLE progress_enrolment IN SHARE MODE")
    execute("DELETE FROM reports_enrolmenttallychange")
    execute("DELETE FROM reports_enrolmenttally")
    columns = "unit_id, course_id, position_id, status, due_on, learners"
    # In key order, so that a unit's rows lie together, as the readers read them (not in the hash
    # aggregate's order, which scatters them over the whole table).
    execute(
        f"INSERT INTO reports_enrolmenttally ({columns}) SELECT * FROM ({EXPECTED}) expected "  # noqa: S608
        "ORDER BY 1, 2, 3, 4, 5"
    )


def tally_fold() -> int:
    """Fold the pending changes into the tally; -1 when another fold is running. Returns the number of
    tally rows touched."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_tally_fold()")
        return cursor.fetchone()[0]


def tally_pending() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reports_enrolmenttallychange")
        return cursor.fetchone()[0]


def tally_differences(limit: int = 20) -> list[tuple]:
    """Keys whose counts differ from a live count: (key…, expected, actual). Empty when all is well."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COALESCE(x.unit_id, y.unit_id), COALESCE(x.course_id, y.course_id),
                   COALESCE(x.position_id, y.position_id), COALESCE(x.status, y.status),
                   COALESCE(x.due_on, y.due_on), COALESCE(x.learners, 0), COALESCE(y.learners, 0)
            FROM ({EXPECTED}) x
            FULL JOIN ({ACTUAL}) y USING (unit_id, course_id, position_id, status, due_on)
            WHERE COALESCE(x.learners, 0) <> COALESCE(y.learners, 0)
            LIMIT %s
            """,  # noqa: S608 - constants only; the limit is a parameter
            [limit],
        )
        return cursor.fetchall()


# -- month tallies (per half month) ----------------------------------------------------------------
#
# The same counts again, per half month of completion and of enrolment (`reports.models.
# EnrolmentMonthTally`: the 1st–15th and the 16th–end of each month), for the dashboard filtered by
# "completed between" or "enrolled between": it reads the whole half months of the range here and counts
# only the days at either end live, on the date indexes (reports.selectors): at most about a week at
# either end. Kept exactly like the tallies above, by triggers of their own, so that the migration that
# installed those keeps meaning what it meant: signed changes appended per statement, folded now and
# then, read together with the pending ones. Days are days of the site's time zone (settings.TIME_ZONE
# when installed, `reports_month_tally_zone()`): readers in another zone count live.

MONTH_FOLD_LOCK = 7_411_002
COMPLETED = "completed"
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def _zone_function(zone: str) -> str:
    if not _ZONE_NAME.match(zone):
        raise ValueError(f"not a time zone name: {zone!r}")
    return f"""
CREATE OR REPLACE FUNCTION reports_month_tally_zone() RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT text '{zone}'
$$;
"""


# Rows (org_unit_id, course_id, position_id, status, due_on, completed_at, enrolled_at, sign) → one row
# per date the enrolment has, with its half month (its first day). A completed enrolment is never overdue:
# its due date is left out (`NO_DUE_DATE`), so that its rows stay few.
_DATED = f"""
    SELECT rows.org_unit_id, rows.course_id, COALESCE(rows.position_id, 0) AS position_id, rows.status,
           CASE WHEN rows.status = '{COMPLETED}' THEN {NO_DUE_SQL} ELSE COALESCE(rows.due_on, {NO_DUE_SQL})
           END AS due_on,
           d.dated_by,
           CASE WHEN extract(day FROM l.day) < {SECOND_HALF_STARTS} THEN date_trunc('month', l.day)::date
                ELSE date_trunc('month', l.day)::date + {SECOND_HALF_STARTS - 1} END AS period,
           rows.sign
    FROM ({{source}}) AS rows
    CROSS JOIN LATERAL (
        VALUES ('{COMPLETED_MONTH}', rows.completed_at), ('{ENROLLED_MONTH}', rows.enrolled_at)
    ) AS d(dated_by, at)
    CROSS JOIN LATERAL (SELECT (d.at AT TIME ZONE reports_month_tally_zone())::date AS day) AS l
    WHERE d.at IS NOT NULL
"""  # noqa: S608 - SQL built from constants, no outside input

_MONTH_KEY = "dated_by, period, unit_id, course_id, position_id, status, due_on"

# Dated rows → changes per ancestor unit (as `_APPEND`).
_MONTH_APPEND = f"""
    WITH src AS (
        SELECT org_unit_id, course_id, position_id, status, due_on, dated_by, period, SUM(sign) AS n
        FROM ({_DATED}) AS dated
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING SUM(sign) <> 0
    )
    INSERT INTO reports_enrolmentmonthtallychange ({_MONTH_KEY}, change)
    SELECT src.dated_by, src.period, COALESCE(a.id, 0), src.course_id, src.position_id, src.status,
           src.due_on, SUM(src.n)
    FROM src
    LEFT JOIN accounts_orgunit u ON u.id = src.org_unit_id
    LEFT JOIN accounts_orgunit a ON a.path = ANY({_ANCESTOR_PATHS})
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING SUM(src.n) <> 0
"""  # noqa: S608 - SQL built from constants, no outside input

_MONTH_COLUMNS = "org_unit_id, course_id, position_id, status, due_on, completed_at, enrolled_at"


_MONTH_OLD = f"SELECT {_MONTH_COLUMNS}, -1 AS sign FROM old_rows WHERE assigned"  # noqa: S608
_MONTH_NEW = f"SELECT {_MONTH_COLUMNS}, 1 AS sign FROM new_rows WHERE assigned"  # noqa: S608
_MONTH_ALL = f"SELECT {_MONTH_COLUMNS}, 1 AS sign FROM progress_enrolment WHERE assigned"  # noqa: S608


# Most of a learner's writes (the lesson they are on, when they were last seen) change nothing the month
# tallies count: a cheap check first (the assigned rows before and after, as multisets of what is
# counted, are the same: the changes would cancel out), so that those do not pay for planning the
# append (PostgreSQL plans a statement on transition tables at every call: ~0.4 ms for the append).
_MONTH_UNCHANGED = f"""
    IF NOT EXISTS (
        SELECT {_MONTH_COLUMNS} FROM old_rows WHERE assigned
        EXCEPT ALL SELECT {_MONTH_COLUMNS} FROM new_rows WHERE assigned
    ) AND NOT EXISTS (
        SELECT {_MONTH_COLUMNS} FROM new_rows WHERE assigned
        EXCEPT ALL SELECT {_MONTH_COLUMNS} FROM old_rows WHERE assigned
    ) THEN
        RETURN NULL;
    END IF;
"""  # noqa: S608 - SQL built from constants, no outside input


def _month_trigger_function(name: str, source: str, *, guard: str = "") -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    appended bigint;
BEGIN
    {guard}
    {_MONTH_APPEND.format(source=source)};
    GET DIAGNOSTICS appended = ROW_COUNT;
    IF appended > {INLINE_FOLD_ROWS} OR (appended > 0 AND random() < {FOLD_CHANCE}) THEN
        PERFORM reports_month_tally_fold();
    END IF;
    RETURN NULL;
END
$$;
"""


MONTH_FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION reports_month_tally_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    emptied bigint[];
BEGIN
    IF NOT pg_try_advisory_xact_lock({MONTH_FOLD_LOCK}) THEN
        RETURN -1;  -- another fold is running; readers add the pending changes themselves
    END IF;
    WITH moved AS (
        DELETE FROM reports_enrolmentmonthtallychange
        RETURNING {_MONTH_KEY}, change
    ), summed AS (
        SELECT {_MONTH_KEY}, SUM(change) AS n
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(change) <> 0
    ), upserted AS (
        INSERT INTO reports_enrolmentmonthtally AS t ({_MONTH_KEY}, learners)
        SELECT {_MONTH_KEY}, n FROM summed ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT ({_MONTH_KEY})
        DO UPDATE SET learners = t.learners + EXCLUDED.learners
        RETURNING t.id, t.learners
    )
    SELECT COUNT(*), array_agg(id) FILTER (WHERE learners = 0) INTO folded, emptied FROM upserted;
    IF emptied IS NOT NULL THEN
        DELETE FROM reports_enrolmentmonthtally WHERE id = ANY(emptied);
    END IF;
    RETURN folded;
END
$$;
"""  # noqa: S608 - SQL built from constants, no outside input

MONTH_MOVE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION reports_month_tally_unit_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_units bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id WHERE o.path <> n.path) THEN
        RETURN NULL;  -- a rename, a new child counted: no path changed
    END IF;
{_MOVES.format(table="reports_month_tally_moves")}
    SELECT array_agg(DISTINCT unit_id) INTO changed_units FROM reports_month_tally_moves;
    IF changed_units IS NOT NULL THEN
        -- No enrolment may change while its counts move (writers in flight finish first).
        LOCK TABLE progress_enrolment IN SHARE MODE;
        INSERT INTO reports_enrolmentmonthtallychange ({_MONTH_KEY}, change)
        SELECT d.dated_by, d.period, m.ancestor_id, d.course_id, d.position_id, d.status, d.due_on,
               SUM(m.sign)
        FROM reports_month_tally_moves m
        JOIN ({_DATED.format(source=_MONTH_ALL)}) d ON d.org_unit_id = m.unit_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING SUM(m.sign) <> 0;
    END IF;
    DROP TABLE reports_month_tally_moves;
    RETURN NULL;
END
$$;
"""  # noqa: S608 - SQL built from constants, no outside input

MONTH_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_month_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reports_enrolmentmonthtallychange;
    DELETE FROM reports_enrolmentmonthtally;
    RETURN NULL;
END
$$;
"""


def month_install_statements(zone: str) -> list[str]:
    """The month tallies' functions and triggers, days taken in ``zone``."""
    return [
        _zone_function(zone),
        MONTH_FOLD_FUNCTION,
        _month_trigger_function("reports_month_tally_enrolments_inserted", _MONTH_NEW),
        _month_trigger_function(
            "reports_month_tally_enrolments_updated",
            f"{_MONTH_OLD} UNION ALL {_MONTH_NEW}",
            guard=_MONTH_UNCHANGED,
        ),
        _month_trigger_function("reports_month_tally_enrolments_deleted", _MONTH_OLD),
        MONTH_MOVE_FUNCTION,
        MONTH_TRUNCATE_FUNCTION,
        *_triggers("reports_month_tally"),
    ]


MONTH_UNINSTALL = [*_uninstall("reports_month_tally"), "DROP FUNCTION IF EXISTS reports_month_tally_zone()"]

# Every assigned enrolment counted per half month of each of its dates, for its unit and each unit above it.
MONTH_EXPECTED = f"""
    SELECT d.dated_by, d.period, COALESCE(a.id, 0) AS unit_id, d.course_id, d.position_id, d.status,
           d.due_on, COUNT(*) AS learners
    FROM ({_DATED.format(source=_MONTH_ALL)}) d
    LEFT JOIN accounts_orgunit u ON u.id = d.org_unit_id
    LEFT JOIN LATERAL generate_series(1, u.depth) AS k(level) ON TRUE
    LEFT JOIN accounts_orgunit a ON a.path = substr(u.path, 1, k.level * {STEP})
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""  # noqa: S608 - SQL built from constants, no outside input

MONTH_ACTUAL = f"""
    SELECT {_MONTH_KEY}, SUM(n) AS learners FROM (
        SELECT {_MONTH_KEY}, learners AS n FROM reports_enrolmentmonthtally
        UNION ALL
        SELECT {_MONTH_KEY}, change FROM reports_enrolmentmonthtallychange
    ) t GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(n) <> 0
"""  # noqa: S608 - SQL built from constants, no outside input


def month_tallies_install(schema_editor=None, *, zone: str | None = None) -> None:
    """Create (or replace) the month tallies' functions and triggers, days in ``zone`` (the site's time
    zone by default), and count what is there already (used by the migration, and to change the zone)."""
    execute = schema_editor.execute if schema_editor else _execute
    month_tallies_uninstall(schema_editor)
    for statement in month_install_statements(zone or settings.TIME_ZONE):
        execute(statement)
    month_tally_rebuild(execute=execute)


def month_tallies_functions_replace(schema_editor=None) -> None:
    """Replace the month tallies' functions with the ones here, keeping their time zone (as
    `tallies_functions_replace`: a change to their SQL needs a migration that calls this)."""
    execute = schema_editor.execute if schema_editor else _execute
    for statement in month_install_statements("UTC")[1:]:  # not the zone
        if statement.lstrip().startswith("CREATE OR REPLACE FUNCTION"):
            execute(statement)


def month_tallies_uninstall(schema_editor=None) -> None:
    execute = schema_editor.execute if schema_editor else _execute
    for statement in MONTH_UNINSTALL:
        execute(statement)


def month_tally_zone() -> str | None:
    """The time zone the month tallies count days in; None when they are not installed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('reports_month_tally_zone()') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT reports_month_tally_zone()")
        return cursor.fetchone()[0]


_zone_seen: dict[str, str | None] = {}


def month_tallies_usable() -> bool:
    """Whether the month tallies answer for this site: PostgreSQL, installed, and counting days in the
    current time zone. The zone is asked once per process (changing it means a new setting, so a
    restart, and `report_tallies --rebuild`, which installs them again in the new zone)."""
    if not tallies_supported():
        return False
    alias = connection.alias
    if alias not in _zone_seen:
        _zone_seen[alias] = month_tally_zone()
    return _zone_seen[alias] == timezone.get_current_timezone_name()


def month_tally_rebuild(*, execute=_execute) -> None:
    """Count every half month again from the enrolments (installation and repair; never scheduled)."""
    execute("LOCK TABLE progress_enrolment IN SHARE MODE")
    execute("DELETE FROM reports_enrolmentmonthtallychange")
    execute("DELETE FROM reports_enrolmentmonthtally")
    # In the key's order (dated_by, unit_id, period, …): a unit's half months lie together, as readers
    # read them. In the hash aggregate's order a city-wide year read 19,000 pages for 62,000 rows.
    execute(
        f"INSERT INTO reports_enrolmentmonthtally ({_MONTH_KEY}, learners) "  # noqa: S608
        f"SELECT * FROM ({MONTH_EXPECTED}) expected ORDER BY dated_by, unit_id, period, 4, 5, 6, 7"
    )


def month_tally_fold() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_month_tally_fold()")
        return cursor.fetchone()[0]


def month_tally_pending() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reports_enrolmentmonthtallychange")
        return cursor.fetchone()[0]


def month_tally_differences(limit: int = 20) -> list[tuple]:
    """Month keys whose counts differ from a live count: (key…, expected, actual). Empty when all is well."""
    key = [name.strip() for name in _MONTH_KEY.split(",")]
    coalesced = ", ".join(f"COALESCE(x.{name}, y.{name})" for name in key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {coalesced}, COALESCE(x.learners, 0), COALESCE(y.learners, 0)
            FROM ({MONTH_EXPECTED}) x
            FULL JOIN ({MONTH_ACTUAL}) y USING ({_MONTH_KEY})
            WHERE COALESCE(x.learners, 0) <> COALESCE(y.learners, 0)
            LIMIT %s
            """,  # noqa: S608 - constants only; the limit is a parameter
            [limit],
        )
        return cursor.fetchall()
