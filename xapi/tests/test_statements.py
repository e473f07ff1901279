"""The statement builders (xapi.statements) and the validator the tests rely on: the validator must refuse
what xAPI 1.0.3 refuses, or the journey's "all valid" would prove nothing."""

import copy
import datetime
import uuid

import pytest
from django.core.checks import run_checks
from django.utils import timezone

from xapi import statements
from xapi.statements import Page, Person
from xapi.tests.validator import problems

MOMENT = datetime.datetime(2026, 12, 7, 1, 2, 3, 456000, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site(settings):
    settings.XAPI_SITE_URL = "https://learn.example.org/"
    settings.XAPI_ACTOR = "account"


def _lesson_statement():
    return statements.item_completed(
        person=Person(pk=7, username="grid07", mobile="13800138000", email="w@example.org"),
        item=Page(12, "第一课"),
        course=Page(3, "扫码登记入门", statements.COURSE),
        completed_at=MOMENT,
    )


def test_a_statement_is_valid_and_its_id_depends_only_on_the_event():
    statement = _lesson_statement()
    assert problems(statement) == []
    assert statement == _lesson_statement()  # built again: the same statement, the same id
    assert uuid.UUID(statement["id"]).version == 5
    assert statement["timestamp"] == "2026-12-07T09:02:03.456+08:00"
    assert statement["object"]["id"] == "https://learn.example.org/xapi/activities/page/12/"
    other = statements.item_completed(
        person=Person(pk=7), item=Page(13, "第二课"), course=Page(3, "课"), completed_at=MOMENT
    )
    assert other["id"] != statement["id"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("account", None),
        ("username", {"homePage": "https://learn.example.org", "name": "grid07"}),
        ("mobile", {"homePage": "https://learn.example.org", "name": "13800138000"}),
    ],
)
def test_the_actor_is_opaque_unless_the_organisation_chooses(settings, mode, expected):
    settings.XAPI_ACTOR = mode
    actor = _lesson_statement()["actor"]
    if expected is None:
        assert actor["account"]["homePage"] == "https://learn.example.org"
        assert actor["account"]["name"] == statements.opaque_name(7)
        assert (
            "13800138000" not in str(actor)
            and "w@example.org" not in str(actor)
            and "grid07" not in str(actor)
        )
    else:
        assert actor["account"] == expected


def test_the_email_mode_uses_the_mailbox_and_falls_back_to_the_account(settings):
    settings.XAPI_ACTOR = "email"
    assert _lesson_statement()["actor"] == {"objectType": "Agent", "mbox": "mailto:w@example.org"}
    without = statements.actor(Person(pk=7))
    assert without["account"]["name"] == statements.opaque_name(7)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "PT0S"), (5, "PT5S"), (65.5, "PT1M5.5S"), (3600, "PT1H"), (3725.25, "PT1H2M5.25S"), (-3, "PT0S")],
)
def test_durations_are_iso_8601(seconds, text):
    assert statements.duration(seconds) == text


def test_scores_stay_in_range():
    assert statements.score(1.5, 1.0) == {"scaled": 1.0, "raw": 1.0, "min": 0, "max": 1.0}
    assert statements.score(2.5, 4.0) == {"scaled": 0.625, "raw": 2.5, "min": 0, "max": 4.0}


def _broken(change):
    statement = copy.deepcopy(_lesson_statement())
    change(statement)
    return problems(statement)


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("no actor", lambda s: s.pop("actor")),
        ("no verb", lambda s: s.pop("verb")),
        ("not a uuid", lambda s: s.update(id="1234")),
        ("upper-case uuid", lambda s: s.update(id=s["id"].upper())),
        ("two identifiers", lambda s: s["actor"].update(mbox="mailto:a@b.c")),
        ("no identifier", lambda s: s["actor"].pop("account")),
        ("mbox without mailto", lambda s: s.update(actor={"mbox": "a@b.c"})),
        ("verb id not an IRI", lambda s: s["verb"].update(id="completed")),
        ("bad language tag", lambda s: s["verb"].update(display={"zh_CN": "完成"})),
        ("empty language map", lambda s: s["object"]["definition"].update(name={})),
        ("unknown property", lambda s: s.update(score=1)),
        ("scaled above 1", lambda s: s["result"].update(score={"scaled": 1.5})),
        ("raw above max", lambda s: s["result"].update(score={"raw": 5, "min": 0, "max": 4})),
        ("min not below max", lambda s: s["result"].update(score={"min": 1, "max": 1})),
        ("bad duration", lambda s: s["result"].update(duration="5 minutes")),
        ("empty duration", lambda s: s["result"].update(duration="PT")),
        ("timestamp without zone", lambda s: s.update(timestamp="2026-12-07T09:02:03")),
        ("registration not a uuid", lambda s: s["context"].update(registration="r1")),
        ("unknown interaction type", lambda s: s["object"]["definition"].update(interactionType="essay")),
        ("extension key not an IRI", lambda s: s["context"].update(extensions={"rule": 1})),
        ("account home not http", lambda s: s["actor"]["account"].update(homePage="learn")),
    ],
)
def test_the_validator_refuses_what_xapi_refuses(label, change):
    assert _broken(change), label


def test_a_half_configuration_is_explained(settings):
    settings.XAPI_ENDPOINT, settings.XAPI_KEY, settings.XAPI_SECRET = "https://lrs.example.org/xapi", "k", ""
    errors = [e for e in run_checks() if e.id.startswith("xapi.")]
    assert [e.id for e in errors] == ["xapi.E001"] and "XAPI_SECRET" in errors[0].msg
    settings.XAPI_SECRET = "s"
    assert not [e for e in run_checks() if e.id.startswith("xapi.")]
    settings.XAPI_ENDPOINT = "lrs.example.org"
    assert [e.id for e in run_checks() if e.id.startswith("xapi.")] == ["xapi.E002"]
    settings.XAPI_ENDPOINT, settings.XAPI_ACTOR = "https://lrs.example.org/xapi", "phone"
    assert [e.id for e in run_checks() if e.id.startswith("xapi.")] == ["xapi.E003"]
    settings.XAPI_ENDPOINT = settings.XAPI_KEY = settings.XAPI_SECRET = ""
    settings.XAPI_ACTOR = "account"
    assert not [e for e in run_checks() if e.id.startswith("xapi.")]


def test_timestamps_carry_the_offset():
    assert statements.timestamp(timezone.now()).endswith("+08:00")
