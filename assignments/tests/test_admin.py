"""The assignments admin: permission and scope on every screen, whatever the URL says."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from assignments import services
from assignments.models import Assignment, AssignmentMember
from progress.models import Enrolment
from tests.factories import make_course, make_lesson, make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db

MANAGERS = ("Managers",)


@pytest.fixture
def units():
    units = make_org_tree()
    jiangbei = units["重庆市"].add_child(name="江北区", level="district")
    units["江北区"] = jiangbei
    units["观音桥街道"] = jiangbei.add_child(name="观音桥街道", level="street")
    return units


@pytest.fixture
def course():
    page = make_course("扫码登记入门", open_enrolment=False)
    make_lesson(page)
    return page


@pytest.fixture
def people(units):
    return {
        name: make_user(f"staff-{i}", org_unit=units[name])
        for i, name in enumerate(["A社区", "B社区", "C社区", "观音桥街道"])
    }


def manager(units, username, unit_name):
    return make_user(username, managed_unit=units[unit_name], groups=MANAGERS)


@pytest.fixture
def city(units):
    return manager(units, "city", "重庆市")


@pytest.fixture
def district(units):
    return manager(units, "yuzhong", "渝中区")


@pytest.fixture
def jfb(units):
    return manager(units, "jfb", "解放碑街道")


def signed_in(client, user):
    client.force_login(user)
    return client


def assign(actor, course, units, *names, **fields):
    fields.setdefault("due_mode", Assignment.DueMode.NONE)
    return services.assignment_create(course=course, units=[units[n] for n in names], actor=actor, **fields)


def form_data(course, units, *names, **extra):
    data = {
        "course": course.pk,
        "units": [units[n].pk for n in names],
        "due_mode": "date",
        "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "due_days": "",
        "mandatory": "on",
        "note": "请在月底前完成",
    }
    data.update(extra)
    return data


def listed(client):
    response = client.get(reverse("assignments:index"))
    assert response.status_code == 200
    return {row.pk for row in response.context["object_list"]}


# -- the list ------------------------------------------------------------------------------------------


def test_each_manager_lists_the_assignments_that_target_their_part(
    units, course, city, district, jfb, client
):
    in_a = assign(city, course, units, "A社区")
    in_c = assign(city, course, units, "C社区")
    in_jiangbei = assign(city, course, units, "观音桥街道")
    both_districts = assign(city, course, units, "渝中区", "江北区")
    whole_city = assign(city, course, units)

    assert listed(signed_in(client, city)) == {
        in_a.pk,
        in_c.pk,
        in_jiangbei.pk,
        both_districts.pk,
        whole_city.pk,
    }
    assert listed(signed_in(client, district)) == {in_a.pk, in_c.pk, both_districts.pk}
    assert listed(signed_in(client, jfb)) == {in_a.pk}


def test_the_list_shows_how_many_people_each_covers_in_the_viewers_part(
    units, course, city, district, people, client
):
    assign(city, course, units, "渝中区", "江北区")
    rows = signed_in(client, district).get(reverse("assignments:index")).context["object_list"]
    assert [row.covered for row in rows] == [3]  # the 江北区 person is not theirs to count
    rows = signed_in(client, city).get(reverse("assignments:index")).context["object_list"]
    assert [row.covered for row in rows] == [4]


def test_a_row_the_manager_cannot_change_has_no_edit_or_end(units, course, city, district, client):
    shared = assign(city, course, units, "渝中区", "江北区")
    html = signed_in(client, district).get(reverse("assignments:index")).content.decode()
    assert reverse("assignments:edit", args=[shared.pk]) not in html
    assert reverse("assignments:end", args=[shared.pk]) not in html
    assert reverse("assignments:history", args=[shared.pk]) in html


# -- create ---------------------------------------------------------------------------------------------


def test_the_form_offers_only_units_in_scope(units, jfb, client):
    form = signed_in(client, jfb).get(reverse("assignments:add")).context["form"]
    assert {unit.name for unit in form.fields["units"].queryset} == {"解放碑街道", "A社区", "B社区"}


def test_a_manager_assigns_to_their_street(units, course, jfb, people, client):
    grid = make_position("网格员")
    response = signed_in(client, jfb).post(
        reverse("assignments:add"), form_data(course, units, "解放碑街道", positions=[])
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert set(AssignmentMember.objects.values_list("learner_id", flat=True)) == {
        people["A社区"].pk,
        people["B社区"].pk,
    }
    assert assignment.created_by == jfb and assignment.note == "请在月底前完成"
    entry = ModelLogEntry.objects.get(action=services.ASSIGN_LOG_ACTION)
    assert entry.user_id == jfb.pk and entry.object_id == str(assignment.pk) and entry.timestamp
    assert grid  # positions are optional: none means every position


def test_posting_a_unit_outside_the_scope_is_a_form_error_not_a_save(units, course, jfb, client):
    response = signed_in(client, jfb).post(
        reverse("assignments:add"), form_data(course, units, "A社区", "C社区")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert not Assignment.objects.exists() and not Enrolment.objects.exists()


def test_a_street_manager_must_choose_a_unit(units, course, jfb, client):
    response = signed_in(client, jfb).post(reverse("assignments:add"), form_data(course, units))
    assert response.status_code == 200 and response.context["form"].errors["units"]
    assert not Assignment.objects.exists()


def test_the_due_date_is_required_for_a_fixed_date_and_days_for_days(units, course, city, client):
    client = signed_in(client, city)
    response = client.post(reverse("assignments:add"), form_data(course, units, "A社区", due_date=""))
    assert response.context["form"].errors["due_date"]
    response = client.post(reverse("assignments:add"), form_data(course, units, "A社区", due_mode="days"))
    assert response.context["form"].errors["due_days"]
    assert not Assignment.objects.exists()
    response = client.post(
        reverse("assignments:add"), form_data(course, units, "A社区", due_mode="days", due_days=30)
    )
    assert response.status_code == 302
    assert Assignment.objects.get().due_days == 30 and Assignment.objects.get().due_date is None


def test_unpublished_courses_are_not_offered(units, city, client):
    draft = make_course("草稿", live=False)
    response = signed_in(client, city).post(reverse("assignments:add"), form_data(draft, units, "A社区"))
    assert response.status_code == 200 and response.context["form"].errors["course"]


# -- edit, end, history by URL ---------------------------------------------------------------------------


def test_another_streets_or_districts_assignment_is_404_by_url(units, course, city, jfb, client):
    other_street = assign(city, course, units, "C社区")
    other_district = assign(city, course, units, "观音桥街道")
    above = assign(city, course, units, "渝中区")
    client = signed_in(client, jfb)
    for assignment in (other_street, other_district, above):
        for name in ("edit", "end"):
            url = reverse(f"assignments:{name}", args=[assignment.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, form_data(course, units, "A社区")).status_code == 404
    for assignment in (other_street, other_district):
        assert client.get(reverse("assignments:history", args=[assignment.pk])).status_code == 404
    for assignment in (other_street, other_district, above):
        assignment.refresh_from_db()
        assert assignment.active and [u.name for u in assignment.units.all()] != ["A社区"]


def test_a_district_manager_cannot_change_a_shared_assignment(units, course, city, district, client):
    shared = assign(city, course, units, "渝中区", "江北区")
    client = signed_in(client, district)
    assert client.get(reverse("assignments:edit", args=[shared.pk])).status_code == 404
    assert client.post(reverse("assignments:end", args=[shared.pk])).status_code == 404
    assert client.get(reverse("assignments:history", args=[shared.pk])).status_code == 200  # visible


def test_edit_changes_units_and_dates_and_logs(units, course, jfb, people, client):
    assignment = assign(jfb, course, units, "A社区")
    client = signed_in(client, jfb)
    form = client.get(reverse("assignments:edit", args=[assignment.pk])).context["form"]
    assert form.fields["course"].disabled
    other = make_course("另一门课")
    response = client.post(
        reverse("assignments:edit", args=[assignment.pk]),
        form_data(other, units, "B社区", due_mode="none", due_date=""),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.course_id == course.pk  # the course stays, whatever was posted
    assert set(AssignmentMember.objects.values_list("learner_id", flat=True)) == {people["B社区"].pk}
    assert ModelLogEntry.objects.filter(action=services.CHANGE_LOG_ACTION, user_id=jfb.pk).count() == 1


def test_end_keeps_enrolments_and_logs(units, course, jfb, people, client):
    assignment = assign(jfb, course, units, "A社区")
    client = signed_in(client, jfb)
    confirm = client.get(reverse("assignments:end", args=[assignment.pk]))
    assert confirm.status_code == 200 and "1" in confirm.content.decode()
    response = client.post(reverse("assignments:end", args=[assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.active
    assert Enrolment.objects.filter(learner=people["A社区"], assigned=False).exists()
    assert ModelLogEntry.objects.filter(action=services.END_LOG_ACTION, user_id=jfb.pk).exists()
    # Ended: no more changes, and it stays listed for the record.
    assert client.get(reverse("assignments:edit", args=[assignment.pk])).status_code == 404
    assert assignment.pk in listed(client)
    history = client.get(reverse("assignments:history", args=[assignment.pk]))
    assert history.status_code == 200 and "jfb" in history.content.decode()


# -- who may come in at all -------------------------------------------------------------------------------


def test_the_menu_shows_assignments_to_managers_only(units, jfb, client):
    assert (
        reverse("assignments:index")
        in signed_in(client, jfb).get(reverse("wagtailadmin_home")).content.decode()
    )
    from django.contrib.auth.models import Permission

    trainer = make_user("trainer")
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    home = signed_in(client, trainer).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("assignments:index") not in home


@pytest.mark.parametrize("name", ["index", "add"])
def test_users_without_assignment_permissions_are_turned_away(units, course, city, client, name):
    from django.contrib.auth.models import Permission

    assignment = assign(city, course, units, "A社区")
    trainer = make_user("trainer", managed_unit=units["重庆市"])
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    learner = make_user("learner", org_unit=units["A社区"])
    for user in (trainer, learner):
        client = signed_in(client, user)
        for url in (
            reverse(f"assignments:{name}"),
            reverse("assignments:edit", args=[assignment.pk]),
            reverse("assignments:end", args=[assignment.pk]),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert "扫码登记入门" not in response.content.decode()
        response = client.post(reverse("assignments:add"), form_data(course, units, "A社区"))
        assert response.status_code in (302, 403)
    assert Assignment.objects.count() == 1


def test_a_manager_without_a_managed_unit_sees_nothing(units, course, city, client):
    assign(city, course, units, "A社区")
    lost = make_user("lost", groups=MANAGERS)
    assert listed(signed_in(client, lost)) == set()
    response = client.post(reverse("assignments:add"), form_data(course, units, "A社区"))
    assert response.status_code == 200 and Assignment.objects.count() == 1


def test_bulk_deactivation_in_the_user_admin_ends_memberships(
    units, course, city, people, client, django_capture_on_commit_callbacks
):
    assignment = assign(city, course, units, "解放碑街道")
    leaving = people["A社区"]
    admin = make_user("root", is_superuser=True)
    url = reverse("wagtail_bulk_action", args=("accounts", "user", "set_active_state")) + f"?id={leaving.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, admin).post(url, {"mark_as_active": "False"})
    assert response.status_code == 302
    assert set(
        AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", flat=True)
    ) == {people["B社区"].pk}
    assert Enrolment.objects.get(learner=leaving).assigned is False


def test_the_list_costs_the_same_for_few_or_many_assignments(units, course, city, district, people, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(client, district)

    def queries():
        client.get(reverse("assignments:index"))  # warm: session, site, permissions
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("assignments:index")).status_code == 200
        return len(ctx.captured_queries)

    assign(city, course, units, "A社区")
    few = queries()
    for name in ("B社区", "C社区", "解放碑街道", "七星岗街道", "渝中区"):
        assign(city, make_course(name), units, name, positions=[make_position(name)])
    assert queries() == few
