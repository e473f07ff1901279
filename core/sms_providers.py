"""Text-message providers behind `core.sms`: Alibaba Cloud SMS and Tencent Cloud SMS, through their
documented HTTP APIs (no SDK: two small signed requests are less to install and audit than two SDKs).

Both are configured from the environment (config.settings.base builds ``SMS_OPTIONS``):

* ``access_key_id`` / ``access_key_secret`` — the AccessKey pair (Alibaba) or SecretId/SecretKey (Tencent);
* ``sign_name`` — the signature (签名) the provider approved, e.g. ``一线学堂``;
* ``templates`` — our template key (``sign_in_code``, ``reset_code``, ``join_code``, …) → the provider's
  template code (Alibaba ``SMS_123456789``) or id (Tencent ``1234567``);
* ``sdk_app_id`` (Tencent only) — the SmsSdkAppId of the SMS application;
* ``region`` — Alibaba ``cn-hangzhou``, Tencent ``ap-guangzhou`` by default;
* ``endpoint`` — the API's address, for a private endpoint (and the tests' local fake);
* ``timeout`` — seconds for connecting and for reading (5 by default).

A provider's refusal becomes `SmsError`; ``retryable`` is true where a later try may pass (network
trouble, the provider's rate limits or its own errors) and false where it cannot (a wrong number, a
signature or template not approved, bad credentials, no balance left).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import requests

from core.sms import BaseBackend, SmsError, TextMessage

CHINA = timezone(timedelta(hours=8))  # the providers' send records are kept by China's calendar day


class ProviderBackend(BaseBackend):
    default_endpoint = ""
    default_region = ""

    def __init__(self, **options):
        super().__init__(**options)
        self.endpoint = options.get("endpoint") or self.default_endpoint
        self.region = options.get("region") or self.default_region
        self.timeout = float(options.get("timeout") or 5)
        self.session = options.get("session") or requests.Session()

    def template_code(self, message: TextMessage) -> str:
        code = (self.options.get("templates") or {}).get(message.template)
        if not code:
            raise SmsError(f"no provider template configured for {message.template!r}", retryable=False)
        return code

    def post(self, **kwargs) -> dict:
        try:
            response = self.session.post(self.endpoint, timeout=(self.timeout, self.timeout), **kwargs)
        except requests.RequestException as error:
            raise SmsError(f"{type(self).__name__}: {error}", retryable=True) from error
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SmsError(
                f"{type(self).__name__}: HTTP {response.status_code} without a JSON answer",
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        return body


# -- Alibaba Cloud SMS (dysmsapi, RPC style, signature version 1.0) ------------------------------------

# Codes a later try may get past; any other code, including those not listed, is final.
ALIBABA_RETRYABLE = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",  # the per-number rate limit (1 a minute, 5 an hour, 10 a day)
        "isp.SYSTEM_ERROR",
        "isp.GATEWAY_ERROR",
        "SignatureNonceUsed",
        "Throttling",
        "Throttling.User",
        "ServiceUnavailable",
        "InternalError",
    }
)


def alibaba_percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud's signature wants it: only A-Z a-z 0-9 - _ . ~ stay as they are
    (so a space is %20, never +), in UTF-8."""
    return quote(str(value), safe="~")


def alibaba_string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(
        f"{alibaba_percent_encode(key)}={alibaba_percent_encode(params[key])}" for key in sorted(params)
    )
    return f"{method}&{alibaba_percent_encode('/')}&{alibaba_percent_encode(canonical)}"


