"""Roster taps made on the trainer's phone with no signal, sent when back online: each key taken once,
recorded as method "offline" at the tap's time; refused when the session closed, when the tap is more
than five minutes in the future or before check-in opened, and for someone not on the roster."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import OfflineCheckIn, SessionAttendance
from classroom.tests.conftest import plan

pytestmark = pytest.mark.django_db


def send(client, session, taps):
    return client.post(
        reverse("classroom_sessions:offline_check_ins", args=[session.pk]),
        data=json.dumps(taps),
        content_type="application/json",
    )


def tap(learner, *, at=None, key=None):
    at = at or timezone.localtime() - datetime.timedelta(minutes=3)
    return {"key": str(key or uuid.uuid4()), "learner": learner.pk, "tapped_at": at.isoformat()}


def test_taps_are_recorded_once_at_the_tap_time(client, place, in_english):
    session = plan(place, starts_in=datetime.timedelta(minutes=-10))
    client.force_login(place["trainer"])
    first, second = tap(place["a"]), tap(place["a2"])
    response = send(client, session, [first, second])
    assert response.status_code == 200
    body = response.json()
    assert [r["outcome"] for r in body["results"]] == ["recorded", "recorded"] and body["attended"] == 2
    assert all(r["accepted"] for r in body["results"])
    attendance = SessionAttendance.objects.get(learner=place["a"])
    assert attendance.method == "offline" and attendance.recorded_by == place["trainer"]
    assert attendance.checked_in_at == datetime.datetime.fromisoformat(first["tapped_at"])
    # The phone retries (its answer was lost): the same keys change nothing.
    again = send(client, session, [first, second]).json()
    assert [r["outcome"] for r in again["results"]] == ["recorded", "recorded"]
    assert SessionAttendance.objects.count() == 2 and OfflineCheckIn.objects.count() == 2
    # A second tap of someone already checked in (another key): harmless.
    third = send(client, session, [tap(place["a"])]).json()["results"][0]
    assert third["outcome"] == "already" and third["accepted"]
    assert SessionAttendance.objects.count() == 2


def test_future_early_closed_and_not_on_roster_are_refused(client, place, in_english):
    session = plan(place, starts_in=datetime.timedelta(minutes=-10), allow_uninvited=False)
    client.force_login(place["trainer"])
    now = timezone.localtime()
    results = send(
        client,
        session,
        [
            tap(place["a"], at=now + datetime.timedelta(minutes=6)),  # the phone's clock is ahead
            tap(place["a2"], at=now - datetime.timedelta(hours=2)),  # before check-in opened
            tap(place["c"]),  # another street's learner, not on the roster
        ],
    ).json()["results"]
    assert [r["outcome"] for r in results] == ["future", "too_early", "not_on_roster"]
    assert not any(r["accepted"] for r in results) and not SessionAttendance.objects.exists()
    within_skew = send(client, session, [tap(place["a"], at=now + datetime.timedelta(minutes=4))])
    assert within_skew.json()["results"][0]["outcome"] == "recorded"
    assert SessionAttendance.objects.get().checked_in_at <= timezone.now()  # never in the future
    services.session_close(session=session, actor=place["manager"])
    late = send(client, session, [tap(place["a2"])]).json()["results"][0]
    assert late["outcome"] == "closed" and "closed" in late["message"]
    assert SessionAttendance.objects.count() == 1


def test_bad_bodies_and_scope(client, place):
    session = plan(place, starts_in=datetime.timedelta(minutes=-10))
    client.force_login(place["trainer"])
    assert send(client, session, []).status_code == 400
    assert send(client, session, {"key": "x"}).status_code == 400
    bad = send(client, session, [{"key": "nope", "learner": place["a"].pk, "tapped_at": "now"}])
    assert bad.json()["results"][0]["outcome"] == "invalid"
    naive = tap(place["a"])
    naive["tapped_at"] = naive["tapped_at"][:19]  # no offset from UTC
    assert send(client, session, [naive]).json()["results"][0]["outcome"] == "invalid"
    assert client.get(reverse("classroom_sessions:offline_check_ins", args=[session.pk])).status_code == 405
    # A manager of another street: not found; a learner: refused.
    client.force_login(place["other_manager"])
    assert send(client, session, [tap(place["a"])]).status_code in (403, 404)
    client.force_login(place["a"])
    assert send(client, session, [tap(place["a"])]).status_code in (302, 403)
    assert not SessionAttendance.objects.exists()


def test_the_roster_loads_the_offline_script(client, place):
    session = plan(place)
    client.force_login(place["trainer"])
    page = client.get(reverse("classroom_sessions:roster", args=[session.pk])).content.decode()
    assert "roster-offline.js" in page and "data-roster-state" in page
    assert reverse("classroom_sessions:offline_check_ins", args=[session.pk]) in page
