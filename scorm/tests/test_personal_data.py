"""The person's data download lists their SCORM attempts: version, status, score, where they left off,
time — and the package's saved state only up to a reasonable size."""

import json

import pytest
from django.urls import reverse

from progress.exports import personal_data_page
from scorm.personal_data import SUSPEND_DATA_SHOWN, scorm_personal_data
from scorm.tests.packages import make_scorm_lesson
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course = make_course("扫码登记 SCORM", slug="scorm-course")
    return {
        "course": course,
        "one": make_scorm_lesson(course, "1.2", mastery=80, slug="sco12"),
        "two": make_scorm_lesson(course, "2004", title="2004 练习", slug="sco2004"),
        "learner": make_user("learner"),
    }


def _play(client, lesson, seq, data, total_seconds=None):
    state = client.post(f"/scorm/{lesson.pk}/attempt/").json()
    body = {"seq": seq, "data": data}
    if total_seconds is not None:
        body["total_seconds"] = total_seconds
    response = client.post(state["commit_url"], {"state": json.dumps(body)})
    assert response.status_code in (200, 204), response.content


def test_each_attempt_with_status_score_location_and_time(client, world):
    client.force_login(world["learner"])
    _play(
        client,
        world["one"],
        1,
        {
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "90",
            "cmi.core.score.max": "100",
            "cmi.core.score.min": "0",
            "cmi.core.lesson_location": "page-3",
            "cmi.suspend_data": "a=1;b=2",
        },
        total_seconds=125,
    )
    _play(client, world["two"], 1, {"cmi.completion_status": "incomplete", "cmi.location": "slide-2"})
    other = make_user("other")
    client.force_login(other)
    _play(client, world["one"], 1, {"cmi.core.lesson_location": "theirs"})

    rows = scorm_personal_data(world["learner"])["scorm_attempts"]
    assert [(r["item"], r["version"], r["number"]) for r in rows] == [
        ("扫码登记练习（SCORM）", "1.2", 1),
        ("2004 练习", "2004", 1),
    ]
    first, second = rows
    assert first["completion_status"] == "completed" and first["success_status"] == "passed"
    assert (first["score_raw"], first["score_min"], first["score_max"]) == (90, 0, 100)
    assert (first["location"], first["suspend_data"], first["total_seconds"]) == ("page-3", "a=1;b=2", 125)
    assert first["completed_at"] is not None and first["passed_at"] is not None
    assert (second["completion_status"], second["location"], second["suspend_data"]) == (
        "incomplete",
        "slide-2",
        None,
    )
    assert "theirs" not in json.dumps(rows, default=str)


def test_large_saved_state_is_given_by_its_size_only(client, world, in_english):
    client.force_login(world["learner"])
    blob = "x" * (SUSPEND_DATA_SHOWN + 1)
    _play(client, world["two"], 1, {"cmi.suspend_data": blob})
    [row] = scorm_personal_data(world["learner"])["scorm_attempts"]
    assert blob not in row["suspend_data"]
    assert str(SUSPEND_DATA_SHOWN + 1) in row["suspend_data"]
    data = client.get(reverse("progress:my_data")).content.decode()
    assert blob not in data
    assert "scorm_attempts" in json.loads(data)


def test_the_page_shows_a_scorm_section_with_statuses_in_words(client, world, in_english):
    client.force_login(world["learner"])
    _play(
        client,
        world["one"],
        1,
        {"cmi.core.lesson_location": "page-2", "cmi.core.lesson_status": "incomplete"},
    )
    sections = {section.key: section for section in personal_data_page(world["learner"])}
    [row] = sections["scorm_attempts"].rows
    shown = {item.label: item.text for item in row}
    assert shown["Completion"] == "In progress" and shown["Success"] == "Not reported by the lesson"
    html = client.get(reverse("progress:my_data_page")).content.decode()
    assert "page-2" in html and "not attempted" not in html and "unknown" not in html
    data = client.get(reverse("progress:my_data")).json()
    assert data["scorm_attempts"][0]["completion_status"] == "incomplete"  # the code in the file