def alibaba_signature(secret: str, method: str, params: dict[str, str]) -> str:
    """Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))."""
    digest = hmac.new(
        f"{secret}&".encode(), alibaba_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


class AlibabaCloudSmsBackend(ProviderBackend):
    """Alibaba Cloud SMS: ``SendSms`` of dysmsapi (API version 2017-05-25), the template's variables as
    ``TemplateParam`` JSON (``{"code": "123456"}`` for a template reading ``…验证码${code}…``)."""

    default_endpoint = "https://dysmsapi.aliyuncs.com/"
    default_region = "cn-hangzhou"

    def signed(self, action: str, fields: dict, *, now: datetime | None = None, nonce: str = "") -> dict:
        """``fields`` with the common parameters of an RPC call and its signature."""
        now = now or datetime.now(UTC)
        params = {
            "AccessKeyId": self.options.get("access_key_id", ""),
            "Action": action,
            "Format": "JSON",
            "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            **fields,
        }
        params["Signature"] = alibaba_signature(self.options.get("access_key_secret", ""), "POST", params)
        return params

    def signed_params(self, message: TextMessage, *, now: datetime | None = None, nonce: str = "") -> dict:
        fields = {
            "PhoneNumbers": message.mobile,
            "SignName": self.options.get("sign_name", ""),
            "TemplateCode": self.template_code(message),
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        }
        if message.key:
            fields["OutId"] = message.key  # 外部流水扩展字段: found again by accepted()
        return self.signed("SendSms", fields, now=now, nonce=nonce)

    def accepted(self, key: str, mobile: str) -> str | None:
        """Asks ``QuerySendDetails`` for the number's messages of today and yesterday (China time) and
        looks for our key in their ``OutId``: the BizId if found, "" if not, None if the answer cannot
        be had (then the message is sent again)."""
        if not key:
            return ""
        today = datetime.now(CHINA).date()
        for day in (today, today - timedelta(days=1)):
            for page in range(1, 21):  # 50 a page; a number gets a handful of messages a day
                fields = {"PhoneNumber": mobile, "SendDate": day.strftime("%Y%m%d"), "PageSize": "50"}
                fields["CurrentPage"] = str(page)
                try:
                    body = self.post(
                        data=self.signed("QuerySendDetails", fields),
                        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                    )
                except SmsError:
                    return None
                if body.get("Code") != "OK":
                    return None
                found = (body.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
                for sent in found:
                    if sent.get("OutId") == key:
                        return sent.get("BizId") or f"alibaba:{key}"
                if len(found) < 50:
                    break
        return ""

    def send(self, message: TextMessage) -> str:
        body = self.post(
            data=self.signed_params(message),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        code = body.get("Code", "")
        if code == "OK":
            return body.get("BizId", "") or body.get("RequestId", "")
        raise SmsError(
            f"Alibaba Cloud SMS {code or 'no code'}: {body.get('Message', '')}",
            retryable=code in ALIBABA_RETRYABLE,
        )


# -- Tencent Cloud SMS (SendSms 2021-01-11, signature TC3-HMAC-SHA256) ----------------------------------

TENCENT_RETRYABLE_PREFIXES = ("InternalError", "RequestLimitExceeded", "ResourceUnavailable")
TENCENT_RETRYABLE = frozenset(
    {
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        "LimitExceeded.PhoneNumberOneHourLimit",
        "LimitExceeded.AppGlobalDailyLimit",  # until the organisation raises it, or tomorrow
        "FailedOperation.FailResolvePacket",
    }
)


def tencent_retryable(code: str) -> bool:
    return code in TENCENT_RETRYABLE or code.startswith(TENCENT_RETRYABLE_PREFIXES)


def _hmac_sha256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tencent_authorization(
    *, secret_id: str, secret_key: str, host: str, payload: str, timestamp: int, service: str = "sms"
) -> str:
    """The ``Authorization`` header of a TC3-HMAC-SHA256 signed POST of a JSON ``payload`` to ``/``."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:application/json; charset=utf-8\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac_sha256(_hmac_sha256(_hmac_sha256(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, "
        f"Signature={signature}"
    )


class TencentCloudSmsBackend(ProviderBackend):
    """Tencent Cloud SMS: ``SendSms`` (API version 2021-01-11); the template's variables, in the order the
    message gives them, as ``TemplateParamSet`` (``{1}`` is the first: the code)."""

    default_endpoint = "https://sms.tencentcloudapi.com/"
    default_region = "ap-guangzhou"

    def payload(self, message: TextMessage) -> str:
        return json.dumps(
            {
                "PhoneNumberSet": [f"+86{message.mobile}"],
                "SmsSdkAppId": self.options.get("sdk_app_id", ""),
                "SignName": self.options.get("sign_name", ""),
                "TemplateId": self.template_code(message),
                "TemplateParamSet": [str(value) for value in message.params.values()],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def headers(self, payload: str, *, timestamp: int) -> dict[str, str]:
        host = requests.utils.urlparse(self.endpoint).netloc
        return {
            "Authorization": tencent_authorization(
                secret_id=self.options.get("access_key_id", ""),
                secret_key=self.options.get("access_key_secret", ""),
                host=host,
                payload=payload,
                timestamp=timestamp,
            ),
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
        }

    def send(self, message: TextMessage) -> str:
        payload = self.payload(message)
        timestamp = int(datetime.now(UTC).timestamp())
        body = self.post(data=payload.encode(), headers=self.headers(payload, timestamp=timestamp))
        answer = body.get("Response") or {}
        if error := answer.get("Error"):
            code = error.get("Code", "")
            raise SmsError(
                f"Tencent Cloud SMS {code}: {error.get('Message', '')}", retryable=tencent_retryable(code)
            )
        statuses = answer.get("SendStatusSet") or []
        if not statuses:
            raise SmsError("Tencent Cloud SMS: no send status in the answer", retryable=True)
        status = statuses[0]
        code = status.get("Code", "")
        if code == "Ok":
            return status.get("SerialNo", "") or answer.get("RequestId", "")
        raise SmsError(
            f"Tencent Cloud SMS {code}: {status.get('Message', '')}", retryable=tencent_retryable(code)
        )
