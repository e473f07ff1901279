"""The installable web app on a phone: 「保存到手机」 keeps a course, which reads as online with no signal;
My learning shows it; a trainer's change is picked up when the phone is online again; 「删除已保存」 frees
it; signing out forgets it. And Chrome judges the site installable."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage
from progress.models import ItemProgress
from tests.demo_snapshot import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE_PATH = "/courses/qr-visitor-registration/"
INDEX = "() => caches.match('/__saved__/index.json').then((r) => (r ? r.json() : {}))"


@pytest.fixture
def demo_site_with_learner(transactional_db):
    load_demo("--with-accounts")


def wait_for_worker(page) -> None:
    """Until the service worker controls the page: it installs on the first page; should that install
    not finish (a precache request failing on a loaded machine), the next page tries again."""
    for _attempt in range(3):
        try:
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
            return
        except Exception:
            page.reload()
    raise AssertionError("no service worker controls the page")


def sign_in(phone):
    page = phone.page
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill("13800000001")
    page.get_by_label("密码", exact=True).fill("demo-learner-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("我的学习")
    wait_for_worker(page)


def save_course(page) -> None:
    panel = page.locator("[data-offline-save]")
    expect(panel).to_be_visible()
    panel.locator("[data-offline-start]").tap()
    expect(panel.locator("[data-offline-status]")).to_contain_text(re.compile(r"\d+(\.\d)? (MB|KB)"))
    panel.locator("[data-offline-confirm]").tap()
    expect(panel.locator("[data-offline-delete]")).to_be_visible(timeout=60_000)
    expect(panel.locator("[data-offline-status]")).to_contain_text(re.compile(r"· \d+(\.\d)? (MB|KB)"))


def pictures_shown(page) -> None:
    images = page.locator(".lesson__body img:visible")
    assert images.count() > 0
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
        )


def test_a_saved_course_reads_offline_refreshes_and_is_deleted(phone, demo_site_with_learner):
    page = phone.page
    sign_in(phone)
    course = CoursePage.objects.get(url_path__endswith="/qr-visitor-registration/")
    lessons = list(course.get_children().live().order_by("path").specific())
    done = set(
        ItemProgress.objects.filter(learner__username="learner", completed_at__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    lesson = next(item for item in lessons if isinstance(item, LessonPage) and item.pk not in done)
    lesson_path = lesson.url

    phone.goto(COURSE_PATH)
    save_course(page)
    phone.screenshot("1-saved", full_page=False)
    online_lesson = phone.goto(lesson_path) and page.locator(".lesson__body").inner_text()
    version = page.evaluate(INDEX)[str(course.pk)]["version"]

    page.context.set_offline(True)
    phone.goto("/my/")
    expect(page.locator(f'[data-offline-course="{course.pk}"] [data-offline-saved]').first).to_be_visible()
    phone.screenshot("2-my-learning-offline", full_page=False)
    phone.goto(lesson_path)
    expect(page.locator("h1")).to_have_text(lesson.title)
    assert page.locator(".lesson__body").inner_text() == online_lesson
    pictures_shown(page)
    form = page.locator(f'form[data-offline-complete][data-item="{lesson.pk}"]')
    expect(form).to_have_count(1)
    assert form.locator("[name=csrfmiddlewaretoken]").count() == 0
    phone.screenshot("3-lesson-offline")
    phone.goto("/search/")  # not saved: the offline page
    expect(page.locator("h1")).to_have_text(re.compile("没有网络|No network"))
    expect(page.locator("main a[href='/my/']")).to_be_visible()

    # A trainer publishes a change; back online, opening the course brings the saved copy up to date.
    page.context.set_offline(False)
    lesson.title = "访客登记（新版）"
    lesson.save_revision().publish()
    phone.goto(COURSE_PATH)
    expect(page.locator("[data-offline-save][data-state=saved]")).to_be_visible(timeout=60_000)
    assert page.evaluate(INDEX)[str(course.pk)]["version"] != version
    expect(page.locator("[data-offline-delete]")).to_be_visible()
    course_caches = [name for name in page.evaluate("() => caches.keys()") if name.startswith("fa-course-")]
    assert len(course_caches) == 1  # the old version's copy is gone
    page.context.set_offline(True)
    phone.goto(lesson_path)
    expect(page.locator("h1")).to_have_text("访客登记（新版）")

    page.context.set_offline(False)
    phone.goto(COURSE_PATH)
    expect(page.locator("[data-offline-delete]")).to_be_visible()
    page.locator("[data-offline-delete]").tap()
    expect(page.locator("[data-offline-start]")).to_be_visible()
    names = page.evaluate("() => caches.keys()")
    assert not [name for name in names if name.startswith(f"fa-course-{course.pk}-")]
    assert page.evaluate(INDEX) == {}
    page.context.set_offline(True)
    response = page.goto(phone.base_url + lesson_path)
    expect(page.locator("h1")).to_have_text(re.compile("没有网络|No network"))
    assert response is not None
    page.context.set_offline(False)


def test_signing_out_forgets_the_saved_course(phone, demo_site_with_learner):
    page = phone.page
    sign_in(phone)
    phone.goto(COURSE_PATH)
    save_course(page)
    assert any(name.startswith("fa-course-") for name in page.evaluate("() => caches.keys()"))
    page.get_by_role("link", name="账号").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    # Nothing of the learner's is left; the page signed out on may start the worker again, which keeps
    # only the (signed-out) offline page and static files.
    left = page.evaluate("() => caches.keys()")
    assert [name for name in left if not name.startswith(("fa-shell-", "fa-static-"))] == []


def test_the_site_is_installable(phone, demo_site_with_learner):
    page = phone.page
    phone.goto("/")
    wait_for_worker(page)
    manifest = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert manifest["name"] == "一线学堂" and manifest["start_url"] == "/my/"
    assert manifest["display"] == "standalone"
    sizes = page.evaluate(
        """(icons) => Promise.all(icons.map(async (icon) => {
             const bitmap = await createImageBitmap(await (await fetch(icon.src)).blob());
             return `${bitmap.width}x${bitmap.height}`;
           }))""",
        manifest["icons"],
    )
    assert sizes == [icon["sizes"] for icon in manifest["icons"]] and {"192x192", "512x512"} <= set(sizes)
    # A service worker with a fetch handler controls the page: Chrome's own installability check agrees.
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


def test_signing_out_with_lessons_waiting_to_sync_asks_first(phone, demo_site_with_learner):
    """A lesson finished with no signal and not yet sent would be lost with the rest of the phone's data:
    signing out says so and lets the learner stay; online, the account page sends it first."""
    page = phone.page
    sign_in(phone)
    phone.goto("/accounts/profile/")
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)
    lesson = LessonPage.objects.live().first()
    page.context.set_offline(True)
    page.evaluate(
        """item => localStorage.setItem("frontline.offline.completions", JSON.stringify([{
             key: "8c0c7f4e-0000-4000-8000-000000000001", item: item,
             completed_at: new Date().toISOString()}]))""",
        lesson.pk,
    )
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="退出登录").click()
    assert asked and "1" in asked[0] and "退出" in asked[0]
    # Back online, the account page sends it; then signing out asks nothing.
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("h1")).to_have_text("我的账号")  # still signed in: the page needs a signed-in person
    page.wait_for_function("() => !localStorage.getItem('frontline.offline.completions')", timeout=30_000)
    assert ItemProgress.objects.filter(item_id=lesson.pk, completed_at__isnull=False).exists()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
