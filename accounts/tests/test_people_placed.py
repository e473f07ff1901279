"""Accounts announces new and moved people through one hook (accounts.services.people_placed), once per
form, import, bulk action or unit move; a bare model save announces nothing."""

import pytest
from django.core.cache import cache
from wagtail import hooks

from accounts import services, staff_import
from accounts.backends import user_cache_key
from accounts.models import User
from accounts.staff_import import StaffRow
from tests.factories import make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def announced():
    """The ids of each announcement, in order."""
    calls = []
    with hooks.register_temporarily(services.PEOPLE_PLACED_HOOK, lambda ids: calls.append(list(ids))):
        yield calls


def test_a_bare_save_announces_nothing(units, announced, django_capture_on_commit_callbacks):
    """A shell or a data migration changes the row and nothing else: callers use the services."""
    with django_capture_on_commit_callbacks(execute=True):
        person = make_user(org_unit=units["A社区"])
        person.org_unit = units["C社区"]
        person.position = make_position()
        person.is_active = False
        person.save()
        User.objects.filter(pk=person.pk).update(org_unit=units["B社区"])
    assert announced == []


def test_the_form_announcement_needs_a_new_person_or_another_place(units, announced):
    person = make_user(org_unit=units["A社区"])
    before = services.Placement.of(person)
    person.name, person.email = "新名字", "new@example.com"
    assert not services.user_placement_announce(user=person, before=before)
    for field, value in (("org_unit", units["B社区"]), ("position", make_position()), ("is_active", False)):
        before = services.Placement.of(person)
        setattr(person, field, value)
        assert services.user_placement_announce(user=person, before=before)
    assert services.user_placement_announce(user=person, before=None)  # created
    assert announced == [[person.pk]] * 4


def test_bulk_activation_sets_announces_and_signs_out_in_one_go(
    units, announced, django_capture_on_commit_callbacks
):
    manager = make_user("jfb-manager", managed_unit=units["解放碑街道"], groups=["Managers"])
    inside = [make_user(org_unit=units[name]) for name in ("A社区", "B社区")]
    outside = make_user(org_unit=units["C社区"])
    for person in (*inside, outside):
        cache.set(user_cache_key(person.pk), person)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.users_active_set(users=[*inside, outside, manager], active=False, actor=manager)
    # Only people the manager may manage, never themselves.
    assert count == 2
    assert set(User.objects.filter(is_active=False).values_list("pk", flat=True)) == {p.pk for p in inside}
    assert announced == [sorted(p.pk for p in inside)]
    assert all(cache.get(user_cache_key(p.pk)) is None for p in inside)
    assert cache.get(user_cache_key(outside.pk)) is not None


def test_moving_a_unit_announces_everyone_in_its_subtree_once(units, announced):
    moved = [make_user(org_unit=units[name]) for name in ("解放碑街道", "A社区", "B社区")]
    make_user(org_unit=units["C社区"])
    services.org_unit_update(unit=units["解放碑街道"], name="解放碑", level="street", parent=units["渝中区"])
    assert announced == []  # renamed where it was: nobody's place changed
    services.org_unit_update(
        unit=units["解放碑街道"], name="解放碑", level="street", parent=units["七星岗街道"]
    )
    assert announced == [sorted(p.pk for p in moved)]


def test_the_staff_import_announces_the_new_and_the_moved_once_for_the_whole_file(units, announced):
    actor = User.objects.create_superuser("root", "root@example.com", "a-Strong-pass-2026")
    renamed = make_user("renamed", name="旧名", mobile="13912340001", org_unit=units["A社区"])
    moved = make_user("moved", name="李四", mobile="13912340002", org_unit=units["C社区"])
    fields = ("name", "mobile", "org_path")
    rows = [
        StaffRow(line, **dict(zip(fields, values, strict=True)))
        for line, values in enumerate(
            (
                ("新名", "13912340001", "渝中区/解放碑街道/A社区"),
                ("李四", "13912340002", "渝中区/解放碑街道/B社区"),
                ("王五", "13912340003", "渝中区/解放碑街道/A社区"),
                ("赵六", "13912340004", "渝中区/七星岗街道/C社区"),
            ),
            start=2,
        )
    ]
    result = staff_import.staff_import(rows=rows, actor=actor)
    assert len(result.created) == 2 and {user.pk for user in result.updated} == {renamed.pk, moved.pk}
    assert announced == [sorted([moved.pk, *(user.pk for user in result.created)])]


def test_the_demo_staff_are_announced_once(announced):
    from demo.people import ensure_demo_staff, ensure_org_tree, ensure_positions

    ensure_org_tree()
    ensure_positions()
    created = ensure_demo_staff()
    assert created and len(announced) == 1 and len(announced[0]) == created
    assert ensure_demo_staff() == 0 and len(announced) == 1  # nobody new, nobody announced
