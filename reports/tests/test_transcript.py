"""A learner's transcript, and a manager marking a course complete from it."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from progress import services
from progress.models import CourseCompletion, Enrolment
from reports.tests.conftest import body_text, csv_rows, login, table_rows, tr
from tests.factories import make_lesson


def transcript(client, learner):
    response = client.get(reverse("reports:transcript", args=[learner.pk]))
    assert response.status_code == 200
    return table_rows(response.content, "table.report-transcript")[1:]


def test_transcript_lists_courses_lessons_and_quiz_attempts(client, world):
    learner = world.learners["C社区"]
    course = world.courses["C社区"]
    second = make_lesson(course, "课时C2")
    services.item_complete(learner=learner, item=world.lessons["C社区"], course=course)
    login(client, world.users["district_manager"])
    rows = transcript(client, learner)
    by_item = {(row[1], row[2]): row for row in rows}
    course_row = by_item[("课程C", "")]
    assert course_row[0] == tr("Course")
    assert course_row[3] == tr("In progress")
    assert course_row[4] == "33.3%"  # one of three required items (two lessons and the quiz)
    assert course_row[5] == (world.today - datetime.timedelta(days=30)).isoformat()
    assert by_item[("课程C", "课时C")][3] == tr("Done")
    assert by_item[("课程C", "课时C")][6]  # when it was completed
    assert by_item[("课程C", second.title)][3] == tr("Not started")
    attempt_row = next(row for row in rows if row[0] == tr("Attempt %(number)s", number=1))
    assert attempt_row[2] == "测验C"
    assert attempt_row[7] == "100%"
    assert attempt_row[8] == tr("Passed")
    assert ("安全课程", "") in by_item


def test_marking_a_course_complete(client, world):
    learner = world.learners["B社区"]
    manager = world.users["street_manager"]
    course = world.courses["B社区"]
    login(client, manager)
    response = client.post(
        reverse("reports:transcript_override", args=[learner.pk]),
        {"course": course.pk, "reason": "线下集中培训已完成"},
    )
    assert response.status_code == 302
    completion = CourseCompletion.objects.get(learner=learner, course_id=course.pk)
    assert completion.rule == CourseCompletion.Rule.MANAGER_OVERRIDE
    assert completion.recorded_by == manager
    assert Enrolment.objects.get(learner=learner, course_id=course.pk).status == Enrolment.Status.COMPLETED
    entry = ModelLogEntry.objects.get(action=services.OVERRIDE_LOG_ACTION, object_id=str(learner.pk))
    assert entry.user == manager
    assert entry.data["reason"] == "线下集中培训已完成"

    note = tr("Marked complete by %(name)s: %(reason)s", name=manager.name, reason="线下集中培训已完成")
    # Shown as such everywhere: transcript, people list, its export, the overdue list no longer.
    course_row = next(row for row in transcript(client, learner) if row[1] == course.title and row[2] == "")
    assert course_row[3] == tr("Completed")
    assert course_row[8] == note
    people = client.get(reverse("reports:people") + f"?course={course.pk}")
    assert note in body_text(people)
    exported = csv_rows(client.get(reverse("reports:people") + f"?course={course.pk}&export=csv"))
    assert exported[1][-1] == note
    assert learner.name not in body_text(client.get(reverse("reports:overdue") + f"?course={course.pk}"))


def test_marking_complete_needs_a_reason_and_changes_nothing_without_one(client, world):
    learner = world.learners["B社区"]
    login(client, world.users["street_manager"])
    response = client.post(
        reverse("reports:transcript_override", args=[learner.pk]),
        {"course": world.courses["B社区"].pk, "reason": "   "},
    )
    assert response.status_code == 200
    assert not CourseCompletion.objects.filter(learner=learner).exists()
    assert not ModelLogEntry.objects.filter(action=services.OVERRIDE_LOG_ACTION).exists()


def test_marking_complete_outside_the_scope_or_for_oneself_is_refused(client, world):
    login(client, world.users["street_manager"])
    outside = world.learners["C社区"]
    response = client.post(
        reverse("reports:transcript_override", args=[outside.pk]),
        {"course": world.courses["C社区"].pk, "reason": "trained"},
    )
    assert response.status_code == 404
    me = world.users["street_manager"]
    client.post(
        reverse("reports:transcript_override", args=[me.pk]),
        {"course": world.courses["shared"].pk, "reason": "trained"},
    )
    assert not CourseCompletion.objects.exists()
    login(client, world.users["trainer"])
    response = client.post(
        reverse("reports:transcript_override", args=[world.learners["A社区"].pk]),
        {"course": world.courses["A社区"].pk, "reason": "trained"},
    )
    assert response.status_code == 403
    assert not CourseCompletion.objects.exists()


def test_marking_complete_is_a_post_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    login(client, world.users["street_manager"])
    url = reverse("reports:transcript_override", args=[world.learners["A社区"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"course": world.courses["A社区"].pk, "reason": "x"}).status_code == 403
    page = client.get(reverse("reports:transcript", args=[world.learners["A社区"].pk]))
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert not CourseCompletion.objects.exists()


def test_completed_courses_are_not_offered_again(client, world):
    learner = world.learners["A社区"]
    login(client, world.users["street_manager"])
    services.course_completion_override(
        learner=learner, course=world.courses["A社区"], actor=world.users["city_admin"], reason="已培训"
    )
    page = client.get(reverse("reports:transcript", args=[learner.pk])).content.decode()
    assert f'value="{world.courses["shared"].pk}"' in page
    assert f'value="{world.courses["A社区"].pk}"' not in page
