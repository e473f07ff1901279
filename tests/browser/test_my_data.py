"""「我的数据」 on a 320 px phone: readable sections, no sideways scrolling, the JSON file beside it."""

import pytest

from tests.factories import make_course, make_lesson, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def learner_with_history(transactional_db):
    from progress import services

    learner = make_user("datauser", name="张网格", mobile="13800000021", email="zhang.wangge@example.com")
    course = make_course("扫码登记：零接触访客登记")
    lesson = make_lesson(course, "第 1 课：访客扫码后看到什么")
    services.item_complete(learner=learner, item=lesson, course=course)
    return learner


def test_my_data_reads_on_a_small_phone(learner_with_history, phone):
    page = phone.page
    page.set_viewport_size({"width": 320, "height": 700})
    phone.goto("/accounts/login/")
    page.locator("#id_username").fill("datauser")
    page.locator("#id_password").fill("a-Strong-pass-2026")
    page.get_by_role("button", name="登录", exact=True).click()  # the password form's, not "获取验证码"
    page.wait_for_url("**/my/")
    phone.goto("/accounts/profile/")
    page.locator("a[href$='/data/']").click()
    page.wait_for_url("**/data/")
    assert page.locator("h2").count() >= 5
    assert "张网格" in page.content() and "第 1 课：访客扫码后看到什么" in page.content()
    assert page.locator("a[href$='data.json'][download]").count() == 1
    phone.screenshot("my-data")
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)
             .slice(0, 5).map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide
