"""Trainers and reviewers upload their own screenshots, videos and downloads, in the collection for
course material, and nobody reaches images or documents elsewhere.

Wagtail checks image and document rights as ``wagtailimages.*_image`` and ``wagtaildocs.*_document``
per collection, whatever the image model (its policy's auth model is Wagtail's Image); 0003 granted
``core.*_customimage``, which nothing checks, so trainers could not upload images at all, and it granted
documents on the root collection, i.e. in every collection. Wagtail's own migrations also let every
group with admin access choose any image or document. Here:

- a collection "课程素材 Course material" is made under the root: where lessons' images and files live
  (the demo's illustrations go in a collection below it);
- Trainers and Reviewers may add, change and choose images and documents in it and below it only;
- no group of ours (Trainers, Reviewers, Managers) keeps a right on images or documents in the root
  collection, so a collection an administrator makes beside it (e.g. internal papers) is theirs alone;
- images and documents sitting in the root collection move into the course material collection, so
  lessons that use them keep working for trainers.
"""

from django.db import migrations

COLLECTION = "课程素材 Course material"
GROUPS = ("Trainers", "Reviewers")
ALL_OUR_GROUPS = ("Trainers", "Reviewers", "Managers")
MEDIA_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"), ("core", "customimage"))
GRANTS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's materialised-path alphabet (steplen 4)


def _next_child_path(root, Collection) -> str:
    """The path of a new last child of ``root``, as treebeard would give it."""
    last = (
        Collection.objects.filter(depth=root.depth + 1, path__startswith=root.path)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = 0
    if last:
        for char in last[-4:]:
            number = number * 36 + ALPHABET.index(char)
    number += 1
    step = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return root.path + step


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": "Can " + codename.replace("_", " ")},
    )
    return permission


def forwards(apps, schema_editor):
    Collection = apps.get_model("wagtailcore.Collection")
    Group = apps.get_model("auth.Group")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    root = Collection.objects.get(depth=1)
    material = Collection.objects.filter(depth=2, name=COLLECTION).first()
    if material is None:
        material = Collection.objects.create(
            name=COLLECTION, path=_next_child_path(root, Collection), depth=2, numchild=0
        )
        root.numchild = Collection.objects.filter(depth=2, path__startswith=root.path).count()
        root.save(update_fields=["numchild"])
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        for (app_label, model), codenames in GRANTS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=material, permission=_permission(apps, app_label, model, codename)
                )
    for app_label, model in MEDIA_MODELS:
        GroupCollectionPermission.objects.filter(
            group__name__in=ALL_OUR_GROUPS,
            collection=root,
            permission__content_type__app_label=app_label,
            permission__content_type__model=model,
        ).delete()
    apps.get_model("core.CustomImage").objects.filter(collection=root).update(collection=material)
    apps.get_model("wagtaildocs.Document").objects.filter(collection=root).update(collection=material)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_trainer_reviewer_groups_and_workflow"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("assignments", "0002_managers_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
