"""Writes of certificates: issue one per course completion, revoke with a reason."""

import calendar
import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import Site

from certificates.codes import code_generate
from certificates.models import Certificate
from core.models import SiteSettings
from courses.models import CoursePage
from progress.models import CourseCompletion
from progress.selectors import enrolment_allowed

logger = logging.getLogger(__name__)

REVOKE_LOG_ACTION = "certificates.revoke"
# Apps that report learning events (xapi) register here: hook(certificate), called once, in the
# transaction that issues it.
CERTIFICATE_ISSUED_HOOK = "frontline_certificate_issued"
_CODE_ATTEMPTS = 5  # a collision in 2^80 codes is next to impossible; retry anyway, never loop


class RevokeRefused(ValueError):
    pass


def add_months(moment: datetime, months: int) -> datetime:
    """The same local day and time ``months`` later (the last day of a shorter month)."""
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def holder_name_of(learner) -> str:
    return (learner.name or "").strip() or learner.get_full_name().strip() or learner.get_username()


def issuing_organisation(course: CoursePage) -> str:
    """The organisation named in the site settings of the course's site, else the site's name."""
    site = course.get_site() or Site.objects.filter(is_default_site=True).first()
    if site is not None:
        name = SiteSettings.for_site(site).organisation_name.strip()
        if name:
            return name
    with translation.override(settings.LANGUAGE_CODE):
        return str(settings.WAGTAIL_SITE_NAME)


def certificate_issue(*, completion: CourseCompletion) -> Certificate | None:
    """The certificate for a course completion, issued the first time this is called.

    Idempotent: calling it again, or from two processes at once, returns the one certificate.
    Returns None when the course no longer exists (nothing left to name on the certificate), or
    when the enrolment rule does not let the learner learn in it (a completion recorded around the
    rule certifies nothing)."""
    existing = Certificate.objects.filter(completion=completion).first()
    if existing is not None:
        return existing
    course = CoursePage.objects.filter(pk=completion.course_id).first()
    if course is None:
        return None
    if not enrolment_allowed(learner=completion.learner_id, course=course):
        logger.warning(
            "No certificate for completion %s: course %s is not open to learner %s and they are not enrolled",
            completion.pk,
            course.pk,
            completion.learner_id,
        )
        return None
    learner = completion.learner
    months = course.certificate_valid_months
    fields = {
        "learner": learner,
        "course_id": course.pk,
        "completion": completion,
        "completed_at": completion.completed_at,
        "holder_name": holder_name_of(learner)[:150],
        "course_title": course.title[:255],
        "organisation_name": issuing_organisation(course)[:120],
        "expires_at": add_months(completion.completed_at, months) if months else None,
    }
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(code=code_generate(), **fields)
                for follow in hooks.get_hooks(CERTIFICATE_ISSUED_HOOK):
                    follow(certificate)
                return certificate
        except IntegrityError:
            # Either another process issued it first (then use theirs) or the code was taken.
            existing = Certificate.objects.filter(completion=completion).first()
            if existing is not None:
                return existing
    raise IntegrityError("could not find a free certificate code")


def certificate_issue_for_completion_id(completion_id: int) -> Certificate | None:
    completion = CourseCompletion.objects.select_related("learner").filter(pk=completion_id).first()
    return certificate_issue(completion=completion) if completion is not None else None


def certificate_issue_on_commit(*, completion: CourseCompletion) -> None:
    """Issue the certificate of a completion just recorded, once its transaction commits (at once
    outside one). Registered on progress's ``frontline_course_completed`` hook
    (certificates/wagtail_hooks.py), which the completion services call.

    After commit: a rolled-back completion gets no certificate. Robust: a failure is logged, never
    turned into an error for the learner whose completion is already saved; ``manage.py
    issue_missing_certificates`` issues what was missed."""
    completion_id = completion.pk
    transaction.on_commit(lambda: certificate_issue_for_completion_id(completion_id), robust=True)


