"""The show-password button on the sign-in and password-change pages of a phone: 44 px, named,
toggles the field, and the field is a password field again when the form is sent."""

import pytest

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def newcomer(transactional_db):
    return make_user("newcomer", password="k7mqx3xtpa9hzab", must_change_password=True)


def check_toggle(page, field_selector):
    field = page.locator(field_selector)
    button = page.locator(f"button.password-toggle[aria-controls='{field.get_attribute('id')}']")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    name = button.get_attribute("aria-label")
    text = button.inner_text().strip()
    assert name and text and text in name  # its name says what it does and contains what it shows
    assert button.get_attribute("aria-pressed") == "false" and field.get_attribute("type") == "password"
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and field.get_attribute("type") == "text"
    assert button.get_attribute("aria-label") != name and button.inner_text().strip() != text
    button.click()
    assert field.get_attribute("type") == "password"
    return button


def test_sign_in_then_change_the_initial_password_with_the_eye(newcomer, phone):
    page = phone.page
    phone.goto("/accounts/login/")
    page.locator("#id_username").fill("newcomer")
    page.locator("#id_password").fill("k7mqx 3xtpa 9hzab")
    button = check_toggle(page, "#id_password")
    button.click()  # shown while typing…
    assert page.locator("#id_password").get_attribute("type") == "text"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate(
        """document.addEventListener("submit", () =>
             sessionStorage.setItem("typeAtSubmit", document.querySelector("#id_password").type))"""
    )
    page.get_by_role("button", name="登录", exact=True).click()  # the password form's, not "获取验证码"
    page.wait_for_url("**/accounts/password/**")
    # …and sent as a password field (autofill and "save password" work, nothing in form history).
    assert page.evaluate("sessionStorage.getItem('typeAtSubmit')") == "password"
    for selector in ("#id_old_password", "#id_new_password1", "#id_new_password2"):
        check_toggle(page, selector)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot("password-change")


@pytest.fixture
def site_admin(transactional_db):
    from accounts.models import User

    return User.objects.create_superuser("boss", "boss@example.com", "a-Strong-pass-2026")


def test_the_admins_set_password_fields_have_the_eye_too(site_admin, desktop):
    page = desktop.page
    desktop.goto("/admin/login/?next=/admin/users/new/")
    page.locator("input[name=username]").fill("boss")
    page.locator("input[name=password]").fill("a-Strong-pass-2026")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/users/new/")
    for selector in ("#id_password1", "#id_password2"):
        check_toggle(page, selector)
    desktop.screenshot("admin-set-password", full_page=False)
