import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import services
from accounts.models import OrgUnit, User
from accounts.selectors import org_subtree, org_unit_path_names, users_in_subtree
from tests.factories import make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(unit.name for unit in queryset)


def test_subtree_is_one_query_and_exact():
    units = make_org_tree()
    with CaptureQueriesContext(connection) as ctx:
        result = names(org_subtree(units["解放碑街道"]))
    assert len(ctx.captured_queries) == 1
    assert result == ["A社区", "B社区", "解放碑街道"]
    assert names(org_subtree(units["渝中区"])) == sorted(
        ["渝中区", "解放碑街道", "七星岗街道", "A社区", "B社区", "C社区"]
    )


def test_users_in_subtree_never_leak_across_branches():
    units = make_org_tree()
    a = make_user(org_unit=units["A社区"])
    c = make_user(org_unit=units["C社区"])
    assert list(users_in_subtree(units["解放碑街道"])) == [a]
    assert set(users_in_subtree(units["渝中区"])) == {a, c}


def test_moving_a_unit_moves_its_subtree_and_its_people():
    units = make_org_tree()
    person = make_user(org_unit=units["A社区"])
    services.org_unit_update(
        unit=units["解放碑街道"], name="解放碑街道", level="street", parent=units["七星岗街道"]
    )
    qxg = OrgUnit.objects.get(name="七星岗街道")
    assert names(org_subtree(qxg)) == sorted(["七星岗街道", "C社区", "解放碑街道", "A社区", "B社区"])
    assert person in users_in_subtree(qxg)
    assert org_unit_path_names(User.objects.get(pk=person.pk).org_unit) == [
        "重庆市", "渝中区", "七星岗街道", "解放碑街道", "A社区",
    ]  # fmt: skip


def test_a_unit_cannot_move_under_its_own_descendant():
    units = make_org_tree()
    with pytest.raises(ValidationError):
        services.org_unit_update(unit=units["渝中区"], name="渝中区", level="district", parent=units["A社区"])


def test_any_depth_works():
    units = make_org_tree()
    grid = services.org_unit_create(name="第一网格", level="grid", parent=units["A社区"])
    building = services.org_unit_create(name="1号楼", level="other", parent=grid)
    assert building.depth == 6
    assert org_unit_path_names(building)[-3:] == ["A社区", "第一网格", "1号楼"]


def test_only_an_empty_leaf_can_be_deleted():
    units = make_org_tree()
    with pytest.raises(ValidationError, match="下级单位"):
        services.org_unit_delete(unit=units["解放碑街道"])
    make_user(org_unit=units["C社区"])
    with pytest.raises(ValidationError, match="人员"):
        services.org_unit_delete(unit=units["C社区"])
    services.org_unit_delete(unit=units["B社区"])
    assert not OrgUnit.objects.filter(name="B社区").exists()


def test_admin_builds_the_tree_in_the_wagtail_admin(admin_client, admin_user):
    response = admin_client.post(
        reverse("org_units:add"), {"name": "重庆市", "level": "city", "code": "500000"}
    )
    assert response.status_code == 302
    city = OrgUnit.objects.get(name="重庆市")
    admin_client.post(reverse("org_units:add"), {"name": "渝中区", "level": "district", "parent": city.pk})
    district = OrgUnit.objects.get(name="渝中区")
    assert district.get_parent() == city
    duplicate = admin_client.post(
        reverse("org_units:add"), {"name": "渝中区", "level": "district", "parent": city.pk}
    )
    assert duplicate.status_code == 200 and OrgUnit.objects.filter(name="渝中区").count() == 1
    listing = admin_client.get(reverse("org_units:index")).content.decode()
    assert listing.index("重庆市") < listing.index("渝中区")
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=admin_user).count() == 2


def test_admin_moves_and_refuses_to_delete_a_branch(admin_client):
    units = make_org_tree()
    b = units["B社区"]
    response = admin_client.post(
        reverse("org_units:edit", args=(b.pk,)),
        {"name": "B社区", "level": "community", "parent": units["七星岗街道"].pk},
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=b.pk).get_parent().name == "七星岗街道"
    admin_client.post(reverse("org_units:delete", args=(units["渝中区"].pk,)))
    assert OrgUnit.objects.filter(name="渝中区").exists()


def test_admin_creates_staff_who_must_change_password(admin_client):
    units = make_org_tree()
    position = make_position("社区工作者")
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "liping",
            "name": "李萍",
            "mobile": "13900001111",
            "email": "",
            "org_unit": units["A社区"].pk,
            "position": position.pk,
            "password1": "Temp-pass-2026!",
            "password2": "Temp-pass-2026!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="liping")
    assert user.must_change_password and user.org_unit == units["A社区"] and user.position == position
    assert user.name == "李萍" and user.mobile == "13900001111"


def test_staff_without_a_mobile_number_do_not_collide(admin_client):
    for username in ("nomobile1", "nomobile2"):
        response = admin_client.post(
            reverse("wagtailusers_users:add"),
            {
                "username": username,
                "name": "无手机",
                "mobile": "",
                "password1": "Temp-pass-2026!",
                "password2": "Temp-pass-2026!",
            },
        )
        assert response.status_code == 302
    assert User.objects.filter(mobile__isnull=True, username__startswith="nomobile").count() == 2


def test_non_admins_cannot_reach_the_tree(client):
    client.force_login(make_user(groups=["Trainers"]))
    assert client.get(reverse("org_units:index")).status_code in (302, 403)
    assert client.post(reverse("org_units:add"), {"name": "X", "level": "city"}).status_code in (302, 403)
    assert not OrgUnit.objects.filter(name="X").exists()


def test_head_counts_include_everyone_below_in_one_query():
    from accounts.selectors import org_units_with_head_counts

    units = make_org_tree()
    make_user(org_unit=units["渝中区"])
    for name in ("A社区", "A社区", "B社区", "C社区", "解放碑街道"):
        make_user(org_unit=units[name])
    make_user(org_unit=units["C社区"], is_active=False)  # turned off: not counted
    with CaptureQueriesContext(connection) as ctx:
        counts = {unit.name: unit.head_count for unit in org_units_with_head_counts(OrgUnit.objects.all())}
    assert len(ctx.captured_queries) == 1
    assert counts == {
        "重庆市": 6,
        "渝中区": 6,
        "解放碑街道": 4,
        "A社区": 2,
        "B社区": 1,
        "七星岗街道": 1,
        "C社区": 1,
    }


def test_the_tree_listing_shows_head_counts_of_each_subtree_at_a_fixed_query_cost(admin_client):
    units = make_org_tree()
    for name in ("A社区", "B社区", "C社区"):
        make_user(org_unit=units[name])
    url = reverse("org_units:index")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for n in range(5):
        units[f"extra{n}"] = units["C社区"].add_child(name=f"网格{n}", level="grid")
        make_user(org_unit=units[f"extra{n}"])
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    html = response.content.decode()
    assert "Staff (incl. units below)" in html or "人数（含下级单位）" in html
    row = html[html.index("渝中区") :]
    assert ">8<" in row.replace(" ", "").replace("\n", "")[:3000]
