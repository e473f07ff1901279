"""Lessons finished offline, sent at the same moment from several tabs or retries: each key is taken
once, and a lesson completes once. On PostgreSQL with threads released together (SQLite serialises
all writes, so these races cannot happen there and the tests skip)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from progress import services
from progress.models import CourseCompletion, Enrolment, ItemProgress, OfflineCompletion
from tests.concurrency import needs_postgres, race  # noqa: F401 (a fixture)
from tests.factories import make_course, make_lesson, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("needs_postgres"),
]

THREADS = 8


@pytest.fixture
def setup():
    course = make_course("并发离线课程")
    lesson = make_lesson(course, "唯一一课")
    learner = make_user()
    enrolment = services.enrolment_join(learner=learner, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=timezone.now() - timedelta(days=2))
    return learner, lesson


def test_the_same_key_sent_at_once_is_taken_once(setup):
    learner, lesson = setup
    key = uuid.uuid4()
    at = timezone.now() - timedelta(hours=3)
    results, errors = race(
        lambda i: services.offline_completion_record(
            learner=learner, key=key, item_id=lesson.pk, completed_at=at + timedelta(minutes=i)
        )
    )
    assert errors == []
    assert {(r.pk, r.outcome) for r in results} == {(results[0].pk, "recorded")}
    assert OfflineCompletion.objects.count() == 1
    assert ItemProgress.objects.get().completed_at == results[0].completed_at
    assert CourseCompletion.objects.count() == 1


def test_two_tabs_with_their_own_keys_complete_the_lesson_once(setup):
    learner, lesson = setup
    at = timezone.now() - timedelta(hours=3)
    results, errors = race(
        lambda i: services.offline_completion_record(
            learner=learner, key=uuid.uuid4(), item_id=lesson.pk, completed_at=at
        )
    )
    assert errors == []
    assert all(r.accepted for r in results)
    assert OfflineCompletion.objects.count() == THREADS
    assert ItemProgress.objects.filter(completed_at=at).count() == 1
    completion = CourseCompletion.objects.get()
    assert completion.completed_at == at
