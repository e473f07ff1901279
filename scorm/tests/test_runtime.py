"""The SCORM lesson's server side: the page, the package's files, opening an attempt and committing its
data (idempotent, never backwards), completion and score counted like any lesson, and who may do what."""

import json

import pytest

from progress.models import CourseCompletion, Enrolment, ItemProgress
from scorm import cmi
from scorm.models import ScormAttempt
from scorm.tests.packages import make_scorm_lesson
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course = make_course("扫码登记 SCORM", slug="scorm-course")
    return {
        "course": course,
        "one": make_scorm_lesson(course, "1.2", mastery=80, slug="sco12"),
        "two": make_scorm_lesson(course, "2004", slug="sco2004"),
        "learner": make_user("learner"),
    }


def open_attempt(client, lesson):
    response = client.post(f"/scorm/{lesson.pk}/attempt/")
    assert response.status_code == 200, response.content
    return response.json()


def commit(client, state, seq, data, total_seconds=None):
    body = {"seq": seq, "data": data}
    if total_seconds is not None:
        body["total_seconds"] = total_seconds
    return client.post(state["commit_url"], {"state": json.dumps(body)})


def test_lesson_page_offers_the_player_to_a_learner(client, world):
    client.force_login(world["learner"])
    response = client.get(world["one"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'sandbox="allow-scripts allow-forms allow-popups allow-modals allow-downloads"' in html
    assert "allow-same-origin" not in html
    assert f'data-launch="/scorm/content/{world["one"].package.key}/content/index.html"' in html
    assert "scorm/runtime.js" in html
    assert world["one"].package.key  # opaque: 32 hex digits
    assert len(world["one"].package.key) == 32


def test_lesson_page_asks_a_visitor_to_sign_in(client, world):
    html = client.get(world["one"].url).content.decode()
    assert "scorm/runtime.js" not in html and "/accounts/login/" in html


def test_package_files_are_served_with_their_own_policy_and_no_cookie(client, world):
    key = world["one"].package.key
    response = client.get(f"/scorm/content/{key}/content/index.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = response["Content-Security-Policy"]
    # An opaque origin even when opened directly: the package's scripts run with nobody's rights.
    assert policy.startswith("sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads;")
    assert "allow-same-origin" not in policy and "allow-top-navigation" not in policy
    assert "'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy
    assert (
        response["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in response
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert not response.cookies
    assert client.get(f"/scorm/content/{key}/content/style.css")["Content-Type"] == "text/css"


@pytest.mark.parametrize(
    "path",
    [
        "../../../config/settings/base.py",
        "..%2F..%2Fsecret",
        "content/../../x",
        "content/index.html%00.png",
        "content/",
    ],
)
def test_nothing_outside_the_package_is_reachable(client, world, path):
    key = world["one"].package.key
    assert client.get(f"/scorm/content/{key}/{path}").status_code == 404


def test_an_unknown_or_malformed_key_is_not_found(client, world):
    assert client.get("/scorm/content/" + "0" * 32 + "/content/index.html").status_code == 404
    assert client.get("/scorm/content/..%2F..%2Fmedia/content/index.html").status_code == 404


def test_first_open_then_resume(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["one"])
    assert (state["entry"], state["seq"], state["version"], state["data"]) == ("ab-initio", 0, "1.2", {})
    assert state["learner_id"] and str(world["learner"].pk) != state["learner_id"]
    data = {
        "cmi.core.lesson_location": "page-2",
        "cmi.suspend_data": "p=2",
        "cmi.core.lesson_status": "incomplete",
    }
    assert commit(client, state, 5, data, total_seconds=30).json()["saved"] is True
    again = open_attempt(client, world["one"])
    assert again["attempt"] == state["attempt"]
    assert (again["entry"], again["seq"], again["data"], again["total_seconds"]) == ("resume", 5, data, 30)


def test_replayed_and_older_commits_change_nothing(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["one"])
    newer = {"cmi.core.lesson_location": "page-3"}
    assert commit(client, state, 10, newer).json()["saved"] is True
    assert commit(client, state, 10, newer).json()["saved"] is False  # replay
    assert commit(client, state, 7, {"cmi.core.lesson_location": "page-1"}).json()["saved"] is False
    attempt = ScormAttempt.objects.get()
    assert (attempt.seq, attempt.data) == (10, newer)


def test_passing_a_scorm_12_package_completes_the_lesson_and_keeps_the_score(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["one"])
    data = {"cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "60"}
    answer = commit(client, state, 1, data).json()
    assert (answer["done"], answer["success"]) == (False, "failed")  # 60 is under the mastery score 80
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()
    data = {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "85", "cmi.core.score.max": "100"}
    answer = commit(client, state, 2, data).json()
    assert (answer["done"], answer["success"], answer["completion"]) == (True, "passed", "completed")
    attempt = ScormAttempt.objects.get()
    assert (attempt.score_raw, attempt.score_scaled, attempt.success_status) == (85, 0.85, "passed")
    assert attempt.completed_at and attempt.passed_at
    progress = ItemProgress.objects.get(learner=world["learner"], item_id=world["one"].pk)
    assert progress.completed_at is not None
    assert Enrolment.objects.get(learner=world["learner"]).status == Enrolment.Status.IN_PROGRESS
    first = progress.completed_at
    commit(client, state, 3, data)  # completing again keeps the first completion
    assert ItemProgress.objects.get(pk=progress.pk).completed_at == first


def test_both_packages_done_complete_the_course(client, world):
    client.force_login(world["learner"])
    one = open_attempt(client, world["one"])
    commit(client, one, 1, {"cmi.core.lesson_status": "passed"})
    two = open_attempt(client, world["two"])
    answer = commit(
        client,
        two,
        1,
        {"cmi.completion_status": "completed", "cmi.score.scaled": "0.9", "cmi.success_status": "passed"},
    ).json()
    assert answer["done"] is True
    assert CourseCompletion.objects.filter(learner=world["learner"], course_id=world["course"].pk).exists()


def test_scorm_2004_scaled_passing_score_decides_success(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["two"])
    data = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.5"}
    answer = commit(client, state, 1, data).json()
    assert (answer["success"], answer["done"]) == ("failed", False)  # under the package's 0.6


def test_another_learners_attempt_is_not_found(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["one"])
    client.force_login(make_user("someone-else"))
    assert commit(client, state, 99, {"cmi.core.lesson_location": "x"}).status_code == 404
    assert ScormAttempt.objects.get().seq == 0


def test_a_learner_not_enrolled_in_a_closed_course_is_refused(client, world):
    closed = make_course("指派课程", slug="closed-course", open_enrolment=False)
    lesson = make_scorm_lesson(closed, "1.2", slug="closed-sco")
    client.force_login(world["learner"])
    response = client.post(f"/scorm/{lesson.pk}/attempt/")
    assert response.status_code == 403
    assert ScormAttempt.objects.count() == 0
    assert "data-scorm" not in client.get(lesson.url).content.decode()


def test_sign_in_is_required(client, world):
    response = client.post(f"/scorm/{world['one'].pk}/attempt/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"data": {}}),
        json.dumps({"seq": -1, "data": {}}),
        json.dumps({"seq": 1, "data": {"cmi.suspend_data": "x" * 5000}}),  # 1.2 allows 4096
        json.dumps({"seq": 1, "data": {"<script>": "x"}}),
        json.dumps({"seq": 1, "data": {"cmi.core.lesson_location": {"nested": 1}}}),
        json.dumps({"seq": 1, "data": [1, 2]}),
        json.dumps({"seq": 1, "data": {}, "total_seconds": "forever"}),
    ],
)
def test_bad_commits_are_refused_and_change_nothing(client, world, body):
    client.force_login(world["learner"])
    state = open_attempt(client, world["one"])
    response = client.post(state["commit_url"], {"state": body})
    assert response.status_code == 400
    assert "error" in response.json()
    assert ScormAttempt.objects.get().seq == 0


def test_a_new_package_starts_a_new_attempt_and_keeps_the_old(client, world):
    from scorm import package as packages
    from scorm.models import ScormPackage
    from scorm.tests.packages import package_upload

    client.force_login(world["learner"])
    first = open_attempt(client, world["one"])
    upload = package_upload("1.2")
    lesson = world["one"]
    lesson.package = ScormPackage.create_from_upload(upload, package=packages.read_package(upload))
    lesson.save_revision().publish()
    second = open_attempt(client, lesson)
    assert second["attempt"] != first["attempt"] and second["entry"] == "ab-initio"
    assert ScormAttempt.objects.filter(learner=world["learner"]).count() == 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0000:01:30", 90),
        ("12:00:00.5", 43200.5),
        ("PT1H2M3S", 3723),
        ("PT0.5S", 0.5),
        ("P1D", 86400),
        ("PT", None),
    ],
)
def test_timespans(value, seconds):
    assert cmi.timespan_seconds(value) == seconds


def test_every_html_page_of_a_package_gets_the_api_script_first(client, world):
    key = world["one"].package.key
    response = client.get(f"/scorm/content/{key}/content/index.html")
    html = response.content.decode()
    script = '<script src="/static/scorm/sco-api.js"></script>'
    assert html.count(script) == 1
    assert response["Cache-Control"] == "private, no-cache"  # the script's address changes with a release
    assert html.index(script) < html.index("<meta charset") < html.index("<script>")  # before the package's
    css = b"".join(client.get(f"/scorm/content/{key}/content/style.css").streaming_content)
    assert b"sco-api.js" not in css


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b'<html><HEAD lang="x"><title>t</title>', b'<html><HEAD lang="x">API<title>t</title>'),
        (b"<!DOCTYPE html><header></header>", b"<!DOCTYPE html>API<header></header>"),  # <header> is no head
        (b"<html lang=zh><body>", b"<html lang=zh>API<body>"),
        # A BOM kept first, GBK bytes left alone:
        (b"\xef\xbb\xbf<p>\xd6\xd0\xce\xc4</p>", b"\xef\xbb\xbfAPI<p>\xd6\xd0\xce\xc4</p>"),
        (b"", b"API"),
    ],
)
def test_the_api_script_goes_in_without_touching_the_page(page, expected):
    from scorm.views import with_runtime

    api = b'<script src="/static/scorm/sco-api.js"></script>'
    assert with_runtime(page) == expected.replace(b"API", api)


