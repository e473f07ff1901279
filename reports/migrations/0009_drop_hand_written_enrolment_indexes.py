"""The partial indexes 0003 and 0006 wrote by hand on progress_enrolment are declared now where the table is
(progress.models.Enrolment.Meta.indexes, built by progress/0004 under their new names): the old ones are
dropped, CONCURRENTLY, once the new ones exist (PostgreSQL; elsewhere there were none)."""

from django.db import migrations

OLD_INDEXES = [
    "reports_enrolment_unit_learner",
    "reports_enrolment_due",
    "reports_enrolment_completed",
    "reports_enrolment_enrolled",
    "reports_enrolment_learner",
]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0008_declared_tally_triggers"),
        ("progress", "0004_enrolment_report_indexes"),
    ]

    # Going back leaves them gone: progress/0004's are the same indexes.
    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
