"""A grid worker practises on a phone: taps the wrong spot, reads the hint, taps through every
screenshot of the demo lesson's guided practice, and the finished practice is recorded."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import PracticeRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LESSON_PATH = "/courses/qr-visitor-registration/guide-visitors/"


@pytest.fixture
def demo_site_with_learner(transactional_db):
    call_command("load_demo", "--with-accounts", verbosity=0)


def sign_in(phone):
    page = phone.page
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码").fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("我的学习")


def tap_at(step, fx: float, fy: float):
    """Tap the step's screenshot at fractions of its width and height."""
    image = step.locator("img")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    image.tap(position={"x": fx * box["width"], "y": fy * box["height"]})


def area_centre(step) -> tuple[float, float]:
    x, y, w, h = (float(step.get_attribute(f"data-{k}")) for k in "xywh")
    return x + w / 2, y + h / 2


def test_learner_misses_reads_the_hint_then_finishes_and_it_is_recorded(phone, demo_site_with_learner):
    page = phone.page
    sign_in(phone)
    phone.goto(LESSON_PATH)
    practice = page.locator("[data-practice]")
    expect(practice).to_have_class("practice practice--active")
    expect(practice.locator("[data-practice-nojs]")).to_be_hidden()
    steps = practice.locator("[data-practice-step]")
    assert steps.count() == 3
    feedback = practice.locator("[data-practice-feedback]")
    expect(steps.nth(0)).to_be_visible()
    expect(steps.nth(1)).to_be_hidden()
    phone.screenshot("1-first-step", full_page=False)

    # A tap far from the target: the hint shows, the step stays.
    tap_at(steps.nth(0), 0.9, 0.95)
    expect(feedback).to_have_text(steps.nth(0).get_attribute("data-hint"))
    expect(steps.nth(0)).to_be_visible()
    phone.screenshot("2-hint")

    right = practice.get_attribute("data-right")
    for n in range(3):
        step = steps.nth(n)
        expect(step).to_be_visible()
        if n < 2:
            tap_at(step, *area_centre(step))
            expect(feedback).to_have_text(right)
            continue
        with page.expect_response(lambda r: r.url.endswith("/practice/complete/")) as done:
            tap_at(step, *area_centre(step))
        assert done.value.status == 201

    expect(feedback).to_have_text(practice.get_attribute("data-done"))
    expect(practice).to_have_class("practice practice--active practice--done")
    phone.screenshot("3-done")
    record = PracticeRecord.objects.get(learner__username="learner")
    assert record.lesson.slug == "guide-visitors"
    assert record.block_id == practice.get_attribute("data-block")
    assert record.misses == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_after_three_misses_show_me_marks_the_spot(phone, demo_site_with_learner):
    page = phone.page
    phone.goto(LESSON_PATH)  # a visitor may practise too; only the record needs signing in
    practice = page.locator("[data-practice]")
    step = practice.locator("[data-practice-step]").first
    show = practice.locator("[data-practice-show]")
    quiet = re.compile(r"practice__show--quiet")
    for n in range(3):
        # Until then the button is there for keyboard users only (it shows when focused).
        expect(show).to_have_class(quiet)
        tap_at(step, 0.95, 0.05 + 0.02 * n)
    expect(show).not_to_have_class(quiet)
    expect(show).to_be_visible()
    assert show.bounding_box()["height"] >= 44
    show.tap()
    target = step.locator(".practice__target")
    expect(target).to_be_visible()
    expect(target).to_be_focused()
    phone.screenshot("show-me")
    # The highlighted box sits where the trainer drew it.
    image_box = step.locator("img").bounding_box()
    target_box = target.bounding_box()
    x, y = area_centre(step)
    assert abs(target_box["x"] + target_box["width"] / 2 - (image_box["x"] + x * image_box["width"])) < 4
    assert abs(target_box["y"] + target_box["height"] / 2 - (image_box["y"] + y * image_box["height"])) < 4
    target.tap()
    expect(practice.locator("[data-practice-step]").nth(1)).to_be_visible()


def test_without_javascript_the_steps_are_a_readable_list(browser, live_server, demo_site_with_learner):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + LESSON_PATH)
    practice = page.locator("[data-practice]")
    expect(practice.locator("[data-practice-nojs]")).to_be_visible()
    steps = practice.locator("[data-practice-step]")
    for n in range(3):
        expect(steps.nth(n)).to_be_visible()
        expect(steps.nth(n).locator(".practice__instruction")).not_to_be_empty()
    expect(practice.locator("[data-practice-show]")).to_be_hidden()
    context.close()
