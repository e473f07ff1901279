"""core.request_costs: off by default; with REQUEST_COST_LOG each request is one JSON line with its CPU
time and queries, which tests.bench.request_costs sums per step."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.bench import request_costs
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_off_without_the_setting(client, tmp_path, settings):
    assert not settings.REQUEST_COST_LOG
    client.get("/ping/")
    assert list(tmp_path.iterdir()) == []


def test_each_request_is_one_line_and_sums_per_step(client, tmp_path):
    prefix = tmp_path / "app"
    with override_settings(REQUEST_COST_LOG=str(prefix)):
        from django.test import Client

        learner = make_user("cost_learner")
        fresh = Client()  # built after the setting: the middleware chain is built per handler
        fresh.force_login(learner)
        assert fresh.get(reverse("progress:my_learning")).status_code == 200
        assert fresh.get(reverse("progress:my_learning")).status_code == 200
        assert fresh.get("/ping/").status_code == 200
    lines = request_costs.read(str(prefix))
    assert [line["view"] for line in lines][:2] == ["progress:my_learning"] * 2
    assert all(line["cpu_ms"] >= 0 and line["queries"] >= 0 for line in lines)
    assert lines[0]["queries"] > 0
    rows = {row["step"]: row for row in request_costs.summarise(lines, {})}
    assert rows["My learning"]["requests"] == 2
    assert rows["My learning"]["per_core_per_s"] > 0
    assert json.dumps(rows, ensure_ascii=False)
