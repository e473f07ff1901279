"""Replace Wagtail's placeholder welcome page with our HomePage and point the site at it."""

import uuid

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("core.HomePage")

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    if HomePage.objects.exists():
        return
    home_type, _created = ContentType.objects.get_or_create(app_label="core", model="homepage")
    locale = Locale.objects.order_by("id").first()
    root = Page.objects.get(depth=1)
    # treebeard paths: the root's children are numbered in base 36, four characters each.
    existing = Page.objects.filter(depth=2).order_by("-path").values_list("path", flat=True).first()
    step = int(existing[-4:], 36) + 1 if existing else 1
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    suffix = ""
    for _ in range(4):
        step, digit = divmod(step, 36)
        suffix = alphabet[digit] + suffix
    home = HomePage.objects.create(
        title="一线学堂",
        draft_title="一线学堂",
        slug="home",
        content_type=home_type,
        path=root.path + suffix,
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        translation_key=uuid.uuid4(),
        intro="给社区一线工作者的数字工具培训：扫码登记、体温记录、流调追踪、社区通知、AI 助手、个人信息保护。",
        live=True,
        has_unpublished_changes=False,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="一线学堂"
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("core.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
