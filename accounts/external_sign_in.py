"""Sign in with WeCom (企业微信) or a WeChat official account (公众号), off unless configured.

The flow, for both providers (OAuth 2 with ``snsapi_base``: the provider tells us who the person is,
nothing more):

1. ``external_start`` sends the browser to the provider with a ``state``: a signed, timestamped value
   naming the provider and a nonce kept in this browser's session, good for one callback only (CSRF).
2. The provider sends the browser back with ``code``; ``Provider.subject_for_code`` asks the provider's
   API who that is (WeCom: the person's UserID in the organisation; WeChat: their OpenID).
3. A bound subject (`ExternalIdentity`) signs in as its person. An unbound one must prove a staff
   record's mobile number with a text-message code (purpose "bind") and is then bound to that record.
   Nothing here creates an account: a number that belongs to nobody is told so (after the code, so the
   answer tells nothing to someone who does not hold the phone).

WeCom documents: 构造网页授权链接 (open.weixin.qq.com/connect/oauth2/authorize, inside the WeCom app),
企业微信 Web 登录 (login.work.weixin.qq.com/wwlogin/sso/login, a QR code for desktop browsers),
获取 access_token (cgi-bin/gettoken, cached until it expires) and 获取访问用户身份
(cgi-bin/auth/getuserinfo). WeChat: 网页授权 (connect/oauth2/authorize and sns/oauth2/access_token).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import ExternalIdentity, User

log = logging.getLogger(__name__)

STATE_SALT = "accounts.external_sign_in.state"
STATE_MAX_AGE = 10 * 60  # seconds from leaving for the provider to coming back
NONCE_SESSION_KEY = "external_sign_in_nonce"
PENDING_SESSION_KEY = "external_sign_in_pending"
PENDING_MAX_AGE = 15 * 60  # seconds to type the number and the code after coming back
HTTP_TIMEOUT = 5  # seconds; the person is waiting
# WeCom's answers meaning the cached access token is no longer good: fetch a new one and ask again.
WECOM_TOKEN_ERRORS = {40014, 42001}


class ExternalSignInError(Exception):
    """The provider said no, or could not be reached; ``str()`` is a message for the person."""


@dataclass(frozen=True)
class Provider:
    name: str

    @property
    def label(self) -> str:
        return ExternalIdentity.Provider(self.name).label

    def configured(self) -> bool:
        raise NotImplementedError

    def authorize_url(self, *, redirect_uri: str, state: str, user_agent: str) -> str:
        raise NotImplementedError

    def subject_for_code(self, code: str) -> str:
        raise NotImplementedError

    def offered_to(self, user_agent: str) -> bool:
        """Whether the sign-in page shows this provider's button to this browser."""
        return self.configured()


