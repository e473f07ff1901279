"""The Content-Security-Policy holds on the learner site and in the Wagtail admin: no page breaks
under it, and no page asks another site for anything (issue 12). The browser fixtures fail a test
on any policy violation, console error or request to another site; these tests walk the pages
the other journeys do not reach: the page editor with its preview, the image chooser, the image
uploader, the account screen, and the site as an editor sees it (with Wagtail's user bar)."""

import pytest
from playwright.sync_api import expect

from courses.models import CourseIndexPage, LessonPage
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE = "/courses/qr-visitor-registration/"
LEARNER_PAGES = [
    "/",
    "/courses/",
    COURSE,
    COURSE + "guide-visitors/",  # guided practice: the site's own script
    "/search/?q=登记",
    "/my/",
    "/my/certificates/",
    "/accounts/profile/",
    "/notifications/",
]


@pytest.fixture
def demo(transactional_db):
    load_demo("--with-accounts")
    lesson = LessonPage.objects.live().filter(url_path__contains="/qr-visitor-registration/").first()
    return {"lesson": lesson, "course_index": CourseIndexPage.objects.get()}


def assert_headers(response, *, admin: bool):
    policy = response.headers["content-security-policy"]
    assert ("script-src 'self' 'unsafe-inline'" in policy) is admin, policy
    assert "camera=()" in response.headers["permissions-policy"]


def test_learner_pages_keep_to_the_strict_policy(phone, demo):
    page = phone.page
    phone.goto("/accounts/login/?next=/my/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("我的学习")

    for path in LEARNER_PAGES:
        assert_headers(phone.goto(path), admin=False)
    phone.goto(demo["lesson"].url)  # the lesson's progress bar is sized in a style attribute
    expect(page.locator(".steps-bar span")).to_have_count(1)

    phone.goto(COURSE + "quiz/")
    page.get_by_role("button", name="开始测验").click()  # a question page: its own script and progress bar
    expect(page.locator(".lesson__position")).to_contain_text("第 1 题")
    phone.screenshot("learner-question", full_page=False)


def sign_in_to_admin(desktop):
    page = desktop.page
    desktop.goto("/admin/login/")
    page.get_by_label("用户名").fill("admin")
    page.locator("input[name=password]").fill("demo-admin-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def test_the_admin_works_under_its_policy_and_loads_nothing_from_other_sites(desktop, demo):
    page = desktop.page
    sign_in_to_admin(desktop)
    assert_headers(desktop.goto("/admin/"), admin=True)

    # The page editor, with its preview panel (the lesson as learners see it, in a frame).
    assert_headers(desktop.goto(f"/admin/pages/{demo['lesson'].pk}/edit/"), admin=True)
    page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(demo["lesson"].title)
    desktop.screenshot("editor-preview", full_page=False)
    # Closed again: Wagtail remembers an open panel, and a blank new page fails its content checks.
    page.locator('[data-side-panel-toggle="preview"]').click()

    # The image chooser of a new course's cover image, and its upload tab.
    desktop.goto(f"/admin/pages/add/courses/coursepage/{demo['course_index'].pk}/")
    page.locator('[data-chooser-url*="/images/chooser/"] .chooser__choose-button').first.click()
    modal = page.locator(".modal-content")
    expect(modal.locator("h1")).to_be_visible()
    expect(modal.locator("img").first).to_be_visible()  # the images' thumbnails
    modal.get_by_role("tab", name="上传").click()
    expect(modal.locator("input[type=file]")).to_be_attached()
    desktop.screenshot("image-chooser", full_page=False)
    page.keyboard.press("Escape")

    for path in ("/admin/images/", "/admin/images/multiple/add/", "/admin/users/", "/admin/account/"):
        assert_headers(desktop.goto(path), admin=True)
        assert "gravatar" not in page.content()


def test_an_editor_sees_the_site_with_the_user_bar_under_the_strict_policy(desktop, demo):
    page = desktop.page
    sign_in_to_admin(desktop)
    assert_headers(desktop.goto(demo["lesson"].url), admin=False)
    userbar = page.locator("wagtail-userbar")
    expect(userbar).to_be_attached()
    userbar.locator("[data-wagtail-userbar-trigger]").click()
    expect(userbar.locator("[role=menu]")).to_be_visible()
    desktop.screenshot("site-with-userbar", full_page=False)
