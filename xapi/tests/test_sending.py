"""Sending the outbox (xapi.sending): batches, what each answer of the store means, backoff, giving up,
and sending the failed again — always the stored statement with its id."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_user
from xapi import sending, statements
from xapi.events import record
from xapi.models import Statement
from xapi.statements import Page, Person

pytestmark = pytest.mark.django_db


def _record(learner, count=3):
    start = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    built = [
        statements.item_completed(
            person=Person(pk=learner.pk),
            item=Page(100 + n, f"第{n}课"),
            course=Page(99, "课程", statements.COURSE),
            completed_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(count)
    ]
    record(built, learner_id=learner.pk)
    return built


def test_batches_are_posted_and_recorded_as_sent(lrs, settings):
    settings.XAPI_BATCH_SIZE = 2
    built = _record(make_user())
    outcome = sending.statements_send()
    assert outcome.as_dict() == {"sent": 3, "retry": 0, "failed": 0}
    assert [len(r.body) for r in lrs.requests] == [2, 1]
    assert set(lrs.statements) == {s["id"] for s in built}
    assert all(s.sent_at and s.attempts == 1 for s in Statement.objects.all())
    assert sending.statements_send().sent == 0  # nothing owed any more


def test_the_same_event_recorded_twice_is_one_statement(lrs):
    learner = make_user()
    _record(learner)
    _record(learner)
    assert Statement.objects.count() == 3


def test_a_server_error_waits_longer_each_time_then_gives_up(lrs, settings):
    settings.XAPI_MAX_ATTEMPTS = 3
    _record(make_user(), count=1)
    lrs.fail_next(10, 503)
    now = timezone.now()
    waits = []
    for _ in range(3):
        sending.statements_send(now=now)
        row = Statement.objects.get()
        waits.append(row.next_try_at - now)
        now = row.next_try_at
    row = Statement.objects.get()
    assert row.state == "failed" and row.attempts == 3 and "HTTP 503" in row.last_error
    assert waits[0] == datetime.timedelta(seconds=60) and waits[1] == datetime.timedelta(seconds=120)
    # Not due yet: nothing is sent before its time.
    assert len(lrs.requests) == 3


def test_nothing_is_tried_before_its_time(lrs):
    _record(make_user(), count=1)
    lrs.fail_next(1, 500)
    sending.statements_send()
    sending.statements_send()  # the retry is a minute away
    assert len(lrs.requests) == 1


def test_a_statement_the_store_refuses_fails_alone(lrs):
    learner = make_user()
    built = _record(learner, count=2)
    bad = Statement.objects.get(pk=built[0]["id"])
    bad.payload = {**bad.payload, "timestamp": "yesterday"}
    bad.save()
    outcome = sending.statements_send()
    assert outcome.as_dict() == {"sent": 1, "retry": 0, "failed": 1}
    assert Statement.objects.get(pk=built[1]["id"]).state == "sent"
    assert "HTTP 400" in Statement.objects.get(pk=built[0]["id"]).last_error


def test_a_store_that_already_has_the_statements_counts_them_sent(lrs):
    built = _record(make_user(), count=2)
    lrs.statements[built[0]["id"]] = built[0]  # e.g. a worker died after the store took them
    assert sending.statements_send().sent == 2
    assert [r.method for r in lrs.requests] == ["POST", "PUT", "PUT"]
    assert set(lrs.statements) == {s["id"] for s in built}


def test_wrong_credentials_are_retried(lrs, settings):
    settings.XAPI_SECRET = "wrong"
    _record(make_user(), count=1)
    assert sending.statements_send().retry == 1
    assert "HTTP 401" in Statement.objects.get().last_error


def test_an_unreachable_store_is_retried(lrs, settings):
    _record(make_user(), count=1)
    settings.XAPI_ENDPOINT = "http://127.0.0.1:9/xapi"  # discard port: nothing listens
    assert sending.statements_send().retry == 1
    assert "ConnectionError" in Statement.objects.get().last_error


def test_the_command_sends_and_retries_the_failed(lrs, capsys, settings):
    _record(make_user(), count=1)
    Statement.objects.update(state="failed", attempts=10, last_error="HTTP 500")
    call_command("xapi_send", "--retry-failed")
    out = capsys.readouterr().out
    assert "1 failed statements queued again" in out and "sent 1" in out
    assert Statement.objects.get().state == "sent"


def test_the_command_says_when_nothing_is_configured(db, capsys):
    call_command("xapi_send")
    assert "No learning record store configured" in capsys.readouterr().out
