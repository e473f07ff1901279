"""xAPI statements from a real learner's journey (issue 18): joining a course, opening and finishing its
lessons, failing then passing its quiz and getting the certificate produce statements of every kind, all
valid xAPI 1.0.3, received by a learning record store (a local one here); a store that fails gets the
same statements again; nothing is built or sent when no store is configured."""

import uuid

import pytest
from django.urls import reverse

from quizzes.models import QuizAttempt
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user
from xapi.models import Statement
from xapi.tests.lrs import LocalLRS, running_lrs
from xapi.tests.validator import problems

pytestmark = pytest.mark.django_db

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def lrs(settings):
    yield from running_lrs(settings)


@pytest.fixture
def course():
    course = make_course("扫码登记入门")
    first = make_lesson(course, "第一课 打开小程序")
    second = make_lesson(course, "第二课 访客登记")
    quiz = make_quiz(course, [make_question("访客扫码后看到什么？")], shuffle_options=False, pass_mark=100)
    return course, first, second, quiz


@pytest.fixture
def learner(client):
    user = make_user("grid01", name="王网格", mobile="13800138000", email="wang@example.org")
    client.force_login(user)
    return user


def _journey(client, course, commit):
    """What the learner does, each request committed (so statements are sent as in production)."""
    course_page, first, second, quiz = course
    with commit(execute=True):
        client.post(reverse("progress:course_join", args=(course_page.pk,)))
    for lesson in (first, second):
        with commit(execute=True):
            assert client.get(lesson.url).status_code == 200
        with commit(execute=True):
            client.post(reverse("progress:item_complete", args=(lesson.pk,)))
    for choice in ("1", "0"):  # wrong (failed), then right (passed: the course is complete)
        with commit(execute=True):
            client.post(reverse("quizzes:start", args=(quiz.pk,)))
        attempt = QuizAttempt.objects.get(learner__username="grid01", state="in_progress")
        with commit(execute=True):
            client.post(
                reverse("quizzes:question", args=(attempt.uuid, 1)), {"choice": choice, "action": "finish"}
            )
        with commit(execute=True):
            client.post(reverse("quizzes:submit", args=(attempt.uuid,)))


def _by_verb(statements):
    found = {}
    for statement in statements:
        found.setdefault(statement["verb"]["id"].rsplit("/", 1)[-1], []).append(statement)
    return found


