"""Who is owed which reminder: pure reads, checked against hand-made enrolments."""

import datetime

import pytest
from django.utils import timezone

from notifications import selectors
from notifications.models import Notification
from progress.models import Enrolment
from tests.factories import make_course, make_org_tree, make_user

from .conftest import days, enrol, learner_with_email

pytestmark = pytest.mark.django_db


def keys(drafts):
    return sorted((d.recipient_id, d.dedupe_key) for d in drafts)


def test_due_soon_is_assigned_unfinished_work_due_within_the_window(course, today, settings):
    settings.REMINDER_DUE_SOON_DAYS = 3
    due_today, due_in_3, due_in_4, past, done, optional, left = (
        make_user(name) for name in ("today", "in3", "in4", "past", "done", "self", "left")
    )
    enrol(due_today, course, due_on=today)
    enrol(due_in_3, course, due_on=today + days(3), status=Enrolment.Status.IN_PROGRESS)
    enrol(due_in_4, course, due_on=today + days(4))
    enrol(past, course, due_on=today - days(1))
    enrol(done, course, due_on=today + days(1), status=Enrolment.Status.COMPLETED)
    enrol(optional, course, due_on=today + days(1), assigned=False)
    enrol(left, course, due_on=today + days(1))
    left.is_active = False
    left.save()

    drafts = list(selectors.due_soon_reminders(today=today))

    assert keys(drafts) == sorted(
        [
            (due_today.pk, f"due_soon:{course.pk}:{today.isoformat()}"),
            (due_in_3.pk, f"due_soon:{course.pk}:{(today + days(3)).isoformat()}"),
        ]
    )
    assert {d.kind for d in drafts} == {Notification.Kind.DUE_SOON}
    assert drafts[0].params["course"] == "扫码登记入门" and drafts[0].link == course.url


def test_the_window_follows_the_setting(course, today, settings):
    learner = make_user()
    enrol(learner, course, due_on=today + days(6))
    settings.REMINDER_DUE_SOON_DAYS = 5
    assert list(selectors.due_soon_reminders(today=today)) == []
    settings.REMINDER_DUE_SOON_DAYS = 6
    assert len(list(selectors.due_soon_reminders(today=today))) == 1


def test_overdue_is_past_its_due_date_and_keyed_by_that_date(course, today):
    late, on_time, finished = make_user(), make_user(), make_user()
    enrol(late, course, due_on=today - days(10))
    enrol(on_time, course, due_on=today)
    enrol(finished, course, due_on=today - days(10), status=Enrolment.Status.COMPLETED)
    drafts = list(selectors.overdue_reminders(today=today))
    assert keys(drafts) == [(late.pk, f"overdue:{course.pk}:{(today - days(10)).isoformat()}")]
    # The same overdue enrolment tomorrow is the same reminder: no daily repeats.
    tomorrow = keys(selectors.overdue_reminders(today=today + days(1)))
    assert keys(drafts)[0] in tomorrow
    assert (on_time.pk, f"overdue:{course.pk}:{today.isoformat()}") in tomorrow


def test_unpublished_courses_remind_nobody(today):
    draft_course = make_course("草稿课程", live=False)
    enrol(make_user(), draft_course, due_on=today - days(1))
    enrol(make_user(), draft_course, due_on=today + days(1))
    assert list(selectors.overdue_reminders(today=today)) == []
    assert list(selectors.due_soon_reminders(today=today)) == []


def test_selection_costs_the_same_whatever_the_number_of_learners(course, today, django_assert_num_queries):
    for _ in range(15):
        enrol(make_user(), course, due_on=today - days(2))
    # The live courses (with the sites' root paths for their URLs), then the enrolments.
    with django_assert_num_queries(3):
        assert len(list(selectors.overdue_reminders(today=today))) == 15


# --- Certificates --------------------------------------------------------------------------


