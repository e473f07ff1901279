"""The learner's pages kept whole (core.page_cache, core.learner_state): My learning, the signed-in course
page, the catalogue and the quiz question page. Each kind of write shows on the page at once, whoever
wrote it and however; nobody gets another person's page; the CSRF token is this request's; query counts
are pinned, cached and right after a write, and do not grow with the number of courses."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import learner_state
from core.preferences import TEXT_SIZE_COOKIE
from progress import services as progress_services
from progress.models import CourseCompletion, Enrolment
from quizzes.models import QuizAttempt
from tests.factories import (
    make_course,
    make_course_index,
    make_image,
    make_lesson,
    make_org_tree,
    make_question,
    make_quiz,
    make_user,
)

pytestmark = pytest.mark.django_db

MY = reverse("progress:my_learning")


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def learner(client, units):
    user = make_user("learner-pc", name="张网格", org_unit=units["A社区"])
    client.force_login(user)
    return user


@pytest.fixture
def course():
    course = make_course("扫码登记入门", cover_image=make_image())
    for n in range(4):
        make_lesson(course, f"第 {n + 1} 课")
    return course


def lessons_of(course):
    return list(course.items().specific())


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def warm(client, url) -> str:
    """Rendered, then served from the page cache: the second copy is the one compared."""
    html(client, url)
    return html(client, url)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if '"django_session"' not in q["sql"]])


# --- every kind of write shows at once -------------------------------------------------------------


def test_finishing_a_lesson_shows_on_my_learning_and_the_course_page(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    before_my, before_course = warm(client, MY), warm(client, course.url)
    assert 'value="0"' in before_my
    client.post(reverse("progress:item_complete", args=(lessons[0].pk,)))
    after_my, after_course = html(client, MY), html(client, course.url)
    assert after_my != before_my and after_course != before_course
    assert 'value="25"' in after_my and 'value="25"' in after_course


def test_joining_a_course_shows_on_my_learning(client, learner, course):
    assert "扫码登记入门" not in warm(client, MY).split("Courses you can join")[0].split("可以加入的课程")[0]
    client.post(reverse("progress:course_join", args=(course.pk,)))
    page = html(client, MY)
    assert f'data-offline-course="{course.pk}"' in page


def test_opening_a_lesson_moves_continue_on_my_learning(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    client.get(lessons[0].url)
    assert f'href="{lessons[0].url}"' in warm(client, MY)
    client.get(lessons[2].url)  # "last seen" moves: a write of the learner's
    assert f'href="{lessons[2].url}"' in html(client, MY)


def test_going_back_to_a_cached_lesson_moves_continue_back(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    warm(client, lessons[0].url)  # kept whole for this learner
    client.get(lessons[2].url)
    assert f'href="{lessons[2].url}"' in warm(client, MY)
    client.get(lessons[0].url)  # their state changed since it was kept: rendered again, "last seen" written
    assert Enrolment.objects.get(learner=learner).last_item_id == lessons[0].pk
    assert f'href="{lessons[0].url}"' in html(client, MY)


def test_finishing_a_lesson_shows_on_the_kept_lesson_page(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    assert "完成本课" in warm(client, lessons[0].url)
    assert queries(client, lessons[0].url) == CACHED_QUERIES
    client.post(reverse("progress:item_complete", args=(lessons[0].pk,)))
    page = html(client, lessons[0].url)
    assert "本课已完成" in page and "完成本课" not in page


def test_writes_outside_a_request_show_at_once(client, learner, course):
    """The worker, a management command, an import: whoever it is about, every learner's pages renew."""
    lessons = lessons_of(course)
    client.post(reverse("progress:course_join", args=(course.pk,)))
    before = warm(client, MY)
    progress_services.item_complete(learner=learner, item=lessons[1], course=course)
    assert html(client, MY) != before and 'value="25"' in html(client, MY)


def test_a_managers_override_shows_as_completed(client, learner, course, units):
    client.post(reverse("progress:course_join", args=(course.pk,)))
    warm(client, MY)
    warm(client, course.url)
    manager = make_user("mgr-pc", managed_unit=units["重庆市"], is_staff=True)
    progress_services.course_completion_override(
        learner=learner, course=course, actor=manager, reason="线下培训"
    )
    assert CourseCompletion.objects.filter(learner=learner).exists()
    assert "marked complete by a manager" in html(client, MY) or "由管理员标记完成" in html(client, MY)
    assert "done-text" in html(client, course.url)


