"""A grid worker on a phone: sign in with a mobile number → My learning → Continue →
finish a lesson → the progress bar moves → sign out."""

import re

import pytest
from playwright.sync_api import expect

from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DOCS_SCREENSHOTS = "docs/images"


@pytest.fixture
def demo_site_with_learner(transactional_db):
    load_demo("--with-accounts")


def progress_value(page) -> int:
    return int(page.locator(".continue progress").get_attribute("value"))


def test_learner_continues_and_finishes_a_lesson(phone, demo_site_with_learner):
    page = phone.page
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    phone.screenshot("1-sign-in")
    page.get_by_role("button", name="登录").click()

    expect(page.locator("h1")).to_have_text("我的学习")
    expect(page.get_by_role("heading", name="从上次停下的地方继续")).to_be_visible()
    before = progress_value(page)
    resume_title = page.locator(".continue__item").inner_text()
    phone.screenshot("2-my-learning", full_page=False)

    page.locator(".continue").get_by_role("link", name="继续学习").click()
    expect(page.locator("h1")).to_have_text(resume_title)
    phone.screenshot("3-lesson")
    page.get_by_role("button", name="完成本课").click()
    expect(page.locator("h1")).not_to_have_text(resume_title)  # the next lesson follows
    expect(page.locator(".lesson__position")).to_be_visible()

    page.get_by_role("link", name="我的学习").click()
    expect(page.locator(".continue progress")).to_be_visible()
    assert progress_value(page) > before
    phone.screenshot("4-progress-moved", full_page=False)

    page.get_by_role("link", name="账号").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    page.goto(phone.base_url + "/my/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_then_right_one(phone, demo_site_with_learner):
    page = phone.page
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("not-my-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form__errors")).to_contain_text("不正确")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("我的学习")
