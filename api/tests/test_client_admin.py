"""API clients in the admin, the token, the rate limit and the schema."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiClient
from api.services import token_hash


def test_the_token_is_shown_once_and_stored_as_a_hash(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("api_clients:add"),
        {"name": "网格系统", "unit": world.units["渝中区"].pk, "access": "read", "requests_per_minute": 60},
    )
    assert response.status_code == 200
    made = ApiClient.objects.get(name="网格系统")
    token = response.context["token"]
    assert token_hash(token) == made.token_hash and token not in made.token_prefix + made.token_hash
    assert "no-store" in response["Cache-Control"]
    listing = client.get(reverse("api_clients:index")).content.decode()
    assert "网格系统" in listing and token not in listing
    assert token not in client.get(reverse("api_clients:edit", args=[made.pk])).content.decode()
    assert world.api(None).get(reverse("api:units"), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_revoking_stops_the_token_at_once(world, client):
    client.force_login(world.admin)
    made = world.clients["read"]
    assert world.api("read").get(reverse("api:units")).status_code == 200
    response = client.post(reverse("api_clients:delete", args=[made.pk]))
    assert response.status_code == 302
    assert world.api("read").get(reverse("api:units")).status_code == 401
    made.refresh_from_db()
    assert made.revoked_at is not None


def test_only_administrators_manage_clients(world, client):
    manager = world.learners["inside"]
    manager.managed_unit = world.units["重庆市"]
    manager.is_staff = True
    manager.save()
    from django.contrib.auth.models import Group

    manager.groups.add(Group.objects.get(name="Managers"))
    client.force_login(manager)
    for url in (reverse("api_clients:index"), reverse("api_clients:add"), reverse("api_clients:reference")):
        assert client.get(url).status_code in (302, 403)
    assert not ApiClient.objects.filter(name="偷偷").exists()


def test_the_rate_limit_is_per_client(world):
    made = world.clients["read"]
    made.requests_per_minute = 3
    made.save()
    api = world.api("read")
    codes = [api.get(reverse("api:positions")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = api.get(reverse("api:positions")).json()
    assert body["error"]["code"] == "throttled"
    assert world.api("write").get(reverse("api:positions")).status_code == 200  # another client


def test_last_used_is_recorded(world):
    world.api("read").get(reverse("api:positions"))
    world.clients["read"].refresh_from_db()
    assert world.clients["read"].last_used_at is not None


def test_schema_is_generated_without_warnings_and_is_valid(db, client):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, GENERATOR_STATS  # spectacular's warnings and errors
    validate_schema(schema)
    assert set(schema["paths"]) >= {"/api/v1/staff/", "/api/v1/enrolments/", "/api/v1/assignments/{id}/end/"}
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200


def test_the_reference_page_lists_every_operation(world, client):
    client.force_login(world.admin)
    page = client.get(reverse("api_clients:reference")).content.decode()
    for path in ("/api/v1/staff/", "/api/v1/quiz-results/", "/api/v1/assignments/{id}/end/", "changed_since"):
        assert path in page


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-40"])
def test_a_bad_changed_since_is_a_clear_error(world, bad):
    response = world.api("read").get(reverse("api:staff"), {"changed_since": bad})
    assert response.status_code == 400
    assert "changed_since" in response.json()["error"]["fields"]
