"""Once installed the enrolment tallies' triggers by calling reports/tallies.py (the SQL of the day of the
run, not of the migration). The triggers are declared now (reports/models.py, django-pgtrigger) and
installed, with the tallies counted when a database has none yet, by 0008_declared_tally_triggers. Kept,
empty, so that databases that ran it keep their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("progress", "0003_enrolment_report_fields_fill"),
        ("accounts", "0003_user_managed_unit"),
    ]

    operations = []
