"""Units and positions upsert: only for a client allowed to change the structure, inside its scope."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import OrgUnit, Position
from api.models import ApiClient
from api.services import api_client_create


@pytest.fixture
def builder(world):
    _client, token = api_client_create(
        name="网格系统",
        unit=world.units["解放碑街道"],
        access=ApiClient.Access.READ_WRITE,
        may_change_structure=True,
        actor=world.admin,
    )
    world.tokens["builder"] = token
    cache.delete_many([f"api:throttle:{_client.pk}", f"api:used:{_client.pk}"])
    return world


def test_units_are_created_changed_and_left_alone(builder):
    world = builder
    api = world.api("builder")
    body = {"units": [{"name": "D社区", "level": "community", "parent": world.units["解放碑街道"].pk}]}
    response = api.post(reverse("api:units"), body, format="json")
    assert response.status_code == 200, response.content
    made = response.json()["results"][0]
    assert made["outcome"] == "create"
    assert OrgUnit.objects.get(pk=made["id"]).get_parent() == world.units["解放碑街道"]
    assert api.post(reverse("api:units"), body, format="json").json()["results"][0]["outcome"] == "unchanged"
    body["units"][0].update(id=made["id"], code="500103001")
    assert api.post(reverse("api:units"), body, format="json").json()["results"][0]["outcome"] == "update"
    assert OrgUnit.objects.get(pk=made["id"]).code == "500103001"


def test_units_outside_or_at_the_scope_are_not_touched(builder):
    world = builder
    api = world.api("builder")
    count = OrgUnit.objects.count()
    outside = {"units": [{"name": "E社区", "level": "community", "parent": world.units["七星岗街道"].pk}]}
    response = api.post(reverse("api:units"), outside, format="json")
    assert response.status_code == 400 and "units[0].parent" in response.json()["error"]["fields"]
    own = {
        "units": [
            {
                "id": world.units["解放碑街道"].pk,
                "name": "改名",
                "level": "street",
                "parent": world.units["渝中区"].pk,
            }
        ]
    }
    response = api.post(reverse("api:units"), own, format="json")
    assert response.status_code == 400
    assert OrgUnit.objects.count() == count
    assert OrgUnit.objects.get(pk=world.units["解放碑街道"].pk).name == "解放碑街道"


def test_a_client_not_allowed_to_change_the_structure_is_refused(world):
    body = {"units": [{"name": "D社区", "level": "community", "parent": world.units["解放碑街道"].pk}]}
    response = world.api("write").post(reverse("api:units"), body, format="json")
    assert response.status_code == 403
    response = world.api("write").post(
        reverse("api:positions"), {"positions": [{"name": "楼栋长"}]}, format="json"
    )
    assert response.status_code == 403
    assert not Position.objects.filter(name="楼栋长").exists()


def test_positions_are_upserted_by_name(builder):
    api = builder.api("builder")
    body = {"positions": [{"name": "楼栋长", "description": "负责一栋楼"}, {"name": "网格员"}]}
    results = api.post(reverse("api:positions"), body, format="json").json()["results"]
    assert [row["outcome"] for row in results] == ["create", "unchanged"]
    body["positions"][0]["description"] = "负责一个单元"
    results = api.post(reverse("api:positions"), body, format="json").json()["results"]
    assert results[0]["outcome"] == "update"
    assert Position.objects.get(name="楼栋长").description == "负责一个单元"
