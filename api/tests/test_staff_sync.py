"""Staff upsert: the staff import's validation and rights, external ids, and a nightly sync."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import User


def _post(world, records, who="write"):
    return world.api(who).post(reverse("api:staff"), {"staff": records}, format="json")


def test_validation_errors_name_each_bad_field_and_save_nothing(world):
    count = User.objects.count()
    response = _post(
        world,
        [
            {"name": "张三", "mobile": "12345", "unit": world.units["A社区"].pk},
            {"name": "李四", "mobile": "13700000002", "unit_path": "渝中区/解放碑街道/不存在社区"},
            {"name": "王五", "mobile": "13700000003", "unit": world.units["A社区"].pk, "position": "厨师"},
            {"name": "赵六", "mobile": "13700000004", "unit": world.units["A社区"].pk, "email": "not-mail"},
            {"name": "钱七", "mobile": "13700000005", "unit": world.units["A社区"].pk},
            {"name": "孙八", "mobile": "137 0000 0005", "unit": world.units["A社区"].pk},
            {"name": "周九"},
        ],
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"staff[6].mobile", "staff[6].unit"}  # the shape first
    response = _post(
        world,
        [
            {"name": "张三", "mobile": "12345", "unit": world.units["A社区"].pk},
            {"name": "李四", "mobile": "13700000002", "unit_path": "渝中区/解放碑街道/不存在社区"},
            {"name": "王五", "mobile": "13700000003", "unit": world.units["A社区"].pk, "position": "厨师"},
            {"name": "赵六", "mobile": "13700000004", "unit": world.units["A社区"].pk, "email": "not-mail"},
            {"name": "钱七", "mobile": "13700000005", "unit": world.units["A社区"].pk},
            {"name": "孙八", "mobile": "137 0000 0005", "unit": world.units["A社区"].pk},
            {"name": "吴十", "mobile": "13700000006", "unit": 999999},
        ],
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"staff[6].unit"}  # an unknown unit id, before the import runs
    response = _post(
        world,
        [
            {"name": "张三", "mobile": "12345", "unit": world.units["A社区"].pk},
            {"name": "李四", "mobile": "13700000002", "unit_path": "渝中区/解放碑街道/不存在社区"},
            {"name": "王五", "mobile": "13700000003", "unit": world.units["A社区"].pk, "position": "厨师"},
            {"name": "赵六", "mobile": "13700000004", "unit": world.units["A社区"].pk, "email": "not-mail"},
            {"name": "钱七", "mobile": "13700000005", "unit": world.units["A社区"].pk},
            {"name": "孙八", "mobile": "137 0000 0005", "unit": world.units["A社区"].pk},
        ],
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {
        "staff[0].mobile",
        "staff[1].unit",
        "staff[2].position",
        "staff[3].email",
        "staff[5].mobile",  # the same number as staff[4]
    }
    assert User.objects.count() == count


def test_nobody_with_more_rights_is_changed(world):
    manager = User.objects.create(
        username="boss",
        name="街道管理员",
        mobile="13700000009",
        org_unit=world.units["A社区"],
        managed_unit=world.units["解放碑街道"],
    )
    response = _post(world, [{"name": "改名", "mobile": manager.mobile, "unit": world.units["A社区"].pk}])
    assert response.status_code == 400
    assert "staff[0].mobile" in response.json()["error"]["fields"]
    manager.refresh_from_db()
    assert manager.name == "街道管理员"


def test_external_ids_find_people_again(world):
    unit = world.units["A社区"].pk
    response = _post(world, [{"name": "张三", "mobile": "13700000001", "external_id": "HR-1", "unit": unit}])
    assert response.status_code == 200, response.content
    assert response.json()["staff"][0]["outcome"] == "create"
    person = User.objects.get(external_id="HR-1")
    assert person.mobile == "13700000001" and person.must_change_password
    # By the external id alone: the number is the account's.
    response = _post(world, [{"name": "张三丰", "external_id": "HR-1", "unit": unit}])
    assert response.json()["staff"] == [{"index": 0, "id": person.pk, "outcome": "update"}]
    person.refresh_from_db()
    assert person.name == "张三丰"
    # An external id with another number that belongs to someone else is refused (a free number is the
    # account's new number: test_staff_mobile_change.py).
    response = _post(world, [{"name": "张三", "mobile": "13900000002", "external_id": "HR-1", "unit": unit}])
    assert response.status_code == 400
    assert "staff[0].mobile" in response.json()["error"]["fields"]
    response = _post(world, [{"name": "无名", "external_id": "HR-404", "unit": unit}])
    assert "staff[0].mobile" in response.json()["error"]["fields"]


def test_a_write_is_in_the_site_history_with_the_clients_name(world):
    from wagtail.models import ModelLogEntry

    response = _post(world, [{"name": "张三", "mobile": "13700000001", "unit": world.units["A社区"].pk}])
    person = User.objects.get(pk=response.json()["staff"][0]["id"])
    entry = ModelLogEntry.objects.get(object_id=str(person.pk), action="accounts.staff_import")
    assert entry.user.name == "write 系统"
    assert entry.data["source"] == "API: write 系统"


def test_sync_1000_staff_change_10_read_changed_since_exactly(world):
    unit = world.units["A社区"].pk
    records = [
        {
            "name": f"员工{i}",
            "mobile": f"137{i:08d}",
            "external_id": f"HR-{i}",
            "unit": unit,
            "position": "网格员",
        }
        for i in range(1000)
    ]
    response = _post(world, records)
    assert response.status_code == 200, response.content[:500]
    assert response.json()["created"] == 1000

    api = world.api("read")

    def read_all(params):
        ids, url = [], reverse("api:staff")
        while url:
            page = api.get(url, params).json()
            ids += [row["id"] for row in page["results"]]
            url, params = page["next"], None
        return ids

    everyone = read_all({"page_size": 300})
    assert len(everyone) == len(set(everyone)) == 1001  # with the learner already there
    mark = timezone.now() + datetime.timedelta(seconds=1)
    User.objects.update(updated_at=mark - datetime.timedelta(seconds=5))  # the first sync is done

    changed = [dict(record, name=record["name"] + "改") for record in records[::100]]
    response = _post(world, changed + records[1:5])  # 10 changed, 4 unchanged
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 10, 4)
    since = (mark - datetime.timedelta(seconds=2)).isoformat()
    got = read_all({"changed_since": since, "page_size": 3})
    assert sorted(got) == sorted(
        User.objects.filter(external_id__in=[r["external_id"] for r in changed]).values_list("pk", flat=True)
    )
