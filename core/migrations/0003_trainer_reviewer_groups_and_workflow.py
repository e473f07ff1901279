"""Groups "Trainers" and "Reviewers" and the course moderation workflow.

Trainers write and edit pages and submit them for review; they cannot publish.
Reviewers can do all that and publish, and they approve or reject what Trainers submit.
Every page under the root goes through the "Course review" workflow.
"""

from django.db import migrations

TRAINERS = "Trainers"
REVIEWERS = "Reviewers"
WORKFLOW = "课程审核 Course review"
TASK = "审核员审批 Reviewer approval"

PAGE_PERMISSIONS = {
    TRAINERS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    # app_label, model: codenames (Wagtail checks these per collection)
    ("core", "customimage"): ["add_customimage", "change_customimage", "choose_customimage"],
    ("wagtaildocs", "document"): ["add_document", "change_document", "choose_document"],
}
MODEL_PERMISSIONS = {
    TRAINERS: [("courses", "topic", ["add_topic", "change_topic", "view_topic"])],
    REVIEWERS: [("courses", "topic", ["add_topic", "change_topic", "delete_topic", "view_topic"])],
}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": "Can " + codename.replace("_", " ", 1).replace("_", " ")}
    )
    return permission


def create_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")

    groups = {}
    for name in (TRAINERS, REVIEWERS):
        group, _created = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(access_admin)
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission(apps, "wagtailcore", "page", codename)
            )
        for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(apps, app_label, model, codename),
                )
        for app_label, model, codenames in MODEL_PERMISSIONS[name]:
            for codename in codenames:
                group.permissions.add(_permission(apps, app_label, model, codename))

    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _created = GroupApprovalTask.objects.get_or_create(
        name=TASK, defaults={"content_type": task_type, "active": True}
    )
    task.groups.set([groups[REVIEWERS]])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # One workflow per page: ours replaces Wagtail's default "Moderators approval" on the root.
    WorkflowPage.objects.filter(page=root_page).delete()
    WorkflowPage.objects.create(page=root_page, workflow=workflow)


def remove_groups_and_workflow(apps, schema_editor):
    apps.get_model("wagtailcore.WorkflowPage").objects.filter(workflow__name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Task").objects.filter(name=TASK).delete()
    apps.get_model("auth.Group").objects.filter(name__in=[TRAINERS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_create_homepage"),
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, remove_groups_and_workflow)]
