import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_external_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_default=django.db.models.functions.datetime.Now(), db_index=True, verbose_name="updated at"
            ),
        ),
        migrations.AddField(
            model_name="position",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_default=django.db.models.functions.datetime.Now(), db_index=True, verbose_name="updated at"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text="The person's id in the HR or grid-management system their record comes from.",
                max_length=64,
                null=True,
                unique=True,
                verbose_name="external id",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_default=django.db.models.functions.datetime.Now(), db_index=True, verbose_name="updated at"
            ),
        ),
    ]
