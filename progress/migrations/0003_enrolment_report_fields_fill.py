"""Fill the report fields of enrolments made before they existed."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def fill(apps, schema_editor):
    Enrolment = apps.get_model("progress", "Enrolment")
    ItemProgress = apps.get_model("progress", "ItemProgress")
    CourseCompletion = apps.get_model("progress", "CourseCompletion")
    User = apps.get_model("accounts", "User")
    learner = User.objects.filter(pk=OuterRef("learner_id"))
    Enrolment.objects.update(
        org_unit_id=Subquery(learner.values("org_unit_id")[:1]),
        position_id=Subquery(learner.values("position_id")[:1]),
    )
    seen = ItemProgress.objects.filter(learner_id=OuterRef("learner_id"), course_id=OuterRef("course_id"))
    Enrolment.objects.filter(Exists(seen)).update(status="in_progress")
    completion = CourseCompletion.objects.filter(
        learner_id=OuterRef("learner_id"), course_id=OuterRef("course_id")
    )
    Enrolment.objects.filter(Exists(completion)).update(
        status="completed", completed_at=Subquery(completion.values("completed_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_enrolment_report_fields"),
        ("accounts", "0003_user_managed_unit"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
