"""Lessons finished with no signal, sent later by the phone (js/offline.js → progress:offline_completions):
each key once, the actual time recorded, bad times and other people's courses refused."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import CourseCompletion, Enrolment, ItemProgress, OfflineCompletion
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db

URL = "/my/offline/completions/"
CST = timezone.get_fixed_timezone(8 * 60)  # a phone in China: local time, +08:00


@pytest.fixture
def course():
    course = make_course("扫码登记入门")
    for i in range(2):
        make_lesson(course, f"第 {i + 1} 课")
    return course


def lessons_of(course):
    return list(course.items().specific())


@pytest.fixture
def learner(client):
    user = make_user("offline-learner", name="王网格")
    client.force_login(user)
    return user


def joined(learner, course, *, days_ago=3):
    """The learner joined the course some days ago (the offline work happened since)."""
    enrolment = services.enrolment_join(learner=learner, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=timezone.now() - timedelta(days=days_ago))
    return enrolment


def entry(item, at, key=None):
    return {"key": str(key or uuid.uuid4()), "item": item.pk, "completed_at": at.isoformat()}


def send(client, entries, **headers):
    return client.post(URL, data=json.dumps(entries), content_type="application/json", **headers)


def test_url_is_where_the_script_sends():
    assert reverse("progress:offline_completions") == URL


def test_two_lessons_finished_offline_are_recorded_at_their_own_times(client, learner, course):
    joined(learner, course)
    first, second = lessons_of(course)
    at_first = (timezone.now() - timedelta(hours=2)).astimezone(CST).replace(microsecond=0)
    at_second = at_first + timedelta(minutes=7)
    response = send(client, [entry(first, at_first), entry(second, at_second)])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["recorded", "recorded"]
    assert all(r["accepted"] for r in results)
    assert results[0]["message"] == "已按你完成的时间记录。"
    assert ItemProgress.objects.get(item_id=first.pk).completed_at == at_first
    assert ItemProgress.objects.get(item_id=second.pk).completed_at == at_second
    completion = CourseCompletion.objects.get(learner=learner)
    assert completion.completed_at == at_second  # when the last lesson was done, not when it was sent
    enrolment = Enrolment.objects.get(learner=learner)
    assert enrolment.status == "completed" and enrolment.completed_at == at_second


def test_each_key_is_taken_once_and_a_repeat_gets_the_first_answer(client, learner, course):
    joined(learner, course)
    first, _second = lessons_of(course)
    key = uuid.uuid4()
    at = timezone.now() - timedelta(hours=1)
    one = send(client, [entry(first, at, key)]).json()["results"]
    # The same key again, even with another time: nothing changes, the first outcome comes back.
    again = send(client, [entry(first, at - timedelta(minutes=30), key)]).json()["results"]
    assert one == again and one[0]["outcome"] == "recorded"
    assert OfflineCompletion.objects.count() == 1
    assert ItemProgress.objects.get(item_id=first.pk).completed_at == at


def test_a_refusal_is_answered_the_same_way_on_a_repeat(client, learner, course):
    joined(learner, course)
    first, _ = lessons_of(course)
    key = uuid.uuid4()
    future = timezone.now() + timedelta(hours=3)
    one = send(client, [entry(first, future, key)]).json()["results"]
    again = send(client, [entry(first, future, key)]).json()["results"]
    assert one == again and one[0]["outcome"] == "future" and not one[0]["accepted"]
    assert "手机" in one[0]["message"]
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()


def test_a_lesson_finished_twice_offline_counts_once(client, learner, course):
    joined(learner, course)
    first, _ = lessons_of(course)
    at = timezone.now() - timedelta(hours=1)
    results = send(client, [entry(first, at), entry(first, at + timedelta(minutes=5))]).json()["results"]
    assert [r["outcome"] for r in results] == ["recorded", "already_done"]
    assert all(r["accepted"] for r in results)
    assert ItemProgress.objects.get(item_id=first.pk).completed_at == at


def test_an_earlier_completion_is_never_moved(client, learner, course):
    joined(learner, course)
    first, _ = lessons_of(course)
    services.item_complete(learner=learner, item=first, course=course, at=timezone.now() - timedelta(hours=5))
    online = ItemProgress.objects.get(item_id=first.pk).completed_at
    send(client, [entry(first, timezone.now() - timedelta(hours=1))])
    assert ItemProgress.objects.get(item_id=first.pk).completed_at == online


def test_future_time_refused_but_a_little_clock_skew_counts_as_now(client, learner, course):
    joined(learner, course)
    first, second = lessons_of(course)
    ahead = timezone.now() + services.OFFLINE_CLOCK_SKEW - timedelta(minutes=1)
    too_far = timezone.now() + services.OFFLINE_CLOCK_SKEW + timedelta(minutes=2)
    before = timezone.now()
    results = send(client, [entry(first, ahead), entry(second, too_far)]).json()["results"]
    assert [r["outcome"] for r in results] == ["recorded", "future"]
    recorded = ItemProgress.objects.get(item_id=first.pk).completed_at
    assert before <= recorded <= timezone.now()  # never in the future
    assert not ItemProgress.objects.filter(item_id=second.pk, completed_at__isnull=False).exists()


def test_time_before_enrolment_refused(client, learner, course):
    joined(learner, course, days_ago=1)
    first, _ = lessons_of(course)
    results = send(client, [entry(first, timezone.now() - timedelta(days=2))]).json()["results"]
    assert results[0]["outcome"] == "before_enrolment"
    assert results[0]["message"].startswith("未记录")
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()


def test_not_joined_open_course_is_joined_from_the_time_it_was_done(client, learner, course):
    first, _ = lessons_of(course)
    type(learner).objects.filter(pk=learner.pk).update(date_joined=timezone.now() - timedelta(days=10))
    at = timezone.now() - timedelta(days=1)
    results = send(client, [entry(first, at)]).json()["results"]
    assert results[0]["outcome"] == "recorded"
    enrolment = Enrolment.objects.get(learner=learner)
    assert enrolment.enrolled_at == at and enrolment.status == "in_progress"
    # Before the account existed: refused.
    second = lessons_of(course)[1]
    results = send(client, [entry(second, timezone.now() - timedelta(days=20))]).json()["results"]
    assert results[0]["outcome"] == "before_enrolment"


def test_course_not_open_to_the_learner_refused_and_nothing_written(client, learner):
    closed = make_course("指派课程", open_enrolment=False)
    lesson = make_lesson(closed, "唯一一课")
    type(learner).objects.filter(pk=learner.pk).update(date_joined=timezone.now() - timedelta(days=10))
    results = send(client, [entry(lesson, timezone.now() - timedelta(hours=1))]).json()["results"]
    assert results[0]["outcome"] == "not_open" and not results[0]["accepted"]
    assert "培训管理员" in results[0]["message"]
    assert not Enrolment.objects.exists() and not ItemProgress.objects.exists()
    assert OfflineCompletion.objects.get().outcome == "not_open"


def test_quiz_unpublished_and_unknown_items_are_not_lessons(client, learner, course):
    joined(learner, course)
    from tests.factories import make_question, make_quiz

    quiz = make_quiz(course, [make_question("题")])
    draft = make_lesson(course, "草稿", live=False)
    other_course_draft = make_course("未发布课程", live=False)
    at = timezone.now() - timedelta(hours=1)
    entries = [entry(quiz, at), entry(draft, at), {**entry(draft, at), "item": 999_999}]
    entries.append({**entry(draft, at), "item": other_course_draft.pk})
    results = send(client, entries).json()["results"]
    assert [r["outcome"] for r in results] == ["not_a_lesson"] * 4
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()


def test_other_learners_keys_are_their_own(client, learner, course):
    """The same key from two people is two completions: a key is only unique per learner."""
    joined(learner, course)
    other = make_user("other-learner")
    joined(other, course)
    first, _ = lessons_of(course)
    key = uuid.uuid4()
    at = timezone.now() - timedelta(hours=1)
    send(client, [entry(first, at, key)])
    client.force_login(other)
    assert send(client, [entry(first, at, key)]).json()["results"][0]["outcome"] == "recorded"
    assert ItemProgress.objects.filter(item_id=first.pk, completed_at=at).count() == 2


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"{}", b"[]", json.dumps([{"key": "x"}] * 201).encode()],
)
def test_unreadable_requests_get_a_clear_error(client, learner, body):
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]
    assert not OfflineCompletion.objects.exists()


def test_unreadable_entries_are_answered_one_by_one(client, learner, course):
    joined(learner, course)
    first, _ = lessons_of(course)
    at = timezone.now() - timedelta(hours=1)
    good = entry(first, at)
    entries = [
        "text",
        {"key": "not-a-uuid", "item": first.pk, "completed_at": at.isoformat()},
        {**entry(first, at), "completed_at": at.replace(tzinfo=None).isoformat()},  # no offset
        {**entry(first, at), "completed_at": "yesterday"},
        {**entry(first, at), "item": True},
        {**entry(first, at), "item": 2**40},
        good,
    ]
    results = send(client, entries).json()["results"]
    assert [r["outcome"] for r in results] == ["invalid"] * 6 + ["recorded"]
    assert results[1]["key"] == "not-a-uuid"
    assert results[0]["message"] == "未记录：这一条无法读取。"
    assert OfflineCompletion.objects.count() == 1


def test_signed_out_and_get_are_refused(client, course):
    first, _ = lessons_of(course)
    response = send(client, [entry(first, timezone.now())])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not OfflineCompletion.objects.exists()
    make_user("someone")
    client.force_login(make_user("someone-else"))
    assert client.get(URL).status_code == 405


def test_csrf_is_required_and_the_token_endpoint_gives_one(learner, course):
    from django.test import Client

    joined(learner, course)
    first, _ = lessons_of(course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    body = [entry(first, timezone.now() - timedelta(minutes=10))]
    assert send(client, body).status_code == 403
    response = client.get(reverse("progress:offline_token"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = response.json()["csrf_token"]
    accepted = send(client, body, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and accepted.json()["results"][0]["outcome"] == "recorded"
    assert "no-store" in accepted["Cache-Control"]


def test_english_messages_for_an_english_learner(client, learner, course):
    joined(learner, course)
    first, _ = lessons_of(course)
    client.cookies["django_language"] = "en"
    results = send(client, [entry(first, timezone.now() + timedelta(days=1))]).json()["results"]
    assert results[0]["message"].startswith("Not recorded: the time on your phone is later than now")


def test_finish_button_answers_json_for_the_script(client, learner, course):
    first, second = lessons_of(course)
    url = reverse("progress:item_complete", args=[first.pk])
    response = client.post(url, HTTP_ACCEPT="application/json")
    assert response.json() == {"next": second.url}
    response = client.post(reverse("progress:item_complete", args=[second.pk]))
    assert response.status_code == 302  # without the script: a redirect, as always


def test_item_complete_at_a_given_time_and_the_default_is_now(course):
    learner = make_user()
    first, second = lessons_of(course)
    at = datetime(2026, 3, 3, 0, 15, tzinfo=UTC)
    services.enrolment_join(learner=learner, course=course)
    Enrolment.objects.update(enrolled_at=at - timedelta(days=1))
    services.item_complete(learner=learner, item=first, course=course, at=at)
    before = timezone.now()
    completion = services.item_complete(learner=learner, item=second, course=course)
    assert ItemProgress.objects.get(item_id=first.pk).completed_at == at
    assert completion.completed_at >= before
    # A time in the future counts as now.
    third = make_lesson(course, "第 3 课", required=False)
    services.item_complete(learner=learner, item=third, course=course, at=timezone.now() + timedelta(days=1))
    assert ItemProgress.objects.get(item_id=third.pk).completed_at <= timezone.now()
