"""A learner on a phone: start a quiz → answer two questions → reload mid-quiz → the answers
are still there → finish → review."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import AttemptAnswer, QuizAttempt
from tests.browser.conftest import shorten_demo_quiz
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUIZ_URL = "/courses/qr-visitor-registration/quiz/"


@pytest.fixture
def demo(transactional_db):
    load_demo("--with-accounts")
    shorten_demo_quiz()


def sign_in(phone):
    page = phone.page
    phone.goto("/accounts/login/?next=" + QUIZ_URL)
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("结业测验：扫码登记")


def wait_saved(page):
    expect(page.locator("[data-save-status]")).to_have_text("已保存")


def wait_ready(page):
    """quiz.js is deferred: an answer given before it listens would never be saved as it is given
    (the test then never saw "已保存"). It marks the form once it is wired."""
    expect(page.locator("form[data-quiz-autosave][data-ready]")).to_be_attached()


def test_quiz_answers_survive_a_reload_and_the_review_explains(phone, demo):
    page = phone.page
    sign_in(phone)
    phone.screenshot("1-quiz-page")
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator(".lesson__position")).to_contain_text("第 1 题，共 4 题")
    wait_ready(page)

    page.get_by_label("手机上显示的登记成功页面和时间").check()
    wait_saved(page)  # saved as it was given, before any button
    page.get_by_role("button", name="保存，下一题").click()
    expect(page.locator(".lesson__position")).to_contain_text("第 2 题")
    wait_ready(page)
    page.get_by_label("错误").check()
    wait_saved(page)
    phone.screenshot("2-question")

    page.reload()  # a dropped connection or a closed tab loses nothing
    expect(page.get_by_label("错误")).to_be_checked()
    page.get_by_role("button", name="上一题").click()
    expect(page.get_by_label("手机上显示的登记成功页面和时间")).to_be_checked()
    attempt = QuizAttempt.objects.get(learner__username="learner")  # the demo staff have attempts too
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2

    page.get_by_role("button", name="保存，下一题").click()
    page.get_by_role("button", name="保存，下一题").click()
    expect(page.locator(".lesson__position")).to_contain_text("第 3 题")
    wait_ready(page)
    # ordering: give each step its right place
    rows = page.locator(".ordering__row")
    right_order = [
        "说明代登记的用途并征得同意",
        "在小程序里选择“代他人登记”",
        "逐项填写并读给老人确认",
        "提交后告诉老人已登记成功",
    ]
    for i in range(rows.count()):
        text = rows.nth(i).locator("label").inner_text()
        rows.nth(i).locator("select").select_option(str(right_order.index(text) + 1))
    wait_saved(page)
    page.get_by_role("button", name="保存，下一题").click()

    # tap-the-spot: tap the visitor-registration icon on the screenshot
    expect(page.locator(".lesson__position")).to_contain_text("第 4 题")
    wait_ready(page)
    picture = page.locator("input[name=tap]")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    # A tap where a finger would land (Playwright's own hit test of an image input inside the
    # positioned .hotspot box sometimes blames the box and retries until the timeout).
    page.mouse.click(box["x"] + box["width"] * 0.17, box["y"] + box["height"] * 0.48)
    wait_saved(page)
    expect(page.locator(".hotspot__marker")).to_be_visible()
    phone.screenshot("3-hotspot")
    page.get_by_role("button", name="保存并检查").click()

    expect(page.locator("h1")).to_have_text("准备交卷了吗？")
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator(".result-box__score")).to_have_text("100%")
    expect(page.locator(".review")).to_contain_text("登记成功页面上的时间")
    phone.screenshot("4-result")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.passed
    assert re.search(r"/quizzes/attempts/", page.url)


def test_a_missed_tap_is_shown_in_the_review_and_try_again_starts_at_once(phone, demo):
    page = phone.page
    sign_in(phone)
    page.get_by_role("button", name="开始测验").click()
    attempt = QuizAttempt.objects.get(learner__username="learner", state="in_progress")
    phone.goto(f"/quizzes/attempts/{attempt.uuid}/4/")
    picture = page.locator("input[name=tap]")
    expect(picture).to_be_visible()
    wait_ready(page)
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.95)  # far from the icon
    wait_saved(page)
    phone.goto(f"/quizzes/attempts/{attempt.uuid}/submit/")
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator(".result-box__verdict")).to_contain_text("还没及格")

    # The review shows the screenshot, where the learner tapped and the right area.
    review = page.locator(".hotspot--review")
    review.scroll_into_view_if_needed()
    expect(review.locator(".hotspot__image--review")).to_be_visible()
    expect(review.locator(".hotspot__marker--review")).to_be_visible()
    expect(review.locator(".hotspot__area").first).to_be_visible()
    area = review.locator(".hotspot__area").first.bounding_box()
    marker = review.locator(".hotspot__marker--review").bounding_box()
    assert marker["x"] > area["x"] + area["width"]  # the tap is shown away from the right area
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot("5-review-hotspot")

    # One tap on 再做一次 opens the first question of a new attempt (no second button on the quiz page).
    page.get_by_role("button", name="再做一次").click()
    expect(page.locator(".lesson__position")).to_contain_text("第 1 题，共 4 题")
    assert QuizAttempt.objects.filter(learner__username="learner", quiz_id=attempt.quiz_id).count() == 2
