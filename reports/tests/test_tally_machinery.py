"""The database runs what the code declares: the tallies' triggers (reports/models.py, django-pgtrigger) and
the reports' indexes on enrolments (progress.models.Enrolment.Meta.indexes) are installed exactly as
declared, every change to them ships as a migration, and the migration that replaced the hand-installed
triggers keeps the counts a database already has."""

from __future__ import annotations

import importlib
import io
import types

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from progress.models import Enrolment
from reports import tallies
from reports.models import EnrolmentMonthTally, EnrolmentTally, TalliedEnrolment, TalliedOrgUnit

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("triggers and covering indexes are PostgreSQL's (set DATABASE_URL)")


def execute(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def pgid(model, name: str) -> str:
    trigger = next(trigger for trigger in model._meta.triggers if trigger.name == name)
    return trigger.get_pgid(model)


def test_the_installed_triggers_are_the_declared_ones():
    """What the migrations installed is what reports/tallies.py says, trigger and function alike."""
    declared = {trigger.get_uri(model) for model, trigger in tallies.declared_triggers()}
    assert declared == {
        "reports.TalliedEnrolment:tally_insert",
        "reports.TalliedEnrolment:tally_update",
        "reports.TalliedEnrolment:tally_delete",
        "reports.TalliedEnrolment:tally_truncate",
        "reports.TalliedOrgUnit:tally_unit_move",
    }
    assert tallies.trigger_drift() == []
    # Nothing of the hand-installed machinery is left.
    assert execute("SELECT proname FROM pg_proc WHERE proname LIKE 'reports\\_%%'") == []


def test_a_function_that_differs_from_the_code_is_found():
    """As a migration that ran the SQL of its day, or a hand edit, would leave it: pgtrigger's own status
    still says installed (it compares the hash it stored with the trigger), the function body does not."""
    name = pgid(TalliedEnrolment, "tally_update")
    (body,) = execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])[0]
    changed = body.replace("> 5000", "> 6000")
    execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body${changed}$body$")
    assert tallies.trigger_drift() == [
        f"reports.TalliedEnrolment:tally_update: function {name}() is not the declared one"
    ]
    with pytest.raises(CommandError, match="not the ones declared"):
        call_command("report_tallies", stdout=io.StringIO())


def test_a_missing_disabled_or_stray_trigger_is_found():
    insert, move = pgid(TalliedEnrolment, "tally_insert"), pgid(TalliedOrgUnit, "tally_unit_move")
    execute(f"DROP TRIGGER {insert} ON progress_enrolment")
    execute(f"ALTER TABLE accounts_orgunit DISABLE TRIGGER {move}")
    execute(
        "CREATE TRIGGER reports_tally_truncate AFTER TRUNCATE ON progress_enrolment "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {pgid(TalliedEnrolment, 'tally_truncate')}()"
    )
    assert sorted(tallies.trigger_drift()) == sorted(
        [
            f"reports.TalliedEnrolment:tally_insert: uninstalled ({insert})",
            f"reports.TalliedOrgUnit:tally_unit_move: disabled ({move})",
            "progress_enrolment: trigger reports_tally_truncate is not declared",
        ]
    )


def test_a_changed_declaration_is_found_until_it_is_migrated():
    """Code changed, no migration: the database still runs the old SQL, and both checks say so."""
    trigger = next(t for t in TalliedEnrolment._meta.triggers if t.name == "tally_delete")
    original = trigger.func
    trigger.func = original.replace("RETURN NULL;", "RETURN NULL;  -- changed")
    try:
        assert tallies.trigger_drift() == [
            f"reports.TalliedEnrolment:tally_delete: outdated ({trigger.get_pgid(TalliedEnrolment)})"
        ]
        with pytest.raises(SystemExit):
            call_command("makemigrations", "reports", check=True, dry_run=True, stdout=io.StringIO())
    finally:
        trigger.func = original
    assert tallies.trigger_drift() == []


def test_the_reports_indexes_are_the_declared_ones():
    """Each index declared on enrolments exists, defined as Django would create it now (its columns,
    included columns and condition), and the hand-written ones it replaced are gone."""
    declared = {index.name: index for index in Enrolment._meta.indexes}
    assert {
        "enrolment_assigned_unit",
        "enrolment_assigned_due",
        "enrolment_assigned_completed",
        "enrolment_assigned_enrolled",
        "enrolment_assigned_learner",
    } <= declared.keys()
    installed = dict(
        execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'progress_enrolment'")
    )
    assert not [name for name in installed if name.startswith("reports_")]
    with connection.schema_editor(atomic=True) as editor:
        for name, index in declared.items():
            probe = index.clone()
            probe.name = "probe_" + name[:20]
            editor.execute(probe.create_sql(Enrolment, editor), params=None)
            (expected,) = execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [probe.name])[0]
            assert installed.get(name) == expected.replace(probe.name, name, 1), name
            editor.execute(f"DROP INDEX {probe.name}")


