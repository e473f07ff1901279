"""Signing in with a code texted to the phone: the journey without JavaScript, every unhappy path, the
shared lock-out, and the same answer whether or not the number has an account."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts import phone_codes
from accounts.forms import CodeCheckMixin
from core import sms
from tests.factories import make_user

pytestmark = pytest.mark.django_db
CODE_URL = "/accounts/login/code/"
MOBILE = "13812345678"
UNKNOWN = "13999999999"


@pytest.fixture(autouse=True)
def clean():
    cache.clear()
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def staff():
    return make_user("zhangwei", name="张伟", mobile=MOBILE)


def zh(text: str, plural: str | None = None, count: int = 2) -> str:
    """What a Chinese reader sees for an English msgid (and its plural, read for ``count``)."""
    with translation.override("zh-hans"):
        return ngettext(text, plural, count) if plural else gettext(text)


def wrong_code() -> str:
    with translation.override("zh-hans"):
        return str(CodeCheckMixin.error_messages["wrong_code"])


def ask_for_code(client, mobile=MOBILE, **extra):
    return client.post(CODE_URL, {"action": "send", "code-mobile": mobile, **extra})


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def sign_in_with(client, code, mobile=MOBILE, **extra):
    return client.post(
        CODE_URL, {"action": "sign_in", "mobile": mobile, "code": code, "remember": "on", **extra}
    )


def visible(response) -> str:
    """The page without the CSRF token (different on every page)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_sign_in_page_offers_a_code_and_a_way_to_reset(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/accounts/login/code/"' in page and 'name="code-mobile"' in page
    assert 'inputmode="tel"' in page and reverse("accounts:password_reset") in page
    assert page.count("autofocus") == 1  # the password form's username, not both


def test_sign_in_by_code_without_javascript(client, staff):
    response = ask_for_code(client, "+86 138-1234-5678", next="/accounts/profile/")
    page = response.content.decode()
    assert response.status_code == 200
    sent = zh("Code sent to %(mobile)s. It is valid for %(minutes)s minutes.")
    assert sent % {"mobile": "138 1234 5678", "minutes": 5} in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert 'data-countdown="60"' in page  # the resend button's countdown, with JavaScript
    assert (
        len(sms.outbox) == 1 and sms.outbox[0].mobile == MOBILE and sms.outbox[0].template == "sign_in_code"
    )
    code = last_code()
    response = sign_in_with(client, f"{code[:3]} {code[3:]}", next="/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    assert client.session.get_expire_at_browser_close() is False


def test_a_code_signs_in_to_my_learning_and_can_end_with_the_browser(client, staff):
    ask_for_code(client)
    response = client.post(CODE_URL, {"action": "sign_in", "mobile": MOBILE, "code": last_code()})
    assert response["Location"] == reverse("progress:my_learning")
    assert client.session.get_expire_at_browser_close() is True  # "keep me signed in" unticked


def test_a_next_to_another_site_is_ignored(client, staff):
    ask_for_code(client)
    response = sign_in_with(client, last_code(), next="https://evil.example/")
    assert response["Location"] == reverse("progress:my_learning")


def test_staff_without_a_password_sign_in_from_day_one_and_are_not_made_to_set_one(client):
    make_user("imported", mobile=MOBILE, password=None, must_change_password=True)
    ask_for_code(client)
    sign_in_with(client, last_code())
    response = client.get(reverse("progress:my_learning"))
    assert response.status_code == 200  # no detour to "change your password": they may live by codes


def test_a_password_sign_in_still_has_to_change_the_handed_over_password(client):
    user = make_user("newcomer", mobile=MOBILE, password="k7mqx3xtpa9hzab", must_change_password=True)
    ask_for_code(client)
    sign_in_with(client, last_code())
    assert client.get(reverse("progress:my_learning")).status_code == 200
    client.post(reverse("accounts:logout"))
    client.post("/accounts/login/", {"username": "newcomer", "password": "k7mqx3xtpa9hzab"})
    response = client.get(reverse("progress:my_learning"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )
    user.refresh_from_db()
    assert user.must_change_password is True


@pytest.mark.parametrize("how", ["wrong", "reused", "expired", "other purpose"])
def test_wrong_expired_or_reused_codes_get_one_clear_message(client, staff, settings, how):
    ask_for_code(client)
    code = last_code()
    if how == "wrong":
        code = f"{(int(code) + 1) % 1_000_000:06d}"
    elif how == "reused":
        assert sign_in_with(client, code).status_code == 302
        client.post(reverse("accounts:logout"))
    elif how == "expired":
        cache.delete(phone_codes._key("code", "sign_in", MOBILE))  # what the cache does after 5 minutes
    else:
        cache.clear()
        phone_codes.code_request(mobile=MOBILE, purpose="reset", address="9.9.9.9")
        code = last_code()
    response = sign_in_with(client, code)
    assert response.status_code == 200 and wrong_code() in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert 'name="code"' in response.content.decode()  # the code field is still there to try again


def test_expiry_follows_phone_code_seconds(client, staff, settings):
    """The stored code lives PHONE_CODE_SECONDS: the cache is given that timeout."""
    settings.PHONE_CODE_SECONDS = 1
    ask_for_code(client)
    code = last_code()
    import time

    time.sleep(1.2)
    response = sign_in_with(client, code)
    assert response.status_code == 200 and wrong_code() in response.content.decode()


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef"])
def test_a_code_that_is_not_six_digits_says_so_and_keeps_the_code(client, staff, typed):
    ask_for_code(client)
    code = last_code()
    response = sign_in_with(client, typed)
    assert zh("The code is the 6 digits in the text message.") in response.content.decode()
    assert sign_in_with(client, code).status_code == 302  # not used up by the slip


def test_full_width_digits_are_read(client, staff):
    ask_for_code(client)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in last_code())
    assert sign_in_with(client, full_width).status_code == 302


def test_unknown_number_gets_the_identical_answer_and_nothing_is_sent(client, staff):
    known = visible(ask_for_code(client, MOBILE))
    unknown = visible(ask_for_code(client, UNKNOWN))
    assert unknown == known.replace("138 1234 5678", "139 9999 9999").replace(MOBILE, UNKNOWN)
    assert [message.mobile for message in sms.outbox] == [MOBILE]
    # …and the same answer to a code typed for it
    response = sign_in_with(client, "123456", mobile=UNKNOWN)
    assert response.status_code == 200 and wrong_code() in response.content.decode()


def test_an_inactive_account_gets_the_same_answer_and_no_code(client):
    make_user("gone", mobile=MOBILE, is_active=False)
    make_user("here", mobile="13812340000")
    inactive = visible(ask_for_code(client, MOBILE))
    active = visible(ask_for_code(client, "13812340000"))
    assert inactive == active.replace("138 1234 0000", "138 1234 5678").replace("13812340000", MOBILE)
    assert [message.mobile for message in sms.outbox] == ["13812340000"]


def test_an_inactive_account_is_refused_even_with_a_right_code(client):
    user = make_user("gone", mobile=MOBILE)
    ask_for_code(client)
    code = last_code()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = sign_in_with(client, code)
    assert response.status_code == 200 and wrong_code() in response.content.decode()


def test_asking_again_within_a_minute_is_refused_the_same_for_everyone(client, staff):
    ask_for_code(client, MOBILE)
    ask_for_code(client, UNKNOWN)
    again_known = visible(ask_for_code(client, MOBILE))
    again_unknown = visible(ask_for_code(client, UNKNOWN))
    wait = zh(
        "A code was sent a moment ago. You can ask for another in %(seconds)s second.",
        "A code was sent a moment ago. You can ask for another in %(seconds)s seconds.",
    )
    assert re.search(re.escape(wait).replace(re.escape("%(seconds)s"), r"\d+"), again_known)
    assert 'name="code"' in again_known  # the code already sent can still be typed
    normalise = re.compile(r"\d+ (seconds?|秒)|data-countdown=\"\d+\"")  # a second may pass between them
    assert normalise.sub("N", again_unknown) == normalise.sub("N", again_known).replace(
        "138 1234 5678", "139 9999 9999"
    ).replace(MOBILE, UNKNOWN)
    assert len(sms.outbox) == 1


def test_the_daily_limit_per_number(client, staff, monkeypatch):
    monkeypatch.setattr(phone_codes, "PER_NUMBER_PER_DAY", 2)
    for _ in range(2):
        ask_for_code(client)
        cache.delete(phone_codes._key("resend", "sign_in", MOBILE))  # a minute later
    page = ask_for_code(client).content.decode()
    assert len(sms.outbox) == 2
    expected = zh(
        "Too many codes have been asked for. Please try again in %(minutes)s minute.",
        "Too many codes have been asked for. Please try again in %(minutes)s minutes.",
        24 * 60,
    ) % {"minutes": 24 * 60}
    assert expected in page


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, staff):
    ask_for_code(client)
    code = last_code()
    for _ in range(3):
        sign_in_with(client, "000000" if code != "000000" else "111111")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "zhangwei", "password": "wrong"})
    # Five failures, codes and passwords together: the right code is refused too…
    cache.delete(phone_codes._key("resend", "sign_in", MOBILE))
    ask_for_code(client)
    response = sign_in_with(client, last_code())
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # …and so is the right password.
    response = client.post("/accounts/login/", {"username": "zhangwei", "password": "a-Strong-pass-2026"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_tampered_hidden_number_starts_again(client, staff):
    response = client.post(CODE_URL, {"action": "sign_in", "mobile": "not-a-number", "code": "123456"})
    assert response.status_code == 200 and 'name="code-mobile"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_bad_number_is_explained_and_nothing_counted(client):
    response = ask_for_code(client, "12345")
    assert response.status_code == 200 and 'name="code-mobile"' in response.content.decode()
    assert "field--error" in response.content.decode() and not sms.outbox


def test_get_goes_back_to_the_sign_in_page(client):
    response = client.get(CODE_URL)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_an_unusable_password_never_signs_in_by_password(client):
    make_user("imported", mobile=MOBILE, password=None)
    response = client.post("/accounts/login/", {"username": MOBILE, "password": ""})
    assert "_auth_user_id" not in client.session and response.status_code == 200
