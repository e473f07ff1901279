"""What learners see of their assignments: My learning and the course page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.models import Assignment
from progress import services as progress_services
from progress.models import Enrolment
from tests.factories import make_course, make_lesson, make_org_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def admin(units):
    return make_user("city-admin", managed_unit=units["重庆市"])


@pytest.fixture
def learner(client, units):
    user = make_user("learner", name="张网格", org_unit=units["A社区"])
    client.force_login(user)
    return user


def course(title):
    page = make_course(title, open_enrolment=False)
    make_lesson(page, "第一课")
    make_lesson(page, "第二课")
    return page


def assign(admin, units, page, **fields):
    return services.assignment_create(course=page, units=[units["A社区"]], actor=admin, **fields)


def set_due(learner, page, due_on):
    """Due dates in the past cannot be set through an assignment (it refuses them): age the row."""
    Enrolment.objects.filter(learner=learner, course_id=page.pk).update(due_on=due_on)


def test_my_learning_puts_overdue_first_then_due_soon_then_undated(client, learner, units, admin):
    today = timezone.localdate()
    undated = course("没有期限的课")
    later = course("下月到期的课")
    overdue = course("已经逾期的课")
    own = make_course("自己加入的课")
    make_lesson(own)
    assign(admin, units, undated, mandatory=False)
    assign(
        admin, units, later, due_mode=Assignment.DueMode.DATE, due_date=today + datetime.timedelta(days=30)
    )
    assign(
        admin, units, overdue, due_mode=Assignment.DueMode.DATE, due_date=today + datetime.timedelta(days=1)
    )
    set_due(learner, overdue, today - datetime.timedelta(days=3))
    progress_services.enrolment_join(learner=learner, course=own)

    response = client.get(reverse("progress:my_learning"))
    learning = response.context["learning"]
    assert [state.course.title for state in learning.assigned] == [
        "已经逾期的课",
        "下月到期的课",
        "没有期限的课",
    ]
    assert [state.course.title for state in learning.not_started] == ["自己加入的课"]
    first = learning.assigned[0]
    assert first.overdue and first.days_overdue == 3 and first.mandatory
    assert not learning.assigned[2].mandatory

    html = response.content.decode()
    assert "已逾期 3 天" in html or "Overdue by 3 days" in html
    assert (
        html.index("已经逾期的课")
        < html.index("下月到期的课")
        < html.index("没有期限的课")
        < html.index("自己加入的课")
    )
    assert "learning-item--overdue" in html
    assert (today + datetime.timedelta(days=30)).isoformat() in html


def test_a_completed_assigned_course_is_no_longer_due(client, learner, units, admin):
    page = course("完成了的课")
    assign(admin, units, page, due_mode=Assignment.DueMode.DATE, due_date=timezone.localdate())
    set_due(learner, page, timezone.localdate() - datetime.timedelta(days=10))
    for lesson in page.items():
        progress_services.item_complete(learner=learner, item=lesson.specific, course=page)
    learning = client.get(reverse("progress:my_learning")).context["learning"]
    assert not learning.assigned and [s.course.pk for s in learning.completed] == [page.pk]
    assert learning.completed[0].due_on is None and not learning.completed[0].overdue


def test_a_new_assignment_shows_at_once_and_continue_follows_the_last_opened(client, learner, units, admin):
    page = course("刚指派的课")
    client.get(reverse("progress:my_learning"))  # nothing cached may hide what comes next
    assign(admin, units, page, due_mode=Assignment.DueMode.DAYS_AFTER_JOINING, due_days=7)
    response = client.get(reverse("progress:my_learning"))
    assert [s.course.pk for s in response.context["learning"].assigned] == [page.pk]
    assert response.context["learning"].resume is None

    second = page.items()[1]
    client.get(second.url)
    learning = client.get(reverse("progress:my_learning")).context["learning"]
    assert learning.resume.course.pk == page.pk and learning.resume.resume_item.pk == second.pk


def test_the_course_page_shows_the_due_date(client, learner, units, admin):
    page = course("课程页显示期限")
    due = timezone.localdate() + datetime.timedelta(days=2)
    assign(admin, units, page, due_mode=Assignment.DueMode.DATE, due_date=due)
    html = client.get(page.url).content.decode()
    assert due.isoformat() in html and "due--soon" in html