# -- the hand-over from the triggers installed by hand ---------------------------------------------------

hand_over = importlib.import_module("reports.migrations.0008_declared_tally_triggers").hand_over


def old_machinery(*, month_fold_body: str | None, zone: str | None):
    """A stand-in for what the old migrations installed: the functions the hand-over looks for, and one of
    the old triggers."""
    execute(
        "CREATE FUNCTION reports_tally_fold() RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;"
        "CREATE FUNCTION reports_tally_truncated() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$;"
        "CREATE TRIGGER reports_tally_truncate AFTER TRUNCATE ON progress_enrolment "
        "FOR EACH STATEMENT EXECUTE FUNCTION reports_tally_truncated()"
    )
    if month_fold_body is not None:
        execute(
            "CREATE FUNCTION reports_month_tally_fold() RETURNS bigint LANGUAGE sql "
            f"AS $$ {month_fold_body} $$"
        )
    if zone is not None:
        execute(
            "CREATE FUNCTION reports_month_tally_zone() RETURNS text LANGUAGE sql IMMUTABLE "
            f"AS $$ SELECT text '{zone}' $$"
        )


def counts():
    return (
        sorted(EnrolmentTally.objects.values_list("unit_id", "course_id", "status", "due_on", "learners")),
        sorted(
            EnrolmentMonthTally.objects.values_list("dated_by", "period", "unit_id", "course_id", "learners")
        ),
    )


def run_hand_over():
    hand_over(apps, types.SimpleNamespace(connection=connection))
    tallies._zone_seen.clear()


def test_a_database_with_the_old_triggers_keeps_its_counts_and_zone(world):
    """At the old 0007 (half months): the counts carry on as they are, in the zone they were counted in."""
    tallies.tally_fold()
    tallies.month_tally_fold()
    EnrolmentTally.objects.filter(pk=EnrolmentTally.objects.order_by("pk").first().pk).update(learners=41)
    before = counts()
    old_machinery(month_fold_body="SELECT count(period) FROM reports_enrolmentmonthtally", zone="UTC")
    assert "progress_enrolment: trigger reports_tally_truncate is not declared" in tallies.trigger_drift()
    try:
        run_hand_over()
        assert counts() == before  # adopted, not counted again
        assert tallies.month_tally_zone() == "UTC"
        assert tallies.trigger_drift() == []
        assert execute("SELECT proname FROM pg_proc WHERE proname LIKE 'reports\\_%%'") == []
    finally:
        tallies._zone_seen.clear()


def test_whole_month_tallies_are_counted_again_in_their_zone(world):
    """Between the first 0004 and 0007 the month tallies counted whole months: counted again per half
    month, in the zone they had; the enrolment tallies carry on."""
    tallies.tally_fold()
    EnrolmentMonthTally.objects.update(learners=99)
    enrolment_counts = counts()[0]
    old_machinery(month_fold_body="SELECT count(month) FROM (SELECT 1 AS month) m", zone="UTC")
    try:
        run_hand_over()
        assert counts()[0] == enrolment_counts
        assert tallies.month_tally_zone() == "UTC"
        assert tallies.month_tally_differences() == []
        assert tallies.trigger_drift() == []
    finally:
        tallies._zone_seen.clear()


def test_a_database_without_the_old_triggers_is_counted(world):
    """A database that never had them (new, or one that skipped the old 0002): both kinds counted from the
    enrolments, in the site's time zone."""
    EnrolmentTally.objects.update(learners=99)
    EnrolmentMonthTally.objects.update(learners=99)
    execute("DELETE FROM reports_monthtallyzone")
    try:
        run_hand_over()
        assert tallies.month_tally_zone() == settings.TIME_ZONE
        assert tallies.tally_differences() == []
        assert tallies.month_tally_differences() == []
        assert not EnrolmentTally.objects.filter(learners=99).exists()
    finally:
        tallies._zone_seen.clear()


def test_flush_leaves_the_zone_and_the_triggers():
    """`flush` (as between transactional tests) empties the tallies with everything else, and leaves the
    triggers and the zone they count in: the month tallies go on being kept."""
    execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending: TRUNCATE refuses
    call_command("flush", interactive=False, verbosity=0)
    assert tallies.month_tally_zone() == settings.TIME_ZONE
    assert tallies.trigger_drift() == []
