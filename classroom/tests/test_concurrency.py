"""A room full of phones scanning at once: capacity holds and nobody is checked in twice. On PostgreSQL
with threads released together (SQLite serialises all writes, so the race cannot happen there)."""

import pytest

from classroom import services
from classroom.models import SessionAttendance
from classroom.tests.conftest import plan
from tests.concurrency import needs_postgres, race  # noqa: F401 (a fixture)
from tests.factories import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("needs_postgres"),
]

THREADS = 8


def test_capacity_holds_when_everyone_scans_at_once(place):
    session = plan(place, capacity=3)
    people = [make_user(f"rush{i}", org_unit=place["units"]["A社区"]) for i in range(THREADS)]
    results, errors = race(lambda i: services.session_check_in(session=session.pk, learner=people[i]))
    assert SessionAttendance.objects.filter(session=session).count() == 3
    assert len([r for r in results if r is not None]) == 3
    assert len(errors) == THREADS - 3
    assert all(isinstance(error, services.CheckInRefused) and error.code == "full" for error in errors)


def test_one_person_scanning_on_two_phones_is_checked_in_once(place):
    session = plan(place, capacity=30)
    results, errors = race(lambda i: services.session_check_in(session=session.pk, learner=place["a"]))
    assert errors == []
    assert len({attendance.pk for attendance, _created in results}) == 1
    assert sum(created for _attendance, created in results) == 1
    assert SessionAttendance.objects.count() == 1


def test_one_offline_tap_sent_by_two_tabs_at_once_is_recorded_once(place):
    import datetime
    import uuid

    from django.utils import timezone

    from classroom.models import OfflineCheckIn

    session = plan(place, capacity=30)
    key, at = uuid.uuid4(), timezone.now() - datetime.timedelta(minutes=1)
    results, errors = race(
        lambda i: services.session_offline_check_in(
            session=session, learner=place["a"], key=key, tapped_at=at, actor=place["trainer"]
        )
    )
    assert errors == []
    assert {record.outcome for record in results} == {"recorded"}
    assert OfflineCheckIn.objects.count() == 1 and SessionAttendance.objects.count() == 1
