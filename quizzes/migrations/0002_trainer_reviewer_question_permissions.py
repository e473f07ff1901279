"""Question bank permissions for the Trainers and Reviewers groups (created in core 0003).

Trainers write, edit and publish questions (and import them, which publishes) and manage categories;
Reviewers can also delete both. Permissions are created here if they do not exist yet: on a fresh
database Django and Wagtail create them only after all migrations have run.
"""

from django.db import migrations

TRAINERS = "Trainers"
REVIEWERS = "Reviewers"

GROUP_PERMISSIONS = {
    TRAINERS: {
        "question": ["add_question", "change_question", "view_question", "publish_question"],
        "questioncategory": ["add_questioncategory", "change_questioncategory", "view_questioncategory"],
    },
    REVIEWERS: {
        "question": ["add_question", "change_question", "view_question", "publish_question", "delete_question"],
        "questioncategory": [
            "add_questioncategory",
            "change_questioncategory",
            "view_questioncategory",
            "delete_questioncategory",
        ],
    },
}
VERBOSE_NAMES = {"question": "question", "questioncategory": "question category"}


def _permission(apps, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="quizzes", model=model)
    action = codename.split("_", 1)[0]
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {action} {VERBOSE_NAMES[model]}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for group_name, models in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for model, codenames in models.items():
            group.permissions.add(*(_permission(apps, model, codename) for codename in codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group_name, models in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for model, codenames in models.items():
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="quizzes", content_type__model=model, codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("core", "0003_trainer_reviewer_groups_and_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
