"""A staff upsert matched by external_id may give the account a new mobile number, under the staff
import's rules: the number's format, one account per number, the client's scope, and nobody with more
rights than the client's account."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.staff_import import IMPORT_LOG_ACTION


def _post(world, records, who="write", language="zh-hans"):
    return world.api(who, language).post(reverse("api:staff"), {"staff": records}, format="json")


@pytest.fixture
def person(world):
    """Someone the HR system created: username = mobile number, as the import makes it."""
    unit = world.units["A社区"].pk
    response = _post(world, [{"name": "张三", "mobile": "13700000001", "external_id": "HR-1", "unit": unit}])
    assert response.status_code == 200, response.content
    return User.objects.get(external_id="HR-1")


def test_the_external_id_moves_the_account_to_its_new_number(world, person):
    assert person.username == "13700000001"
    before = person.updated_at
    record = {
        "name": "张三",
        "mobile": "137 0000 0099",
        "external_id": "HR-1",
        "unit": world.units["A社区"].pk,
    }
    response = _post(world, [record])
    assert response.status_code == 200, response.content
    assert response.json()["staff"] == [{"index": 0, "id": person.pk, "outcome": "update"}]
    assert response.json()["updated"] == 1
    person.refresh_from_db()
    assert (person.mobile, person.username) == ("13700000099", "13700000099")
    assert person.updated_at > before
    assert User.objects.filter(mobile="13700000001").count() == 0
    entry = ModelLogEntry.objects.filter(object_id=str(person.pk), action=IMPORT_LOG_ACTION).latest("pk")
    assert entry.user.name == "write 系统"
    assert entry.data["source"] == "API: write 系统"
    assert entry.data["fields"] == ["mobile", "username"]
    assert entry.data["mobile"] == {"from": "137****0001", "to": "137****0099"}
    # Sent again, nothing changes.
    response = _post(world, [record])
    assert response.json()["staff"] == [{"index": 0, "id": person.pk, "outcome": "unchanged"}]


def test_a_chosen_username_stays_and_other_fields_change_with_the_number(world):
    unit = world.units["A社区"].pk
    _post(
        world,
        [{"name": "李四", "mobile": "13700000002", "external_id": "HR-2", "username": "lisi", "unit": unit}],
    )
    response = _post(
        world, [{"name": "李四新", "mobile": "13700000022", "external_id": "HR-2", "unit": unit}]
    )
    assert response.status_code == 200, response.content
    person = User.objects.get(external_id="HR-2")
    assert (person.mobile, person.username, person.name) == ("13700000022", "lisi", "李四新")


def test_a_number_that_belongs_to_another_account_is_refused(world, person, in_english):
    other = world.learners["outside"]  # 13900000002, somewhere else
    response = _post(
        world,
        [{"name": "张三", "mobile": other.mobile, "external_id": "HR-1", "unit": world.units["A社区"].pk}],
        language="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["staff[0].mobile"] == [
        "This mobile number belongs to another account, so the account with this external id cannot take "
        "it. Each person needs their own number."
    ]
    person.refresh_from_db()
    assert person.mobile == "13700000001"


def test_a_badly_typed_number_is_refused(world, person):
    response = _post(
        world, [{"name": "张三", "mobile": "1370000", "external_id": "HR-1", "unit": world.units["A社区"].pk}]
    )
    assert response.status_code == 400
    assert "staff[0].mobile" in response.json()["error"]["fields"]
    person.refresh_from_db()
    assert person.mobile == "13700000001"


def test_two_records_may_not_take_the_same_new_number(world, person):
    unit = world.units["A社区"].pk
    moving = {"name": "张三", "mobile": "13700000077", "external_id": "HR-1", "unit": unit}
    newcomer = {"name": "新人", "mobile": "13700000077", "unit": unit}
    for records, second in (([moving, newcomer], "staff[1].mobile"), ([newcomer, moving], "staff[1].mobile")):
        response = _post(world, records)
        assert response.status_code == 400
        assert second in response.json()["error"]["fields"]
        assert not User.objects.filter(mobile="13700000077").exists()


def test_a_read_only_client_cannot_change_a_number(world, person):
    response = _post(
        world,
        [{"name": "张三", "mobile": "13700000099", "external_id": "HR-1", "unit": world.units["A社区"].pk}],
        who="read",
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.mobile == "13700000001"


def test_an_account_outside_the_clients_part_is_not_renumbered(world, in_english):
    elsewhere = world.learners["outside"]  # in 七星岗街道's C社区
    User.objects.filter(pk=elsewhere.pk).update(external_id="HR-9")
    response = _post(
        world,
        [
            {
                "name": elsewhere.name,
                "mobile": "13700000098",
                "external_id": "HR-9",
                "unit": world.units["A社区"].pk,
            }
        ],
        language="en",
    )
    assert response.status_code == 400
    assert (
        "may not change this account's mobile number"
        in response.json()["error"]["fields"]["staff[0].mobile"][0]
    )
    elsewhere.refresh_from_db()
    assert elsewhere.mobile == "13900000002"


def test_nobody_with_more_rights_is_renumbered(world):
    manager = User.objects.create(
        username="boss",
        name="街道管理员",
        mobile="13700000009",
        external_id="HR-BOSS",
        org_unit=world.units["A社区"],
        managed_unit=world.units["解放碑街道"],
    )
    response = _post(
        world,
        [
            {
                "name": "街道管理员",
                "mobile": "13700000010",
                "external_id": "HR-BOSS",
                "unit": world.units["A社区"].pk,
            }
        ],
    )
    assert response.status_code == 400
    assert "staff[0].mobile" in response.json()["error"]["fields"]
    manager.refresh_from_db()
    assert manager.mobile == "13700000009"


def test_a_refused_import_undoes_the_new_number(world, person):
    response = _post(
        world,
        [
            {"name": "张三", "mobile": "13700000099", "external_id": "HR-1", "unit": world.units["A社区"].pk},
            {"name": "王五", "mobile": "13700000003", "unit": world.units["A社区"].pk, "position": "厨师"},
        ],
    )
    assert response.status_code == 400
    assert "staff[1].position" in response.json()["error"]["fields"]
    person.refresh_from_db()
    assert person.mobile == "13700000001"
    assert not ModelLogEntry.objects.filter(
        object_id=str(person.pk), data__fields=["mobile", "username"]
    ).exists()