def test_a_journey_sends_valid_statements_of_every_kind(
    client, course, learner, lrs, django_capture_on_commit_callbacks
):
    _journey(client, course, django_capture_on_commit_callbacks)
    course_page, first, second, quiz = course

    stored = list(lrs.statements.values())
    assert stored and Statement.objects.exclude(state="sent").count() == 0
    assert len(stored) == Statement.objects.count()
    for statement in stored:
        assert problems(statement) == [], statement
    verbs = _by_verb(stored)
    assert set(verbs) == {"experienced", "completed", "attempted", "answered", "passed", "failed", "earned"}

    # every request as xAPI 1.0.3 asks, with the store's credentials
    for request in lrs.requests:
        assert request.headers["X-Experience-API-Version"] == "1.0.3"
        assert request.headers["Authorization"].startswith("Basic ")

    # one actor, an opaque account on the site: never the mobile number, e-mail or name
    actors = {str(statement["actor"]) for statement in stored}
    assert len(actors) == 1
    actor = stored[0]["actor"]
    assert actor["account"]["homePage"] == "https://learn.example.org"
    uuid.UUID(actor["account"]["name"])
    for secret in ("13800138000", "wang@example.org", "王网格", "grid01"):
        assert secret not in str(actors)

    def activity(page):
        return f"https://learn.example.org/xapi/activities/page/{page.pk}/"

    # lessons: experienced once each (the second visit is the same statement), then completed
    assert sorted(s["object"]["id"] for s in verbs["experienced"]) == sorted(
        [activity(first), activity(second), activity(quiz)]
    )
    completed = {s["object"]["id"]: s for s in verbs["completed"]}
    assert set(completed) == {activity(first), activity(second), activity(quiz), activity(course_page)}
    lesson_done = completed[activity(first)]
    assert lesson_done["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert lesson_done["object"]["definition"]["name"] == {"zh-CN": "第一课 打开小程序"}
    assert lesson_done["context"]["contextActivities"]["parent"][0]["id"] == activity(course_page)
    assert lesson_done["verb"] == {
        "id": ADL + "completed",
        "display": {"zh-CN": "完成了", "en-US": "completed"},
    }
    assert completed[activity(course_page)]["object"]["definition"]["type"].endswith("/course")
    assert lesson_done["timestamp"].endswith("+08:00")

    # the quiz: two attempts, the first failed, the second passed, with the score and how long it took
    assert len(verbs["attempted"]) == 2 and len(verbs["answered"]) == 2
    (failed,) = verbs["failed"]
    (passed,) = verbs["passed"]
    assert failed["result"]["score"] == {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 1.0}
    assert failed["result"]["success"] is False
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 1.0, "min": 0, "max": 1.0}
    assert passed["result"]["success"] is True and passed["result"]["duration"].startswith("PT")
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    answer = sorted(verbs["answered"], key=lambda s: s["result"]["success"])[-1]
    assert answer["object"]["id"].startswith(activity(quiz) + "#question-")
    assert answer["object"]["definition"]["interactionType"] == "choice"
    assert answer["result"]["response"] == "登记成功页面"
    assert answer["context"]["contextActivities"]["parent"][0]["id"] == activity(quiz)
    assert answer["context"]["contextActivities"]["grouping"][0]["id"] == activity(course_page)

    # the certificate, named by its public verification page
    (earned,) = verbs["earned"]
    code = learner.certificates.get().display_code
    assert earned["object"]["id"] == f"https://learn.example.org/verify/{code}/"
    assert earned["context"]["contextActivities"]["parent"][0]["id"] == activity(course_page)

    # the activity ids lead to the pages
    response = client.get(reverse("xapi:activity", args=(first.pk,)))
    assert response.status_code == 302 and response["Location"] == first.url


def test_a_failing_store_gets_the_same_statements_again(
    client, course, learner, lrs, django_capture_on_commit_callbacks
):
    from xapi import sending

    lrs.fail_next(3, 500)
    course_page, first, *_rest = course
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("progress:course_join", args=(course_page.pk,)))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(first.url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("progress:item_complete", args=(first.pk,)))
    # The store answered 500: nothing is lost, each statement waits for its retry.
    assert lrs.statements == {}
    waiting = list(Statement.objects.order_by("created_at"))
    assert waiting and all(s.state == "pending" and s.attempts >= 1 and s.last_error for s in waiting)
    first_tries = [s for request in lrs.requests for s in request.body]

    later = max(s.next_try_at for s in waiting)
    for _ in range(3):  # the retries fall due; the store fails once more, then takes them
        sending.statements_send(now=later)
        later = later + sending.backoff(10)
    assert {s.state for s in Statement.objects.all()} == {"sent"}
    assert set(lrs.statements) == {str(s.pk) for s in waiting}
    # every try sent the very statements stored first: same ids, same content
    for statement in lrs.posted():
        assert statement == Statement.objects.get(pk=statement["id"]).payload
    assert {s["id"] for s in first_tries} <= set(lrs.statements)
    # A store that already has a statement (409) counts it as sent: no second copy, no other id.
    again = Statement.objects.first()
    Statement.objects.filter(pk=again.pk).update(state="pending", next_try_at=again.created_at)
    assert sending.statements_send(now=later).sent == 1
    assert len(lrs.statements) == len(waiting)


def test_nothing_is_built_or_sent_without_a_store(
    client, course, learner, django_capture_on_commit_callbacks
):
    store = LocalLRS().start()  # running, but the platform is not told about it
    try:
        _journey(client, course, django_capture_on_commit_callbacks)
    finally:
        store.stop()
    assert store.requests == []
    assert not Statement.objects.exists()
