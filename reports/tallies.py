"""Counts of assigned enrolments kept up to date as progress changes (PostgreSQL).

Why: the completion dashboard for a whole city aggregates about two million enrolments; live, that takes
over a second even on a covering index (docs/benchmarks.md). So the database keeps the counts itself, in
two kinds of tallies (`reports.models`):

- the **enrolment tallies**: assigned enrolments per (unit, course, position, status, due date), where
  "unit" is the learner's unit *and every unit above it*, so a dashboard reads only the rows of the
  children of the node it shows;
- the **month tallies**: the same again per half month of completion and of enrolment (the 1st–15th and
  the 16th to the month's end, in the site's time zone), so that "completed between" and "enrolled
  between" read whole half months and count only the days at either end live (`reports.selectors`).

How: statement triggers, declared on the proxy models `reports.models.TalliedEnrolment` (the table
``progress_enrolment``) and `TalliedOrgUnit` (``accounts_orgunit``) with django-pgtrigger, turn every
statement's changed rows into signed counts for each kind, aggregated per statement, and append them to
the change tables. A unit moved to another parent takes its enrolments' counts with it. A fold adds the
appended changes into the tallies: inside any statement that appended many (bulk assignment, import, the
city generator), and, by chance, after one small statement in ~256, so that only a few thousand changes
are ever pending. A reader takes the tally *plus* the changes not folded yet, in one statement, so the
figures are always exact. Learners' writes only ever append rows: no shared counter row is locked in
their transactions, so the triggers add no waiting and no deadlocks to progress. Only one fold of a kind
runs at a time (an advisory lock, tried, never waited for).

The SQL below is the single source: `makemigrations` turns a change to it into a migration (pgtrigger's
``AddTrigger``, carrying the compiled SQL), CI's ``makemigrations --check`` fails until that migration
exists, and `trigger_drift` (run by ``manage.py report_tallies`` and by the tests) compares what the
database runs with this code. Triggers see every write, whichever code makes it (services, bulk
``update()``, COPY, raw deletes), which is why they are not Django signals. On SQLite (development and the
default test run) nothing is installed and the reports aggregate live (`reports.selectors`).
``manage.py report_tallies`` checks, folds or rebuilds both kinds.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone
from pgtrigger.core import INSTALLED

from accounts.models import OrgUnit

# Keys are plain numbers, not foreign keys, and never null: 0 means "not placed" or "no position", and
# NO_DUE_DATE stands for no due date.
NO_DUE_DATE = datetime.date(9999, 12, 31)
NOT_PLACED = 0
NO_POSITION = 0
# The month tallies' ``dated_by``: which of the enrolment's dates a row counts.
COMPLETED_MONTH = "c"
ENROLLED_MONTH = "e"
# The tallied periods: a month's 1st to 15th, and its 16th to its end.
SECOND_HALF_STARTS = 16

STEP = OrgUnit.steplen
COMPLETED = "completed"  # progress.models.Enrolment.Status.COMPLETED
NO_DUE_SQL = f"DATE '{NO_DUE_DATE.isoformat()}'"
INLINE_FOLD_ROWS = 5_000  # a statement that appends more changes than this folds them at once
# Any other statement folds with this chance, which keeps a few thousand changes pending at most without
# keeping any state: one learner's write in ~256 pays a few milliseconds, and never waits.
FOLD_CHANCE = 1 / 256

# The time zone whose days the month tallies count (`reports.models.MonthTallyZone`): as a scalar, for
# the statements run from Python; the triggers read it into a variable once per statement.
ZONE_TABLE = "reports_monthtallyzone"
ZONE_SQL = f"(SELECT time_zone FROM {ZONE_TABLE} LIMIT 1)"  # noqa: S608


@dataclass(frozen=True)
class Kind:
    """One kind of tally: its tables, its key and its fold lock."""

    tally: str
    changes: str
    key: tuple[str, ...]
    fold_lock: int  # pg advisory lock key: one fold of this kind at a time
    rebuild_order: tuple[str, ...]

    @property
    def columns(self) -> str:
        return ", ".join(self.key)

    def fold_sql(self, into: str = "") -> str:
        """The pending changes moved into the tally, in one statement whose result is (tally rows touched,
        ids of the rows it left at zero); ``into``: PL/pgSQL's INTO clause for that result."""
        key = self.columns
        return f"""WITH moved AS (
    DELETE FROM {self.changes} RETURNING {key}, change
), summed AS (
    SELECT {key}, SUM(change) AS n FROM moved GROUP BY {key} HAVING SUM(change) <> 0
), upserted AS (
    INSERT INTO {self.tally} AS t ({key}, learners)
    SELECT {key}, n FROM summed ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET learners = t.learners + EXCLUDED.learners
    RETURNING t.id, t.learners
)
SELECT COUNT(*), array_agg(id) FILTER (WHERE learners = 0) {into} FROM upserted"""  # noqa: S608


TALLIES = Kind(
    tally="reports_enrolmenttally",
    changes="reports_enrolmenttallychange",
    key=("unit_id", "course_id", "position_id", "status", "due_on"),
    fold_lock=7_411_001,
    rebuild_order=("unit_id", "course_id", "position_id", "status", "due_on"),
)
MONTH_TALLIES = Kind(
    tally="reports_enrolmentmonthtally",
    changes="reports_enrolmentmonthtallychange",
    key=("dated_by", "period", "unit_id", "course_id", "position_id", "status", "due_on"),
    fold_lock=7_411_002,
    # A unit's half months together, as readers read them (in the hash aggregate's order a city-wide
    # year read 19,000 pages for 62,000 rows).
    rebuild_order=("dated_by", "unit_id", "period", "course_id", "position_id", "status", "due_on"),
)


# -- what a statement changes ----------------------------------------------------------------------

# The paths of unit u and every unit above it (none when there is no u): looked up by index, a few rows
# per changed row. (A join on generate_series, estimated at 1,000 rows a unit, made PostgreSQL hash every
# unit of the city for each learner's write: 0.9 ms a statement instead of 0.1.)
_ANCESTOR_PATHS = f"ARRAY(SELECT substr(u.path, 1, k * {STEP}) FROM generate_series(1, u.depth) AS k)"  # noqa: S608

_COLUMNS = "org_unit_id, course_id, position_id, status, due_on"
_MONTH_COLUMNS = f"{_COLUMNS}, completed_at, enrolled_at"

# Signed rows (org_unit_id, course_id, position_id, status, due_on, sign) → changes per ancestor unit.
_APPEND = f"""WITH src AS (
    SELECT org_unit_id, course_id, position_id, status, due_on, SUM(sign) AS n
    FROM ({{source}}) AS rows
    GROUP BY org_unit_id, course_id, position_id, status, due_on
    HAVING SUM(sign) <> 0
)
INSERT INTO {TALLIES.changes} ({TALLIES.columns}, change)
SELECT COALESCE(a.id, 0), src.course_id, COALESCE(src.position_id, 0), src.status,
       COALESCE(src.due_on, {NO_DUE_SQL}), SUM(src.n)
FROM src
LEFT JOIN accounts_orgunit u ON u.id = src.org_unit_id
LEFT JOIN accounts_orgunit a ON a.path = ANY({_ANCESTOR_PATHS})
GROUP BY 1, 2, 3, 4, 5
HAVING SUM(src.n) <> 0"""  # noqa: S608 - SQL built from constants, no outside input

# Rows (org_unit_id, course_id, position_id, status, due_on, completed_at, enrolled_at, sign) → one row
# per date the enrolment has, with its half month (its first day) in the time zone {zone}. A completed
# enrolment is never overdue: its due date is left out (`NO_DUE_DATE`), so that its rows stay few.
_DATED = f"""SELECT rows.org_unit_id, rows.course_id, COALESCE(rows.position_id, 0) AS position_id,
       rows.status,
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
CROSS JOIN LATERAL (SELECT (d.at AT TIME ZONE {{zone}})::date AS day) AS l
WHERE d.at IS NOT NULL"""  # noqa: S608 - SQL built from constants, no outside input

# Dated rows → changes per ancestor unit (as `_APPEND`).
_MONTH_APPEND = f"""WITH src AS (
    SELECT org_unit_id, course_id, position_id, status, due_on, dated_by, period, SUM(sign) AS n
    FROM ({_DATED}) AS dated
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING SUM(sign) <> 0
)
INSERT INTO {MONTH_TALLIES.changes} ({MONTH_TALLIES.columns}, change)
SELECT src.dated_by, src.period, COALESCE(a.id, 0), src.course_id, src.position_id, src.status,
       src.due_on, SUM(src.n)
FROM src
LEFT JOIN accounts_orgunit u ON u.id = src.org_unit_id
LEFT JOIN accounts_orgunit a ON a.path = ANY({_ANCESTOR_PATHS})
GROUP BY 1, 2, 3, 4, 5, 6, 7
HAVING SUM(src.n) <> 0"""  # noqa: S608 - SQL built from constants, no outside input

_ALL_ENROLMENTS = f"SELECT {_MONTH_COLUMNS}, 1 AS sign FROM progress_enrolment WHERE assigned"  # noqa: S608


def _rows(columns: str, tables: dict[str, int]) -> str:
    """The assigned rows of the transition ``tables`` (name → sign), with their sign."""
    return " UNION ALL ".join(
        f"SELECT {columns}, {sign} AS sign FROM {table} WHERE assigned"  # noqa: S608
        for table, sign in tables.items()
    )


def _fold_if_due(kind: Kind) -> str:
    """After an append (``appended`` rows): fold that kind now if the statement appended many, or by
    chance; unless another fold is running (its changes wait for the next)."""
    return f"""GET DIAGNOSTICS appended = ROW_COUNT;
IF appended > {INLINE_FOLD_ROWS} OR (appended > 0 AND random() < {FOLD_CHANCE}) THEN
    IF pg_try_advisory_xact_lock({kind.fold_lock}) THEN
        {kind.fold_sql(into="INTO folded, emptied")};
        IF emptied IS NOT NULL THEN
            DELETE FROM {kind.tally} WHERE id = ANY(emptied);
        END IF;
    END IF;
END IF;"""  # noqa: S608 - SQL built from constants, no outside input


# Most of a learner's writes (the lesson they are on, when they were last seen) change nothing either kind
# counts: a cheap check first (the assigned rows before and after, as multisets of what the month tallies
# count, a superset of what the enrolment tallies count, are the same: the changes would cancel out), so
# that those do not pay for planning the appends (PostgreSQL plans a statement on transition tables at
# every call: ~0.4 ms for an append).
_UNCHANGED = f"""IF NOT EXISTS (
    SELECT {_MONTH_COLUMNS} FROM old_rows WHERE assigned
    EXCEPT ALL SELECT {_MONTH_COLUMNS} FROM new_rows WHERE assigned
) AND NOT EXISTS (
    SELECT {_MONTH_COLUMNS} FROM new_rows WHERE assigned
    EXCEPT ALL SELECT {_MONTH_COLUMNS} FROM old_rows WHERE assigned
) THEN
    RETURN NULL;
END IF;"""  # noqa: S608 - SQL built from constants, no outside input

# Both kinds' variables; `tally_zone` is null when the month tallies are not kept (no zone recorded).
_DECLARE = [("appended", "bigint"), ("folded", "bigint"), ("emptied", "bigint[]"), ("tally_zone", "text")]
_READ_ZONE = f"SELECT time_zone INTO tally_zone FROM {ZONE_TABLE} LIMIT 1;"  # noqa: S608


def _enrolments_changed(tables: dict[str, int]) -> str:
    """The body of the trigger on progress_enrolment that sees the transition ``tables`` (name → sign)."""
    month = _MONTH_APPEND.format(source=_rows(_MONTH_COLUMNS, tables), zone="tally_zone")
    return f"""{_UNCHANGED if len(tables) == 2 else ""}
{_APPEND.format(source=_rows(_COLUMNS, tables))};
{_fold_if_due(TALLIES)}
{_READ_ZONE}
IF tally_zone IS NOT NULL THEN
    {month};
    {_fold_if_due(MONTH_TALLIES)}
END IF;
RETURN NULL;"""


