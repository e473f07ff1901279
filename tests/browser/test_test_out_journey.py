"""A learner on a phone who already knows the tool: takes the course's test-out, passes, and finds the
lessons it covers marked skipped on the course page."""

import pytest
from playwright.sync_api import expect

from progress.models import ItemProgress
from quizzes.models import QuizAttempt
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"


@pytest.fixture
def course(transactional_db):
    course = make_course("扫码登记入门", slug="qr-basics")
    lessons = [make_lesson(course, title) for title in ("打开小程序", "登记访客", "查看记录")]
    make_quiz(
        course,
        [make_question("访客扫码后看到什么？")],
        title="先测一测：扫码登记",
        slug="pre-test",
        required=False,
        attempts_allowed=1,
        test_out_covers=lessons[:2],
    )
    make_user("learner", password=PASSWORD)
    return course


def test_a_learner_tests_out_and_sees_the_lessons_skipped(phone, course):
    page = phone.page
    phone.goto("/accounts/login/?next=" + course.url)
    page.get_by_label("用户名或手机号").fill("learner")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("扫码登记入门")

    offer = page.locator("section.test-out")
    expect(offer).to_be_visible()
    expect(offer.locator("li")).to_have_text(["打开小程序", "登记访客"])
    phone.screenshot("1-course-offer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    offer.locator("a").click()
    expect(page.locator("h1")).to_have_text("先测一测：扫码登记")
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("form[data-quiz-autosave][data-ready]")).to_be_attached()  # quiz.js listens
    page.get_by_label("登记成功页面").check()
    expect(page.locator("[data-save-status]")).to_have_text("已保存")
    page.get_by_role("button", name="保存并检查").click()
    expect(page.locator("h1")).to_have_text("准备交卷了吗？")
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator(".result-box__score")).to_have_text("100%")
    attempt = QuizAttempt.objects.get(learner__username="learner")
    assert attempt.passed

    phone.goto(course.url)
    expect(page.locator("section.test-out")).to_have_count(0)  # passed: no longer offered
    skipped = page.locator(".outline__item .status--tested-out")
    expect(skipped).to_have_count(2)
    expect(
        page.locator(".outline__item", has=page.locator(".status--tested-out")).locator(".outline__title")
    ).to_have_text(["打开小程序", "登记访客"])
    phone.screenshot("2-lessons-skipped")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert set(
        ItemProgress.objects.filter(tested_out_attempt=attempt.pk).values_list("item__title", flat=True)
    ) == {"打开小程序", "登记访客"}
