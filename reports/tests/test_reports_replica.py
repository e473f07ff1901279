"""The reports replica router (core.db_routers): report screens and their exports read from the
"reports" alias when one is configured; everything else, and every write, uses the primary."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from core import db_routers
from core.db_routers import ReportsReplicaRouter, reading_reports, streamed_from_reports
from progress.models import Enrolment
from reports.tests.conftest import login

pytestmark = pytest.mark.django_db


def with_replica(settings_databases):
    databases = dict(settings_databases)
    databases["reports"] = {**databases["default"], "TEST": {"MIRROR": "default"}}
    return databases


def test_without_a_replica_everything_reads_the_primary():
    router = ReportsReplicaRouter()
    with reading_reports():
        assert router.db_for_read(Enrolment) is None  # Django's default: "default"
    assert router.db_for_write(Enrolment) == "default"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_with_a_replica_only_reads_inside_a_report_go_there(settings):
    router = ReportsReplicaRouter()
    with override_settings(DATABASES=with_replica(settings.DATABASES)):
        assert router.db_for_read(Enrolment) is None
        with reading_reports():
            assert router.db_for_read(Enrolment) == "reports"
            assert router.db_for_write(Enrolment) == "default"
        assert router.db_for_read(Enrolment) is None
        assert router.allow_migrate("reports", "progress") is False
        assert router.allow_migrate("default", "progress") is True


def test_a_streamed_export_reads_each_chunk_from_the_replica():
    seen = []

    def chunks():
        for number in range(3):
            seen.append(db_routers._reading_reports.get())
            yield number

    assert list(streamed_from_reports(chunks())) == [0, 1, 2]
    assert seen == [True, True, True]
    assert db_routers._reading_reports.get() is False


@pytest.fixture
def reads(monkeypatch):
    """Which model reads happened inside a report block."""
    seen: list[tuple[str, bool]] = []
    original = ReportsReplicaRouter.db_for_read

    def recording(self, model, **hints):
        seen.append((model._meta.label, db_routers._reading_reports.get()))
        return original(self, model, **hints)

    monkeypatch.setattr(ReportsReplicaRouter, "db_for_read", recording)
    return seen


@pytest.mark.parametrize("query", ["", "?export=csv", "?export=xlsx"])
def test_report_screens_and_exports_read_inside_the_report_block(client, world, reads, query):
    login(client, world.users["district_manager"])
    response = client.get(reverse("reports:people") + query)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    enrolment_reads = [inside for label, inside in reads if label == "progress.Enrolment"]
    assert enrolment_reads and all(enrolment_reads)
    # The session's user is read by the middleware, before the report: on the primary.
    assert ("accounts.User", False) in reads


def test_a_write_on_a_report_page_stays_on_the_primary(client, world, reads):
    """The transcript's override is a POST: it never enters the report block."""
    login(client, world.users["district_manager"])
    learner = world.learners["A社区"]
    client.post(reverse("reports:transcript_override", args=[learner.pk]), {})
    assert not any(inside for _label, inside in reads)