# Each unit whose ancestors change in a statement on accounts_orgunit, with the ancestors it loses (-1)
# and gains (+1). The state before the statement is the table now with the changed rows put back.
_MOVES = f"""CREATE TEMPORARY TABLE reports_tally_moves ON COMMIT DROP AS
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
FROM (SELECT * FROM new_ancestors EXCEPT SELECT * FROM old_ancestors) gained"""  # noqa: S608

# A unit whose ancestors change (moved to another parent) takes its enrolments' counts with it (treebeard
# also rewrites paths when it only shifts siblings: those change no ancestor and cost nothing).
_UNITS_MOVED = f"""IF NOT EXISTS (
    SELECT 1 FROM old_units o JOIN new_units n ON n.id = o.id WHERE o.path <> n.path
) THEN
    RETURN NULL;  -- a rename, a new child counted: no path changed
END IF;
{_MOVES};
IF EXISTS (SELECT 1 FROM reports_tally_moves) THEN
    -- No enrolment may change while its counts move (writers in flight finish first).
    LOCK TABLE progress_enrolment IN SHARE MODE;
    INSERT INTO {TALLIES.changes} ({TALLIES.columns}, change)
    SELECT m.ancestor_id, e.course_id, COALESCE(e.position_id, 0), e.status,
           COALESCE(e.due_on, {NO_DUE_SQL}), SUM(m.sign)
    FROM reports_tally_moves m
    JOIN progress_enrolment e ON e.org_unit_id = m.unit_id AND e.assigned
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(m.sign) <> 0;
    {_READ_ZONE}
    IF tally_zone IS NOT NULL THEN
        INSERT INTO {MONTH_TALLIES.changes} ({MONTH_TALLIES.columns}, change)
        SELECT d.dated_by, d.period, m.ancestor_id, d.course_id, d.position_id, d.status, d.due_on,
               SUM(m.sign)
        FROM reports_tally_moves m
        JOIN ({_DATED.format(source=_ALL_ENROLMENTS, zone="tally_zone")}) d ON d.org_unit_id = m.unit_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        HAVING SUM(m.sign) <> 0;
    END IF;
END IF;
DROP TABLE reports_tally_moves;
RETURN NULL;"""  # noqa: S608 - SQL built from constants, no outside input

_TRUNCATED = f"""DELETE FROM {TALLIES.changes};
DELETE FROM {TALLIES.tally};
DELETE FROM {MONTH_TALLIES.changes};
DELETE FROM {MONTH_TALLIES.tally};
RETURN NULL;"""  # noqa: S608 - SQL built from constants, no outside input


def _statement_trigger(name: str, operation, body: str, **referencing: str) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(**referencing) if referencing else None,
        declare=_DECLARE,
        func=body.strip(),
    )


# Declared on `reports.models.TalliedEnrolment` (progress_enrolment) and `TalliedOrgUnit` (accounts_orgunit).
ENROLMENT_TRIGGERS = [
    _statement_trigger(
        "tally_insert", pgtrigger.Insert, _enrolments_changed({"new_rows": 1}), new="new_rows"
    ),
    _statement_trigger(
        "tally_update",
        pgtrigger.Update,
        _enrolments_changed({"old_rows": -1, "new_rows": 1}),
        old="old_rows",
        new="new_rows",
    ),
    _statement_trigger(
        "tally_delete", pgtrigger.Delete, _enrolments_changed({"old_rows": -1}), old="old_rows"
    ),
    _statement_trigger("tally_truncate", pgtrigger.Truncate, _TRUNCATED),
]
UNIT_TRIGGERS = [
    _statement_trigger("tally_unit_move", pgtrigger.Update, _UNITS_MOVED, old="old_units", new="new_units"),
]


# -- what the tallies must add up to -----------------------------------------------------------------

# Every assigned enrolment counted for its unit and each unit above it.
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