def test_an_assignment_with_a_due_date_shows_on_my_learning(client, learner, course, units):
    from assignments import services as assignment_services
    from assignments.models import Assignment

    warm(client, MY)
    admin = make_user("city-admin-pc", managed_unit=units["重庆市"], is_staff=True)
    assignment_services.assignment_create(
        course=course,
        units=[units["A社区"]],
        actor=admin,
        due_mode=Assignment.DueMode.DATE,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert Enrolment.objects.get(learner=learner, course_id=course.pk).due_on is not None
    assert 'id="assigned-heading"' in html(client, MY)


def test_due_wording_follows_the_day(client, learner, course, units, monkeypatch):
    from assignments import services as assignment_services
    from assignments.models import Assignment

    admin = make_user("city-admin-pc2", managed_unit=units["重庆市"], is_staff=True)
    due = timezone.localdate() + datetime.timedelta(days=2)
    assignment_services.assignment_create(
        course=course, units=[units["A社区"]], actor=admin, due_mode=Assignment.DueMode.DATE, due_date=due
    )
    today_page = warm(client, MY)
    later = timezone.now() + datetime.timedelta(days=4)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert html(client, MY) != today_page  # overdue now, not "due in 2 days"
    assert "learning-item--overdue" in html(client, MY)


def test_an_in_person_session_and_a_check_in_show_on_my_learning(client, learner, units):
    from classroom import services as classroom_services

    warm(client, MY)
    manager = make_user("street-mgr-pc", managed_unit=units["解放碑街道"], is_staff=True, groups=["Managers"])
    starts = timezone.now() + datetime.timedelta(minutes=10)
    session = classroom_services.session_create(
        actor=manager,
        title="消防演练培训",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="社区活动室",
        capacity=30,
        unit=units["解放碑街道"],
        invited_units=[units["A社区"]],
    )
    page = html(client, MY)
    assert "消防演练培训" in page and "session-card" in page
    warm(client, MY)
    classroom_services.session_check_in(session=session, learner=learner)
    assert "Checked in" in html(client, MY) or "已签到" in html(client, MY)


def test_moving_to_another_unit_renews_the_learners_pages(client, learner, units):
    before = warm(client, MY)
    learner.name = "张网格（新）"
    learner.org_unit = units["C社区"]
    learner.save()
    assert learner_state.version(type("R", (), {"user": learner})()) is not None
    # A unit change may change which sessions invite them: the page is rendered again.
    with CaptureQueriesContext(connection) as ctx:
        client.get(MY)
    assert len(ctx.captured_queries) > 1
    assert before  # (same content here: nothing is planned)


def quiz_setup(course, pass_mark=100):
    return make_quiz(course, [make_question(f"第 {n} 题") for n in range(3)], pass_mark=pass_mark)


def test_saving_an_answer_shows_on_the_question_page(client, learner, course):
    quiz = quiz_setup(course)
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get()
    url = reverse("quizzes:question", args=(attempt.uuid, 1))
    before = warm(client, url)
    assert "checked" not in re.sub(r"aria-checked|data-checked", "", before)
    client.post(url, {"choice": "0", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    after = html(client, url)
    assert after != before and re.search(r'value="0"[^>]*checked|checked[^>]*value="0"', after)


def test_a_submitted_attempt_no_longer_shows_its_questions(client, learner, course):
    quiz = quiz_setup(course)
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get()
    url = reverse("quizzes:question", args=(attempt.uuid, 1))
    warm(client, url)
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith(f"/attempts/{attempt.uuid}/result/")


def test_publishing_a_course_shows_in_the_catalogue_signed_in_and_not(client, learner, course):
    index = course.get_parent().specific
    anonymous = Client()
    before_anonymous, before_signed_in = warm(anonymous, index.url), warm(client, index.url)
    make_course("新发布的课程", index=index)
    assert "新发布的课程" in html(anonymous, index.url) and "新发布的课程" in html(client, index.url)
    assert "新发布的课程" not in before_anonymous + before_signed_in


def test_each_topic_of_the_catalogue_is_kept_apart(client, learner):
    from tests.factories import make_topic

    index = make_course_index()
    make_course("消防课", index=index, topic=make_topic("消防", slug="fire"))
    make_course("登记课", index=index, topic=make_topic("登记", slug="register"))
    for browser in (client, Client()):
        fire, register = (
            warm(browser, index.url + "?topic=fire"),
            warm(browser, index.url + "?topic=register"),
        )
        assert "消防课" in fire and "登记课" not in fire
        assert "登记课" in register and "消防课" not in register
        every = warm(browser, index.url + "?topic=nonsense")
        assert "消防课" in every and "登记课" in every


# --- nobody gets another person's page; the token is this request's -----------------------------


def test_learners_never_get_each_others_pages(client, learner, course):
    lessons = lessons_of(course)
    client.post(reverse("progress:item_complete", args=(lessons[0].pk,)))
    mine_my, mine_course = warm(client, MY), warm(client, course.url)
    other = Client()
    other.force_login(make_user("other-pc", name="李网格"))
    theirs_my, theirs_course = warm(other, MY), warm(other, course.url)
    assert 'value="25"' in mine_my and 'value="25"' not in theirs_my
    assert mine_course != theirs_course
    # Each page says whose it is (the cluster load checks this on every learner page it loads).
    mine_lesson, theirs_lesson = warm(client, lessons[0].url), warm(other, lessons[0].url)
    for page in (mine_my, mine_course, mine_lesson):
        assert re.findall(r'data-learner="(\d+)"', page) == [str(learner.pk)]
    them = other.session["_auth_user_id"]
    for page in (theirs_my, theirs_course, theirs_lesson):
        assert re.findall(r'data-learner="(\d+)"', page) == [str(them)]


def csrf_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


def test_a_cached_page_carries_this_requests_csrf_token(learner, course):
    first, second = Client(), Client()
    for browser in (first, second):
        browser.force_login(learner)
    one = warm(first, MY)
    two = warm(second, MY)  # from the cache, filled for the second browser
    assert csrf_tokens(one) and csrf_tokens(two) and not csrf_tokens(one) & csrf_tokens(two)
    assert "\x00" not in two
    from django.middleware.csrf import _unmask_cipher_token

    secret = second.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(token) == secret for token in csrf_tokens(two))


def test_language_and_text_size_get_their_own_copy(client, learner, course):
    chinese = warm(client, MY)
    client.cookies[TEXT_SIZE_COOKIE] = "large"
    large = html(client, MY)
    assert 'class="text-large"' in large and 'class="text-large"' not in chinese


# --- the staff and write watcher ----------------------------------------------------------------------


def test_who_a_write_renews(rf, learner, units):
    from core.learner_state import EVERYONE, _current, _targets

    request = rf.get("/")
    request.user = learner
    _current.request = request
    try:
        assert _targets() == (learner.pk,)
        request.user = make_user("trainer-pc", is_staff=True)
        assert _targets() == (EVERYONE, request.user.pk)
    finally:
        _current.request = None
    assert _targets() == (EVERYONE,)


def test_writes_to_other_tables_renew_nothing(client, learner):
    warm(client, MY)
    learner.last_login = timezone.now()
    learner.save(update_fields=["last_login"])  # signing in
    with CaptureQueriesContext(connection) as ctx:
        client.get(MY)
    # (The signed-in user is read again: their row changed. My learning is not.)
    assert not [q for q in ctx.captured_queries if "progress_" in q["sql"]]


# --- query counts, pinned -----------------------------------------------------------------------------

# Served from the page cache: no query at all (the session, the signed-in user and the learner's state
# version come from the shared cache; the session read is left out here, a database read without Redis).
CACHED_QUERIES = 0
# Rendered right after a write of the learner's: My learning as progress/tests/test_views.py pins it, and
# one more for a learner placed in a unit (the sessions that invite them: their unit's ancestors).
MY_LEARNING_QUERIES_AFTER_A_WRITE = 11
COURSE_QUERIES_AFTER_A_WRITE = 3
# The catalogue right after a publish (content cache empty), and after a write of a learner's (nothing:
# it does not depend on them).
CATALOGUE_QUERIES_AFTER_A_PUBLISH = 11
# The question page after an answer is saved: the attempt, its quiz, the answers.
QUESTION_QUERIES_AFTER_A_WRITE = 3


def courses_for(learner, n):
    made = []
    for i in range(n):
        course = make_course(f"课程 {i}", cover_image=make_image())
        lessons = [make_lesson(course, f"课 {j}") for j in range(3)]
        progress_services.item_complete(learner=learner, item=lessons[0], course=course)
        made.append(course)
    return made


def after_a_write(client, learner, url) -> int:
    warm(client, url)
    learner_state.bump(learner.pk)
    return queries(client, url)


@pytest.mark.parametrize("page", ["my", "course", "catalogue"])
def test_query_counts_do_not_grow_with_courses(client, learner, page):
    counts = []
    for n in (1, 7):
        made = courses_for(learner, n)
        url = {"my": MY, "course": made[0].url, "catalogue": made[0].get_parent().url}[page]
        cached = (warm(client, url), queries(client, url))[1]
        counts.append((cached, after_a_write(client, learner, url)))
    expected_after = {"my": MY_LEARNING_QUERIES_AFTER_A_WRITE, "course": COURSE_QUERIES_AFTER_A_WRITE}
    assert counts[0] == counts[1] == (CACHED_QUERIES, expected_after.get(page, 0))


def test_catalogue_after_a_publish_is_pinned(client, learner):
    from core import content_cache

    indexes = []
    for n in (1, 8):
        index = make_course_index()
        for i in range(n):
            make_course(f"课程 {n}-{i}", index=index, cover_image=make_image())
        indexes.append(index)
    for index in indexes:  # cover renditions made once, and the site's settings on the first view
        warm(client, index.url)
    counts = []
    for index in indexes:
        content_cache.bump()  # as a publish does: the content cache starts empty
        counts.append((queries(client, index.url), queries(client, index.url)))
    assert counts[0] == counts[1] == (CATALOGUE_QUERIES_AFTER_A_PUBLISH, CACHED_QUERIES)


@pytest.mark.parametrize("questions", [2, 20])
def test_question_page_queries(client, learner, course, questions):
    quiz = make_quiz(course, [make_question(f"第 {n} 题") for n in range(questions)], pass_mark=100)
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get()
    url = reverse("quizzes:question", args=(attempt.uuid, 1))
    warm(client, url)
    assert queries(client, url) == CACHED_QUERIES
    client.post(url, {"choice": "0", "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    assert queries(client, url) == QUESTION_QUERIES_AFTER_A_WRITE


# --- served before URL resolution (core.routing.learner_page) ----------------------------------------


@pytest.fixture
def no_resolving(monkeypatch):
    """Turns URL resolution off: a page answered anyway was answered from its kept copy."""
    from django.core.handlers.base import BaseHandler

    def refuse(self, request):
        raise AssertionError(f"{request.path} was resolved")

    return lambda: monkeypatch.setattr(BaseHandler, "resolve_request", refuse)


@pytest.mark.parametrize("which", ["lesson", "course"])
def test_a_kept_page_is_served_before_url_resolution(client, learner, course, no_resolving, which):
    client.post(reverse("progress:course_join", args=(course.pk,)))
    url = lessons_of(course)[1].url if which == "lesson" else course.url
    kept = warm(client, url)
    no_resolving()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and ctx.captured_queries == []
    again = response.content.decode()
    for token in csrf_tokens(kept) | csrf_tokens(again):
        kept, again = kept.replace(token, ""), again.replace(token, "")
    assert again.strip() == kept.strip()
    assert response["X-Frame-Options"] == "DENY"  # the headers of the whole stack, as before
    assert re.findall(r'data-learner="(\d+)"', response.content.decode()) == [str(learner.pk)]


def test_a_restricted_page_is_checked_every_time_though_kept(client, learner, course):
    """A page with a view restriction never takes the short way: leaving the group that may see it
    (no content change, so the kept copy is still there) shuts the page at once."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    lesson = lessons_of(course)[1]
    group = Group.objects.create(name="只给试点社区看")
    learner.groups.add(group)
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    assert "第 2 课" in warm(client, lesson.url)
    learner.groups.remove(group)
    response = client.get(lesson.url)
    assert response.status_code != 200 and "第 2 课" not in response.content.decode()


def test_another_learner_and_a_visitor_get_their_own_copy(client, learner, course):
    lesson = lessons_of(course)[1]
    warm(client, lesson.url)
    other = Client()
    other.force_login(make_user("other-fast", name="李网格"))
    theirs = warm(other, lesson.url)
    visitor = Client().get(lesson.url).content.decode()
    assert re.findall(r'data-learner="(\d+)"', theirs) == [other.session["_auth_user_id"]]
    assert "data-learner" not in visitor
