"""Resetting a forgotten password with a code texted to the phone: the journey, its audit-log entry,
the password rules, a slip that does not waste the code, and no enumeration."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from accounts.forms import CodeCheckMixin
from accounts.services import PASSWORD_RESET_LOG_ACTION
from core import sms
from tests.factories import make_user

pytestmark = pytest.mark.django_db
RESET = "/accounts/password/reset/"
MOBILE = "13812345678"
NEW = "Lantern-river-2027"


@pytest.fixture(autouse=True)
def clean():
    cache.clear()
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def staff():
    return make_user("zhangwei", name="张伟", mobile=MOBILE, must_change_password=True)


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(gettext(text) if isinstance(text, str) else text)


def ask(client, mobile=MOBILE):
    return client.post(RESET, {"action": "send", "mobile": mobile})


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def reset(client, code, first=NEW, second=None, mobile=MOBILE):
    return client.post(
        RESET,
        {
            "action": "reset",
            "mobile": mobile,
            "code": code,
            "new_password1": first,
            "new_password2": second or first,
        },
    )


def test_forgot_password_link_and_first_step(client):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in page
    page = client.get(RESET).content.decode()
    assert 'name="mobile"' in page and 'inputmode="tel"' in page and 'value="send"' in page


def test_reset_journey_signs_in_with_the_new_password_and_is_audited(client, staff):
    other = client.__class__()
    other.force_login(staff)  # a session elsewhere, e.g. a lost phone
    page = ask(client).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'name="new_password1"' in page
    assert "data-password-reveal" in page  # the show-password toggle, as on the password change page
    assert sms.outbox[-1].template == "reset_code" and "重设密码" in sms.outbox[-1].text
    response = reset(client, last_code())
    assert response.status_code == 302 and response["Location"] == reverse("progress:my_learning")
    staff.refresh_from_db()
    assert staff.check_password(NEW) and staff.must_change_password is False
    assert client.get(reverse("progress:my_learning")).status_code == 200  # signed in, no detour
    assert other.get(reverse("progress:my_learning")).status_code == 302  # the other session ended
    entry = ModelLogEntry.objects.get(action=PASSWORD_RESET_LOG_ACTION)
    assert entry.user_id == staff.pk and entry.object_id == str(staff.pk)
    client.post(reverse("accounts:logout"))
    client.post("/accounts/login/", {"username": "zhangwei", "password": NEW})
    assert "_auth_user_id" in client.session


def test_a_password_slip_keeps_the_code_and_the_password(client, staff):
    ask(client)
    code = last_code()
    page = reset(client, code, NEW, "Lantern-river-2028").content.decode()
    assert zh("The two password fields didn’t match.") in page
    page = reset(client, code, "123").content.decode()
    assert "field--error" in page
    page = reset(client, code, "zhangwei1").content.decode()  # too like the username / too short
    assert "field--error" in page
    staff.refresh_from_db()
    assert not staff.check_password("123") and not staff.check_password(NEW)
    assert reset(client, code).status_code == 302  # the code was not used up by the slips


@pytest.mark.parametrize("how", ["wrong", "reused", "sign-in code"])
def test_wrong_reused_or_other_purpose_codes_change_nothing(client, staff, how):
    before = staff.password
    if how == "sign-in code":
        client.post("/accounts/login/code/", {"action": "send", "code-mobile": MOBILE})
        code = last_code()
    else:
        ask(client)
        code = last_code()
        if how == "wrong":
            code = f"{(int(code) + 1) % 1_000_000:06d}"
        else:
            assert reset(client, code).status_code == 302
            client.post(reverse("accounts:logout"))
            before = type(staff).objects.get(pk=staff.pk).password
    response = reset(client, code, "Another-river-2029")
    with translation.override("zh-hans"):
        message = str(CodeCheckMixin.error_messages["wrong_code"])
    assert response.status_code == 200 and message in response.content.decode()
    assert type(staff).objects.get(pk=staff.pk).password == before


def test_unknown_number_gets_the_same_pages(client, staff):
    def visible(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    known = visible(ask(client, MOBILE))
    unknown = visible(ask(client, "13999999999"))
    assert unknown == known.replace("138 1234 5678", "139 9999 9999").replace(MOBILE, "13999999999")
    assert len(sms.outbox) == 1
    response = reset(client, "123456", mobile="13999999999")
    with translation.override("zh-hans"):
        message = str(CodeCheckMixin.error_messages["wrong_code"])
    assert message in response.content.decode() and not ModelLogEntry.objects.exists()


def test_an_inactive_account_cannot_reset(client):
    user = make_user("gone", mobile=MOBILE)
    ask(client)
    code = last_code()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    reset(client, code)
    user.refresh_from_db()
    assert not user.check_password(NEW) and "_auth_user_id" not in client.session
