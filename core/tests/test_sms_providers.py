"""The Alibaba Cloud and Tencent Cloud SMS adapters against a local fake of each API (an http.server
thread): the request is signed as each provider's documentation says (recomputed here from the spec,
not with the adapter's own helpers), carries the signature name, template and its variables, and the
provider's answers become message ids or SmsError with the right ``retryable``."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from core.sms import SmsError, TextMessage
from core.sms_providers import AlibabaCloudSmsBackend, TencentCloudSmsBackend

MESSAGE = TextMessage(
    mobile="13812345678",
    template="sign_in_code",
    text="【一线学堂】您的登录验证码是 123456，5 分钟内有效。请勿告诉他人。",
    params={"code": "123456"},
)


class FakeProvider:
    """Records each request and answers with the next queued (status, JSON body)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, object]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, answer = fake.answers.pop(0) if fake.answers else (200, {})
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    provider = FakeProvider()
    yield provider
    provider.close()


# -- Alibaba Cloud -----------------------------------------------------------------------------------


def alibaba(fake, **options):
    return AlibabaCloudSmsBackend(
        access_key_id="LTAI-test-id",
        access_key_secret="test-secret",
        sign_name="一线学堂",
        templates={"sign_in_code": "SMS_100000001"},
        endpoint=fake.url,
        **options,
    )


def spec_alibaba_signature(params: dict, secret: str) -> str:
    """The documented algorithm, step by step: sort, RFC 3986-encode, join, encode again, HMAC-SHA1."""

    def encode(text):
        return quote(text, safe="-_.~")

    query = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = "POST&%2F&" + encode(query)
    mac = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def test_alibaba_request_is_signed_as_documented_and_carries_the_template(fake):
    fake.answers.append(
        (200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r"})
    )
    assert alibaba(fake).send(MESSAGE) == "900619746936498440^0"
    request = fake.requests[0]
    assert request["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    params = dict(parse_qsl(request["body"].decode(), keep_blank_values=True))
    assert params["Signature"] == spec_alibaba_signature(params, "test-secret")
    assert params["Signature"] != spec_alibaba_signature(params, "another-secret")
    assert {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "AccessKeyId": "LTAI-test-id",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "PhoneNumbers": "13812345678",
        "SignName": "一线学堂",
        "TemplateCode": "SMS_100000001",
        "RegionId": "cn-hangzhou",
        "Format": "JSON",
    }.items() <= params.items()
    assert json.loads(params["TemplateParam"]) == {"code": "123456"}
    stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    fake.answers.append((200, {"Code": "OK", "BizId": "2"}))
    alibaba(fake).send(MESSAGE)
    nonces = {dict(parse_qsl(r["body"].decode()))["SignatureNonce"] for r in fake.requests}
    assert len(nonces) == 2  # a new nonce each time: the provider refuses a replay


def test_alibaba_finds_a_message_again_by_its_key(fake):
    """A worker that died with a message in flight asks the provider before sending it again: SendSms
    carries the key as OutId, and QuerySendDetails (signed like any call) lists the number's messages."""
    import dataclasses

    keyed = dataclasses.replace(MESSAGE, key="delivery-42")
    fake.answers.append((200, {"Code": "OK", "BizId": "777^0"}))
    alibaba(fake).send(keyed)
    assert dict(parse_qsl(fake.requests[0]["body"].decode()))["OutId"] == "delivery-42"
    details = {"SmsSendDetailDTO": [{"OutId": "delivery-41", "BizId": "1^0"}, {"OutId": "delivery-42"}]}
    fake.answers.append((200, {"Code": "OK", "TotalCount": 2, "SmsSendDetailDTOs": details}))
    assert alibaba(fake).accepted("delivery-42", "13812345678") == "alibaba:delivery-42"
    query = dict(parse_qsl(fake.requests[1]["body"].decode()))
    assert query["Action"] == "QuerySendDetails" and query["PhoneNumber"] == "13812345678"
    assert query["Signature"] == spec_alibaba_signature(query, "test-secret")
    assert len(query["SendDate"]) == 8 and query["CurrentPage"] == "1" and query["PageSize"] == "50"

    fake.answers.extend([(200, {"Code": "OK", "SmsSendDetailDTOs": {"SmsSendDetailDTO": []}})] * 2)
    assert alibaba(fake).accepted("delivery-43", "13812345678") == ""  # today, then yesterday: not there
    assert [dict(parse_qsl(r["body"].decode()))["SendDate"] for r in fake.requests[2:]] == sorted(
        {dict(parse_qsl(r["body"].decode()))["SendDate"] for r in fake.requests[2:]}, reverse=True
    )
    fake.answers.append((200, {"Code": "Throttling", "Message": "slow down"}))
    assert alibaba(fake).accepted("delivery-43", "13812345678") is None  # cannot tell: sent again
    fake.answers.append((503, b"busy"))
    assert alibaba(fake).accepted("delivery-43", "13812345678") is None
    assert dict(parse_qsl(_send_without_key(fake).decode())).get("OutId") is None


def _send_without_key(fake) -> bytes:
    fake.answers.append((200, {"Code": "OK", "BizId": "1"}))
    alibaba(fake).send(MESSAGE)
    return fake.requests[-1]["body"]


def test_alibaba_signature_matches_the_documented_worked_example():
    """A space is %20, ``*`` is %2A and ``~`` stays: the places where form encoding differs."""
    from core.sms_providers import alibaba_signature, alibaba_string_to_sign

    params = {"A": "a b*c~", "TemplateParam": '{"code":"1"}'}
    assert alibaba_string_to_sign("POST", params) == (
        "POST&%2F&A%3Da%2520b%252Ac~%26TemplateParam%3D%257B%2522code%2522%253A%25221%2522%257D"
    )
    assert alibaba_signature("s", "POST", params) == spec_alibaba_signature(params, "s")


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", True),
        ("isp.SYSTEM_ERROR", True),
        ("Throttling.User", True),
        ("isv.MOBILE_NUMBER_ILLEGAL", False),
        ("isv.SMS_TEMPLATE_ILLEGAL", False),
        ("isv.SMS_SIGNATURE_ILLEGAL", False),
        ("isv.AMOUNT_NOT_ENOUGH", False),
        ("SignatureDoesNotMatch", False),
        ("InvalidAccessKeyId.NotFound", False),
    ],
)
def test_alibaba_errors_say_whether_to_try_again(fake, code, retryable):
    fake.answers.append((200 if code.startswith("isv") else 400, {"Code": code, "Message": "no"}))
    with pytest.raises(SmsError) as caught:
        alibaba(fake).send(MESSAGE)
    assert caught.value.retryable is retryable and code in str(caught.value)


