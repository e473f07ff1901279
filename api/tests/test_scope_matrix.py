"""Every endpoint × every kind of caller: a client scoped to a street sees and changes nothing outside
it; a revoked, wrong or missing token gets nothing; a read client writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from assignments.models import Assignment
from assignments.services import assignment_create

LISTS = {
    # endpoint: (what identifies the inside row, the outside row)
    "api:units": lambda w: (w.units["A社区"].pk, w.units["C社区"].pk),
    "api:staff": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:enrolments": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:lesson_progress": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:course_completions": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:quiz_results": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:certificates": lambda w: (w.learners["inside"].pk, w.learners["outside"].pk),
    "api:assignments": lambda w: (w.assignments["inside"].pk, w.assignments["outside"].pk),
}


def _key(name: str) -> str:
    return "id" if name in ("api:units", "api:staff", "api:assignments") else "learner"


@pytest.fixture
def assigned(world):
    world.assignments = {
        "inside": assignment_create(course=world.course, units=[world.units["A社区"]], actor=world.admin),
        "outside": assignment_create(course=world.course, units=[world.units["C社区"]], actor=world.admin),
    }
    return world


@pytest.mark.parametrize("name", [*LISTS, "api:positions"])
@pytest.mark.parametrize("who", [None, "bad", "revoked"])
def test_no_valid_token_gets_nothing(world, name, who):
    response = world.api(who).get(reverse(name))
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(("who", "sees"), [("read", "inside"), ("write", "inside"), ("other", "outside")])
def test_a_client_sees_its_part_of_the_tree_only(assigned, name, who, sees):
    world = assigned
    inside, outside = LISTS[name](world)
    rows = world.api(who).get(reverse(name)).json()["results"]
    found = {row[_key(name)] for row in rows}
    wanted, hidden = (inside, outside) if sees == "inside" else (outside, inside)
    assert wanted in found
    assert hidden not in found


@pytest.mark.parametrize("name", LISTS)
def test_a_unit_outside_the_scope_is_not_found(assigned, name):
    response = assigned.api("write").get(reverse(name), {"unit": assigned.units["C社区"].pk})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_positions_are_shared(world):
    names = {row["name"] for row in world.api("other").get(reverse("api:positions")).json()["results"]}
    assert "网格员" in names
    response = world.api("other").get(reverse("api:positions"), {"unit": world.units["A社区"].pk})
    assert response.status_code == 200  # positions belong to no unit: the filter does not apply


def _staff_body(world, unit="A社区", mobile="13700000001"):
    return {"staff": [{"name": "张三", "mobile": mobile, "unit": world.units[unit].pk, "position": "网格员"}]}


@pytest.mark.parametrize("who", [None, "bad", "revoked", "read"])
def test_refused_writes_change_nothing(assigned, who):
    world = assigned
    count, active = User.objects.count(), Assignment.objects.filter(active=True).count()
    api = world.api(who)
    responses = [
        api.post(reverse("api:staff"), _staff_body(world), format="json"),
        api.post(
            reverse("api:assignments"),
            {"course": world.course.pk, "units": [world.units["A社区"].pk]},
            format="json",
        ),
        api.post(reverse("api:assignment_end", args=[world.assignments["inside"].pk])),
    ]
    assert {response.status_code for response in responses} == ({403} if who == "read" else {401})
    assert User.objects.count() == count
    assert Assignment.objects.filter(active=True).count() == active


def test_a_write_outside_the_scope_changes_nothing(assigned):
    world = assigned
    api = world.api("write")
    count = User.objects.count()
    response = api.post(reverse("api:staff"), _staff_body(world, unit="C社区"), format="json")
    assert response.status_code == 400
    assert "staff[0].unit" in response.json()["error"]["fields"]
    # The person outside is not taken over by a number they hold.
    body = _staff_body(world, mobile=world.learners["outside"].mobile)
    response = api.post(reverse("api:staff"), body, format="json")
    assert response.status_code == 400
    assert "staff[0].mobile" in response.json()["error"]["fields"]
    assert User.objects.count() == count
    world.learners["outside"].refresh_from_db()
    assert world.learners["outside"].org_unit == world.units["C社区"]
    response = api.post(
        reverse("api:assignments"),
        {"course": world.course.pk, "units": [world.units["C社区"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "C社区" not in response.content.decode()  # says nothing of what exists elsewhere
    response = api.post(reverse("api:assignment_end", args=[world.assignments["outside"].pk]))
    assert response.status_code == 404
    assert Assignment.objects.get(pk=world.assignments["outside"].pk).active


def test_a_write_client_assigns_and_ends_in_its_scope_with_its_name_in_the_log(assigned):
    from wagtail.models import ModelLogEntry

    world = assigned
    api = world.api("write")
    response = api.post(
        reverse("api:assignments"),
        {"course": world.course.pk, "units": [world.units["A社区"].pk], "due_mode": "none"},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["units"] == [world.units["A社区"].pk] and created["active"]
    response = api.post(reverse("api:assignment_end", args=[created["id"]]))
    assert response.status_code == 200 and response.json()["active"] is False
    entries = ModelLogEntry.objects.filter(object_id=str(created["id"]), content_type__model="assignment")
    assert entries.count() == 2
    assert {entry.user.name for entry in entries} == {"write 系统"}
    assert {entry.user.api_client.name for entry in entries} == {"write 系统"}


def test_errors_speak_chinese_by_default_and_english_when_asked(world):
    chinese = world.api("read").post(reverse("api:staff"), {}, format="json").json()
    english = world.api("read", language="en").post(reverse("api:staff"), {}, format="json").json()
    assert chinese["error"]["code"] == english["error"]["code"] == "permission_denied"
    from django.utils import translation

    from api.permissions import ClientAccess

    with translation.override("zh-hans"):
        assert chinese["error"]["message"] == str(ClientAccess.message)
    assert "may only read" in english["error"]["message"]
    assert chinese["error"]["fields"] == {}
