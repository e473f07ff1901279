import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import learner_state
from progress import services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from tests.factories import make_course, make_image, make_lesson, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = make_course("扫码登记入门", cover_image=make_image())
    for i in range(4):
        make_lesson(course, f"第 {i + 1} 课")
    return course


def lessons_of(course):
    return list(course.items().specific())


@pytest.fixture
def learner(client):
    user = make_user("learner1", name="张网格")
    client.force_login(user)
    return user


def test_join_then_continue_opens_the_exact_lesson(client, learner, course):
    response = client.post(reverse("progress:course_join", args=(course.pk,)))
    lessons = lessons_of(course)
    assert response["Location"] == lessons[0].url
    client.get(lessons[0].url)
    client.get(lessons[2].url)
    page = client.get(reverse("progress:my_learning"))
    learning = page.context["learning"]
    assert learning.in_progress[0].resume_item.pk == lessons[2].pk
    assert f'href="{lessons[2].url}"' in page.content.decode()


def test_finish_lesson_goes_to_the_next_and_moves_the_bar(client, learner, course):
    lessons = lessons_of(course)
    response = client.post(reverse("progress:item_complete", args=(lessons[0].pk,)))
    assert response["Location"] == lessons[1].url
    state = client.get(reverse("progress:my_learning")).context["learning"].in_progress[0]
    assert state.progress.percent == 25
    assert state.resume_item.pk == lessons[1].pk
    html = client.get(lessons[0].url).content.decode()
    assert "本课已完成" in html and "完成本课" not in html


def test_finishing_the_last_lesson_completes_the_course(client, learner, course):
    lessons = lessons_of(course)
    for lesson in lessons[:-1]:
        client.post(reverse("progress:item_complete", args=(lesson.pk,)))
    response = client.post(reverse("progress:item_complete", args=(lessons[-1].pk,)), follow=True)
    assert "您已完成“扫码登记入门”" in response.content.decode()
    learning = client.get(reverse("progress:my_learning")).context["learning"]
    assert [s.course.pk for s in learning.completed] == [course.pk]
    assert learning.completed[0].progress.percent == 100


def test_a_repeated_or_double_submitted_finish_counts_once(client, learner, course):
    lesson = lessons_of(course)[0]
    for _ in range(3):
        client.post(reverse("progress:item_complete", args=(lesson.pk,)))
    assert ItemProgress.objects.filter(learner=learner, completed_at__isnull=False).count() == 1
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_learner_actions_are_post_with_csrf(learner, course):
    lesson = lessons_of(course)[0]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.get(reverse("progress:item_complete", args=(lesson.pk,))).status_code == 405
    assert strict.post(reverse("progress:item_complete", args=(lesson.pk,))).status_code == 403
    assert strict.post(reverse("progress:course_join", args=(course.pk,))).status_code == 403
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()


def test_assignment_only_courses_cannot_be_joined_by_url(client, learner):
    closed = make_course("指派课程", open_enrolment=False)
    make_lesson(closed)
    response = client.post(reverse("progress:course_join", args=(closed.pk,)))
    assert response.status_code == 302 and response["Location"] == closed.url  # refused, with the reason
    assert not Enrolment.objects.exists()
    assert closed.pk not in [
        c.pk for c in client.get(reverse("progress:my_learning")).context["learning"].available
    ]


def test_unknown_or_draft_items_are_404(client, learner, course):
    draft = make_lesson(course, "草稿", live=False)
    assert client.post(reverse("progress:item_complete", args=(draft.pk,))).status_code == 404
    assert client.post(reverse("progress:item_complete", args=(999999,))).status_code == 404


def test_course_page_shows_this_learners_statuses_only(client, learner, course):
    lessons = lessons_of(course)
    other = make_user("someone-else")
    for lesson in lessons:
        services.item_complete(learner=other, item=lesson, course=course)
    services.item_complete(learner=learner, item=lessons[0], course=course)
    state = client.get(course.url).context["learner_state"]
    assert [row.status for row in state.rows] == ["done", "not_started", "not_started", "not_started"]
    assert state.completion is None


def test_data_export_holds_only_my_records(client, learner, course):
    lessons = lessons_of(course)
    other = make_user("other", mobile="13900000000", name="王五")
    services.item_complete(learner=other, item=lessons[1], course=course)
    services.item_complete(learner=learner, item=lessons[0], course=course)
    response = client.get(reverse("progress:my_data") + f"?user={other.pk}&learner={other.pk}")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "learner1" and data["account"]["name"] == "张网格"
    assert [row["item"] for row in data["item_progress"]] == ["第 1 课"]
    assert "王五" not in response.content.decode("utf-8") and "13900000000" not in response.content.decode()


