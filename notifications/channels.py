"""The ways a reminder reaches a person, as one abstraction.

Every channel answers three questions: is it turned on for the organisation (`enabled`), where does
this person receive it (`address`: "" = they cannot be reached this way) and `send` (one notification
to one address; returns the provider's message id or raises `DeliveryError`). In-app is the
`Notification` row itself and is always on; the others are `Delivery` rows sent by
notifications.deliveries.

Organisation switches: ``NOTIFY_CHANNELS`` (e.g. ``email,sms,wecom``) names the outward channels the
organisation uses; e-mail is also on with ``REMINDER_EMAIL_ENABLED`` (a mail server configured), WeCom
only with ``WECOM_CORP_ID``, ``WECOM_AGENT_ID`` and ``WECOM_SECRET`` set.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import smtplib

import requests
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import sms
from notifications import texts
from notifications.models import Delivery, Notification

logger = logging.getLogger(__name__)
Kind = Notification.Kind
SIGNATURE = "【一线学堂】"


class DeliveryError(Exception):
    """A message that did not go. ``retryable``: trying again later may succeed."""

    def __init__(self, message: str, *, retryable: bool = True, code: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.code = code  # the provider's error code, where it gave one


def organisation_channels() -> set[str]:
    return {name.strip() for name in getattr(settings, "NOTIFY_CHANNELS", []) if name.strip()}


def absolute(link: str) -> str:
    if link.startswith("/"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link
    return link


class Channel:
    key: str = ""

    def enabled(self) -> bool:
        raise NotImplementedError

    def address(self, user) -> str:
        raise NotImplementedError

    def send(self, notification: Notification, address: str, *, key: str = "") -> str:
        raise NotImplementedError

    def accepted(self, key: str, address: str) -> str | None:
        """Whether the message sent with ``key`` reached the provider: its id, "" if not, None if this
        channel cannot tell (notifications.deliveries then sends it again)."""
        return None


class InAppChannel(Channel):
    """The notification row is the message: nothing to send, never turned off."""

    key = "app"

    def enabled(self) -> bool:
        return True

    def address(self, user) -> str:
        return str(user.pk)

    def send(self, notification: Notification, address: str, *, key: str = "") -> str:
        return str(notification.pk)


# --- E-mail ------------------------------------------------------------------------------


def email_message(notification: Notification, address: str, connection=None) -> mail.EmailMessage:
    """The email for one notification, in the site's language, with a link back and a way out."""
    with translation.override(settings.LANGUAGE_CODE):
        site_name = _("Frontline Academy")
        parts = [notification.body or notification.subject]
        if notification.link:
            parts.append(_("Open: %(url)s") % {"url": absolute(notification.link)})
        parts.append(
            "—\n"
            + _("%(site)s. Choose which reminders come by email: %(url)s")
            % {"site": site_name, "url": absolute(reverse("notifications:preferences"))}
        )
        return mail.EmailMessage(
            subject=f"[{site_name}] {notification.subject}",
            body="\n\n".join(parts),
            to=[address],
            connection=connection,
        )


class EmailChannel(Channel):
    key = Delivery.Channel.EMAIL

    def enabled(self) -> bool:
        return bool(getattr(settings, "REMINDER_EMAIL_ENABLED", False)) or self.key in organisation_channels()

    def address(self, user) -> str:
        return user.email or ""

    def send(self, notification: Notification, address: str, *, key: str = "") -> str:
        try:
            email_message(notification, address).send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the mail server refused the address: {exc}", retryable=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"mail server: {exc!r}") from exc
        return ""


# --- Text messages -----------------------------------------------------------------------


def _day(iso: str | None) -> str:
    """「12月20日」: how a date reads in a text message."""
    try:
        day = datetime.date.fromisoformat(iso or "")
    except ValueError:
        return ""
    return f"{day.month}月{day.day}日"


