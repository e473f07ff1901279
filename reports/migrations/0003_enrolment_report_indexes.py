"""Partial indexes on progress_enrolment for the reports (PostgreSQL).

The first two let a page of people be read straight off an index in (unit, learner) or (due date,
unit, learner) order, instead of sorting every enrolment of a district or the city. The last two cover
the dashboard when it is filtered by completion or enrolment date (the tallies hold no dates, so it
counts live): an index-only scan of the rows in the range. Built CONCURRENTLY, so that a running site
keeps writing progress meanwhile. They live here rather than in progress/ because only the reports
read in these orders.
"""

from django.db import migrations

INDEXES = {
    "reports_enrolment_unit_learner": "(org_unit_id, learner_id, course_id) WHERE assigned",
    "reports_enrolment_due": "(due_on, org_unit_id, learner_id, course_id) WHERE assigned",
    "reports_enrolment_completed": (
        "(completed_at) INCLUDE (org_unit_id, course_id, position_id, status, due_on) "
        "WHERE assigned AND completed_at IS NOT NULL"
    ),
    "reports_enrolment_enrolled": (
        "(enrolled_at) INCLUDE (org_unit_id, course_id, position_id, status, due_on) WHERE assigned"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON progress_enrolment {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("reports", "0002_tally_triggers")]

    operations = [migrations.RunPython(create, drop)]
