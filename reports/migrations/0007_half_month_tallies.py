"""The month tallies count half months (the 1st–15th and the 16th to the month's end) instead of whole
months: a date range cut inside a month then counts at most about a week live at either end instead of
about half a month (reports/selectors.py, `date_split`). The column is renamed ``period`` and every half
month is counted again from the enrolments (PostgreSQL; elsewhere nothing is installed). The tallies keep
the time zone they were installed in.

Going back takes the month tallies away (the reports then count date ranges live) rather than install
SQL that no longer exists."""

from django.db import migrations, models


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports import tallies

    # Installing replaces the triggers (which fire on enrolments only: nothing writes one in between).
    tallies.month_tallies_install(schema_editor, zone=tallies.month_tally_zone())


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports import tallies

    tallies.month_tallies_uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_enrolment_learner_index")]

    operations = [
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
        migrations.RunPython(install, uninstall),
    ]