def _get_json(url: str, params: dict, provider_label: str) -> dict:
    try:
        response = requests.get(url, params=params, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        # Not the error's text: it holds the URL, whose query holds the secret.
        status = getattr(getattr(error, "response", None), "status_code", None)
        log.warning(
            "%s sign-in: %s did not answer (%s %s)", provider_label, url, type(error).__name__, status
        )
        raise ExternalSignInError(
            _("%(provider)s did not answer. Try again in a minute, or sign in with your password.")
            % {"provider": provider_label}
        ) from error
    if not isinstance(data, dict):
        raise ExternalSignInError(
            _("%(provider)s gave an answer we could not read.") % {"provider": provider_label}
        )
    return data


def _provider_refused(provider_label: str, data: dict) -> ExternalSignInError:
    log.warning(
        "%s sign-in refused: errcode=%s errmsg=%s", provider_label, data.get("errcode"), data.get("errmsg")
    )
    return ExternalSignInError(
        _(
            "%(provider)s did not confirm who you are (error %(code)s). Go back and try again, or sign in "
            "with your password."
        )
        % {"provider": provider_label, "code": data.get("errcode", "?")}
    )


class WeComProvider(Provider):
    def configured(self) -> bool:
        return bool(settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET)

    def authorize_url(self, *, redirect_uri: str, state: str, user_agent: str) -> str:
        if "wxwork" in user_agent.lower():  # inside the WeCom app: no QR code, it knows the person
            query = urlencode(
                {
                    "appid": settings.WECOM_CORP_ID,
                    "redirect_uri": redirect_uri,
                    "response_type": "code",
                    "scope": "snsapi_base",
                    "state": state,
                    "agentid": settings.WECOM_AGENT_ID,
                }
            )
            return f"{settings.WECOM_OAUTH_BASE}/connect/oauth2/authorize?{query}#wechat_redirect"
        query = urlencode(
            {
                "login_type": "CorpApp",
                "appid": settings.WECOM_CORP_ID,
                "agentid": settings.WECOM_AGENT_ID,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"{settings.WECOM_QR_BASE}/wwlogin/sso/login?{query}"

    def _token_key(self) -> str:
        return f"wecom-token:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"

    def access_token(self) -> str:
        """The application's access token, cached (shared by every server) until shortly before it
        expires: WeCom limits how often it may be fetched."""
        token = cache.get(self._token_key())
        if token:
            return token
        data = _get_json(
            f"{settings.WECOM_API_BASE}/cgi-bin/gettoken",
            {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET},
            self.label,
        )
        if data.get("errcode") or not data.get("access_token"):
            raise _provider_refused(self.label, data)
        lifetime = int(data.get("expires_in") or 7200)
        cache.set(self._token_key(), data["access_token"], max(lifetime - 300, 60))
        return data["access_token"]

    def subject_for_code(self, code: str) -> str:
        for attempt in range(2):
            data = _get_json(
                f"{settings.WECOM_API_BASE}/cgi-bin/auth/getuserinfo",
                {"access_token": self.access_token(), "code": code},
                self.label,
            )
            if data.get("errcode") in WECOM_TOKEN_ERRORS and attempt == 0:
                cache.delete(self._token_key())
                continue
            break
        if data.get("errcode"):
            raise _provider_refused(self.label, data)
        if not data.get("userid"):  # someone from outside the organisation (an OpenID only)
            raise ExternalSignInError(
                _("This WeCom account is not a member of the organisation. Sign in with your password.")
            )
        return str(data["userid"])


class WeChatProvider(Provider):
    def configured(self) -> bool:
        return bool(settings.WECHAT_APP_ID and settings.WECHAT_SECRET)

    def offered_to(self, user_agent: str) -> bool:
        # An official account's sign-in works inside WeChat only.
        ua = user_agent.lower()
        return self.configured() and "micromessenger" in ua and "wxwork" not in ua

    def authorize_url(self, *, redirect_uri: str, state: str, user_agent: str) -> str:
        query = urlencode(
            {
                "appid": settings.WECHAT_APP_ID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            }
        )
        return f"{settings.WECHAT_OAUTH_BASE}/connect/oauth2/authorize?{query}#wechat_redirect"

    def subject_for_code(self, code: str) -> str:
        data = _get_json(
            f"{settings.WECHAT_API_BASE}/sns/oauth2/access_token",
            {
                "appid": settings.WECHAT_APP_ID,
                "secret": settings.WECHAT_SECRET,
                "code": code,
                "grant_type": "authorization_code",
            },
            self.label,
        )
        if data.get("errcode") or not data.get("openid"):
            raise _provider_refused(self.label, data)
        return str(data["openid"])


PROVIDERS: dict[str, Provider] = {
    "wecom": WeComProvider("wecom"),
    "wechat": WeChatProvider("wechat"),
}


def provider_get(name: str) -> Provider | None:
    """The provider called ``name`` if it is configured, else None."""
    provider = PROVIDERS.get(name)
    return provider if provider is not None and provider.configured() else None


def providers_offered(user_agent: str) -> list[Provider]:
    return [provider for provider in PROVIDERS.values() if provider.offered_to(user_agent)]


# -- state: signed, timestamped, one use ------------------------------------------------------------


def state_make(session, *, provider: str) -> str:
    nonce = secrets.token_urlsafe(16)
    session[NONCE_SESSION_KEY] = nonce
    return signing.dumps({"p": provider, "n": nonce}, salt=STATE_SALT, compress=True)


def state_check(session, *, provider: str, state: str) -> bool:
    """Whether ``state`` is the one this browser was given for ``provider`` in the last ten minutes.
    Used up by the check, right or wrong."""
    expected = session.pop(NONCE_SESSION_KEY, None)
    try:
        value = signing.loads(state or "", salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        return False
    return (
        bool(expected)
        and isinstance(value, dict)
        and value.get("p") == provider
        and secrets.compare_digest(str(value.get("n", "")), expected)
    )


# -- reads and writes -------------------------------------------------------------------------------


def external_identity_user(*, provider: str, subject: str) -> User | None:
    """The person bound to ``subject`` at ``provider``, or None. One query."""
    identity = (
        ExternalIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    )
    return identity.user if identity else None


def user_with_mobile(mobile: str) -> User | None:
    return User.objects.filter(mobile=mobile).first()


class BindRefused(Exception):
    """``str()`` says why, for the person."""


def external_identity_bind(*, provider: str, subject: str, user: User) -> ExternalIdentity:
    """Bind ``subject`` at ``provider`` to ``user``, whose mobile number has just been proven. Their
    earlier binding at the same provider (a new WeCom account, a new phone) is replaced. A subject
    already bound to someone else stays theirs. Idempotent: binding the same pair again changes
    nothing."""
    try:
        with transaction.atomic():
            existing = (
                ExternalIdentity.objects.select_for_update()
                .filter(provider=provider, subject=subject)
                .first()
            )
            if existing is not None:
                if existing.user_id != user.pk:
                    raise BindRefused(
                        _("This %(provider)s account is already bound to another person.")
                        % {"provider": ExternalIdentity.Provider(provider).label}
                    )
                return existing
            ExternalIdentity.objects.filter(provider=provider, user=user).delete()
            identity = ExternalIdentity(provider=provider, subject=subject, user=user)
            identity.full_clean()
            identity.save()
            return identity
    except IntegrityError:  # the same binding, made at the same moment by a second submit
        identity = ExternalIdentity.objects.filter(provider=provider, subject=subject).first()
        if identity is not None and identity.user_id == user.pk:
            return identity
        raise BindRefused(_("This account was bound a moment ago. Sign in again.")) from None
