"""Chinese for Django's and Wagtail's own strings: every one installed has a translation somewhere.

Upstream's zh_Hans catalogues lag behind their sources (Wagtail 8 shipped ~400 strings without Chinese:
"Autosave is paused", "Insert a block", "35 Pages"…). The project fills the gap in locale_upstream/,
which `makemessages` never writes and which comes after locale/ in LOCALE_PATHS. These tests fail when an
upgrade brings new untranslated strings (add them there) or makes an override stale (remove it).
"""

import gettext
import io
import json
import re
import sys
from functools import cache
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT / "locale_upstream" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w+\}")

sys.path.insert(0, str(ROOT / "scripts"))
import compile_messages  # noqa: E402


def _key(entry):
    return (entry.msgctxt or None, entry.msgid)


@cache
def _upstream_catalogue_dirs() -> tuple[Path, ...]:
    """The locale directories of Django and of every installed Django/Wagtail app."""
    dirs = [Path(django.__file__).parent / "conf" / "locale"]
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in ("django", "wagtail"):
            dirs.append(Path(config.path) / "locale")
    return tuple(d for d in dirs if d.is_dir())


@cache
def _entries(language: str, domain: str) -> dict:
    found = {}
    for locale_dir in _upstream_catalogue_dirs():
        po = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            for entry in polib.pofile(str(po)):
                if not entry.obsolete:
                    found.setdefault(_key(entry), entry)
    return found


def _ours(domain: str) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(UPSTREAM / f"{domain}.po")) if not e.obsolete]


def _translated_by_project(domain: str) -> set:
    keys = set()
    for locale_dir in settings.LOCALE_PATHS:
        po = Path(locale_dir) / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            keys |= {_key(e) for e in polib.pofile(str(po)).translated_entries()}
    return keys


def test_locale_upstream_comes_after_the_projects_own_catalogue():
    # Project strings win; makemessages writes only to LOCALE_PATHS[0] for files under BASE_DIR.
    assert [Path(p).name for p in settings.LOCALE_PATHS] == ["locale", "locale_upstream"]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_override_is_translated_and_keeps_its_placeholders(domain):
    for entry in _ours(domain):
        assert entry.translated(), entry.msgid
        source = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        if entry.msgid_plural:
            # zh has one plural form, used for every count: it may name any placeholder of either form.
            assert set(PLACEHOLDER.findall(entry.msgstr_plural[0])) <= source, entry.msgid
        else:
            assert set(PLACEHOLDER.findall(entry.msgstr)) == source, entry.msgid


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_override_is_still_an_upstream_string_without_chinese(domain):
    english = _entries("en", domain)
    chinese = {k for k, e in _entries("zh_Hans", domain).items() if e.translated()}
    gone = [e.msgid for e in _ours(domain) if _key(e) not in english]
    assert not gone, f"no longer in Django or Wagtail, remove from locale_upstream: {gone[:5]}"
    stale = [e.msgid for e in _ours(domain) if _key(e) in chinese]
    assert not stale, f"upstream translates these now, remove from locale_upstream: {stale[:5]}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_installed_upstream_string_has_chinese(domain):
    english = _entries("en", domain)
    chinese = {k for k, e in _entries("zh_Hans", domain).items() if e.translated()}
    ours = _translated_by_project(domain)
    missing = [key[1] for key in english if key not in chinese and key not in ours]
    assert not missing, (
        f"{len(missing)} Django/Wagtail strings have no Chinese; "
        f"add them to locale_upstream/zh_Hans: {missing[:5]}"
    )


def test_overrides_are_compiled():
    for domain in ("django", "djangojs"):
        po = UPSTREAM / f"{domain}.po"
        assert po.with_suffix(".mo").read_bytes() == compile_messages.compile_po(po)
        assert gettext.GNUTranslations(io.BytesIO(po.with_suffix(".mo").read_bytes())).plural(5) == 0


def test_django_and_wagtail_strings_render_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Autosave is paused") == "自动保存已暂停"
        assert translation.gettext("Search all pages…") == "搜索所有页面…"
        assert translation.gettext("Go to the first error") == "转到第一个错误"
        assert "35 个页面" in translation.ngettext(
            '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
            35,
        ) % {"total": 35, "site_name": "一线学堂"}
        # The project's own catalogue still wins over both.
        assert translation.gettext("Accounts") == "账号"


@pytest.mark.django_db
def test_wagtails_javascript_catalogue_includes_the_overrides(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert json.dumps("插入内容块") in response.content.decode()  # "Insert a block", Wagtail's block picker


# Each override of a Wagtail template: what it changes, as (ours, Wagtail's) replacements.
TEMPLATE_OVERRIDES = {
    "wagtailadmin/shared/headers/_actions.html": [("{% translate 'Actions' %}", "Actions")],
    "wagtailadmin/shared/headers/_filters.html": [
        ("        {% for field in filters.form.hidden_fields %}{{ field }}{% endfor %}\n", ""),
        ("{% for field in filters.form.visible_fields %}", "{% for field in filters.form %}"),
    ],
}


@pytest.mark.parametrize("name", TEMPLATE_OVERRIDES)
def test_template_overrides_follow_wagtails_templates(name):
    """core/templates overrides a Wagtail template only for the change listed above; anything else
    Wagtail changes in it on an upgrade must be copied over (this fails until it is)."""
    import wagtail

    upstream = (Path(wagtail.__file__).parent / "admin" / "templates" / name).read_text()
    ours = (ROOT / "core" / "templates" / name).read_text()
    first_line, _, rest = ours.partition("\n")
    assert first_line.startswith(("{% load i18n %}", "{#"))
    for mine, theirs in TEMPLATE_OVERRIDES[name]:
        assert mine in rest
        rest = rest.replace(mine, theirs)
    assert rest == upstream


def test_image_blocks_chooser_label_is_translated():
    """In the lesson editor and in the block preview (which looks the block up by its definition)."""
    from wagtail.blocks.base import Block

    from courses.models import LessonPage

    image_block = LessonPage._meta.get_field("body").stream_block.child_blocks["image"].child_blocks["image"]
    chooser = image_block.child_blocks["image"]
    with translation.override("zh-hans"):
        assert str(chooser.label) == "图片"
        assert str(Block.definition_registry[chooser.definition_prefix].label) == "图片"


def test_link_chooser_fields_have_translatable_labels():
    """Wagtail leaves them unlabelled (Django would print the field name in English)."""
    from django.utils.functional import Promise
    from wagtail.admin.forms import choosers

    for form in (
        choosers.ExternalLinkChooserForm,
        choosers.AnchorLinkChooserForm,
        choosers.EmailLinkChooserForm,
        choosers.PhoneLinkChooserForm,
    ):
        for name, field in form.base_fields.items():
            assert field.label is not None, f"{form.__name__}.{name}"
            assert isinstance(field.label, Promise) or not field.label.isascii() or field.label in ("#",)
