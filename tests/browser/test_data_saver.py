"""A learner whose phone asks to save data (`Save-Data: on`) opens a lesson: no picture is downloaded
until she taps its placeholder, and then that picture appears."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, _recorded_page
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LESSON_PATH = "/courses/qr-visitor-registration/guide-visitors/"


@pytest.fixture
def demo_site(transactional_db):
    load_demo()


@pytest.fixture
def saving_phone(demo_site, browser, live_server, request):
    options = {**PHONE, "extra_http_headers": {"Save-Data": "on"}}
    yield from _recorded_page(browser, live_server, request, options)


def test_pictures_load_only_when_tapped(saving_phone):
    phone = saving_phone
    page = phone.page
    media: list[str] = []
    page.on("request", lambda req: "/media/" in req.url and media.append(req.url))

    phone.goto(LESSON_PATH)
    page.wait_for_load_state("networkidle")
    placeholders = page.locator("[data-saver-link]")
    assert placeholders.count() > 0
    page.mouse.wheel(0, 20_000)  # lazy loading would have fetched pictures on the way down
    page.wait_for_timeout(300)
    assert media == [], f"pictures fetched before any tap: {media}"
    assert page.locator("main img").count() == 0
    page.mouse.wheel(0, -20_000)
    phone.screenshot("1-placeholders", full_page=False)

    first = page.locator(".lesson__body [data-saver]").first
    link = first.locator("[data-saver-link]")
    href = link.get_attribute("href")
    expect(link).to_contain_text("KB")
    with page.expect_response(lambda response: "/media/" in response.url) as fetched:
        link.tap()
    assert fetched.value.ok
    image = page.locator(".lesson__body img").first
    expect(image).to_be_visible()
    expect(image).to_be_focused()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert href.endswith(".webp")
    phone.screenshot("2-tapped", full_page=False)


def test_starting_the_practice_loads_its_screenshots_and_the_practice_works(saving_phone):
    """Decision: a guided practice is one exercise, so tapping one of its screenshots loads them all."""
    phone = saving_phone
    page = phone.page
    phone.goto(LESSON_PATH)
    practice = page.locator("[data-practice]")
    expect(practice).to_have_class("practice practice--active")
    steps = practice.locator("[data-practice-step]")
    assert practice.locator("img").count() == 0
    feedback = practice.locator("[data-practice-feedback]")
    placeholder = steps.nth(0).locator("[data-saver-link]")
    placeholder.scroll_into_view_if_needed()
    placeholder.tap()
    expect(steps.nth(0).locator("img")).to_be_visible()
    assert practice.locator("img").count() == steps.count()
    expect(feedback).to_have_text("")  # the tap that loaded the screenshot was not a practice tap
    image = steps.nth(0).locator("img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    box = image.bounding_box()
    image.tap(position={"x": 0.9 * box["width"], "y": 0.95 * box["height"]})
    expect(feedback).to_have_text(steps.nth(0).get_attribute("data-hint"))
    phone.screenshot("3-practice")
