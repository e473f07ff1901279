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


def input_values(response, name: str, kind: str = "radio") -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {box["value"] for box in soup.find_all("input", attrs={"name": name, "type": kind})}


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
        "role": "learner",
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
    assert b'name="groups"' not in response.content
    # A street manager gives the learner role, or makes a manager of a unit below their street.
    assert input_values(response, "role") == {"learner", "manager"}
    assert {name.strip("\u3000") for name in options(response, "managed_unit")} == {"A社区", "B社区"}

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


def _edit_data(user, **fields):
    data = {
        "username": user.username,
        "name": user.name,
        "email": "",
        "mobile": "",
        "org_unit": user.org_unit_id,
        "position": "",
        "is_active": "on",
        "password1": "",
        "password2": "",
        "role": "learner",
        "managed_unit": "",
    }
    data.update(fields)
    return data


def test_a_manager_makes_a_community_manager_and_nothing_more(client, world):
    learner = world.learners["A社区"]
    login(client, world.users["street_manager"])
    url = reverse("wagtailusers_users:edit", args=[learner.pk])
    # Made a manager of a unit outside what the street manager manages below them: refused by the form.
    for unit in ("C社区", "解放碑街道"):
        response = client.post(url, _edit_data(learner, role="manager", managed_unit=world.units[unit].pk))
        assert response.status_code == 200
    # Roles the street manager may not give, and Wagtail's own fields, are ignored or refused.
    for role in ("trainer", "reviewer", "administrator"):
        assert client.post(url, _edit_data(learner, role=role)).status_code == 200
    response = client.post(
        url,
        _edit_data(
            learner,
            name="甲学员改",
            role="manager",
            managed_unit=world.units["A社区"].pk,
            is_superuser="on",
            groups=[Group.objects.get(name="Reviewers").pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    learner.refresh_from_db()
    assert learner.name == "甲学员改"
    assert not learner.is_superuser
    assert learner.managed_unit == world.units["A社区"]
    assert set(learner.groups.values_list("name", flat=True)) == {"Managers"}
    moved_out = client.post(
        url,
        _edit_data(
            learner, org_unit=world.units["C社区"].pk, role="manager", managed_unit=world.units["A社区"].pk
        ),
    )
    assert moved_out.status_code == 200
    learner.refresh_from_db()
    assert learner.org_unit_id == world.units["A社区"].pk


def test_people_with_more_rights_in_the_subtree_are_out_of_reach(client, world):
    trainer = make_user("placed_trainer", org_unit=world.units["A社区"], groups=["Trainers"])
    reviewer = make_user("placed_reviewer", org_unit=world.units["B社区"], groups=["Reviewers"])
    login(client, world.users["street_manager"])
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    for user in (trainer, reviewer):
        assert user.username not in listing
        assert client.get(reverse("wagtailusers_users:edit", args=[user.pk])).status_code == 404
        response = client.post(
            reverse("wagtailusers_users:edit", args=[user.pk]),
            _edit_data(user, password1="Taken-Over-2026", password2="Taken-Over-2026"),
        )
        assert response.status_code == 404
        user.refresh_from_db()
        assert not user.check_password("Taken-Over-2026")


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
