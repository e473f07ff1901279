"""Writes of learner history. Every action is idempotent: repeating it changes nothing.

A course completion recorded here (by the completion rule or a manager's override) is announced once,
in the transaction that records it, through `COURSE_COMPLETED_HOOK`: certificates registers on it and
issues the certificate after commit. Nothing reacts to a bare ``CourseCompletion`` save; completions
written around these services get their certificates from ``manage.py issue_missing_certificates``.
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log

from courses.models import CourseItemPage, CoursePage, LessonPage
from progress import rules
from progress.models import CourseCompletion, Enrolment, ItemProgress, OfflineCompletion
from progress.selectors import enrolment_allowed, statuses_cache_key

# Extension point: apps above progress (certificates) act on a new course completion without progress
# importing them. Each hook is called as hook(completion), inside the transaction that records it.
COURSE_COMPLETED_HOOK = "frontline_course_completed"
# Learning events for apps that report them (xapi): hook(learner=, item=, course=) after an item was
# opened (item_seen), and hook(learner=, course=, item_ids=) after items were marked done (item_complete,
# items_tested_out; called on every call, also when an item was done already), in the transaction.
ITEM_SEEN_HOOK = "frontline_item_seen"
ITEMS_COMPLETED_HOOK = "frontline_items_completed"


def _announce(hook_name: str, **kwargs) -> None:
    for follow in hooks.get_hooks(hook_name):
        follow(**kwargs)


def _forget_statuses(learner, course) -> None:
    # After the transaction commits, so a concurrent read cannot re-cache the old state.
    key = statuses_cache_key(learner.pk, course.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class NotEnrolled(PermissionDenied):
    """The learner may not learn in this course (see `progress.selectors.enrolment_allowed`).

    Raised before anything is written. A PermissionDenied, so a view that does not answer it
    itself still refuses with a 403, never a 500."""

    message = _(
        "This course is not open to you: it is for the people it is assigned to. "
        "If you need it, ask your training manager."
    )

    def __str__(self):
        return str(self.message)


def enrolment_require(*, learner, course: CoursePage | int) -> None:
    """Refuse (NotEnrolled) unless the enrolment rule lets this learner learn in the course.
    Every write of learner history calls it first."""
    if not enrolment_allowed(learner=learner, course=course):
        raise NotEnrolled


def enrolment_join(*, learner, course: CoursePage, source: str = Enrolment.Source.SELF) -> Enrolment:
    """The learner's enrolment, created if they have none. The learner joining themselves (source
    "self") must be allowed by the rule (NotEnrolled otherwise); an assignment or a manager enrols
    whoever their own rights let them reach."""
    return _enrolment_join(learner=learner, course=course, source=source)[0]


def _enrolment_join(*, learner, course: CoursePage, source: str = Enrolment.Source.SELF):
    if source == Enrolment.Source.SELF:
        enrolment_require(learner=learner, course=course)
    return Enrolment.objects.get_or_create(
        learner=learner,
        course_id=course.pk,
        defaults={"source": source, "org_unit_id": learner.org_unit_id, "position_id": learner.position_id},
    )


# The enrolment moves from "not started" to "in progress" the first time an item is opened or done.
_STARTED = Case(
    When(status=Enrolment.Status.NOT_STARTED, then=Value(Enrolment.Status.IN_PROGRESS)),
    default=F("status"),
)


def item_seen(*, learner, item: CourseItemPage, course: CoursePage) -> None:
    """Record that the learner opened an item, for "continue where you stopped".

    Two statements, whatever happened before: an upsert that keeps the first-seen time,
    and an update of the enrolment's resume point (a no-op when not enrolled: opening an item of
    an open course does not join it). Refused (NotEnrolled, nothing written) when the course is
    not open to the learner.
    """
    enrolment_require(learner=learner, course=course)
    now = timezone.now()
    ItemProgress.objects.bulk_create(
        [
            ItemProgress(
                learner=learner, item_id=item.pk, course_id=course.pk, first_seen_at=now, last_seen_at=now
            )
        ],
        update_conflicts=True,
        unique_fields=["learner", "item"],
        update_fields=["last_seen_at"],
    )
    Enrolment.objects.filter(learner=learner, course_id=course.pk).update(
        last_item_id=item.pk, last_seen_at=now, status=_STARTED, updated_at=now
    )
    _announce(ITEM_SEEN_HOOK, learner=learner, item=item, course=course)


@transaction.atomic
def item_complete(
    *, learner, item: CourseItemPage, course: CoursePage, at: datetime | None = None
) -> CourseCompletion | None:
    """Mark an item done (joining the course if it is open and the learner had not joined) and
    re-check the course.

    ``at`` is when it was done (default now; a time in the future counts as now): a lesson finished
    offline is recorded at the time it was actually finished (`offline_completion_record` checks that
    time first). Completing twice keeps the first completion time, never moving it; a course
    completion it leads to carries the time its last required item was done. Returns the course
    completion if the course is complete now. Refused (NotEnrolled, nothing written) when the course
    is not open to the learner."""
    now = timezone.now()
    at = now if at is None else min(at, now)
    enrolment, joined = _enrolment_join(learner=learner, course=course)
    if joined and at < enrolment.enrolled_at:
        # Joined by this very completion, done offline earlier: the course was started then.
        Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=at)
    progress, _created = ItemProgress.objects.get_or_create(
        learner=learner,
        item_id=item.pk,
        defaults={"course_id": course.pk, "first_seen_at": at, "last_seen_at": now, "completed_at": at},
    )
    if progress.completed_at is None:
        ItemProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=at)
    Enrolment.objects.filter(
        learner=learner, course_id=course.pk, status=Enrolment.Status.NOT_STARTED
    ).update(status=Enrolment.Status.IN_PROGRESS, updated_at=timezone.now())
    _forget_statuses(learner, course)
    _announce(ITEMS_COMPLETED_HOOK, learner=learner, course=course, item_ids=[item.pk])
    return course_completion_evaluate(learner=learner, course=course)


@transaction.atomic
def items_tested_out(
    *, learner, items: list[CourseItemPage], course: CoursePage, attempt_id: int
) -> CourseCompletion | None:
    """The learner passed a test-out (quiz attempt ``attempt_id``): mark each of ``items`` done as
    skipped by it, then re-check the course as any completion does.

    Only items of ``course`` are touched; an item already done keeps its completion as it was (studied,
    or skipped by an earlier test-out), so repeating this changes nothing. Refused (NotEnrolled, nothing
    written) when the course is not open to the learner."""
    enrolment_join(learner=learner, course=course)
    now = timezone.now()
    ids = [item.pk for item in items if item.course_path == course.path]
    ItemProgress.objects.bulk_create(
        [ItemProgress(learner=learner, item_id=pk, course_id=course.pk) for pk in ids],
        ignore_conflicts=True,
    )
    ItemProgress.objects.filter(learner=learner, item_id__in=ids, completed_at__isnull=True).update(
        completed_at=now, tested_out_attempt=attempt_id
    )
    Enrolment.objects.filter(
        learner=learner, course_id=course.pk, status=Enrolment.Status.NOT_STARTED
    ).update(status=Enrolment.Status.IN_PROGRESS, updated_at=timezone.now())
    _forget_statuses(learner, course)
    _announce(ITEMS_COMPLETED_HOOK, learner=learner, course=course, item_ids=ids)
    return course_completion_evaluate(learner=learner, course=course)


def course_completion_evaluate(*, learner, course: CoursePage) -> CourseCompletion | None:
    """Apply the completion rule; record the completion once, the first time it holds (only for a
    learner the enrolment rule allows: NotEnrolled otherwise)."""
    existing = CourseCompletion.objects.filter(learner=learner, course_id=course.pk).first()
    if existing is not None:
        return existing
    required = list(
        CourseItemPage.objects.live().child_of(course).filter(required=True).values_list("pk", flat=True)
    )
    done = dict(
        ItemProgress.objects.filter(
            learner=learner, item_id__in=required, completed_at__isnull=False
        ).values_list("item_id", "completed_at")
    )
    if not rules.course_is_complete(required, done):
        return None
    enrolment_require(learner=learner, course=course)  # a completion is where a certificate comes from
    completion, created = CourseCompletion.objects.get_or_create(
        learner=learner,
        course_id=course.pk,
        defaults={
            # When the last required item was done: the moment the rule first held (a lesson
            # finished offline and sent later counts at its own time).
            "completed_at": max(done.values(), default=None) or timezone.now(),
            "rule": CourseCompletion.Rule.ALL_REQUIRED_ITEMS,
            "items_required": len(required),
        },
    )
    _enrolment_completed(learner=learner, course=course, completion=completion)
    if created:  # not when a concurrent request recorded it first
        _course_completed(completion)
    return completion


def _enrolment_completed(*, learner, course: CoursePage, completion: CourseCompletion) -> None:
    Enrolment.objects.filter(learner=learner, course_id=course.pk).exclude(
        status=Enrolment.Status.COMPLETED
    ).update(
        status=Enrolment.Status.COMPLETED, completed_at=completion.completed_at, updated_at=timezone.now()
    )


def _course_completed(completion: CourseCompletion) -> None:
    """Announce a completion just recorded: every function registered for `COURSE_COMPLETED_HOOK`."""
    for follow in hooks.get_hooks(COURSE_COMPLETED_HOOK):
        follow(completion)


OVERRIDE_LOG_ACTION = "progress.completion_override"


class OverrideRefused(ValueError):
    pass


@transaction.atomic
def course_completion_override(*, learner, course: CoursePage, actor, reason: str) -> CourseCompletion:
    """A manager marks the course complete for someone (e.g. trained offline), with a reason.

    Shown as such everywhere (the completion's rule says so) and recorded in the audit log. A course
    already completed is left as it is (raises `OverrideRefused`)."""
    reason = (reason or "").strip()
    if not reason:
        raise OverrideRefused(gettext("Give the reason, e.g. “trained offline on 3 March”."))
    if CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists():
        raise OverrideRefused(gettext("%(name)s has already completed this course.") % {"name": learner})
    enrolment_join(learner=learner, course=course, source=Enrolment.Source.MANAGER)
    completion = CourseCompletion.objects.create(
        learner=learner,
        course_id=course.pk,
        completed_at=timezone.now(),
        rule=CourseCompletion.Rule.MANAGER_OVERRIDE,
        recorded_by=actor,
        reason=reason[:255],
    )
    _enrolment_completed(learner=learner, course=course, completion=completion)
    _course_completed(completion)
    _forget_statuses(learner, course)
    log(
        instance=learner,
        action=OVERRIDE_LOG_ACTION,
        user=actor,
        data={"course": course.pk, "course_title": course.title, "reason": completion.reason},
    )
    return completion


ATTENDED_LOG_ACTION = "progress.completion_attended"


@transaction.atomic
def course_completion_attended(
    *, learner, course: CoursePage, at: datetime, actor, reason: str
) -> CourseCompletion:
    """The learner attended an in-person session for the whole course (classroom.services.session_close):
    the course is complete as of ``at`` (the session's date), with ``reason`` ("attended session … on
    …") shown in the transcript instead of a manager's override. The same path as
    `course_completion_override` with its own rule: the learner is enrolled (as by a manager) if they
    were not, the completion is announced (certificate) and logged. A course already completed is left
    as it is and its completion returned, so closing a session twice changes nothing."""
    existing = CourseCompletion.objects.filter(learner=learner, course_id=course.pk).first()
    if existing is not None:
        return existing
    enrolment_join(learner=learner, course=course, source=Enrolment.Source.MANAGER)
    completion = CourseCompletion.objects.create(
        learner=learner,
        course_id=course.pk,
        completed_at=min(at, timezone.now()),
        rule=CourseCompletion.Rule.SESSION_ATTENDED,
        recorded_by=actor,
        reason=(reason or "")[:255],
    )
    _enrolment_completed(learner=learner, course=course, completion=completion)
    _course_completed(completion)
    _forget_statuses(learner, course)
    log(
        instance=learner,
        action=ATTENDED_LOG_ACTION,
        user=actor,
        data={"course": course.pk, "course_title": course.title, "reason": completion.reason},
    )
    return completion


# How far a phone's clock may be off the server's: a finishing time up to this far in the future, or
# before the learner joined the course, is taken as "now" or "when they joined"; further is refused.
OFFLINE_CLOCK_SKEW = timedelta(minutes=5)


def offline_completion_record(
    *, learner, key: UUID, item_id: int, completed_at: datetime
) -> OfflineCompletion:
    """A lesson the learner finished with no signal, sent by their phone when it was back online.

    Each ``key`` is taken once per learner: a repeat (a retry, another tab, a reload) returns the first
    outcome and changes nothing, also when two arrive at once (the unique key makes the second wait
    for the first and then read its outcome). Accepted: a live lesson of a live course open to the
    learner, finished no later than now and not before they joined the course (both within
    `OFFLINE_CLOCK_SKEW`); it is recorded at that time through `item_complete`. Anything else is
    recorded as refused, with the reason as its outcome; nothing else is written."""
    with transaction.atomic():
        record, created = OfflineCompletion.objects.get_or_create(
            learner=learner,
            key=key,
            defaults={"item_id": item_id, "completed_at": completed_at, "outcome": ""},
        )
        if not created:
            return record
        record.outcome = _offline_completion_apply(learner=learner, item_id=item_id, at=completed_at)
        record.save(update_fields=["outcome"])
    return record


def _offline_completion_apply(*, learner, item_id: int, at: datetime) -> str:
    Outcome = OfflineCompletion.Outcome
    now = timezone.now()
    if at > now + OFFLINE_CLOCK_SKEW:
        return Outcome.FUTURE
    item = LessonPage.objects.live().public().filter(pk=item_id).first()
    course = item.get_course(live=True) if item is not None else None
    if course is None:
        return Outcome.NOT_A_LESSON
    enrolment = Enrolment.objects.filter(learner=learner, course_id=course.pk).first()
    # Not joined yet (an open course): the completion joins it, and cannot be older than the account.
    since = enrolment.enrolled_at if enrolment is not None else learner.date_joined
    if at < since - OFFLINE_CLOCK_SKEW:
        return Outcome.BEFORE_ENROLMENT
    at = min(max(at, since), now)
    if ItemProgress.objects.filter(learner=learner, item_id=item.pk, completed_at__isnull=False).exists():
        return Outcome.ALREADY_DONE
    try:
        with transaction.atomic():
            item_complete(learner=learner, item=item, course=course, at=at)
    except NotEnrolled:
        return Outcome.NOT_OPEN
    return Outcome.RECORDED
