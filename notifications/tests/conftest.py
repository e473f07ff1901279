import datetime

import pytest
from django.utils import timezone

from progress.models import Enrolment
from tests.factories import make_course, make_user


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def course():
    return make_course("扫码登记入门")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def enrol(learner, course, *, due_on=None, status=Enrolment.Status.NOT_STARTED, assigned=True, org_unit=None):
    return Enrolment.objects.create(
        learner=learner,
        course_id=course.pk,
        source=Enrolment.Source.ASSIGNED if assigned else Enrolment.Source.SELF,
        assigned=assigned,
        due_on=due_on,
        status=status,
        org_unit=org_unit if org_unit is not None else learner.org_unit,
        mandatory=assigned,
    )


def learner_with_email(username: str, **fields):
    return make_user(username, email=f"{username}@example.cn", **fields)
