"""A grid worker practises on a phone: taps the wrong spot, reads the hint, taps through every
screenshot of the demo lesson's guided practice, and the finished practice is recorded."""

import pytest
from playwright.sync_api import expect

from quizzes.models import PracticeRecord
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LESSON_PATH = "/courses/qr-visitor-registration/guide-visitors/"


@pytest.fixture
def demo_site_with_learner(transactional_db):
    load_demo("--with-accounts")


def sign_in(phone):
    page = phone.page
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
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


def in_view(page, locator) -> bool:
    """The element's box lies within the 740 px high window."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def target_shown(step) -> bool:
    """Anything over the screenshot that marks the spot: the target button, or any outline,
    shadow or border drawn on the picture or its frame."""
    return step.evaluate(
        """(step) => {
          const shot = step.querySelector("[data-practice-shot]");
          const target = shot.querySelector(".practice__target");
          if (target) {
            const box = target.getBoundingClientRect();
            const style = getComputedStyle(target);
            const drawn = box.width > 0 && box.height > 0 && style.visibility !== "hidden";
            if (drawn && style.opacity !== "0") return true;
          }
          return [shot, ...shot.querySelectorAll("*")].some((el) => {
            const style = getComputedStyle(el);
            return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
              || style.boxShadow !== "none";
          });
        }"""
    )


def test_feedback_and_show_me_stay_by_the_screenshot_and_the_spot_stays_hidden(phone, demo_site_with_learner):
    page = phone.page
    phone.goto(LESSON_PATH)  # a visitor may practise too; only the record needs signing in
    practice = page.locator("[data-practice]")
    step = practice.locator("[data-practice-step]").first
    feedback = practice.locator("[data-practice-feedback]")
    show = practice.locator("[data-practice-show]")
    image = step.locator("img")
    image.scroll_into_view_if_needed()
    page.wait_for_load_state("load")
    # The screenshot is lazy: once it (and anything above it) has its size, bring it into view again.
    image.evaluate(
        "(img) => img.complete && img.naturalWidth > 0"
        " || new Promise((ok) => img.addEventListener('load', ok, {once: true}))"
    )
    page.evaluate("() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))")
    image.scroll_into_view_if_needed()

    # After load: the feedback bar and "show me" are on screen with the picture; no spot marked.
    assert in_view(page, image)
    assert in_view(page, feedback) and in_view(page, show)
    assert show.bounding_box()["height"] >= 44
    assert not target_shown(step)
    phone.screenshot("practice-loaded", full_page=False)

    # A wrong tap: the hint shows right there, still without giving the spot away.
    tap_at(step, 0.95, 0.05)
    expect(feedback).to_have_text(step.get_attribute("data-hint"))
    assert in_view(page, feedback) and in_view(page, show) and in_view(page, image)
    assert not target_shown(step)
    phone.screenshot("practice-hint", full_page=False)

    # "Show me": now (and only now) the box marks the spot, where the trainer drew it.
    show.tap()
    target = step.locator(".practice__target")
    expect(target).to_be_visible()
    expect(target).to_be_focused()
    assert target_shown(step)
    assert in_view(page, feedback)
    phone.screenshot("show-me", full_page=False)
    image_box = image.bounding_box()
    target_box = target.bounding_box()
    x, y = area_centre(step)
    assert abs(target_box["x"] + target_box["width"] / 2 - (image_box["x"] + x * image_box["width"])) < 4
    assert abs(target_box["y"] + target_box["height"] / 2 - (image_box["y"] + y * image_box["height"])) < 4
    target.tap()
    next_step = practice.locator("[data-practice-step]").nth(1)
    expect(next_step).to_be_visible()
    # The next screenshot starts unmarked again; a right tap on it goes on without showing it.
    assert not target_shown(next_step)
    tap_at(next_step, *area_centre(next_step))
    expect(feedback).to_have_text(practice.get_attribute("data-right"))
    assert in_view(page, feedback)


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
