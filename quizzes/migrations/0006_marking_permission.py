"""The permission to mark written answers (quizzes.marking), given to the Trainers, Reviewers and Managers
groups. A manager's marking is limited to their part of the tree by the policy, not by the permission.

The permission is created here if it does not exist yet: on a fresh database Django creates permissions
only after all migrations have run."""

from django.db import migrations

GROUPS = ("Trainers", "Reviewers", "Managers")
CODENAME = "mark_quizattempt"


def _permission(apps):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label="quizzes", model="quizattempt")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": "Can mark written answers"}
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permission = _permission(apps)
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permission = Permission.objects.filter(content_type__app_label="quizzes", codename=CODENAME).first()
    if permission is None:
        return
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_test_out"),
        ("quizzes", "0002_trainer_reviewer_question_permissions"),
        ("assignments", "0002_managers_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="quizattempt",
            options={
                "permissions": [("mark_quizattempt", "Can mark written answers")],
                "verbose_name": "quiz attempt",
                "verbose_name_plural": "quiz attempts",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
