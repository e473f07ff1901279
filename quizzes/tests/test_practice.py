"""Recording a finished guided practice: once per learner and block, POST with CSRF, nothing on bad input."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from quizzes.models import PracticeRecord
from tests.factories import make_course, make_image, make_lesson, make_user, paragraph

pytestmark = pytest.mark.django_db

URL = reverse("practice:complete")


def practice_block(image):
    return {
        "type": "practice",
        "value": {
            "title": "练一练",
            "intro": "",
            "steps": [
                {
                    "screenshot": {"image": image.pk, "decorative": False, "alt_text": "首页"},
                    "instruction": "点击“访客登记”",
                    "area": {"shape": "rect", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1},
                    "hint": "在第一排",
                }
            ],
        },
    }


@pytest.fixture
def lesson():
    return make_lesson(make_course(), body=[paragraph(), practice_block(make_image())])


@pytest.fixture
def learner():
    return make_user()


def practice_id(lesson) -> str:
    return lesson.body[1].id


def post(client, lesson, block_id=None, misses="2"):
    return client.post(
        URL, {"lesson": str(lesson.pk), "block": block_id or practice_id(lesson), "misses": misses}
    )


def test_finishing_a_practice_is_recorded_once(client, lesson, learner):
    client.force_login(learner)
    response = post(client, lesson, misses="4")
    assert response.status_code == 201
    assert response.json() == {"recorded": True, "first_time": True}
    record = PracticeRecord.objects.get()
    assert (record.learner, record.lesson_id, record.block_id, record.misses) == (
        learner,
        lesson.pk,
        practice_id(lesson),
        4,
    )
    assert record.completed_at is not None


def test_a_repeat_changes_nothing(client, lesson, learner):
    client.force_login(learner)
    post(client, lesson, misses="4")
    first = PracticeRecord.objects.get()
    response = post(client, lesson, misses="0")
    assert response.status_code == 200
    assert response.json() == {"recorded": True, "first_time": False}
    again = PracticeRecord.objects.get()
    assert (again.pk, again.misses, again.completed_at) == (first.pk, 4, first.completed_at)


def test_each_learner_gets_their_own_record(client, lesson, learner):
    client.force_login(learner)
    post(client, lesson)
    client.force_login(make_user())
    assert post(client, lesson).status_code == 201
    assert PracticeRecord.objects.count() == 2


def test_anonymous_visitor_gets_403_json(client, lesson):
    response = post(client, lesson)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert not PracticeRecord.objects.exists()


def test_get_is_not_allowed(client, lesson, learner):
    client.force_login(learner)
    assert (
        client.get(URL, {"lesson": lesson.pk, "block": practice_id(lesson), "misses": 0}).status_code == 405
    )
    assert not PracticeRecord.objects.exists()


def test_csrf_token_is_required(lesson, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert post(client, lesson).status_code == 403
    assert not PracticeRecord.objects.exists()

    # With the token from the cookie in the header, as practice.js sends it.
    client.get(lesson.url)  # the lesson page's "finish" form sets the cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL,
        {"lesson": str(lesson.pk), "block": practice_id(lesson), "misses": "0"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert PracticeRecord.objects.count() == 1


@pytest.mark.parametrize("block_id", ["not-a-block", "x" * 65, ""])
def test_unknown_block_is_404(client, lesson, learner, block_id):
    client.force_login(learner)
    response = client.post(URL, {"lesson": str(lesson.pk), "block": block_id, "misses": "0"})
    assert response.status_code == 404
    assert not PracticeRecord.objects.exists()


def test_a_block_that_is_not_a_practice_is_404(client, lesson, learner):
    client.force_login(learner)
    paragraph_id = lesson.body[0].id
    assert post(client, lesson, block_id=paragraph_id).status_code == 404


def test_the_block_must_be_in_that_lesson(client, lesson, learner):
    other = make_lesson(make_course(), body=[paragraph()])
    client.force_login(learner)
    response = client.post(URL, {"lesson": str(other.pk), "block": practice_id(lesson), "misses": "0"})
    assert response.status_code == 404


@pytest.mark.parametrize("lesson_id", ["999999", "abc", "", "-1"])
def test_unknown_lesson_is_404(client, lesson, learner, lesson_id):
    client.force_login(learner)
    response = client.post(URL, {"lesson": lesson_id, "block": practice_id(lesson), "misses": "0"})
    assert response.status_code == 404


def test_draft_lesson_is_404(client, learner):
    draft = make_lesson(make_course(), body=[paragraph(), practice_block(make_image())], live=False)
    client.force_login(learner)
    assert post(client, draft).status_code == 404
    assert not PracticeRecord.objects.exists()


def test_restricted_lesson_is_404(client, lesson, learner):
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    client.force_login(learner)
    assert post(client, lesson).status_code == 404


@pytest.mark.parametrize("misses", ["-1", "1001", "abc", "", "1.5", "١٢"])
def test_bad_misses_is_400(client, lesson, learner, misses):
    client.force_login(learner)
    response = post(client, lesson, misses=misses)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PracticeRecord.objects.exists()


def test_misses_at_the_limit_is_accepted(client, lesson, learner):
    client.force_login(learner)
    assert post(client, lesson, misses="1000").status_code == 201
