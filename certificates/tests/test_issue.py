"""A certificate for every course completion, however it was recorded, exactly once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from certificates import services
from certificates.codes import ALPHABET
from certificates.models import Certificate, CertificateState
from certificates.services import add_months, certificate_issue, certificates_issue_missing
from progress import services as progress_services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_finishing_the_last_lesson_issues_a_certificate_with_snapshots(certificate, learner, course):
    completion = CourseCompletion.objects.get(learner=learner, course_id=course.pk)
    assert certificate.completion == completion
    assert certificate.completed_at == completion.completed_at
    assert certificate.holder_name == "张网格"
    assert certificate.course_title == "扫码登记：零接触访客登记"
    assert certificate.organisation_name == "渝中区社区工作培训中心"
    assert certificate.expires_at is None
    assert len(certificate.code) == 16 and set(certificate.code) <= set(ALPHABET)
    assert certificate.state() == CertificateState.VALID


def test_snapshots_outlive_changes_to_the_course_and_the_person(certificate, learner, course):
    course.title = "新标题"
    course.save_revision().publish()
    learner.name = "张改名"
    learner.save()
    certificate.refresh_from_db()
    assert (certificate.course_title, certificate.holder_name) == ("扫码登记：零接触访客登记", "张网格")


def test_no_certificate_before_the_course_is_complete(course, learner, django_capture_on_commit_callbacks):
    first = course.items().first()
    with django_capture_on_commit_callbacks(execute=True):
        progress_services.item_complete(learner=learner, item=first, course=course)
    assert not Certificate.objects.exists()


def test_a_manager_override_issues_a_certificate(
    organisation, course, learner, django_capture_on_commit_callbacks
):
    manager = make_user("manager-cert", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        completion = progress_services.course_completion_override(
            learner=learner, course=course, actor=manager, reason="线下培训已完成"
        )
    certificate = Certificate.objects.get()
    assert certificate.completion == completion
    assert certificate.learner == learner
    assert certificate.organisation_name == organisation


def test_issuing_again_returns_the_same_certificate(certificate, learner, course, complete):
    completion = certificate.completion
    assert certificate_issue(completion=completion) == certificate
    assert complete(learner, course) == certificate  # finishing again changes nothing
    completion.save()  # a later save of the completion is not a new completion
    assert Certificate.objects.count() == 1


def test_a_rolled_back_completion_gets_no_certificate(course, learner, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        for lesson in course.items().specific():
            progress_services.item_complete(learner=learner, item=lesson, course=course)
        raise RuntimeError("the request failed after the completion")
    assert not CourseCompletion.objects.exists() and not Certificate.objects.exists()


def test_a_taken_code_is_never_reused(course, learner, organisation, monkeypatch):
    other = make_user("other-holder")
    completion = CourseCompletion.objects.create(
        learner=learner, course_id=course.pk, completed_at=timezone.now(), rule="all_required_items"
    )
    taken = certificate_issue(
        completion=CourseCompletion.objects.create(
            learner=other, course_id=course.pk, completed_at=timezone.now(), rule="all_required_items"
        )
    )
    fresh = iter([taken.code, "ABCDEFGHJKLMNPQR"])
    monkeypatch.setattr(services, "code_generate", lambda: next(fresh))
    assert certificate_issue(completion=completion).code == "ABCDEFGHJKLMNPQR"


def test_a_completion_whose_course_is_gone_gets_none(learner):
    completion = CourseCompletion.objects.create(
        learner=learner, course_id=999_999, completed_at=timezone.now(), rule="all_required_items"
    )
    assert certificate_issue(completion=completion) is None


def test_without_an_organisation_setting_the_site_name_is_used(course, learner, complete):
    assert complete(learner, course).organisation_name == "一线学堂"


def test_a_person_without_a_name_is_named_by_username(course, complete):
    learner = make_user("wang-wu")
    assert complete(learner, course).holder_name == "wang-wu"


def test_recurring_courses_give_certificates_that_expire(organisation, learner, complete):
    course = make_course("年度消防安全", certificate_valid_months=12)
    make_lesson(course)
    certificate = complete(learner, course)
    assert certificate.expires_at == add_months(certificate.completed_at, 12)
    local = timezone.localtime(certificate.expires_at)
    assert local.year == timezone.localtime(certificate.completed_at).year + 1
    later = certificate.expires_at + timezone.timedelta(seconds=1)
    assert certificate.state(now=later) == CertificateState.EXPIRED


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, 9, 30), 1, datetime(2026, 2, 28, 9, 30)),
        (datetime(2028, 1, 31, 9, 30), 1, datetime(2028, 2, 29, 9, 30)),
        (datetime(2026, 11, 15, 23, 59), 2, datetime(2027, 1, 15, 23, 59)),
        (datetime(2026, 3, 1, 0, 0), 24, datetime(2028, 3, 1, 0, 0)),
    ],
)
def test_add_months_keeps_the_local_day_and_time(start, months, expected):
    result = add_months(start.replace(tzinfo=SHANGHAI), months)
    assert timezone.localtime(result).replace(tzinfo=None) == expected


def test_missing_certificates_are_issued_by_the_command_once(course, learner, organisation, capsys):
    # Completions recorded before certificates existed, or around the completion services.
    CourseCompletion.objects.create(
        learner=learner, course_id=course.pk, completed_at=timezone.now(), rule="all_required_items"
    )
    call_command("issue_missing_certificates")
    assert "1 certificate(s) issued" in capsys.readouterr().out
    assert Certificate.objects.filter(learner=learner).count() == 1
    assert certificates_issue_missing() == 0


def test_a_completion_written_around_the_services_waits_for_the_command(
    course, learner, organisation, django_capture_on_commit_callbacks
):
    # No signal: only the completion services announce a completion (progress's hook).
    with django_capture_on_commit_callbacks(execute=True):
        CourseCompletion.objects.create(
            learner=learner, course_id=course.pk, completed_at=timezone.now(), rule="all_required_items"
        )
    assert not Certificate.objects.exists()
    assert certificates_issue_missing() == 1


def test_a_failing_issue_never_breaks_the_completion(
    course, learner, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(completion_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "certificate_issue_for_completion_id", broken)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.items().specific():
            progress_services.item_complete(learner=learner, item=lesson, course=course)
    assert CourseCompletion.objects.filter(learner=learner).exists()
    assert not Certificate.objects.exists()
    assert certificates_issue_missing() == 1


# -- the enrolment rule: a certificate only for a learner the course is open to -------------------------


@pytest.fixture
def closed_course(db):
    course = make_course("指派课程：消防检查", open_enrolment=False)
    make_lesson(course, "唯一一课")
    return course


def test_finishing_a_course_not_open_to_the_learner_issues_nothing(
    closed_course, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(progress_services.NotEnrolled):
        for lesson in closed_course.items().specific():
            progress_services.item_complete(learner=learner, item=lesson, course=closed_course)
    assert not Enrolment.objects.exists() and not ItemProgress.objects.exists()
    assert not CourseCompletion.objects.exists() and not Certificate.objects.exists()


def test_a_completion_recorded_around_the_rule_certifies_nothing(closed_course, learner):
    # e.g. recorded before the rule held, by someone never assigned the course
    completion = CourseCompletion.objects.create(
        learner=learner, course_id=closed_course.pk, completed_at=timezone.now(), rule="all_required_items"
    )
    assert certificate_issue(completion=completion) is None
    assert certificates_issue_missing() == 0
    assert not Certificate.objects.exists()


def test_an_assigned_learner_is_certified_for_a_course_not_open_to_everyone(closed_course, learner, complete):
    Enrolment.objects.create(learner=learner, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    assert complete(learner, closed_course).course_title == "指派课程：消防检查"


def test_a_manager_override_certifies_for_a_course_not_open_to_everyone(
    closed_course, learner, django_capture_on_commit_callbacks
):
    manager = make_user("manager-closed", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        completion = progress_services.course_completion_override(
            learner=learner, course=closed_course, actor=manager, reason="线下培训已完成"
        )
    assert Certificate.objects.get().completion == completion
