"""On a 360 px phone, in Chinese: a staff member who never had a password of their own signs in with a
code texted to their phone (read here from the test outbox), then forgets the password they chose,
resets it with another code and signs in with the new one."""

import re

import pytest
from playwright.sync_api import expect

from core import sms
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MOBILE = "13812345678"
NEW_PASSWORD = "Lantern-river-2027"


@pytest.fixture
def imported(transactional_db):
    sms.outbox.clear()
    yield make_user("wangfang", name="王芳", mobile=MOBILE, password=None, must_change_password=True)
    sms.outbox.clear()


def texted_code(count: int) -> str:
    assert len(sms.outbox) == count, sms.outbox
    assert sms.outbox[-1].mobile == MOBILE
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sign_in_by_code_then_reset_a_forgotten_password(imported, phone):
    page = phone.page
    phone.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="或用手机验证码登录")).to_be_visible()
    page.locator("#id_code-mobile").fill("138 1234 5678")
    page.get_by_role("button", name="获取验证码", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("验证码已发送至 138 1234 5678")
    resend = page.locator("button[data-countdown]")
    expect(resend).to_be_disabled()
    expect(resend).to_have_text(re.compile(r"^\d+ 秒后可重发$"))
    code_field = page.get_by_label("短信验证码")
    assert code_field.get_attribute("inputmode") == "numeric"
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    expect(code_field).to_be_focused()
    fits(page)
    phone.screenshot("code-sent")

    code_field.fill("000000" if texted_code(1) != "000000" else "111111")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".form__errors")).to_contain_text("验证码不正确、已过期或已使用")
    page.get_by_label("短信验证码").fill(texted_code(1))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/my/")  # no detour to "choose a password": codes are enough
    fits(page)

    page.context.clear_cookies()  # signed out (another day, another phone)
    phone.goto("/accounts/login/")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.locator("h1")).to_have_text("重设密码")
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已发送")
    assert sms.outbox[-1].template == "reset_code" and "重设密码" in sms.outbox[-1].text
    page.get_by_label("短信验证码").fill(texted_code(2))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    toggle = page.locator("button.password-toggle[aria-controls='id_new_password1']")
    expect(toggle).to_be_visible()  # the show-password eye, as on the password change page
    fits(page)
    phone.screenshot("reset")
    page.get_by_role("button", name="保存新密码并登录").click()
    page.wait_for_url("**/my/")
    expect(page.get_by_role("status")).to_contain_text("密码已重设")

    page.context.clear_cookies()
    phone.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill(MOBILE)
    page.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/my/")
