import pytest
from django.utils import timezone

from progress import services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_lessons():
    course = make_course()
    lessons = [make_lesson(course, f"第 {i} 课") for i in range(3)]
    return course, lessons


def test_joining_twice_changes_nothing(course_with_lessons):
    course, _ = course_with_lessons
    learner = make_user()
    first = services.enrolment_join(learner=learner, course=course)
    second = services.enrolment_join(learner=learner, course=course, source="assigned")
    assert first.pk == second.pk and second.source == "self"
    assert Enrolment.objects.count() == 1


def test_seen_keeps_first_time_and_moves_resume_point(course_with_lessons):
    course, lessons = course_with_lessons
    learner = make_user()
    services.enrolment_join(learner=learner, course=course)
    services.item_seen(learner=learner, item=lessons[0], course=course)
    first_seen = ItemProgress.objects.get().first_seen_at
    services.item_seen(learner=learner, item=lessons[0], course=course)
    services.item_seen(learner=learner, item=lessons[1], course=course)
    row = ItemProgress.objects.get(item_id=lessons[0].pk)
    assert row.first_seen_at == first_seen and row.last_seen_at >= first_seen
    assert Enrolment.objects.get().last_item_id == lessons[1].pk


def test_completing_twice_keeps_the_first_completion(course_with_lessons):
    course, lessons = course_with_lessons
    learner = make_user()
    services.item_complete(learner=learner, item=lessons[0], course=course)
    done_at = ItemProgress.objects.get().completed_at
    services.item_complete(learner=learner, item=lessons[0], course=course)
    assert ItemProgress.objects.get().completed_at == done_at
    assert Enrolment.objects.filter(learner=learner).count() == 1  # completing joins the course


def test_course_completes_once_when_every_required_item_is_done(course_with_lessons):
    course, lessons = course_with_lessons
    optional = make_lesson(course, "选修课", required=False)
    learner = make_user()
    for lesson in lessons[:2]:
        assert services.item_complete(learner=learner, item=lesson, course=course) is None
    completion = services.item_complete(learner=learner, item=lessons[2], course=course)
    assert (
        completion is not None and completion.rule == "all_required_items" and completion.items_required == 3
    )
    services.item_complete(learner=learner, item=optional, course=course)
    assert CourseCompletion.objects.count() == 1
    assert CourseCompletion.objects.get().completed_at == completion.completed_at


def test_unpublished_lessons_do_not_block_completion(course_with_lessons):
    course, lessons = course_with_lessons
    lessons[2].unpublish()
    learner = make_user()
    services.item_complete(learner=learner, item=lessons[0], course=course)
    assert services.item_complete(learner=learner, item=lessons[1], course=course) is not None


def test_history_outlives_deleted_and_unpublished_pages(course_with_lessons):
    course, lessons = course_with_lessons
    learner = make_user()
    for lesson in lessons:
        services.item_complete(learner=learner, item=lesson, course=course)
    lessons[0].unpublish()
    lessons[1].delete()
    course.unpublish()
    assert ItemProgress.objects.filter(learner=learner).count() == 3
    assert CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()
    course.delete()
    assert ItemProgress.objects.filter(learner=learner).count() == 3
    assert CourseCompletion.objects.filter(learner=learner).count() == 1
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_database_refuses_duplicate_rows(course_with_lessons):
    from django.db import IntegrityError, transaction

    course, lessons = course_with_lessons
    learner = make_user()
    now = timezone.now()
    ItemProgress.objects.create(
        learner=learner, item_id=lessons[0].pk, course_id=course.pk, first_seen_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemProgress.objects.create(learner=learner, item_id=lessons[0].pk, course_id=course.pk)
    Enrolment.objects.create(learner=learner, course_id=course.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(learner=learner, course_id=course.pk)
