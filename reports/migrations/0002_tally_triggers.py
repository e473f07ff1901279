"""Database triggers that keep the enrolment tallies as progress changes (PostgreSQL; see reports/tallies.py).

On other databases nothing is installed and the reports count live."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports import tallies

    tallies.tallies_install(schema_editor)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports import tallies

    tallies.tallies_uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("progress", "0003_enrolment_report_fields_fill"),
        ("accounts", "0003_user_managed_unit"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
