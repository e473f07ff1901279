"""Writes of learner history. Every action is idempotent: repeating it changes nothing."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from courses.models import CourseItemPage, CoursePage
from progress import rules
from progress.models import CourseCompletion, Enrolment, ItemProgress
from progress.selectors import statuses_cache_key


def _forget_statuses(learner, course) -> None:
    # After the transaction commits, so a concurrent read cannot re-cache the old state.
    key = statuses_cache_key(learner.pk, course.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def enrolment_join(*, learner, course: CoursePage, source: str = Enrolment.Source.SELF) -> Enrolment:
    enrolment, _created = Enrolment.objects.get_or_create(
        learner=learner, course_id=course.pk, defaults={"source": source}
    )
    return enrolment


def item_seen(*, learner, item: CourseItemPage, course: CoursePage) -> None:
    """Record that the learner opened an item, for "continue where you stopped".

    Two statements, whatever happened before: an upsert that keeps the first-seen time,
    and an update of the enrolment's resume point (a no-op when not enrolled).
    """
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
        last_item_id=item.pk, last_seen_at=now
    )


@transaction.atomic
def item_complete(*, learner, item: CourseItemPage, course: CoursePage) -> CourseCompletion | None:
    """Mark an item done (joining the course if needed) and re-check the course.

    Completing twice keeps the first completion time; returns the course completion if the
    course is complete now."""
    now = timezone.now()
    enrolment_join(learner=learner, course=course)
    progress, _created = ItemProgress.objects.get_or_create(
        learner=learner,
        item_id=item.pk,
        defaults={"course_id": course.pk, "first_seen_at": now, "last_seen_at": now, "completed_at": now},
    )
    if progress.completed_at is None:
        ItemProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=now)
    _forget_statuses(learner, course)
    return course_completion_evaluate(learner=learner, course=course)


def course_completion_evaluate(*, learner, course: CoursePage) -> CourseCompletion | None:
    """Apply the completion rule; record the completion once, the first time it holds."""
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
    completion, _created = CourseCompletion.objects.get_or_create(
        learner=learner,
        course_id=course.pk,
        defaults={
            "completed_at": timezone.now(),
            "rule": CourseCompletion.Rule.ALL_REQUIRED_ITEMS,
            "items_required": len(required),
        },
    )
    return completion
