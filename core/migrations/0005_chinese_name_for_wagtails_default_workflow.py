"""Wagtail's own migrations make a workflow and a task named "Moderators approval", in English only;
trainers see them in the workflow reports and the task chooser beside our "课程审核 Course review".
They get a Chinese name in front, as ours have (tests/test_chinese_everywhere.py checks every name)."""

from django.db import migrations

OLD = "Moderators approval"
NEW = "管理员审批 Moderators approval"


def rename(apps, schema_editor):
    for model in (apps.get_model("wagtailcore", "Workflow"), apps.get_model("wagtailcore", "Task")):
        model.objects.filter(name=OLD).update(name=NEW)


def unrename(apps, schema_editor):
    for model in (apps.get_model("wagtailcore", "Workflow"), apps.get_model("wagtailcore", "Task")):
        model.objects.filter(name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_course_material_collection"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, unrename)]
