"""A learner on a phone finishes the last lesson and passes the quiz → the certificate appears in
My certificates → its verification URL, opened in a fresh browser, says it is valid."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from courses.models import CoursePage
from progress import services
from tests.browser.conftest import ARTIFACTS, PHONE, shorten_demo_quiz
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE_URL = "/courses/qr-visitor-registration/"
COURSE_TITLE = "扫码登记：零接触访客登记"


@pytest.fixture
def demo_learner_before_the_last_lesson(transactional_db):
    load_demo("--with-accounts")
    shorten_demo_quiz()
    learner = User.objects.get(mobile="13800000001")
    course = CoursePage.objects.get(slug="qr-visitor-registration")
    lessons = [item for item in course.items().specific() if item.slug != "quiz"]
    for lesson in lessons[:-1]:
        services.item_complete(learner=learner, item=lesson, course=course)
    return lessons[-1]


def sign_in(phone, next_url):
    page = phone.page
    phone.goto("/accounts/login/?next=" + next_url)
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()


def pass_the_quiz(page):
    """The demo quiz's four questions, answered right (as in test_quiz_journey)."""
    page.get_by_role("button", name="开始测验").click()
    page.get_by_label("手机上显示的登记成功页面和时间").check()
    page.get_by_role("button", name="保存，下一题").click()
    page.get_by_label("错误").check()
    page.get_by_role("button", name="保存，下一题").click()
    rows = page.locator(".ordering__row")
    right_order = [
        "说明代登记的用途并征得同意",
        "在小程序里选择“代他人登记”",
        "逐项填写并读给老人确认",
        "提交后告诉老人已登记成功",
    ]
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        text = rows.nth(i).locator("label").inner_text()
        rows.nth(i).locator("select").select_option(str(right_order.index(text) + 1))
    page.get_by_role("button", name="保存，下一题").click()
    picture = page.locator("input[name=tap]")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    # A tap where a finger would land (Playwright's own hit test of an image input inside the
    # positioned .hotspot box sometimes blames the box and retries until the timeout).
    page.mouse.click(box["x"] + box["width"] * 0.17, box["y"] + box["height"] * 0.48)
    expect(page.locator(".hotspot__marker")).to_be_visible()
    page.get_by_role("button", name="保存并检查").click()
    page.get_by_role("button", name="交卷并查看成绩").click()
    expect(page.locator(".result-box__score")).to_have_text("100%")


def test_finish_the_course_get_a_certificate_and_verify_it(
    demo_learner_before_the_last_lesson, browser, phone
):
    page = phone.page
    last_lesson = demo_learner_before_the_last_lesson
    sign_in(phone, last_lesson.url)
    expect(page.locator("h1")).to_have_text(last_lesson.title)
    page.get_by_role("button", name="完成本课").click()  # the quiz follows the last lesson
    expect(page.locator("h1")).to_have_text("结业测验：扫码登记")
    pass_the_quiz(page)
    # The moment: the result says the course is complete, the certificate one (big) tap away.
    moment = page.locator("[data-course-complete]")
    expect(moment).to_be_visible()
    expect(moment).to_contain_text(COURSE_TITLE)
    certificate_button = moment.locator("[data-certificate-link]")
    expect(certificate_button).to_be_visible()
    assert certificate_button.bounding_box()["height"] >= 44
    phone.screenshot("1-quiz-passed-course-complete", full_page=False)
    certificate_url = certificate_button.get_attribute("href")

    page.goto(phone.base_url + "/my/")
    my_certificates = page.locator('a[href="/my/certificates/"]').first
    assert my_certificates.bounding_box()["height"] >= 44  # a button, not a 26 px text link
    my_certificates.click()
    items = page.locator(".cert-list__item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(COURSE_TITLE)
    expect(items.first.locator("[data-state]")).to_have_attribute("data-state", "valid")
    phone.screenshot("2-my-certificates", full_page=False)

    items.first.locator("a").click()
    assert page.url.endswith(certificate_url)  # the moment's button leads to this same certificate
    card = page.locator(".cert")
    expect(card).to_contain_text("张网格")
    expect(card).to_contain_text(COURSE_TITLE)
    expect(card.locator("svg.certificate-qr")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot("3-certificate")

    with page.expect_download() as download_info:
        page.locator("a[download]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{phone.name}-certificate.pdf").write_bytes(pdf)

    verify_url = page.locator("[data-verify-link]").get_attribute("href")
    assert verify_url.startswith(phone.base_url + "/verify/")

    # Someone else scans the QR code: a fresh browser, not signed in.
    stranger = browser.new_context(**PHONE)
    try:
        other = stranger.new_page()
        response = other.goto(verify_url)
        assert response is not None and response.status == 200
        result = other.locator(".verify-result")
        expect(result).to_have_attribute("data-state", "valid")
        expect(result).to_contain_text("张*格")
        expect(result).to_contain_text(COURSE_TITLE)
        assert "张网格" not in other.content()
        assert other.evaluate("document.documentElement.scrollWidth") <= 360
        other.screenshot(path=str(ARTIFACTS / f"{phone.name}-4-verified.png"), full_page=True)
    finally:
        stranger.close()
