"""The people admin in the words people use: yes/no, role names for groups, 名称 for units."""

import html as html_lib
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import OrgUnit, Position, User
from accounts.rights import ROLE_GROUPS, WAGTAIL_DEFAULT_GROUPS, group_description, group_label
from tests.factories import make_org_tree, make_user

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_users_list_says_yes_or_no_and_names_groups_by_role(admin_client):
    units = make_org_tree()
    make_user("a1", name="张三", org_unit=units["A社区"], groups=["Trainers"])
    page = admin_client.get(reverse("wagtailusers_users:index")).content.decode()
    text = visible_text(page)
    assert "True" not in page and "False" not in page
    assert "是" in text
    for group in Group.objects.all():
        assert group_label(group) in text
    for name in ROLE_GROUPS.values():
        assert f" {name} " not in text, name


def test_every_group_has_a_label_and_a_description():
    for group in Group.objects.all():
        assert group_label(group) and group_description(group), group.name
    for role, name in ROLE_GROUPS.items():
        assert group_label(Group.objects.get(name=name)) == str(role.label)
    assert set(WAGTAIL_DEFAULT_GROUPS) <= set(Group.objects.values_list("name", flat=True))


def test_the_groups_screen_describes_every_group(admin_client):
    text = visible_text(admin_client.get(reverse("wagtailusers_groups:index")).content.decode())
    for group in Group.objects.all():
        assert group_label(group) in text and group_description(group)[:20] in text


def test_the_add_user_screen_has_no_new_colon_and_a_translated_username_help(admin_client):
    text = visible_text(admin_client.get(reverse("wagtailusers_users:add")).content.decode())
    assert "New:" not in text
    assert "Required. Letters, digits and @/./+/-/_ only." not in text


def test_units_and_positions_have_a_name_not_a_persons_name():
    for model in (OrgUnit, Position):
        field = model._meta.get_field("name")
        assert field.verbose_name != User._meta.get_field("name").verbose_name or (
            str(field.verbose_name) == "name"  # English is the same word; the context tells them apart
        )
        assert getattr(field.verbose_name, "_proxy____args", ("unit or position",))[0] == "unit or position"


def test_the_tree_column_is_the_units_name(admin_client):
    make_org_tree()
    from django.utils import translation

    with translation.override("zh-hans"):
        person = str(User._meta.get_field("name").verbose_name)
    text = visible_text(admin_client.get(reverse("org_units:index")).content.decode())
    assert f" {person} " not in text