# Every assigned enrolment counted per half month of each of its dates, for its unit and each unit above
# it, in the recorded time zone.
MONTH_EXPECTED = f"""
    SELECT d.dated_by, d.period, COALESCE(a.id, 0) AS unit_id, d.course_id, d.position_id, d.status,
           d.due_on, COUNT(*) AS learners
    FROM ({_DATED.format(source=_ALL_ENROLMENTS, zone=ZONE_SQL)}) d
    LEFT JOIN accounts_orgunit u ON u.id = d.org_unit_id
    LEFT JOIN LATERAL generate_series(1, u.depth) AS k(level) ON TRUE
    LEFT JOIN accounts_orgunit a ON a.path = substr(u.path, 1, k.level * {STEP})
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""  # noqa: S608 - SQL built from constants, no outside input

_EXPECTED = {TALLIES: EXPECTED, MONTH_TALLIES: MONTH_EXPECTED}


def _actual(kind: Kind) -> str:
    """The tally plus the pending changes, per key."""
    key = kind.columns
    return f"""
        SELECT {key}, SUM(n) AS learners FROM (
            SELECT {key}, learners AS n FROM {kind.tally}
            UNION ALL
            SELECT {key}, change FROM {kind.changes}
        ) t GROUP BY {key} HAVING SUM(n) <> 0
    """  # noqa: S608 - SQL built from constants, no outside input


def tallies_supported(using=None) -> bool:
    return connection.vendor == "postgresql"


def _fold(kind: Kind) -> int:
    """Fold the pending changes of a kind into its tally; -1 when another fold is running. Returns the
    number of tally rows touched. The same statements as the triggers' fold."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [kind.fold_lock])
        if not cursor.fetchone()[0]:
            return -1  # another fold is running; readers add the pending changes themselves
        cursor.execute(kind.fold_sql())
        folded, emptied = cursor.fetchone()
        if emptied:
            cursor.execute(f"DELETE FROM {kind.tally} WHERE id = ANY(%s)", [emptied])  # noqa: S608
        return folded


def _pending(kind: Kind) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {kind.changes}")  # noqa: S608
        return cursor.fetchone()[0]