def make_certificate(learner, course, *, expires_at, revoked=False):
    certificates = pytest.importorskip("certificates.models")
    from certificates.codes import code_generate

    now = timezone.now()
    return certificates.Certificate.objects.create(
        learner=learner,
        course_id=course.pk,
        code=code_generate(),
        completed_at=now - datetime.timedelta(days=300),
        holder_name=learner.name or learner.username,
        course_title=course.title,
        organisation_name="渝中区培训中心",
        expires_at=expires_at,
        revoked_at=now if revoked else None,
        revoke_reason="发错了" if revoked else "",
    )


def test_certificates_expiring_within_the_window(course, today, settings):
    settings.REMINDER_CERTIFICATE_EXPIRING_DAYS = 30
    soon, later, revoked = make_user(), make_user(), make_user()
    now = timezone.now()
    expiring = make_certificate(soon, course, expires_at=now + datetime.timedelta(days=10))
    make_certificate(later, course, expires_at=now + datetime.timedelta(days=60))
    make_certificate(revoked, course, expires_at=now + datetime.timedelta(days=10), revoked=True)

    drafts = list(selectors.certificate_expiring_reminders(today=today))

    expires_on = timezone.localdate(expiring.expires_at).isoformat()
    assert keys(drafts) == [(soon.pk, f"cert_expiring:{expiring.pk}:{expires_on}")]
    assert drafts[0].params["course"] == course.title
    assert expiring.code in drafts[0].link.replace("-", "")  # the holder's own certificate page


# --- Managers' digest ------------------------------------------------------------------------


@pytest.fixture
def tree():
    return make_org_tree()


def staff(name, unit):
    return learner_with_email(name, org_unit=unit, name=name)


def digest_by_manager(today):
    return {d.recipient_id: d for d in selectors.manager_digest_reminders(today=today)}


def test_digest_lists_overdue_staff_in_the_managers_subtree_only(course, today, tree):
    other_course = make_course("消毒记录")
    in_a = staff("王一", tree["A社区"])
    in_c = staff("李二", tree["C社区"])
    enrol(in_a, course, due_on=today - days(3))
    enrol(in_a, other_course, due_on=today - days(1))
    enrol(in_c, course, due_on=today - days(5))
    enrol(staff("赵三", tree["B社区"]), course, due_on=today + days(5))  # not late yet
    street = make_user("street", managed_unit=tree["解放碑街道"])
    district = make_user("district", managed_unit=tree["渝中区"])
    city = make_user("city", managed_unit=tree["重庆市"])
    quiet = make_user("quiet", managed_unit=tree["B社区"])
    learner_only = make_user("nobody")

    digests = digest_by_manager(today)

    assert quiet.pk not in digests and learner_only.pk not in digests
    street_digest = digests[street.pk].params
    assert street_digest["staff"] == 1 and street_digest["enrolments"] == 2
    assert {row["name"] for row in street_digest["rows"]} == {"王一"}
    assert street_digest["unit"] == "解放碑街道"
    for manager in (district, city):
        params = digests[manager.pk].params
        assert params["staff"] == 2 and params["enrolments"] == 3
        assert params["rows"][0]["name"] == "李二"  # the longest overdue first
    week = selectors.iso_week(today)
    assert digests[street.pk].dedupe_key == f"digest:{street.pk}:{week}"


def test_digest_lists_a_few_and_counts_the_rest(course, today, tree):
    for i in range(5):
        enrol(staff(f"员工{i}", tree["A社区"]), course, due_on=today - days(i + 1))
    manager = make_user("street", managed_unit=tree["解放碑街道"])
    (digest,) = selectors.manager_digest_reminders(today=today, rows=3)
    params = digest.params
    assert digest.recipient_id == manager.pk
    assert params["staff"] == 5 and len(params["rows"]) == 3 and params["more"] == 2
    assert params["rows"][0]["name"] == "员工4"


def test_inactive_managers_get_no_digest(course, today, tree):
    enrol(staff("王一", tree["A社区"]), course, due_on=today - days(3))
    make_user("gone", managed_unit=tree["解放碑街道"], is_active=False)
    assert digest_by_manager(today) == {}
