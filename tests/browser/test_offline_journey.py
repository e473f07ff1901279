"""No signal on a phone: two lessons finished offline are kept (待同步) and sent once, at the time they were
done, when the connection comes back — whatever the number of reconnects, reloads or tabs; quiz answers
given offline are kept on the phone and sent when back, and handing in offline says it needs the network."""

import json
import time
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage
from progress.models import ItemProgress, OfflineCompletion
from quizzes.models import AttemptAnswer, QuizAttempt
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STORE = "frontline.offline.completions"
PENDING = "待同步：已记在手机上，联网后自动发送。"
QUIZ_URL = "/courses/qr-visitor-registration/quiz/"


@pytest.fixture
def demo(transactional_db):
    load_demo("--with-accounts")


def sign_in(phone, next_url="/my/"):
    page = phone.page
    phone.goto("/accounts/login/?next=" + next_url)
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def learner():
    return get_user_model().objects.get(username="learner")


def two_unfinished_lessons():
    course = CoursePage.objects.live().get(slug="qr-visitor-registration")
    done = set(
        ItemProgress.objects.filter(learner=learner(), completed_at__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    lessons = [lesson for lesson in LessonPage.objects.live().child_of(course) if lesson.pk not in done]
    assert len(lessons) >= 2, "the demo learner should have two lessons left in the course"
    return lessons[:2]


def open_ready(page, url):
    page.goto(url)
    expect(page.locator("form[data-offline-complete][data-ready]")).to_be_attached()


def kept(page) -> list[dict]:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE}') || '[]'"))


def wait_sent(page, timeout=15.0):
    """Until nothing is kept on the phone (polled: wait_for_function would need eval, which the CSP
    forbids)."""
    deadline = time.monotonic() + timeout
    while page.evaluate(f"localStorage.getItem('{STORE}')") is not None:
        assert time.monotonic() < deadline, f"still kept on the phone: {kept(page)}"
        page.wait_for_timeout(100)


def completed(lessons):
    return ItemProgress.objects.filter(
        learner=learner(), item_id__in=[lesson.pk for lesson in lessons], completed_at__isnull=False
    )


def forgive_offline_loads(phone):
    """Loads that failed for want of a network (a picture further down the lesson, scrolled into view
    with no signal; the request lost on purpose) are this test's conditions, not defects."""
    phone.errors[:] = [error for error in phone.errors if "ERR_INTERNET_DISCONNECTED" not in error]


def finish_offline(page, lesson):
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator("[data-offline-note]")).to_have_text(PENDING)
    expect(page.locator(f".outline__item[data-item='{lesson.pk}'] [data-offline-mark]")).to_have_text(
        "待同步"
    )


def test_two_lessons_finished_offline_in_two_tabs_are_recorded_once_at_their_times(phone, demo):
    page = phone.page
    sign_in(phone)
    first, second = two_unfinished_lessons()
    context = page.context
    other = context.new_page()  # a second tab
    mine = context.new_page()  # My learning, open in a third tab
    open_ready(page, phone.base_url + first.url)
    open_ready(other, phone.base_url + second.url)
    mine.goto(phone.base_url + "/my/")
    expect(mine.locator("html[data-offline-ready]")).to_be_attached()

    context.set_offline(True)
    finish_offline(page, first)
    phone.screenshot("1-waiting-to-sync")
    finish_offline(other, second)
    expect(mine.locator("[data-offline-pending]")).to_have_text("2 课待同步")
    entries = kept(page)
    assert [entry["item"] for entry in entries] == [first.pk, second.pk]
    assert not completed([first, second]).exists()

    context.set_offline(False)  # every tab hears `online`; one of them sends
    wait_sent(page)
    expect(page.locator("[data-offline-note]")).to_have_text("✓ 已同步：本课已记为完成。")
    expect(mine.locator("[data-offline-pending]")).to_be_hidden()
    rows = {row.item_id: row.completed_at for row in completed([first, second])}
    assert rows == {entry["item"]: datetime.fromisoformat(entry["completed_at"]) for entry in entries}
    assert OfflineCompletion.objects.filter(learner=learner()).count() == 2

    # A retry storm: the same two entries again (as if the answer had been lost), many `online`
    # events in every tab and reloads at the same time. Still two completions, each taken once.
    for tab in (page, other, mine):
        tab.evaluate(f"localStorage.setItem('{STORE}', {json.dumps(json.dumps(entries))})")
    for _ in range(10):
        for tab in (page, other, mine):
            tab.evaluate("window.dispatchEvent(new Event('online'))")
    other.reload()
    mine.reload()
    wait_sent(page)
    assert OfflineCompletion.objects.filter(learner=learner()).count() == 2
    assert completed([first, second]).count() == 2
    assert {row.item_id: row.completed_at for row in completed([first, second])} == rows
    other.close()
    mine.close()
    forgive_offline_loads(phone)


def test_online_the_button_works_as_before_and_a_lost_post_is_kept(phone, demo):
    page = phone.page
    sign_in(phone)
    first, second = two_unfinished_lessons()
    open_ready(page, phone.base_url + first.url)
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator("h1")).to_have_text(second.title)  # straight on to the next lesson
    assert completed([first]).count() == 1

    # Online as far as the phone knows, but the request is lost on the way: kept, not lost.
    expect(page.locator("form[data-offline-complete][data-ready]")).to_be_attached()
    page.route("**/complete/", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator("[data-offline-note]")).to_have_text(PENDING)
    assert not completed([second]).exists()
    page.unroute("**/complete/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_sent(page)
    assert completed([second]).count() == 1
    forgive_offline_loads(phone)


def wait_quiz_ready(page):
    expect(page.locator("form[data-quiz-autosave][data-ready]")).to_be_attached()


def test_quiz_answers_given_offline_are_kept_and_sent_and_hand_in_needs_the_network(phone, demo):
    page = phone.page
    sign_in(phone, QUIZ_URL)
    page.get_by_role("button", name="开始测验").click()
    wait_quiz_ready(page)
    attempt = QuizAttempt.objects.filter(learner=learner(), state=QuizAttempt.State.IN_PROGRESS).get()

    page.context.set_offline(True)
    page.get_by_label("手机上显示的登记成功页面和时间").check()
    status = page.locator("[data-save-status]")
    expect(status).to_have_text("已保存在手机上，联网后自动发送")
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()
    page.get_by_role("button", name="保存，下一题").click()
    expect(status).to_have_text("提交需要网络，请连上网络后再提交。答案已保存在手机上。")
    expect(page.locator(".lesson__position")).to_contain_text("第 1 题")  # still here, nothing lost
    expect(page.get_by_label("手机上显示的登记成功页面和时间")).to_be_checked()
    phone.screenshot("quiz-kept-offline")

    page.context.set_offline(False)
    expect(status).to_have_text("已保存")
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 1
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('frontline.quiz.')).length") == 0

    # Handing in with no signal: it says so, and the attempt stays open.
    page.goto(f"{phone.base_url}/quizzes/attempts/{attempt.uuid}/submit/")
    expect(page.locator("form[data-offline-submit][data-ready]")).to_be_attached()
    page.context.set_offline(True)
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator("[data-offline-submit-status]")).to_have_text(
        "提交需要网络，请连上网络后再提交。答案已保存在手机上。"
    )
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.IN_PROGRESS
    page.context.set_offline(False)
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator(".result-box__score")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.state == "submitted"
