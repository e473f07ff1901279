"""People created, moved or (de)activated by the screens and the import that change them are re-matched
against the course assignments exactly once per request or import, after it commits, through accounts'
``frontline_people_placed`` hook. A bare ``User.save()`` (a shell) re-matches nobody."""

import pytest
from django.urls import reverse

from accounts import staff_import
from accounts.models import User
from accounts.staff_import import StaffRow
from assignments import services
from assignments.models import Assignment, AssignmentMember
from progress.models import Enrolment
from tests.factories import make_course, make_lesson, make_org_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def admin(units):
    return make_user("root", is_superuser=True)


@pytest.fixture
def assignment(units, admin):
    course = make_course("扫码登记入门", open_enrolment=False)
    make_lesson(course)
    return services.assignment_create(
        course=course, units=[units["解放碑街道"]], due_mode=Assignment.DueMode.NONE, actor=admin
    )


@pytest.fixture
def refreshes(monkeypatch):
    """The people of each refresh of assignments, in order."""
    calls = []
    refresh = services.learners_assignments_refresh

    def counted(user_ids):
        calls.append(set(user_ids))
        refresh(user_ids)

    monkeypatch.setattr(services, "learners_assignments_refresh", counted)
    return calls


def members(assignment):
    return set(AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", flat=True))


def edit_data(user, **fields):
    data = {
        "username": user.username,
        "name": user.name,
        "email": "",
        "mobile": "",
        "org_unit": user.org_unit_id or "",
        "position": user.position_id or "",
        "is_active": "on",
        "password1": "",
        "password2": "",
        "role": "learner",
        "managed_unit": "",
    }
    data.update(fields)
    return data


def test_moving_someone_in_the_user_form_re_matches_them_once(
    units, admin, assignment, refreshes, client, django_capture_on_commit_callbacks
):
    person = make_user("mover", name="李四", org_unit=units["C社区"])
    client.force_login(admin)
    url = reverse("wagtailusers_users:edit", args=[person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, edit_data(person, org_unit=units["A社区"].pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert refreshes == [{person.pk}]
    assert members(assignment) == {person.pk}
    assert Enrolment.objects.get(learner=person).org_unit_id == units["A社区"].pk

    # A change that leaves the place as it was re-matches nobody.
    person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, edit_data(person, name="李四改"))
    assert response.status_code == 302 and len(refreshes) == 1


def test_someone_created_in_the_user_form_is_matched_once(
    units, admin, assignment, refreshes, client, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    data = edit_data(User(username="newcomer", name="王五"), org_unit=units["B社区"].pk)
    data.update(password1="Temp-pass-2026!", password2="Temp-pass-2026!")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = User.objects.get(username="newcomer")
    assert refreshes == [{newcomer.pk}]
    assert members(assignment) == {newcomer.pk}


def test_a_staff_import_re_matches_the_new_and_the_moved_once(
    units, admin, assignment, refreshes, django_capture_on_commit_callbacks
):
    moved = make_user("moved", name="李四", mobile="13912340002", org_unit=units["C社区"])
    fields = ("name", "mobile", "org_path")
    rows = [
        StaffRow(line, **dict(zip(fields, values, strict=True)))
        for line, values in enumerate(
            [("李四", "13912340002", "渝中区/解放碑街道/B社区")]
            + [(f"员工{i}", f"1391234{i:04d}", "渝中区/解放碑街道/A社区") for i in range(10, 40)],
            start=2,
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import.staff_import(rows=rows, actor=admin)
    everyone = {moved.pk, *(user.pk for user in result.created)}
    assert len(everyone) == 31
    assert refreshes == [everyone]
    assert members(assignment) == everyone


def test_bulk_deactivation_re_matches_the_people_once(
    units, admin, assignment, refreshes, client, django_capture_on_commit_callbacks
):
    leaving = [make_user(org_unit=units["A社区"]) for _ in range(3)]
    staying = make_user(org_unit=units["B社区"])
    services.assignment_apply(assignment)
    assert members(assignment) == {staying.pk, *(p.pk for p in leaving)}
    client.force_login(admin)
    query = "&".join(f"id={person.pk}" for person in leaving)
    url = reverse("wagtail_bulk_action", args=("accounts", "user", "set_active_state")) + "?" + query
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mark_as_active": "False"})
    assert response.status_code == 302
    assert refreshes == [{p.pk for p in leaving}]
    assert members(assignment) == {staying.pk}
    assert not Enrolment.objects.filter(learner__in=leaving, assigned=True).exists()


def test_moving_a_unit_re_matches_everyone_in_it_once(
    units, admin, assignment, refreshes, client, django_capture_on_commit_callbacks
):
    moving = [make_user(org_unit=units["C社区"]) for _ in range(3)]
    make_user(org_unit=units["A社区"])
    client.force_login(admin)
    url = reverse("org_units:edit", args=[units["C社区"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "C社区", "level": "community", "parent": units["解放碑街道"].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert refreshes == [{p.pk for p in moving}]
    assert {p.pk for p in moving} <= members(assignment)


def test_a_bare_save_in_a_shell_re_matches_nobody(
    units, assignment, refreshes, django_capture_on_commit_callbacks
):
    """No business rule runs on a model save: callers change people through accounts.services."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        person = make_user(org_unit=units["C社区"])
        person.org_unit = units["A社区"]
        person.save()
    assert callbacks == [] and refreshes == []
    assert members(assignment) == set()
