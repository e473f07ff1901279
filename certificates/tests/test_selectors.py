"""Which certificates lapse soon: for reminders and re-assignment before they do."""

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.selectors import certificates_expiring
from certificates.services import certificate_revoke
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_certificate(course):
    def make(expires_in_days, *, learner=None, completed_days_ago=300, code=None):
        now = timezone.now()
        return Certificate.objects.create(
            learner=learner or make_user(),
            course_id=course.pk,
            code=code or f"{Certificate.objects.count():016d}".replace("0", "A").replace("1", "B"),
            completed_at=now - timezone.timedelta(days=completed_days_ago),
            holder_name="某人",
            course_title=course.title,
            organisation_name="培训中心",
            expires_at=None if expires_in_days is None else now + timezone.timedelta(days=expires_in_days),
        )

    return make


def test_valid_certificates_expiring_within_the_window_soonest_first(make_certificate):
    later = make_certificate(20)
    soon = make_certificate(3)
    make_certificate(45)  # outside the window
    make_certificate(None)  # never expires
    make_certificate(-1)  # already expired
    certificate_revoke(certificate=make_certificate(5), actor=None, reason="撤销")
    assert list(certificates_expiring(within_days=30)) == [soon, later]


def test_a_renewed_certificate_is_not_expiring(make_certificate):
    learner = make_user("renewer")
    old = make_certificate(10, learner=learner, completed_days_ago=355)
    other = make_certificate(10)
    assert set(certificates_expiring(within_days=30)) == {old, other}
    make_certificate(365, learner=learner, completed_days_ago=0)  # trained again
    assert list(certificates_expiring(within_days=30)) == [other]


def test_one_query_with_the_holder(make_certificate, django_assert_num_queries):
    for days in (1, 2, 3):
        make_certificate(days)
    with django_assert_num_queries(1):
        assert all(c.learner.username for c in certificates_expiring(within_days=7))
