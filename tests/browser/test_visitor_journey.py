"""A visitor on a phone: home → course → lesson → next lesson → search, with no console errors."""

import re

import pytest
from playwright.sync_api import expect

from demo.loader import load_curriculum

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo_site(transactional_db):
    load_curriculum()


def test_visitor_reads_two_lessons_and_searches(phone, demo_site):
    page = phone.page
    phone.goto("/")
    expect(page.locator("h1")).to_have_text("一线学堂")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    phone.screenshot("1-home")

    page.get_by_role("link", name="查看全部课程").click()
    expect(page).to_have_url(re.compile(r"/courses/$"))
    first_course = page.locator(".card__link").first
    course_title = first_course.inner_text()
    first_course.click()
    expect(page.locator("h1")).to_have_text(course_title)
    phone.screenshot("2-course")

    page.get_by_role("link", name="开始学习").click()
    expect(page.locator(".lesson__position")).to_have_text(re.compile(r"第 1 课，共 \d+ 课"))
    lesson_one = page.locator("h1").inner_text()
    phone.screenshot("3-lesson-1")

    page.locator("a[rel=next]").click()
    expect(page.locator(".lesson__position")).to_have_text(re.compile(r"第 2 课"))
    assert page.locator("h1").inner_text() != lesson_one
    expect(page.locator("a[rel=prev]")).to_contain_text(lesson_one)
    phone.screenshot("4-lesson-2")

    page.get_by_role("link", name="搜索").click()
    page.get_by_label("搜索课程和课时").fill("登记")
    page.get_by_label("搜索课程和课时").press("Enter")
    expect(page.locator(".result").first).to_be_visible()
    expect(page.locator("[role=status]")).to_contain_text("找到")
    phone.screenshot("5-search")

    # Nothing on these pages is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_large_text_and_english_stick_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/courses/")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="大字").click()
    size_after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size_after >= size_before * 1.2
    page.get_by_role("button", name="English").click()
    expect(page.locator("h2, h1").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Courses")
    page.goto(live_server.url + "/search/")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == size_after
    context.close()


def test_touch_targets_and_text_size_meet_the_floor(phone, demo_site):
    phone.goto("/courses/")
    phone.page.locator(".card__link").first.click()
    phone.page.get_by_role("link", name="开始学习").click()
    small = phone.page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, summary')]
            .filter(el => el.offsetParent !== null && !el.closest('.prose, .result__excerpt, .breadcrumb'))
            .map(el => ({el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height}))
            .filter(x => x.h < 44)"""
    )
    assert small == []
    body_px = phone.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= 16