def certificates_issue_missing(*, batch_size: int = 500) -> int:
    """Issue certificates for completions that have none (recorded before certificates existed,
    or whose issue failed). Returns how many were issued."""
    issued = 0
    missing = (
        CourseCompletion.objects.filter(certificate__isnull=True).select_related("learner").order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(missing.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return issued
        for completion in batch:
            if certificate_issue(completion=completion) is not None:
                issued += 1
        last_pk = batch[-1].pk


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Revoke a certificate, recording who, when and why (also in Wagtail's audit log).

    The certificate shows as revoked at once, to its holder and on the verification page. Revoking
    a revoked certificate is refused, so the first reason and time stand."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeRefused(gettext("Give the reason, e.g. “issued to the wrong person”."))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise RevokeRefused(gettext("This certificate was already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason[:255]
    locked.full_clean(exclude=["learner", "course", "completion"])
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    log(
        instance=locked,
        action=REVOKE_LOG_ACTION,
        user=actor,
        data={"code": locked.display_code, "reason": locked.revoke_reason},
    )
    return locked


RETRAIN_LOG_ACTION = "certificates.retrain"


def retraining_start(*, certificate: Certificate, now=None) -> bool:
    """Re-assign a recurring course to the holder of a certificate about to expire.

    The course's completion is reset so the learner takes it again (lessons and required quizzes);
    what they did stays as history: the certificate keeps the old completion's date and stays valid
    until it expires, item progress keeps when each item was first and last opened, quiz attempts are
    kept. The enrolment becomes assigned and mandatory, due on the day the certificate expires, so
    due-soon and overdue reminders follow. Returns False when there is nothing to do (already reset,
    or the course was completed again since). Idempotent."""
    from progress.models import Enrolment, ItemProgress
    from progress.services import _forget_statuses
    from quizzes.models import QuizAttempt

    now = now or timezone.now()
    with transaction.atomic():
        completion = (
            CourseCompletion.objects.select_for_update()
            .filter(pk=certificate.completion_id, learner_id=certificate.learner_id)
            .first()
        )
        if completion is None or certificate.revoked_at or not certificate.expires_at:
            return False
        if certificate.expires_at <= now:
            return False  # already expired: the reminders and the report show it; nothing to re-open
        course = CoursePage.objects.filter(pk=certificate.course_id).first()
        if course is None:
            return False
        completion.delete()  # the certificate keeps its snapshot (completion is SET_NULL)
        ItemProgress.objects.filter(learner_id=certificate.learner_id, course_id=course.pk).update(
            completed_at=None, tested_out_attempt=None
        )
        # The quizzes are taken afresh: earlier attempts stay as history but use up no attempts.
        QuizAttempt.objects.filter(learner_id=certificate.learner_id, course_id=course.pk).exclude(
            state=QuizAttempt.State.IN_PROGRESS
        ).update(superseded=True)
        due = timezone.localdate(certificate.expires_at)
        enrolment, _created = Enrolment.objects.get_or_create(
            learner_id=certificate.learner_id,
            course_id=course.pk,
            defaults={"source": Enrolment.Source.ASSIGNED},
        )
        started = ItemProgress.objects.filter(learner_id=certificate.learner_id, course_id=course.pk).exists()
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=Enrolment.Status.IN_PROGRESS if started else Enrolment.Status.NOT_STARTED,
            completed_at=None,
            assigned=True,
            mandatory=True,
            due_on=min(filter(None, [enrolment.due_on if enrolment.assigned else None, due])),
            updated_at=timezone.now(),
        )
        _forget_statuses(certificate.learner, course)
        log(
            instance=certificate,
            action=RETRAIN_LOG_ACTION,
            user=None,
            data={"course": course.pk, "due_on": due.isoformat()},
        )
    return True


def retraining_start_due(*, within_days: int | None = None, now=None) -> int:
    """Daily: re-assign every recurring course whose certificate expires within ``within_days``."""
    from certificates.selectors import certificates_expiring

    if within_days is None:
        within_days = settings.REMINDER_CERTIFICATE_EXPIRING_DAYS
    started = 0
    for certificate in certificates_expiring(within_days=within_days, now=now).filter(
        completion__isnull=False
    ):
        started += retraining_start(certificate=certificate, now=now)
    return started
