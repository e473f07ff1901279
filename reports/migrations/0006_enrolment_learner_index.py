"""A partial index on progress_enrolment by learner, covering what the people list filters and counts on
(PostgreSQL): a search finds its people first (reports.selectors.searched_learners), and the list then
counts their enrolments (18,000 for a one-character surname in a city) from this index alone instead of
from as many table pages: 17 ms instead of 60–110. Built CONCURRENTLY, like 0003's."""

from django.db import migrations

INDEXES = {
    "reports_enrolment_learner": (
        "(learner_id) INCLUDE (org_unit_id, course_id, position_id, status, due_on) WHERE assigned"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON progress_enrolment {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("reports", "0005_tally_ancestors_by_index")]

    operations = [migrations.RunPython(create, drop)]
