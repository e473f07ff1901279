"""A small world for the API: the test tree (tests.factories.make_org_tree), one learner with a full
record in each street, and API clients scoped to 解放碑街道 (read, read-write), to 七星岗街道, and a
revoked one."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiClient
from api.services import api_client_create, api_client_revoke
from tests.factories import make_course, make_lesson, make_org_tree, make_position, make_user


@dataclass
class World:
    units: dict
    course: object
    lesson: object
    learners: dict
    tokens: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    admin: object = None

    def api(self, who: str | None, language: str = "zh-hans") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if who == "bad":
            client.credentials(HTTP_AUTHORIZATION="Bearer fa_not-a-real-token")
        elif who is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}")
        return client


def _record(learner, course, lesson, number: int):
    from certificates.models import Certificate
    from progress.models import CourseCompletion, Enrolment, ItemProgress
    from quizzes.models import QuizAttempt

    now = timezone.now()
    Enrolment.objects.create(
        learner=learner, course_id=course.pk, org_unit=learner.org_unit, status="completed", completed_at=now
    )
    ItemProgress.objects.create(
        learner=learner, item_id=lesson.pk, course_id=course.pk, first_seen_at=now, completed_at=now
    )
    completion = CourseCompletion.objects.create(
        learner=learner, course_id=course.pk, completed_at=now, rule="all_required_items"
    )
    QuizAttempt.objects.create(
        learner=learner,
        quiz_id=lesson.pk,
        course_id=course.pk,
        number=1,
        rules={},
        questions=[],
        state="submitted",
        submitted_at=now,
        score=8,
        max_score=10,
        percent=80,
        passed=True,
    )
    Certificate.objects.create(
        learner=learner,
        course_id=course.pk,
        completion=completion,
        code=f"CODE{number:04d}",
        completed_at=now,
        holder_name=learner.name,
        course_title=course.title,
        organisation_name="一线学堂",
    )


@pytest.fixture
def world(db):
    units = make_org_tree()
    make_position("网格员")
    course = make_course("扫码登记入门")
    lesson = make_lesson(course)
    learners = {
        "inside": make_user("inside", name="王小红", mobile="13900000001", org_unit=units["A社区"]),
        "outside": make_user("outside", name="李大明", mobile="13900000002", org_unit=units["C社区"]),
    }
    for number, learner in enumerate(learners.values()):
        _record(learner, course, lesson, number)
    admin = make_user("root", is_superuser=True, is_staff=True)
    built = World(units=units, course=course, lesson=lesson, learners=learners, admin=admin)
    for key, unit, access in (
        ("read", "解放碑街道", ApiClient.Access.READ),
        ("write", "解放碑街道", ApiClient.Access.READ_WRITE),
        ("other", "七星岗街道", ApiClient.Access.READ_WRITE),
        ("revoked", "解放碑街道", ApiClient.Access.READ_WRITE),
    ):
        client, token = api_client_create(
            name=f"{key} 系统", unit=units[unit], access=access, requests_per_minute=1000, actor=admin
        )
        built.clients[key], built.tokens[key] = client, token
        # Rate-limit counters and "last used" flags of an earlier test's client with the same id (never
        # cache.clear(): with Redis, that empties a cache other test runs share).
        cache.delete_many([f"api:throttle:{client.pk}", f"api:used:{client.pk}"])
    api_client_revoke(client=built.clients["revoked"], actor=admin)
    return built
