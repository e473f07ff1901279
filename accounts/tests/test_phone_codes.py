"""Codes by text message: sent, checked once, limited, never readable."""

import re

import pytest
from django.core.cache import cache

from accounts import phone_codes
from core import sms

MOBILE = "13800000001"


@pytest.fixture(autouse=True)
def clean():
    cache.clear()
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_a_code_is_sent_and_works_once():
    phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4")
    message = sms.outbox[-1]
    assert message.mobile == MOBILE and message.template == "sign_in_code"
    assert "【一线学堂】" in message.text and "5 分钟" in message.text
    code = sent_code()
    assert not phone_codes.code_check(mobile=MOBILE, purpose="reset", code=code)  # another purpose
    assert phone_codes.code_check(mobile=MOBILE, purpose="sign_in", code=f" {code[:3]} {code[3:]} ")
    assert not phone_codes.code_check(mobile=MOBILE, purpose="sign_in", code=code)  # used up


def test_the_code_is_kept_only_as_a_hash():
    phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4")
    code = sent_code()
    stored = cache.get(phone_codes._key("code", "sign_in", MOBILE))
    assert code not in repr(stored)


def test_wrong_tries_void_the_code():
    phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4")
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(phone_codes.MAX_TRIES):
        assert not phone_codes.code_check(mobile=MOBILE, purpose="sign_in", code=wrong)
    assert not phone_codes.code_check(mobile=MOBILE, purpose="sign_in", code=code)


def test_a_second_code_within_a_minute_is_refused():
    phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4")
    with pytest.raises(phone_codes.CodeRequestRefused) as refused:
        phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4")
    assert 0 < refused.value.retry_after <= phone_codes.RESEND_SECONDS
    assert len(sms.outbox) == 1


def test_a_number_without_an_account_counts_alike_and_gets_nothing():
    phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4", send=False)
    assert sms.outbox == []
    with pytest.raises(phone_codes.CodeRequestRefused):
        phone_codes.code_request(mobile=MOBILE, purpose="sign_in", address="1.2.3.4", send=False)


def test_one_address_cannot_ask_for_codes_for_every_number():
    for n in range(phone_codes.PER_ADDRESS_PER_HOUR):
        phone_codes.code_request(mobile=f"139{n:08d}", purpose="sign_in", address="6.6.6.6", send=False)
    with pytest.raises(phone_codes.CodeRequestRefused):
        phone_codes.code_request(mobile="13700000000", purpose="sign_in", address="6.6.6.6", send=False)
