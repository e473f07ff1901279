"""The month tallies count half months (the 1st–15th and the 16th to the month's end) instead of whole
months: a date range cut inside a month then counts at most about a week live at either end instead of
about half a month (reports/selectors.py, `date_split`). The column is renamed ``period``. This migration
once installed the half-month triggers and counted every half month by calling reports/tallies.py; the
triggers are declared now, and 0008_declared_tally_triggers installs them and counts the half months of a
database that does not have them yet."""

from django.db import migrations, models


# The month triggers a database may have from the first 0004 or 0005 count whole months into the column
# renamed below: dropped first, so that no write fails on it before 0008 (which counts every half month
# again when the month tallies were not kept per half month).
OLD_MONTH_TRIGGERS = [
    *(
        f"DROP TRIGGER IF EXISTS reports_month_tally_{name} ON progress_enrolment"
        for name in ("insert", "update", "delete", "truncate")
    ),
    "DROP TRIGGER IF EXISTS reports_month_tally_unit_move ON accounts_orgunit",
]


def drop_old_month_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in OLD_MONTH_TRIGGERS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_enrolment_learner_index")]

    operations = [
        migrations.RunPython(drop_old_month_triggers, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="enrolmentmonthtally", name="enrolment_month_tally_key"),
        migrations.RenameField(model_name="enrolmentmonthtally", old_name="month", new_name="period"),
        migrations.RenameField(model_name="enrolmentmonthtallychange", old_name="month", new_name="period"),
        migrations.AlterField(
            model_name="enrolmentmonthtally",
            name="period",
            field=models.DateField(verbose_name="half month"),
        ),
        migrations.AlterField(
            model_name="enrolmentmonthtallychange",
            name="period",
            field=models.DateField(verbose_name="half month"),
        ),
        migrations.AddConstraint(
            model_name="enrolmentmonthtally",
            constraint=models.UniqueConstraint(
                fields=("dated_by", "unit_id", "period", "course_id", "position_id", "status", "due_on"),
                name="enrolment_month_tally_key",
            ),
        ),
    ]