def text_message_for(notification: Notification, mobile: str) -> sms.TextMessage:
    """The Chinese text of a reminder by SMS (sent to Chinese phones whatever the site's language),
    with the provider template it uses and that template's variables."""
    params = notification.params or {}
    course = str(params.get("course", ""))[:30]
    if notification.kind == Kind.COURSE_ASSIGNED:
        date = _day(params.get("due_on"))
        values = {"course": course, "date": date}
        if date:
            text = f"{SIGNATURE}你有一门新课程：《{course}》，请在 {date}前完成。"
        else:
            text = f"{SIGNATURE}你有一门新课程：《{course}》，请尽快学习。"
        return sms.TextMessage(mobile=mobile, template="assigned", text=text, params=values)
    if notification.kind in (Kind.SESSION_INVITED, Kind.SESSION_CHANGED, Kind.SESSION_REMINDER):
        return _session_text(notification, mobile)
    if notification.kind == Kind.MANAGER_DIGEST:
        values = {"unit": str(params.get("unit", ""))[:30], "count": str(params.get("staff", 0))}
        text = f"{SIGNATURE}{values['unit']}有 {values['count']} 人的培训已逾期，请登录一线学堂查看。"
        return sms.TextMessage(mobile=mobile, template="digest", text=text, params=values)
    if notification.kind == Kind.DUE_SOON:
        status, date = "即将到期", _day(params.get("due_on"))
        text = f"{SIGNATURE}课程《{course}》将于 {date}到期，请尽快完成。"
    elif notification.kind == Kind.OVERDUE:
        status, date = "已逾期", _day(params.get("due_on"))
        text = f"{SIGNATURE}课程《{course}》已于 {date}逾期，请尽快完成。"
    elif notification.kind == Kind.CERTIFICATE_EXPIRING:
        status, date = "证书即将过期", _day(params.get("expires_on"))
        text = f"{SIGNATURE}你的《{course}》证书将于 {date}过期，请在此前重新学习。"
    else:
        raise DeliveryError(f"no text message for {notification.kind}", retryable=False)
    values = {"course": course, "date": date, "status": status}
    return sms.TextMessage(mobile=mobile, template="reminder", text=text, params=values)


def _session_text(notification: Notification, mobile: str) -> sms.TextMessage:
    """「【一线学堂】线下培训《…》：12月20日 09:30，社区会议室。」 (template "session")."""
    params = notification.params or {}
    try:
        moment = timezone.localtime(datetime.datetime.fromisoformat(params.get("starts_at", "")))
        when = f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    except (TypeError, ValueError):
        when = ""
    lead = {
        Kind.SESSION_INVITED: "你受邀参加",
        Kind.SESSION_CHANGED: "时间地点有变：",
        Kind.SESSION_REMINDER: "明天",
    }[notification.kind]
    values = {
        "lead": lead,
        "title": str(params.get("session", ""))[:30],
        "when": when,
        "place": str(params.get("place", ""))[:30],
    }
    text = f"{SIGNATURE}{lead}线下培训《{values['title']}》：{when}，{values['place']}。"
    return sms.TextMessage(mobile=mobile, template="session", text=text, params=values)


class SmsChannel(Channel):
    key = Delivery.Channel.SMS

    def enabled(self) -> bool:
        return self.key in organisation_channels()

    def address(self, user) -> str:
        return user.mobile or ""

    def send(self, notification: Notification, address: str, *, key: str = "") -> str:
        try:
            return sms.send(dataclasses.replace(text_message_for(notification, address), key=key)) or ""
        except sms.SmsError as exc:
            raise DeliveryError(f"SMS: {exc}", retryable=exc.retryable) from exc

    def accepted(self, key: str, address: str) -> str | None:
        return sms.accepted(key, address)


# --- WeCom (企业微信) application messages ---------------------------------------------------

WECOM_TIMEOUT = (5, 10)  # seconds to connect, to read
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid secret-derived token, invalid token, token expired
RATE_LIMIT_ERRORS = {-1, 45009, 45033, 45047}  # busy, over the call limit, too many at once, queue full
# Unknown user / no valid recipient: the person is not in the organisation's WeCom directory.
UNKNOWN_USER_ERRORS = {46004, 60111, 81013}