def test_data_export_holds_my_quiz_attempts_certificates_and_reminders(client, learner, course):
    """Every app's records about the person are in the download, and nobody else's."""
    from certificates.models import Certificate
    from notifications.models import Notification, ReminderPreference
    from quizzes import services as quiz_services
    from tests.factories import make_question, make_quiz

    quiz = make_quiz(course, [make_question("访客扫码后看到什么？")])
    other = make_user("other", mobile="13900000000", name="王五")
    for person in (learner, other):
        attempt = quiz_services.attempt_start(learner=person, quiz=quiz, course=course)
        quiz_services.answer_save(attempt=attempt, position=0, response=1)
        quiz_services.attempt_submit(attempt=attempt)
        Notification.objects.create(
            recipient=person, kind="overdue", dedupe_key=f"k{person.pk}", subject="课程已逾期"
        )
    Certificate.objects.create(
        learner=learner,
        course_id=course.pk,
        code="ABCD2345",
        completed_at=course.first_published_at,
        holder_name="张网格",
        course_title=course.title,
        organisation_name="一线学堂",
    )
    ReminderPreference.objects.create(user=learner, email_overdue=False)

    data = json.loads(client.get(reverse("progress:my_data")).content)
    [attempt] = data["quiz_attempts"]
    assert attempt["state"] == "submitted" and attempt["answers"][0]["question"] == "访客扫码后看到什么？"
    assert [c["code"] for c in data["certificates"]] == ["ABCD2345"]
    assert [n["subject"] for n in data["notifications"]] == ["课程已逾期"]
    assert data["reminder_email_choices"]["overdue"] is False
    assert data["enrolments"][0]["status"] == "in_progress"


def test_previews_in_the_admin_record_nothing(admin_client, course):
    lesson = lessons_of(course)[0]
    admin_client.get(reverse("wagtailadmin_pages:preview_on_edit", args=(lesson.pk,)))
    response = admin_client.get(lesson.url)  # a real view by the admin counts; a preview must not
    assert response.status_code == 200
    assert ItemProgress.objects.count() == 1


def count(client, url):
    """Database queries for a warm page view, leaving out the session read: with REDIS_URL set
    sessions are read from the cache, without it from the database."""
    client.get(url)
    client.get(url)  # the very first view creates site settings, which empties the content cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if '"django_session"' not in q["sql"]])


def count_after_a_write(client, learner, url):
    """Database queries for the first view after something of the learner's changed (their state version
    bumped, core.learner_state), with the content cache warm: what rendering the page costs."""
    client.get(url)
    client.get(url)
    learner_state.bump(learner.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if '"django_session"' not in q["sql"]])


# Pinned, with the content cache warm (routing, site, settings, lesson bodies and positions
# come from it) and the signed-in user and their item statuses in the shared cache; raise
# only with a reason. count() leaves out the session read.
# My learning and the course page are kept whole per learner state (core.page_cache): nothing to read
# until something of the learner's changes.
MY_LEARNING_QUERIES = 0
SIGNED_IN_COURSE_QUERIES = 0
# Right after a write of the learner's: My learning reads enrolments with courses, items, progress rows,
# completions, cover renditions, open courses (view restrictions, courses, renditions); the in-person
# sessions the learner is invited to and their study hours this year (classroom's section,
# frontline_my_learning_sections).
MY_LEARNING_QUERIES_AFTER_A_WRITE = 10
# Course page: this learner's progress rows, enrolment, completion.
SIGNED_IN_COURSE_QUERIES_AFTER_A_WRITE = 3
# Lesson page: nothing ("last seen" is written when the learner moves on, not on every
# reload; statuses come from the cache until this learner's progress changes).
SIGNED_IN_LESSON_QUERIES = 0


def test_my_learning_queries_do_not_grow_with_courses(client, learner):
    def add_courses(n):
        for i in range(n):
            course = make_course(f"课程 {i}", cover_image=make_image())
            lessons = [make_lesson(course, f"课 {j}") for j in range(3)]
            services.item_complete(learner=learner, item=lessons[0], course=course)

    add_courses(1)
    few = count(client, reverse("progress:my_learning"))
    few_after = count_after_a_write(client, learner, reverse("progress:my_learning"))
    add_courses(6)
    done = make_course("已完成课程")
    services.item_complete(learner=learner, item=make_lesson(done), course=done)
    assert CourseCompletion.objects.count() == 1
    assert count(client, reverse("progress:my_learning")) == few == MY_LEARNING_QUERIES
    url = reverse("progress:my_learning")
    assert count_after_a_write(client, learner, url) == few_after == MY_LEARNING_QUERIES_AFTER_A_WRITE


def test_signed_in_course_and_lesson_pages_are_pinned(client, learner):
    small = make_course("小课程", cover_image=make_image())
    small_lessons = [make_lesson(small) for _ in range(2)]
    big = make_course("大课程", cover_image=make_image())
    big_lessons = [make_lesson(big) for _ in range(20)]
    for course, lessons in ((small, small_lessons), (big, big_lessons)):
        services.item_complete(learner=learner, item=lessons[0], course=course)
    assert count(client, small.url) == count(client, big.url) == SIGNED_IN_COURSE_QUERIES
    assert (
        count_after_a_write(client, learner, small.url)
        == count_after_a_write(client, learner, big.url)
        == SIGNED_IN_COURSE_QUERIES_AFTER_A_WRITE
    )
    assert (
        count(client, small_lessons[1].url) == count(client, big_lessons[10].url) == SIGNED_IN_LESSON_QUERIES
    )


def test_resume_point_follows_the_learner_between_lessons(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    for lesson in (lessons[0], lessons[2], lessons[0]):
        client.get(lesson.url)
    assert Enrolment.objects.get(learner=learner).last_item_id == lessons[0].pk
