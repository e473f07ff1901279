"""The staff and organisation-tree screens of the admin (accounts/viewsets.py), limited to a manager's
part of the tree: lists, forms' unit choices, and no way to give more power than the manager has."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import OrgUnit, User
from reports.tests.conftest import login
from tests.factories import make_user


def options(response, name: str) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    select = soup.find("select", attrs={"name": name})
    return {option.get_text(strip=True) for option in select.find_all("option") if option.get("value")}


def checkbox_values(response, name: str) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {box["value"] for box in soup.find_all("input", attrs={"name": name, "type": "checkbox"})}


def new_user(**fields):
    data = {
        "username": "newcomer",
        "name": "新同事",
        "password1": "a-Strong-pass-2026",
        "password2": "a-Strong-pass-2026",
        "email": "",
        "mobile": "",
        "position": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_manager_sees_and_opens_only_people_in_scope(client, world):
    admin = make_user("root", is_superuser=True, org_unit=world.units["A社区"])
    wider = world.users["district_manager"]
    wider.org_unit = world.units["A社区"]
    wider.save()
    login(client, world.users["street_manager"])
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "learner_a" in listing and "learner_b" in listing
    assert "learner_c" not in listing
    # Nobody with more power than the viewer, even when placed in their units.
    assert "root" not in listing.split("<tbody")[-1]
    assert "district_manager" not in listing
    for user in (admin, wider, world.learners["C社区"]):
        assert client.get(reverse("wagtailusers_users:edit", args=[user.pk])).status_code == 404
        assert client.get(reverse("wagtailusers_users:history", args=[user.pk])).status_code == 404


def test_user_form_offers_only_units_in_scope_and_no_superuser_flag(client, world):
    login(client, world.users["street_manager"])
    response = client.get(reverse("wagtailusers_users:add"))
    assert response.status_code == 200
    assert {name.strip("\u3000") for name in options(response, "org_unit")} == {
        "解放碑街道",
        "A社区",
        "B社区",
    }
    assert b'name="is_superuser"' not in response.content
    assert checkbox_values(response, "groups") == {str(Group.objects.get(name="Managers").pk)}

    outside = client.post(reverse("wagtailusers_users:add"), new_user(org_unit=world.units["C社区"].pk))
    assert outside.status_code == 200
    assert not User.objects.filter(username="newcomer").exists()
    nowhere = client.post(reverse("wagtailusers_users:add"), new_user(org_unit=""))
    assert nowhere.status_code == 200  # a manager's staff must be placed in their part of the tree
    assert not User.objects.filter(username="newcomer").exists()
    made = client.post(
        reverse("wagtailusers_users:add"), new_user(org_unit=world.units["B社区"].pk, is_superuser="on")
    )
    assert made.status_code == 302
    created = User.objects.get(username="newcomer")
    assert created.org_unit_id == world.units["B社区"].pk
    assert not created.is_superuser


def test_editing_keeps_groups_the_manager_cannot_give(client, world):
    learner = world.learners["A社区"]
    learner.groups.add(Group.objects.get(name="Trainers"))
    login(client, world.users["street_manager"])
    url = reverse("wagtailusers_users:edit", args=[learner.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert checkbox_values(form, "groups") == {str(Group.objects.get(name="Managers").pk)}
    response = client.post(
        url,
        {
            "username": learner.username,
            "name": "甲学员改",
            "email": "",
            "mobile": "",
            "org_unit": world.units["B社区"].pk,
            "position": "",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name="Managers").pk],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    learner.refresh_from_db()
    assert learner.name == "甲学员改"
    assert not learner.is_superuser
    assert set(learner.groups.values_list("name", flat=True)) == {"Trainers", "Managers"}
    moved_out = client.post(url, {"username": learner.username, "org_unit": world.units["C社区"].pk})
    assert moved_out.status_code == 200
    learner.refresh_from_db()
    assert learner.org_unit_id == world.units["B社区"].pk


def test_org_unit_screens_are_scoped(client, world):
    manager = world.users["street_manager"]
    from django.contrib.auth.models import Permission

    # Managers may only look at the tree; given the right to change it, still only their part of it.
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["add_orgunit", "change_orgunit"]
        )
    )
    login(client, manager)
    listing = client.get(reverse("org_units:index")).content.decode()
    assert "A社区" in listing and "解放碑街道" in listing
    assert "C社区" not in listing and "七星岗街道" not in listing
    # Their own unit is where they are attached: they may look, not move or rename it.
    assert client.get(reverse("org_units:edit", args=[world.units["解放碑街道"].pk])).status_code == 404
    assert client.get(reverse("org_units:edit", args=[world.units["C社区"].pk])).status_code == 404
    edit = client.get(reverse("org_units:edit", args=[world.units["A社区"].pk]))
    assert edit.status_code == 200
    assert {name.strip("\u3000") for name in options(edit, "parent")} == {"解放碑街道", "B社区"}
    add = client.post(
        reverse("org_units:add"), {"name": "新社区", "level": "community", "code": "", "parent": ""}
    )
    assert add.status_code == 200  # a unit at the top would be outside their part of the tree
    add = client.post(
        reverse("org_units:add"),
        {"name": "新社区", "level": "community", "code": "", "parent": world.units["七星岗街道"].pk},
    )
    assert add.status_code == 200
    assert not OrgUnit.objects.filter(name="新社区").exists()
    add = client.post(
        reverse("org_units:add"),
        {"name": "新社区", "level": "community", "code": "", "parent": world.units["解放碑街道"].pk},
    )
    assert add.status_code == 302
    assert OrgUnit.objects.get(name="新社区").path.startswith(OrgUnit.objects.get(name="解放碑街道").path)


def test_copying_a_user_or_a_unit_is_not_offered(client, world):
    from django.urls import NoReverseMatch

    for name in ("wagtailusers_users:copy", "org_units:copy"):
        try:
            reverse(name, args=[1])
        except NoReverseMatch:
            continue
        raise AssertionError(f"{name} exists")