# --- The commit's cost: pinned -------------------------------------------------------------------------


@pytest.fixture
def cached_sessions(settings):
    """Sessions as production keeps them (read from the cache; the database only on a miss)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_a_commit_is_one_update_and_writes_no_session(
    client, world, cached_sessions, django_assert_num_queries
):
    client.force_login(world["learner"])
    state = open_attempt(client, world["two"])
    assert commit(client, state, 1, {"cmi.location": "p1"}).json()["saved"] is True  # session and user cached
    with django_assert_num_queries(1) as captured:
        response = commit(client, state, 2, {"cmi.location": "p2", "cmi.suspend_data": "x" * 2000})
    assert response.json()["saved"] is True
    assert captured.captured_queries[0]["sql"].startswith("UPDATE")
    assert "seq" in captured.captured_queries[0]["sql"].split("WHERE")[1]  # guarded by the sequence number
    assert settings_cookie_names(response) == set()  # no session, CSRF or language cookie written
    # A replay is the same single guarded UPDATE, and changes nothing.
    with django_assert_num_queries(1):
        assert commit(client, state, 2, {"cmi.location": "old"}).json()["saved"] is False
    assert ScormAttempt.objects.get().data["cmi.location"] == "p2"


def settings_cookie_names(response) -> set:
    return {name for name, morsel in response.cookies.items() if morsel.value or morsel["expires"]}


def test_the_runtime_url_encoded_body_and_a_multipart_body_are_both_read(client, world):
    from urllib.parse import urlencode

    client.force_login(world["learner"])
    state = open_attempt(client, world["two"])
    body = {"state": json.dumps({"seq": 1, "data": {"cmi.location": "p1"}})}
    urlencoded = client.post(
        state["commit_url"], urlencode(body), content_type="application/x-www-form-urlencoded;charset=UTF-8"
    )
    assert urlencoded.json()["saved"] is True
    body = {"state": json.dumps({"seq": 2, "data": {"cmi.location": "p2"}})}
    assert client.post(state["commit_url"], body).json()["saved"] is True  # multipart (pages from before)
    assert ScormAttempt.objects.get().data == {"cmi.location": "p2"}


def test_an_attempt_finished_on_another_server_is_not_finished_twice(client, world):
    """This server's memo still says "not done" after another server recorded the completion."""
    from uuid import UUID

    from scorm import services

    client.force_login(world["learner"])
    state = open_attempt(client, world["two"])
    key = UUID(state["attempt"])
    assert commit(client, state, 1, {"cmi.location": "p1"}).json()["saved"] is True
    stale = services._memo_get(key)
    assert stale is not None and stale["done"] is False
    done = {"cmi.completion_status": "completed"}
    assert commit(client, state, 2, done).json()["done"] is True  # here: recorded once
    services._memo_put(key, stale)  # as another server still has it
    first_done = ItemProgress.objects.get(learner=world["learner"], item=world["two"])
    assert commit(client, state, 3, dict(done, **{"cmi.location": "p3"})).json()["saved"] is True
    assert ItemProgress.objects.filter(learner=world["learner"], item=world["two"]).count() == 1
    assert ItemProgress.objects.get(pk=first_done.pk).completed_at == first_done.completed_at
    assert ScormAttempt.objects.get().seq == 3
    assert services._memo_get(key) is None  # forgotten: the next commit looks the attempt up again


def test_a_deleted_attempt_is_not_found_once_the_memo_learns_it(client, world):
    client.force_login(world["learner"])
    state = open_attempt(client, world["two"])
    assert commit(client, state, 1, {"cmi.location": "p1"}).json()["saved"] is True
    ScormAttempt.objects.all().delete()  # e.g. the learner's data erased
    from django.core.cache import cache

    cache.clear()
    assert commit(client, state, 2, {"cmi.location": "p2"}).json()["saved"] is False  # nothing to update
    assert commit(client, state, 3, {"cmi.location": "p3"}).status_code == 404
