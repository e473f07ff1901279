"""Trainers (and reviewers) and training managers plan and run in-person sessions: both groups get the session
permissions. Which sessions each sees is the policy's (classroom.policies), not the permission's.

The permissions are created here if they do not exist yet: on a fresh database Django creates them only
after all migrations have run."""

from django.db import migrations

GROUPS = ("Trainers", "Reviewers", "Managers")  # reviewers do everything trainers do
PERMISSIONS = [
    ("add_trainingsession", "Can add in-person session"),
    ("change_trainingsession", "Can change in-person session"),
    ("view_trainingsession", "Can view in-person session"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="classroom", model="trainingsession")
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        for codename, label in PERMISSIONS:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label}
            )
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="classroom", codename__in=[codename for codename, _label in PERMISSIONS]
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0001_initial"),
        ("assignments", "0002_managers_group"),
        ("core", "0003_trainer_reviewer_groups_and_workflow"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