class WeComClient:
    """The two calls a reminder needs: ``gettoken`` (corp id + the application's secret; the token is
    cached for its life less a minute) and ``message/send`` (a text card to one user id). A person is
    found by their mobile number (``user/getuserid``), cached for a day."""

    def __init__(self, *, corp_id: str, agent_id: str, secret: str, base_url: str, session=None):
        self.corp_id, self.agent_id, self.secret = corp_id, agent_id, secret
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()

    @property
    def _token_key(self) -> str:
        return f"wecom-token:{self.corp_id}:{self.agent_id}"

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.session.request(
                method, f"{self.base_url}/cgi-bin/{path}", timeout=WECOM_TIMEOUT, **kwargs
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise DeliveryError(f"WeCom {path}: {exc!r}") from exc

    def token(self, *, fresh: bool = False) -> str:
        token = None if fresh else cache.get(self._token_key)
        if token:
            return token
        answer = self._call("GET", "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret})
        if answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise DeliveryError(
                f"WeCom gettoken: {answer.get('errcode')} {answer.get('errmsg', '')}",
                retryable=answer.get("errcode") in RATE_LIMIT_ERRORS,
            )
        cache.set(self._token_key, answer["access_token"], max(int(answer.get("expires_in", 7200)) - 60, 60))
        return answer["access_token"]

    def _post(self, path: str, body: dict) -> dict:
        """POST with the cached token; once more with a fresh token when WeCom says it expired."""
        answer = self._call("POST", path, params={"access_token": self.token()}, json=body)
        if answer.get("errcode") in TOKEN_ERRORS:
            answer = self._call("POST", path, params={"access_token": self.token(fresh=True)}, json=body)
        code = answer.get("errcode", 0)
        if code:
            raise DeliveryError(
                f"WeCom {path}: {code} {answer.get('errmsg', '')}",
                retryable=code in RATE_LIMIT_ERRORS or code in TOKEN_ERRORS,
                code=code,
            )
        return answer

    def user_id(self, mobile: str) -> str:
        key = f"wecom-user:{self.corp_id}:{mobile}"
        found = cache.get(key)
        if found:
            return found
        try:
            found = self._post("user/getuserid", {"mobile": mobile})["userid"]
        except DeliveryError as exc:
            if exc.code in UNKNOWN_USER_ERRORS:
                raise DeliveryError(f"not in WeCom: {exc}", retryable=False) from exc
            raise
        cache.set(key, found, 24 * 3600)
        return found

    def send_card(self, *, user_id: str, title: str, description: str, url: str) -> str:
        answer = self._post(
            "message/send",
            {
                "touser": user_id,
                "msgtype": "textcard",
                "agentid": int(self.agent_id),
                "textcard": {
                    "title": title[:128],
                    "description": description[:512],
                    "url": url,
                    "btntxt": "详情",
                },
                "enable_duplicate_check": 1,  # WeCom itself drops a repeat within the interval below
                "duplicate_check_interval": 1800,
            },
        )
        if answer.get("invaliduser"):
            raise DeliveryError(f"WeCom refused the user {answer['invaliduser']}", retryable=False)
        return str(answer.get("msgid", ""))


def wecom_client(session=None) -> WeComClient | None:
    corp_id, agent_id, secret = settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET
    if not (corp_id and agent_id and secret):
        return None
    return WeComClient(
        corp_id=corp_id, agent_id=agent_id, secret=secret, base_url=settings.WECOM_API_BASE, session=session
    )


class WeComChannel(Channel):
    """Addressed by mobile number (mapped to the WeCom user id by WeCom itself), or by a stored WeCom
    user id where the account has one (``wecom_userid``, written by WeCom sign-in)."""

    key = Delivery.Channel.WECOM
    session = None  # tests inject a fake transport here

    def enabled(self) -> bool:
        return self.key in organisation_channels() and wecom_client() is not None

    def address(self, user) -> str:
        user_id = getattr(user, "wecom_userid", "")
        if user_id:
            return f"id:{user_id}"
        return user.mobile or ""

    def send(self, notification: Notification, address: str, *, key: str = "") -> str:
        # A repeat after a dead worker needs no lookup: WeCom's duplicate check drops it (send_card).
        client = wecom_client(self.session)
        if client is None:
            raise DeliveryError("WeCom is not configured", retryable=False)
        user_id = address[3:] if address.startswith("id:") else client.user_id(address)
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = texts.render(notification.kind, notification.params or {})
        return client.send_card(
            user_id=user_id,
            title=subject or notification.subject,
            description=body or notification.body,
            url=absolute(notification.link or reverse("notifications:list")),
        )


CHANNELS: dict[str, Channel] = {
    channel.key: channel for channel in (InAppChannel(), EmailChannel(), SmsChannel(), WeComChannel())
}
OUTWARD = (Delivery.Channel.EMAIL, Delivery.Channel.SMS, Delivery.Channel.WECOM)


def outward_channels() -> list[Channel]:
    """The outward channels the organisation has turned on."""
    return [CHANNELS[key] for key in OUTWARD if CHANNELS[key].enabled()]
