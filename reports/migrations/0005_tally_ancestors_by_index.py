"""Once replaced the tally functions with the SQL of reports/tallies.py of the day of the run (units looked
up by index: the same counts, a cheaper write). The triggers are declared now and installed by
0008_declared_tally_triggers. Kept, empty, so that databases that ran it keep their history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_month_tallies")]

    operations = []