def test_alibaba_server_error_without_json_is_retried_and_a_missing_template_is_not(fake):
    fake.answers.append((502, b"<html>bad gateway</html>"))
    with pytest.raises(SmsError) as caught:
        alibaba(fake).send(MESSAGE)
    assert caught.value.retryable is True
    with pytest.raises(SmsError) as caught:
        alibaba(fake).send(TextMessage(mobile="13812345678", template="reminder", text="x"))
    assert caught.value.retryable is False and len(fake.requests) == 1  # nothing sent


def test_a_provider_that_cannot_be_reached_is_retried_later():
    backend = AlibabaCloudSmsBackend(
        templates={"sign_in_code": "SMS_1"}, endpoint="http://127.0.0.1:9/", timeout="0.5"
    )
    with pytest.raises(SmsError) as caught:
        backend.send(MESSAGE)
    assert caught.value.retryable is True


# -- Tencent Cloud -----------------------------------------------------------------------------------


def tencent(fake, **options):
    return TencentCloudSmsBackend(
        access_key_id="AKID-test",
        access_key_secret="tencent-secret",
        sign_name="一线学堂",
        sdk_app_id="1400000001",
        templates={"sign_in_code": "2000001"},
        endpoint=fake.url,
        **options,
    )


def spec_tc3_signature(*, secret_key, host, content_type, payload: bytes, timestamp: int) -> str:
    """TC3-HMAC-SHA256 from the documentation: canonical request, string to sign, derived key."""
    date = datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    canonical = (
        "POST\n/\n\n"
        f"content-type:{content_type}\nhost:{host}\n\n"
        "content-type;host\n" + hashlib.sha256(payload).hexdigest()
    )
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n"
        + hashlib.sha256(canonical.encode()).hexdigest()
    )

    def sign(key, msg):
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret_key).encode(), date), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def ok_answer():
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": "+8613812345678",
                    "Code": "Ok",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def test_tencent_request_is_signed_as_documented_and_carries_the_template(fake):
    fake.answers.append((200, ok_answer()))
    assert tencent(fake).send(MESSAGE) == "5000:1045710669157053657849499619"
    request = fake.requests[0]
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["x-tc-action"] == "SendSms" and headers["x-tc-version"] == "2021-01-11"
    assert headers["x-tc-region"] == "ap-guangzhou"
    timestamp = int(headers["x-tc-timestamp"])
    assert abs(timestamp - datetime.now(UTC).timestamp()) < 60
    date = datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    expected = spec_tc3_signature(
        secret_key="tencent-secret",
        host=headers["host"],
        content_type=headers["content-type"],
        payload=request["body"],
        timestamp=timestamp,
    )
    assert headers["authorization"] == (
        f"TC3-HMAC-SHA256 Credential=AKID-test/{date}/sms/tc3_request, SignedHeaders=content-type;host, "
        f"Signature={expected}"
    )
    assert json.loads(request["body"]) == {
        "PhoneNumberSet": ["+8613812345678"],
        "SmsSdkAppId": "1400000001",
        "SignName": "一线学堂",
        "TemplateId": "2000001",
        "TemplateParamSet": ["123456"],
    }


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        ({"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "no"}}, False),
        ({"Error": {"Code": "InternalError.Timeout", "Message": "slow"}}, True),
        ({"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}}, True),
        ({"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "x"}]}, True),
        ({"SendStatusSet": [{"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "x"}]}, False),
        ({"SendStatusSet": [{"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "x"}]}, False),
        (
            {"SendStatusSet": [{"Code": "FailedOperation.TemplateIncorrectOrUnapproved", "Message": "x"}]},
            False,
        ),
        (
            {"SendStatusSet": [{"Code": "FailedOperation.InsufficientBalanceInSmsPackage", "Message": "x"}]},
            False,
        ),
    ],
)
def test_tencent_errors_say_whether_to_try_again(fake, answer, retryable):
    fake.answers.append((200, {"Response": {**answer, "RequestId": "r"}}))
    with pytest.raises(SmsError) as caught:
        tencent(fake).send(MESSAGE)
    assert caught.value.retryable is retryable


def test_settings_pick_a_provider_and_its_options_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    for name, value in {
        "SMS_BACKEND": "tencent",
        "SMS_ACCESS_KEY_ID": "AKID",
        "SMS_ACCESS_KEY_SECRET": "secret",
        "SMS_SIGN_NAME": "一线学堂",
        "SMS_SDK_APP_ID": "1400000001",
        "SMS_TEMPLATE_SIGN_IN_CODE": "2000001",
        "SMS_TEMPLATE_RESET_CODE": "2000002",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(base)
        assert reloaded.SMS_BACKEND == "core.sms_providers.TencentCloudSmsBackend"
        assert reloaded.SMS_OPTIONS == {
            "access_key_id": "AKID",
            "access_key_secret": "secret",
            "sign_name": "一线学堂",
            "sdk_app_id": "1400000001",
            "templates": {"sign_in_code": "2000001", "reset_code": "2000002"},
        }
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_development_texts_codes_at_once_unless_a_worker_is_asked_for(monkeypatch):
    """`make run` starts no worker: the background queue runs in the request, so a code reaches the
    console backend's log line at once (config.settings.dev)."""
    import importlib

    import config.settings.dev as dev

    try:
        monkeypatch.delenv("DEV_TASK_QUEUE", raising=False)
        immediate = importlib.reload(dev).TASKS["background"]["BACKEND"]
        monkeypatch.setenv("DEV_TASK_QUEUE", "database")
        database = importlib.reload(dev).TASKS["background"]["BACKEND"]
    finally:
        monkeypatch.undo()
    assert immediate == "django_tasks.backends.immediate.ImmediateBackend"
    assert database == "django_tasks_db.DatabaseBackend"
    assert dev.SMS_BACKEND == "core.sms.ConsoleBackend"


def test_deploy_check_names_what_a_chosen_provider_lacks(settings):
    from core.checks import sms_provider_check

    settings.SMS_BACKEND = "core.sms_providers.TencentCloudSmsBackend"
    settings.SMS_OPTIONS = {
        "access_key_id": "AKID",
        "access_key_secret": "s",
        "templates": {"sign_in_code": "1"},
    }
    [warning] = sms_provider_check()
    assert warning.id == "core.W011"
    for name in ("SMS_SIGN_NAME", "SMS_SDK_APP_ID", "SMS_TEMPLATE_RESET_CODE"):
        assert name in warning.msg
    assert "SMS_ACCESS_KEY_ID" not in warning.msg
    settings.SMS_OPTIONS = {
        "access_key_id": "AKID",
        "access_key_secret": "s",
        "sign_name": "一线学堂",
        "sdk_app_id": "1400000001",
        "templates": {"sign_in_code": "1", "reset_code": "2"},
    }
    assert sms_provider_check() == []


def test_the_console_backend_hides_codes_outside_development(settings, caplog):
    from core import sms

    message = sms.TextMessage(mobile="13800000001", template="sign_in_code", text="您的登录验证码是 123456")
    settings.DEBUG = False
    sms.ConsoleBackend().send(message)
    assert "123456" not in caplog.text and "******" in caplog.text
    settings.DEBUG = True
    sms.ConsoleBackend().send(message)
    assert "123456" in caplog.text


def test_deploy_check_warns_when_no_text_message_reaches_a_phone(settings):
    from core.checks import sms_provider_check

    settings.SMS_BACKEND = "core.sms.ConsoleBackend"
    assert [w.id for w in sms_provider_check()] == ["core.I012"]