def _differences(kind: Kind, limit: int) -> list[tuple]:
    """Keys whose counts differ from a live count: (key…, expected, actual). Empty when all is well."""
    coalesced = ", ".join(f"COALESCE(x.{name}, y.{name})" for name in kind.key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {coalesced}, COALESCE(x.learners, 0), COALESCE(y.learners, 0)
            FROM ({_EXPECTED[kind]}) x
            FULL JOIN ({_actual(kind)}) y USING ({kind.columns})
            WHERE COALESCE(x.learners, 0) <> COALESCE(y.learners, 0)
            LIMIT %s
            """,  # noqa: S608 - constants only; the limit is a parameter
            [limit],
        )
        return cursor.fetchall()


def _rebuild(kind: Kind) -> None:
    """Count a kind again from the enrolments, writing the rows in ``rebuild_order`` (a unit's rows lie
    together, as the readers read them, not in the hash aggregate's order, which scatters them over the
    whole table)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE progress_enrolment IN SHARE MODE")
        cursor.execute(f"DELETE FROM {kind.changes}")  # noqa: S608
        cursor.execute(f"DELETE FROM {kind.tally}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {kind.tally} ({kind.columns}, learners) "  # noqa: S608
            f"SELECT {kind.columns}, learners FROM ({_EXPECTED[kind]}) expected "
            f"ORDER BY {', '.join(kind.rebuild_order)}"
        )


def tally_rebuild() -> None:
    """Count the enrolment tallies again from the enrolments (repair; never scheduled)."""
    with transaction.atomic():
        _rebuild(TALLIES)


def tally_fold() -> int:
    return _fold(TALLIES)


def tally_pending() -> int:
    return _pending(TALLIES)


def tally_differences(limit: int = 20) -> list[tuple]:
    return _differences(TALLIES, limit)


# -- the month tallies' time zone ----------------------------------------------------------------------

_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


def month_tally_zone() -> str | None:
    """The time zone the month tallies count days in; None when they are not kept."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ZONE_SQL}")
        return cursor.fetchone()[0]


_zone_seen: dict[str, str | None] = {}


def month_tallies_usable() -> bool:
    """Whether the month tallies answer for this site: PostgreSQL, kept, and counting days in the current
    time zone. The zone is asked once per process (changing it means a new setting, so a restart, and
    `report_tallies --rebuild`, which counts them again in the new zone)."""
    if not tallies_supported():
        return False
    alias = connection.alias
    if alias not in _zone_seen:
        _zone_seen[alias] = month_tally_zone()
    return _zone_seen[alias] == timezone.get_current_timezone_name()


def month_tally_rebuild(zone: str | None = None) -> None:
    """Count every half month again from the enrolments, days taken in ``zone`` (by default the zone
    recorded, else the site's): repair, or a change of TIME_ZONE; never scheduled."""
    zone = zone or month_tally_zone() or timezone.get_default_timezone_name()
    if not _ZONE_NAME.match(zone):
        raise ValueError(f"not a time zone name: {zone!r}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE progress_enrolment IN SHARE MODE")  # no write in between
            cursor.execute(f"DELETE FROM {ZONE_TABLE}")  # noqa: S608
            cursor.execute(f"INSERT INTO {ZONE_TABLE} (time_zone) VALUES (%s)", [zone])  # noqa: S608
        _rebuild(MONTH_TALLIES)


def month_tally_fold() -> int:
    return _fold(MONTH_TALLIES)


def month_tally_pending() -> int:
    return _pending(MONTH_TALLIES)


def month_tally_differences(limit: int = 20) -> list[tuple]:
    """Month keys whose counts differ from a live count: (key…, expected, actual). Empty when all is well."""
    return _differences(MONTH_TALLIES, limit)


# -- do the installed triggers run this code? -----------------------------------------------------------

# The body of the trigger function in pgtrigger's installation SQL (which also holds its helper function).
_FUNCTION_BODY = re.compile(r"RETURNS TRIGGER AS \$\$(.*?)\$\$", re.S)


def declared_triggers() -> list[tuple[type, pgtrigger.Trigger]]:
    """(model, trigger) for every trigger the tallies declare (reports.models)."""
    return [
        (model, trigger) for model, trigger in pgtrigger.registered() if model._meta.app_label == "reports"
    ]


def trigger_drift() -> list[str]:
    """What differs between the tallies' triggers in the database and this code: empty when every declared
    trigger is installed, enabled and runs exactly the declared function, and no other trigger of ours is
    left on the tables. pgtrigger's own status compares the hash it stored with the trigger; the function
    body is compared too, so that a function replaced by hand (or by an old migration) is caught."""
    problems = []
    declared_ids = set()
    with connection.cursor() as cursor:
        for model, trigger in declared_triggers():
            pgid = trigger.get_pgid(model)
            declared_ids.add(pgid)
            status, enabled = trigger.get_installation_status(model)
            if status != INSTALLED:
                problems.append(f"{trigger.get_uri(model)}: {status.lower()} ({pgid})")
                continue
            if not enabled:
                problems.append(f"{trigger.get_uri(model)}: disabled ({pgid})")
            body = _FUNCTION_BODY.search(trigger.compile(model).install_sql).group(1)
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [pgid])
            if [row[0] for row in cursor.fetchall()] != [body]:
                problems.append(f"{trigger.get_uri(model)}: function {pgid}() is not the declared one")
        cursor.execute(
            """
            SELECT tgname, tgrelid::regclass::text FROM pg_trigger
            WHERE tgrelid IN ('progress_enrolment'::regclass, 'accounts_orgunit'::regclass)
              AND NOT tgisinternal AND (tgname LIKE %s OR tgname LIKE %s)
            """,
            ["reports\\_%", "pgtrigger\\_tally\\_%"],  # the hand-installed ones, and ours
        )
        for tgname, table in cursor.fetchall():
            if tgname not in declared_ids:
                problems.append(f"{table}: trigger {tgname} is not declared")
    return problems
