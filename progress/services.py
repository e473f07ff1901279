"""Writes of learner history. Every action is idempotent: repeating it changes nothing.

A course completion recorded here (by the completion rule or a manager's override) is announced once,
in the transaction that records it, through `COURSE_COMPLETED_HOOK`: certificates registers on it and
issues the certificate after commit. Nothing reacts to a bare ``CourseCompletion`` save; completions
written around these services get their certificates from ``manage.py issue_missing_certificates``.
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log

from courses.models import CourseItemPage, CoursePage
from progress import rules
from progress.models import CourseCompletion, Enrolment, ItemProgress
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
    if source == Enrolment.Source.SELF:
        enrolment_require(learner=learner, course=course)
    enrolment, _created = Enrolment.objects.get_or_create(
        learner=learner,
        course_id=course.pk,
        defaults={"source": source, "org_unit_id": learner.org_unit_id, "position_id": learner.position_id},
    )
    return enrolment


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
        last_item_id=item.pk, last_seen_at=now, status=_STARTED
    )
    _announce(ITEM_SEEN_HOOK, learner=learner, item=item, course=course)


@transaction.atomic
def item_complete(*, learner, item: CourseItemPage, course: CoursePage) -> CourseCompletion | None:
    """Mark an item done (joining the course if it is open and the learner had not joined) and
    re-check the course.

    Completing twice keeps the first completion time; returns the course completion if the
    course is complete now. Refused (NotEnrolled, nothing written) when the course is not open
    to the learner."""
    now = timezone.now()
    enrolment_join(learner=learner, course=course)
    progress, _created = ItemProgress.objects.get_or_create(
        learner=learner,
        item_id=item.pk,
        defaults={"course_id": course.pk, "first_seen_at": now, "last_seen_at": now, "completed_at": now},
    )
    if progress.completed_at is None:
        ItemProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=now)
    Enrolment.objects.filter(
        learner=learner, course_id=course.pk, status=Enrolment.Status.NOT_STARTED
    ).update(status=Enrolment.Status.IN_PROGRESS)
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
    ).update(status=Enrolment.Status.IN_PROGRESS)
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
    done = ItemProgress.objects.filter(
        learner=learner, item_id__in=required, completed_at__isnull=False
    ).values_list("item_id", flat=True)
    if not rules.course_is_complete(required, done):
        return None
    enrolment_require(learner=learner, course=course)  # a completion is where a certificate comes from
    completion, created = CourseCompletion.objects.get_or_create(
        learner=learner,
        course_id=course.pk,
        defaults={
            "completed_at": timezone.now(),
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
    ).update(status=Enrolment.Status.COMPLETED, completed_at=completion.completed_at)


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
