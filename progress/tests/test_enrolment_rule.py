"""The enrolment rule holds on every write of learner history: a course without open enrolment is
for the people it is assigned to (or whom a manager added); nobody else records anything in it."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from progress import services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from progress.selectors import enrolment_allowed
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db

REFUSAL = str(services.NotEnrolled.message)
FINISH_BUTTON = "完成本课"


@pytest.fixture
def closed_course():
    """Assignment only, with one lesson: finishing it would complete the course."""
    course = make_course("指派课程：消防检查", open_enrolment=False)
    make_lesson(course, "唯一一课")
    return course


def lesson_of(course):
    return course.items().specific().get()


@pytest.fixture
def learner(client):
    user = make_user("not-assigned", name="李网格")
    client.force_login(user)
    return user


def assert_nothing_written():
    assert not Enrolment.objects.exists()
    assert not ItemProgress.objects.exists()
    assert not CourseCompletion.objects.exists()
    assert not Certificate.objects.exists()


# -- the rule ----------------------------------------------------------------------------------------


def test_the_rule_open_course_or_an_enrolment_however_it_came(closed_course, django_assert_num_queries):
    open_course = make_course("开放课程")
    stranger, assigned, added = make_user(), make_user(), make_user()
    Enrolment.objects.create(learner=assigned, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    Enrolment.objects.create(learner=added, course_id=closed_course.pk, source=Enrolment.Source.MANAGER)
    with django_assert_num_queries(0):
        assert enrolment_allowed(learner=stranger, course=open_course)
    assert not enrolment_allowed(learner=stranger, course=closed_course)
    assert enrolment_allowed(learner=assigned, course=closed_course)
    assert enrolment_allowed(learner=added, course=closed_course)
    # By id, as a quiz attempt holds its course: the same answers.
    assert enrolment_allowed(learner=stranger.pk, course=open_course.pk)
    assert not enrolment_allowed(learner=stranger.pk, course=closed_course.pk)
    with django_assert_num_queries(1):
        assert enrolment_allowed(learner=assigned.pk, course=closed_course.pk)


def test_an_enrolment_outlives_the_course_being_closed(closed_course):
    """Joined while the course was open: they carry on after it becomes assignment only."""
    learner = make_user()
    closed_course.open_enrolment = True
    closed_course.save(update_fields=["open_enrolment"])
    services.enrolment_join(learner=learner, course=closed_course)
    closed_course.open_enrolment = False
    closed_course.save(update_fields=["open_enrolment"])
    assert services.item_complete(learner=learner, item=lesson_of(closed_course), course=closed_course)


# -- services: refused, nothing written ---------------------------------------------------------------


def test_finishing_an_item_of_a_course_not_open_to_the_learner_is_refused(
    closed_course, django_capture_on_commit_callbacks
):
    learner = make_user()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.NotEnrolled):
        services.item_complete(learner=learner, item=lesson_of(closed_course), course=closed_course)
    assert_nothing_written()


def test_seeing_an_item_of_a_course_not_open_to_the_learner_records_nothing(closed_course):
    with pytest.raises(services.NotEnrolled):
        services.item_seen(learner=make_user(), item=lesson_of(closed_course), course=closed_course)
    assert_nothing_written()


def test_a_learner_cannot_join_a_course_not_open_to_them(closed_course):
    with pytest.raises(services.NotEnrolled):
        services.enrolment_join(learner=make_user(), course=closed_course)
    assert_nothing_written()


def test_no_completion_is_recorded_for_a_learner_the_rule_refuses(closed_course):
    """Progress recorded around the rule (e.g. before it held) completes nothing."""
    learner = make_user()
    lesson = lesson_of(closed_course)
    ItemProgress.objects.create(
        learner=learner,
        item_id=lesson.pk,
        course_id=closed_course.pk,
        completed_at=closed_course.last_published_at,
    )
    with pytest.raises(services.NotEnrolled):
        services.course_completion_evaluate(learner=learner, course=closed_course)
    assert not CourseCompletion.objects.exists()


# -- services: the allowed ways in ---------------------------------------------------------------------


def test_an_assigned_learner_finishes_a_course_not_open_to_everyone(closed_course):
    learner = make_user()
    Enrolment.objects.create(learner=learner, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    services.item_seen(learner=learner, item=lesson_of(closed_course), course=closed_course)
    completion = services.item_complete(learner=learner, item=lesson_of(closed_course), course=closed_course)
    assert completion is not None and completion.rule == CourseCompletion.Rule.ALL_REQUIRED_ITEMS
    assert Enrolment.objects.get().source == Enrolment.Source.ASSIGNED


def test_an_assignment_that_ended_leaves_the_learner_working(closed_course):
    from assignments.services import assignment_create, assignment_end
    from tests.factories import make_org_tree

    units = make_org_tree()
    admin = make_user("city-admin", managed_unit=units["重庆市"])
    learner = make_user(org_unit=units["A社区"])
    assignment = assignment_create(course=closed_course, units=[units["A社区"]], actor=admin)
    assignment_end(assignment=assignment, actor=admin)
    assert services.item_complete(learner=learner, item=lesson_of(closed_course), course=closed_course)


def test_a_manager_enrols_and_completes_for_someone_in_a_course_not_open_to_everyone(closed_course):
    learner, manager = make_user(), make_user(is_superuser=True)
    added = services.enrolment_join(learner=learner, course=closed_course, source=Enrolment.Source.MANAGER)
    assert added.source == Enrolment.Source.MANAGER
    other = make_user()
    completion = services.course_completion_override(
        learner=other, course=closed_course, actor=manager, reason="线下培训已完成"
    )
    assert completion.rule == CourseCompletion.Rule.MANAGER_OVERRIDE
    assert Enrolment.objects.get(learner=other).source == Enrolment.Source.MANAGER


# -- screens -------------------------------------------------------------------------------------------


def test_finish_button_posted_by_a_learner_not_allowed_is_refused_on_the_course_page(
    client, learner, closed_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("progress:item_complete", args=(lesson_of(closed_course).pk,)))
    assert response.status_code == 302 and response["Location"] == closed_course.url
    page = client.get(response["Location"])
    assert page.status_code == 200 and REFUSAL in page.content.decode()
    assert_nothing_written()


def test_joining_by_url_is_refused_unless_allowed(client, learner, closed_course):
    response = client.post(reverse("progress:course_join", args=(closed_course.pk,)), follow=True)
    assert response.redirect_chain == [(closed_course.url, 302)] and REFUSAL in response.content.decode()
    assert_nothing_written()
    # Once assigned, "join" just takes them to the first lesson.
    Enrolment.objects.create(learner=learner, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    response = client.post(reverse("progress:course_join", args=(closed_course.pk,)))
    assert response["Location"] == lesson_of(closed_course).url


def test_reading_a_lesson_of_a_course_not_open_to_the_learner_records_nothing(client, learner, closed_course):
    lesson = lesson_of(closed_course)
    for _ in range(2):  # the second view may come from the page cache
        response = client.get(lesson.url)
        assert response.status_code == 200
        assert FINISH_BUTTON not in response.content.decode()
    assert_nothing_written()
    # An assigned colleague on the same lesson gets the button, not the cached page without it.
    colleague = make_user("assigned-colleague")
    Enrolment.objects.create(learner=colleague, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    client.force_login(colleague)
    assert FINISH_BUTTON in client.get(lesson.url).content.decode()
    assert ItemProgress.objects.filter(learner=colleague, item_id=lesson.pk).exists()
    assert not ItemProgress.objects.filter(learner=learner).exists()


def test_an_assigned_learner_finishes_through_the_screens(client, learner, closed_course):
    Enrolment.objects.create(learner=learner, course_id=closed_course.pk, source=Enrolment.Source.ASSIGNED)
    lesson = lesson_of(closed_course)
    assert FINISH_BUTTON in client.get(lesson.url).content.decode()
    response = client.post(reverse("progress:item_complete", args=(lesson.pk,)), follow=True)
    assert "您已完成“指派课程：消防检查”" in response.content.decode()
    assert CourseCompletion.objects.filter(learner=learner, course_id=closed_course.pk).exists()
