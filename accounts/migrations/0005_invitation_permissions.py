"""Training managers create invitations and decide on join requests (the Managers group gets the
invitation permissions); a manager's invitations are limited to their part of the tree by the policy
(accounts.policies), not by the permission.

The permissions are created here if they do not exist yet: on a fresh database Django creates them only
after all migrations have run."""

from django.db import migrations

GROUP = "Managers"
PERMISSIONS = [
    ("add_invitation", "Can add invitation"),
    ("change_invitation", "Can change invitation"),
    ("view_invitation", "Can view invitation"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="accounts", model="invitation")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for codename, name in PERMISSIONS:
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="accounts", codename__in=[codename for codename, _name in PERMISSIONS]
    )
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_invitations"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
