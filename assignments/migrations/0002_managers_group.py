"""The "Managers" group: training managers of a part of the organisation.

Members reach the admin, assign courses, see reports and manage staff accounts, always limited to the
unit set on their account (`User.managed_unit`) and everything below it (accounts/scope.py). Permissions
are created here if they do not exist yet: on a fresh database Django creates them only after all
migrations have run.
"""

from django.db import migrations

MANAGERS = "Managers"

PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
    ("accounts", "user", "add_user", "Can add user"),
    ("accounts", "user", "change_user", "Can change user"),
    ("accounts", "user", "view_user", "Can view user"),
    ("accounts", "orgunit", "view_orgunit", "Can view organisation unit"),
    ("accounts", "position", "view_position", "Can view position"),
    ("assignments", "assignment", "add_assignment", "Can add assignment"),
    ("assignments", "assignment", "change_assignment", "Can change assignment"),
    ("assignments", "assignment", "view_assignment", "Can view assignment"),
    ("assignments", "assignment", "delete_assignment", "Can delete assignment"),
]


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    group, _created = Group.objects.get_or_create(name=MANAGERS)
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=MANAGERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_initial"),
        ("accounts", "0003_user_managed_unit"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
