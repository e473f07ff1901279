"""changed_since on enrolments and assignments sees due dates that move and assignments that end
(issue 18): the services that change them bump ``updated_at``; nothing relies on a signal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from assignments.services import assignment_create, assignment_end, assignment_update
from certificates.models import Certificate
from certificates.services import retraining_start
from progress.models import Enrolment


def _everything_synced(mark):
    """The first nightly sync is done: every timestamp it looks at is before ``mark``."""
    old = mark - datetime.timedelta(minutes=5)
    Enrolment.objects.update(enrolled_at=old, last_seen_at=old, completed_at=old, updated_at=old)
    Assignment.objects.update(created_at=old, updated_at=old)


def _ids(world, name, since):
    response = world.api("read").get(reverse(name), {"changed_since": since.isoformat()})
    assert response.status_code == 200, response.content[:300]
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def assigned(world):
    due = timezone.localdate() + datetime.timedelta(days=30)
    assignment = assignment_create(
        course=world.course,
        units=[world.units["解放碑街道"]],
        due_mode=Assignment.DueMode.DATE,
        due_date=due,
        actor=world.admin,
    )
    mark = timezone.now()
    _everything_synced(mark)
    return assignment, due, mark


def _inside_enrolment(world):
    return Enrolment.objects.get(learner=world.learners["inside"], course_id=world.course.pk)


def test_nothing_changed_means_nothing_returned(world, assigned):
    _assignment, _due, mark = assigned
    assert _ids(world, "api:enrolments", mark) == []
    assert _ids(world, "api:assignments", mark) == []


def test_a_moved_due_date_is_returned_by_changed_since(world, assigned):
    assignment, due, mark = assigned
    later = due + datetime.timedelta(days=7)
    assignment_update(
        assignment=assignment,
        units=[world.units["解放碑街道"]],
        due_mode=Assignment.DueMode.DATE,
        due_date=later,
        mandatory=True,
        actor=world.admin,
    )
    enrolment = _inside_enrolment(world)
    assert enrolment.due_on == later
    assert _ids(world, "api:enrolments", mark) == [enrolment.pk]
    assert _ids(world, "api:assignments", mark) == [assignment.pk]
    row = world.api("read").get(reverse("api:enrolments"), {"changed_since": mark.isoformat()}).json()
    assert row["results"][0]["due_on"] == later.isoformat()


def test_an_edit_that_leaves_the_due_date_leaves_the_enrolment_out(world, assigned):
    assignment, due, mark = assigned
    assignment_update(
        assignment=assignment,
        units=[world.units["解放碑街道"]],
        due_mode=Assignment.DueMode.DATE,
        due_date=due,
        mandatory=True,
        note="请按时完成",
        actor=world.admin,
    )
    assert _ids(world, "api:enrolments", mark) == []
    assert _ids(world, "api:assignments", mark) == [assignment.pk]


def test_an_ended_assignment_and_its_enrolments_are_returned(world, assigned):
    assignment, _due, mark = assigned
    assignment_end(assignment=assignment, actor=world.admin)
    enrolment = _inside_enrolment(world)
    assert (enrolment.assigned, enrolment.due_on) == (False, None)
    assert _ids(world, "api:enrolments", mark) == [enrolment.pk]
    assert _ids(world, "api:assignments", mark) == [assignment.pk]
    # Ending twice changes nothing, so the next sync sees nothing new.
    later = timezone.now()
    assignment_end(assignment=assignment, actor=world.admin)
    assert _ids(world, "api:enrolments", later) == []
    assert _ids(world, "api:assignments", later) == []


def test_an_assignment_ended_through_the_api_is_returned(world, assigned):
    assignment, _due, mark = assigned
    response = world.api("write").post(reverse("api:assignment_end", args=[assignment.pk]))
    assert response.status_code == 200, response.content[:300]
    assert _ids(world, "api:assignments", mark) == [assignment.pk]
    assert _ids(world, "api:enrolments", mark) == [_inside_enrolment(world).pk]


def test_retraining_moves_the_due_date_and_is_returned(world):
    mark = timezone.now()
    _everything_synced(mark)
    certificate = Certificate.objects.get(learner=world.learners["inside"])
    certificate.expires_at = timezone.now() + datetime.timedelta(days=20)
    certificate.save(update_fields=["expires_at"])
    assert retraining_start(certificate=certificate)
    enrolment = _inside_enrolment(world)
    assert enrolment.due_on == timezone.localdate(certificate.expires_at)
    assert _ids(world, "api:enrolments", mark) == [enrolment.pk]
