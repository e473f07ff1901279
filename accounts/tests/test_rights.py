"""The one rule for acting on someone's account (accounts.rights), and each way round it that was found:
Wagtail's bulk actions, the staff import, the user form's password, the role list. Every screen uses
the same rule; these tests try each door."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import services
from accounts.backends import user_cache_key
from accounts.models import User
from accounts.rights import Role, grantable_roles, manageable_users, may_manage, role_of
from accounts.staff_import import StaffRow, staff_import_plan
from tests.factories import make_org_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_org_tree()


def manager(units, unit: str, username: str | None = None) -> User:
    return make_user(
        username or f"mgr_{unit}",
        name=f"{unit}管理员",
        org_unit=units[unit],
        managed_unit=units[unit],
        groups=["Managers"],
    )


# -- the rule -------------------------------------------------------------------------------------


# (who the target is, whether the street manager of 解放碑街道 may act on them)
TARGETS = {
    "learner in A社区": ({"org_unit": "A社区"}, True),
    "learner in the street itself": ({"org_unit": "解放碑街道"}, True),
    "learner in another street": ({"org_unit": "C社区"}, False),
    "learner with no unit": ({}, False),
    "community manager below": ({"org_unit": "A社区", "managed_unit": "A社区", "groups": ["Managers"]}, True),
    "fellow manager of the street": (
        {"org_unit": "A社区", "managed_unit": "解放碑街道", "groups": ["Managers"]},
        False,
    ),
    "district manager placed in A社区": (
        {"org_unit": "A社区", "managed_unit": "渝中区", "groups": ["Managers"]},
        False,
    ),
    "trainer in A社区": ({"org_unit": "A社区", "groups": ["Trainers"]}, False),
    "reviewer in B社区": ({"org_unit": "B社区", "groups": ["Reviewers"]}, False),
    "Wagtail's Moderators in A社区": ({"org_unit": "A社区", "groups": ["Moderators"]}, False),
    "administrator in A社区": ({"org_unit": "A社区", "is_superuser": True}, False),
    "own permissions in A社区": ({"org_unit": "A社区", "permissions": ["add_user"]}, False),
}


@pytest.mark.parametrize("target", TARGETS)
def test_who_a_street_manager_may_act_on(units, target):
    from django.contrib.auth.models import Permission

    fields, allowed = TARGETS[target]
    fields = dict(fields)
    groups = fields.pop("groups", [])
    permissions = fields.pop("permissions", [])
    for key in ("org_unit", "managed_unit"):
        if key in fields:
            fields[key] = units[fields[key]]
    Group.objects.get_or_create(name="Moderators")
    person = make_user("target", groups=groups, **fields)
    person.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    street = manager(units, "解放碑街道")
    assert may_manage(street, person) is allowed
    assert (person in manageable_users(street)) is allowed
    # Nobody acts on themselves through the admin; an administrator acts on anyone else.
    assert not may_manage(street, street)
    admin = make_user("root", is_superuser=True)
    assert may_manage(admin, person)


def test_roles_in_words_and_who_may_give_them(units):
    admin = make_user("root", is_superuser=True)
    street = manager(units, "解放碑街道")
    trainer = make_user("t", groups=["Trainers"])
    assert grantable_roles(admin) == list(Role)
    assert grantable_roles(street) == [Role.LEARNER, Role.MANAGER]
    assert grantable_roles(trainer) == []
    assert (
        role_of(street) == Role.MANAGER
        and role_of(trainer) == Role.TRAINER
        and role_of(admin) == Role.ADMINISTRATOR
    )


# -- the role service ------------------------------------------------------------------------------


def test_a_role_change_is_logged_and_takes_effect_at_once(units):
    admin = make_user("root", is_superuser=True)
    person = make_user("worker", org_unit=units["A社区"])
    cache.set(user_cache_key(person.pk), person)
    with pytest.raises(ValidationError):  # a training manager needs a unit
        services.user_role_set(user=person, role=Role.MANAGER, actor=admin)
    assert services.user_role_set(user=person, role=Role.MANAGER, managed_unit=units["A社区"], actor=admin)
    person.refresh_from_db()
    assert person.managed_unit == units["A社区"]
    assert set(person.groups.values_list("name", flat=True)) == {"Managers"}
    assert cache.get(user_cache_key(person.pk)) is None  # signed-in user cache dropped
    entry = ModelLogEntry.objects.get(action=services.ROLE_LOG_ACTION)
    assert entry.user_id == admin.pk and entry.data["to"] == "manager" and entry.data["unit"] == "A社区"
    assert "A社区" in entry.message
    # Again: nothing changes, nothing is logged.
    assert not services.user_role_set(
        user=person, role=Role.MANAGER, managed_unit=units["A社区"], actor=admin
    )
    assert ModelLogEntry.objects.filter(action=services.ROLE_LOG_ACTION).count() == 1
    services.user_role_set(user=person, role=Role.REVIEWER, actor=admin)
    person.refresh_from_db()
    assert person.managed_unit is None
    assert set(person.groups.values_list("name", flat=True)) == {"Reviewers"}


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.TRAINER, None),
        (Role.REVIEWER, None),
        (Role.ADMINISTRATOR, None),
        (Role.MANAGER, "解放碑街道"),  # their own level
        (Role.MANAGER, "渝中区"),  # above
        (Role.MANAGER, "C社区"),  # another street
    ],
)
def test_a_manager_cannot_give_more_than_they_may(units, role, unit):
    street = manager(units, "解放碑街道")
    person = make_user("worker", org_unit=units["A社区"])
    with pytest.raises(PermissionDenied):
        services.user_role_set(user=person, role=role, managed_unit=units.get(unit), actor=street)
    person.refresh_from_db()
    assert role_of(person) == Role.LEARNER


def test_nobody_changes_their_own_role(units):
    admin = make_user("root", is_superuser=True)
    street = manager(units, "解放碑街道")
    for actor, role in ((street, Role.ADMINISTRATOR), (street, Role.LEARNER), (admin, Role.LEARNER)):
        with pytest.raises(PermissionDenied):
            services.user_role_set(user=actor, role=role, actor=actor)


# -- Wagtail's bulk actions on users (the critical finding) ---------------------------------------


def bulk_url(action: str, *ids) -> str:
    query = "&".join(f"id={pk}" for pk in ids)
    return reverse("wagtail_bulk_action", args=("accounts", "user", action)) + "?" + query


def test_a_manager_cannot_make_themselves_a_reviewer_by_bulk_action(client, units):
    street = manager(units, "解放碑街道")
    reviewers = Group.objects.get(name="Reviewers")
    client.force_login(street)
    for data in ({"role": reviewers.pk}, {"role": "reviewer"}, {"role": "administrator"}):
        response = client.post(bulk_url("assign_role", street.pk), data)
        assert response.status_code == 404
    street.refresh_from_db()
    assert role_of(street) == Role.MANAGER and not street.is_superuser


def test_a_manager_cannot_lock_out_the_administrator_or_another_district(client, units):
    admin = make_user("root", is_superuser=True, org_unit=units["A社区"])
    elsewhere = make_user("elsewhere", org_unit=units["C社区"])
    inside = make_user("inside", org_unit=units["A社区"])
    street = manager(units, "解放碑街道")
    client.force_login(street)
    for ids in ((admin.pk,), (elsewhere.pk,), (admin.pk, elsewhere.pk, inside.pk)):
        response = client.post(bulk_url("set_active_state", *ids), {"mark_as_active": "False"})
        assert response.status_code == 404
    for person in (admin, elsewhere, inside):
        person.refresh_from_db()
        assert person.is_active
    # Inside their reach it works, as before.
    response = client.post(bulk_url("set_active_state", inside.pk), {"mark_as_active": "False"})
    assert response.status_code == 302
    inside.refresh_from_db()
    assert not inside.is_active


@pytest.mark.parametrize("action", ["delete", "assign_role", "set_active_state"])
def test_bulk_confirmations_never_show_someone_out_of_reach(client, units, action):
    secret = make_user("secret", name="保密人员", org_unit=units["C社区"])
    street = manager(units, "解放碑街道")
    client.force_login(street)
    response = client.get(bulk_url(action, secret.pk))
    assert response.status_code in (302, 403, 404)
    assert "保密人员" not in response.content.decode()


def test_the_role_bulk_action_offers_only_grantable_roles_and_logs_each_change(client, units):
    street = manager(units, "解放碑街道")
    people = [make_user(f"w{n}", org_unit=units["A社区"]) for n in range(2)]
    client.force_login(street)
    page = client.get(bulk_url("assign_role", *(p.pk for p in people)))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="manager"' in html and 'value="learner"' in html
    assert 'value="reviewer"' not in html and 'value="administrator"' not in html
    response = client.post(
        bulk_url("assign_role", *(p.pk for p in people)),
        {"role": "manager", "managed_unit": units["A社区"].pk},
    )
    assert response.status_code == 302
    for person in people:
        person.refresh_from_db()
        assert person.managed_unit == units["A社区"]
    assert ModelLogEntry.objects.filter(action=services.ROLE_LOG_ACTION).count() == 2


# -- the staff import ----------------------------------------------------------------------------


def test_the_import_cannot_take_over_an_account_with_more_rights(units):
    from django.contrib.auth.models import Permission

    street = manager(units, "解放碑街道")
    street.user_permissions.add(Permission.objects.get(codename="add_user"))
    district = make_user(
        "district",
        mobile="13900000001",
        org_unit=units["A社区"],
        managed_unit=units["渝中区"],
        groups=["Managers"],
    )
    reviewer = make_user("reviewer", mobile="13900000002", org_unit=units["B社区"], groups=["Reviewers"])
    elsewhere = make_user("elsewhere", mobile="13900000003", org_unit=units["C社区"])
    plan = staff_import_plan(
        rows=[
            StaffRow(2, "区管理员", "13900000001", "渝中区/解放碑街道/A社区", email="attacker@example.com"),
            StaffRow(3, "审核员", "13900000002", "渝中区/解放碑街道/B社区", email="attacker@example.com"),
            StaffRow(4, "外街道", "13900000003", "渝中区/解放碑街道/A社区"),
        ],
        actor=street,
    )
    messages = {
        row.row.line: [error.message.replace(row.row.mobile, "#") for error in row.errors]
        for row in plan.rows
    }
    assert all(messages.values())
    # One message for all three: it says neither where the account is nor what it holds.
    assert messages[2] == messages[3] == messages[4]
    assert not any(word in messages[2][0] for word in ("outside", "part of", "范围", "之外", "负责", "权限"))
    assert not plan.can_import
    for person in (district, reviewer, elsewhere):
        person.refresh_from_db()
        assert person.email == ""


def test_a_demoted_manager_loses_the_reports_at_their_next_click(client, units):
    admin = make_user("root", is_superuser=True)
    street = manager(units, "解放碑街道")
    client.force_login(street)
    assert client.get(reverse("reports:completion")).status_code == 200
    services.user_role_set(user=street, role=Role.LEARNER, actor=admin)
    assert client.get(reverse("reports:completion")).status_code in (302, 403)


def test_the_staff_list_shows_role_and_unit_without_a_query_per_person(client, units):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    street = manager(units, "解放碑街道")
    client.force_login(street)
    make_user("one", org_unit=units["A社区"])
    client.get(reverse("wagtailusers_users:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wagtailusers_users:index"))
    for n in range(8):
        make_user(f"more{n}", org_unit=units["B社区"], managed_unit=units["B社区"] if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("wagtailusers_users:index"))
    assert "培训管理员（B社区）" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
