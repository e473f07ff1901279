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


def test_enrolment_status_follows_the_learner(course_with_lessons):
    course, lessons = course_with_lessons
    learner = make_user()
    enrolment = services.enrolment_join(learner=learner, course=course)
    assert enrolment.status == Enrolment.Status.NOT_STARTED
    services.item_seen(learner=learner, item=lessons[0], course=course)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS and enrolment.completed_at is None
    for lesson in lessons:
        services.item_complete(learner=learner, item=lesson, course=course)
    enrolment.refresh_from_db()
    completion = CourseCompletion.objects.get()
    assert (
        enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at == completion.completed_at
    )
    services.item_seen(learner=learner, item=lessons[0], course=course)  # looking back changes nothing
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_enrolment_keeps_where_the_learner_is_in_the_organisation(course_with_lessons):
    from tests.factories import make_org_tree, make_position

    course, _ = course_with_lessons
    unit = make_org_tree()["A社区"]
    position = make_position()
    learner = make_user(org_unit=unit, position=position)
    enrolment = services.enrolment_join(learner=learner, course=course)
    assert (enrolment.org_unit_id, enrolment.position_id) == (unit.pk, position.pk)


def test_completing_an_item_without_opening_it_starts_the_course(course_with_lessons):
    course, lessons = course_with_lessons
    learner = make_user()
    services.item_complete(learner=learner, item=lessons[0], course=course)
    assert Enrolment.objects.get().status == Enrolment.Status.IN_PROGRESS


def test_manager_override_is_recorded_with_its_reason_and_logged(course_with_lessons):
    from wagtail.models import ModelLogEntry

    course, _ = course_with_lessons
    learner, manager = make_user(), make_user()
    with pytest.raises(services.OverrideRefused):
        services.course_completion_override(learner=learner, course=course, actor=manager, reason="  ")
    assert not CourseCompletion.objects.exists() and not Enrolment.objects.exists()
    completion = services.course_completion_override(
        learner=learner, course=course, actor=manager, reason="线下培训 3 月 2 日"
    )
    assert completion.rule == CourseCompletion.Rule.MANAGER_OVERRIDE and completion.recorded_by == manager
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.source == Enrolment.Source.MANAGER
    entry = ModelLogEntry.objects.get(action=services.OVERRIDE_LOG_ACTION)
    assert entry.user_id == manager.pk and entry.data["reason"] == "线下培训 3 月 2 日"
    with pytest.raises(services.OverrideRefused):
        services.course_completion_override(learner=learner, course=course, actor=manager, reason="again")
    assert CourseCompletion.objects.count() == 1


def test_a_new_completion_is_announced_once_through_the_hook(course_with_lessons):
    """Certificates hang on `COURSE_COMPLETED_HOOK`; a bare save of a completion announces nothing."""
    from wagtail import hooks

    course, lessons = course_with_lessons
    learner, other, manager = make_user(), make_user(), make_user()
    announced = []
    with hooks.register_temporarily(services.COURSE_COMPLETED_HOOK, announced.append):
        for lesson in lessons:
            services.item_complete(learner=learner, item=lesson, course=course)
        services.item_complete(learner=learner, item=lessons[0], course=course)  # again: not new
        completion = CourseCompletion.objects.get(learner=learner)
        completion.save()
        override = services.course_completion_override(
            learner=other, course=course, actor=manager, reason="线下培训"
        )
        CourseCompletion.objects.create(
            learner=manager, course_id=course.pk, completed_at=timezone.now(), rule="all_required_items"
        )
    assert announced == [completion, override]
