"""Sign-in with WeCom / WeChat against a local fake of the providers' HTTP APIs (no network)."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.external_sign_in import STATE_SALT
from accounts.models import ExternalIdentity, User
from core import sms
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MOBILE = "13800000007"


class FakeProvider(BaseHTTPRequestHandler):
    """WeCom's gettoken and auth/getuserinfo, WeChat's sns/oauth2/access_token. ``codes`` maps an
    authorisation code to a WeCom UserID / WeChat OpenID; ``calls`` records every request."""

    codes: dict[str, str] = {}
    calls: list[tuple[str, dict]] = []
    token_answers: list[dict] = []
    broken = False
    sign_in_as = "code-zhang"  # the code the fake authorize page hands back

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.calls.append((url.path, query))
        if self.broken:
            self.send_response(500)
            self.end_headers()
            return
        if url.path == "/connect/oauth2/authorize":  # the person agrees: back to us with their code
            self.send_response(302)
            self.send_header(
                "Location", f"{query['redirect_uri']}?code={self.sign_in_as}&state={query['state']}"
            )
            self.end_headers()
            return
        if url.path == "/cgi-bin/gettoken":
            if query.get("corpsecret") != "s3cret":
                body = {"errcode": 40001, "errmsg": "invalid credential"}
            else:
                body = self.token_answers.pop(0) if self.token_answers else {}
                body = body or {"errcode": 0, "access_token": "TOKEN-1", "expires_in": 7200}
        elif url.path == "/cgi-bin/auth/getuserinfo":
            if query.get("access_token") == "STALE":
                body = {"errcode": 42001, "errmsg": "access_token expired"}
            elif query.get("code") in self.codes:
                body = {"errcode": 0, "userid": self.codes[query["code"]]}
            elif query.get("code") == "outsider":
                body = {"errcode": 0, "openid": "o-outsider"}
            else:
                body = {"errcode": 40029, "errmsg": "invalid code"}
        elif url.path == "/sns/oauth2/access_token":
            if query.get("code") in self.codes and query.get("secret") == "wx-secret":
                body = {"access_token": "A", "expires_in": 7200, "openid": self.codes[query["code"]]}
            else:
                body = {"errcode": 40029, "errmsg": "invalid code"}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake(settings):
    FakeProvider.codes = {"code-zhang": "zhangsan", "code-li": "lisi", "code-wang": "wangwu"}
    FakeProvider.calls = []
    FakeProvider.token_answers = []
    FakeProvider.broken = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "ww-corp", "1000002", "s3cret"
    settings.WECOM_API_BASE = base
    settings.WECOM_OAUTH_BASE = "https://oauth.fake"
    settings.WECOM_QR_BASE = "https://qr.fake"
    settings.WECHAT_APP_ID, settings.WECHAT_SECRET = "wx-app", "wx-secret"
    settings.WECHAT_API_BASE = base
    cache.clear()
    sms.outbox.clear()
    yield FakeProvider
    server.shutdown()
    server.server_close()
    sms.outbox.clear()


def start(client, provider="wecom", user_agent="Mozilla/5.0 wxwork/4.1", next_url=""):
    """Tap the button; return the state the provider would send back."""
    response = client.get(
        reverse("accounts:external_start", args=[provider]),
        {"next": next_url},
        headers={"user-agent": user_agent},
    )
    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    return location, query["state"][0]


def come_back(client, state, code, provider="wecom"):
    return client.get(reverse("accounts:external_callback", args=[provider]), {"code": code, "state": state})


def signed_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def bind(client, mobile=MOBILE, code=None):
    if code is None:
        response = client.post(reverse("accounts:external_bind"), {"mobile": mobile, "action": "send"})
        assert response.status_code == 200
        found = re.search(r"\b(\d{6})\b", sms.outbox[-1].text) if sms.outbox else None
        code = found.group(1) if found else "000000"
    return client.post(reverse("accounts:external_bind"), {"mobile": mobile, "code": code, "action": "bind"})


def test_the_button_shows_only_when_configured(client, settings):
    settings.WECOM_CORP_ID = ""
    settings.WECHAT_APP_ID = ""
    page = client.get(reverse("accounts:login")).content.decode()
    assert "external/wecom" not in page
    assert client.get(reverse("accounts:external_start", args=["wecom"])).status_code == 404
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "ww", "1", "s"
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:external_start", args=["wecom"]) in page
    client.cookies["django_language"] = "en"  # the Chinese is in the translations
    assert "Sign in with WeCom" in client.get(reverse("accounts:login")).content.decode()
    assert "external/wechat" not in page  # WeChat only inside WeChat


def test_authorize_urls_inside_wecom_and_on_a_desktop(client, fake):
    location, _state = start(client)
    assert location.startswith("https://oauth.fake/connect/oauth2/authorize?")
    assert location.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(location.split("#")[0]).query)
    assert (
        query["appid"] == ["ww-corp"]
        and query["agentid"] == ["1000002"]
        and query["scope"] == ["snsapi_base"]
    )
    assert query["redirect_uri"] == ["http://testserver/accounts/external/wecom/callback/"]
    desktop, _state = start(client, user_agent="Mozilla/5.0 (Windows NT 10.0) Chrome/120")
    assert desktop.startswith("https://qr.fake/wwlogin/sso/login?")
    assert "login_type=CorpApp" in desktop


def test_first_sign_in_binds_by_code_and_the_second_signs_in_at_once(client, fake):
    person = make_user("zhang", mobile=MOBILE)
    users_before = User.objects.count()
    _location, state = start(client, next_url="/courses/")
    response = come_back(client, state, "code-zhang")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:external_bind")
    assert signed_in_as(client) is None
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:external_bind")).content.decode()
    assert "Bind your WeCom account" in page
    response = bind(client)
    assert sms.outbox[-1].mobile == MOBILE and "绑定账号" in sms.outbox[-1].text
    assert response.status_code == 302 and response["Location"] == "/courses/"
    assert signed_in_as(client) == person.pk
    assert ExternalIdentity.objects.get(provider="wecom", subject="zhangsan").user == person

    client.post(reverse("accounts:logout"))
    tokens_fetched = sum(1 for path, _q in fake.calls if path == "/cgi-bin/gettoken")
    _location, state = start(client)
    response = come_back(client, state, "code-zhang")
    assert response.status_code == 302 and response["Location"] == reverse("progress:my_learning")
    assert signed_in_as(client) == person.pk
    # The access token was cached: fetched once for both sign-ins.
    assert sum(1 for path, _q in fake.calls if path == "/cgi-bin/gettoken") == tokens_fetched == 1
    assert User.objects.count() == users_before  # never a second account


def test_wrong_reused_or_foreign_state_is_refused(client, fake):
    make_user("zhang", mobile=MOBILE)
    _location, state = start(client)
    assert come_back(client, state + "x", "code-zhang").status_code == 400
    # The check used the state up, right or wrong: the real one no longer works either.
    client.cookies["django_language"] = "en"
    response = come_back(client, state, "code-zhang")
    assert response.status_code == 400
    assert "This sign-in link has expired" in response.content.decode()
    # A state made in another browser is refused here.
    other = client.__class__()
    _location, foreign = start(other)
    assert come_back(client, foreign, "code-zhang").status_code == 400
    # A state for WeChat does not serve WeCom.
    from django.core import signing

    forged = signing.dumps({"p": "wechat", "n": "x"}, salt=STATE_SALT, compress=True)
    assert come_back(client, forged, "code-zhang").status_code == 400
    assert not any(path == "/cgi-bin/auth/getuserinfo" for path, _q in fake.calls)
    assert signed_in_as(client) is None


def test_provider_errors_are_shown_clearly(client, fake, settings, caplog):
    client.cookies["django_language"] = "en"
    _location, state = start(client)
    response = come_back(client, state, "bad-code")
    assert response.status_code == 502
    assert "WeCom did not confirm who you are (error 40029)" in response.content.decode()
    _location, state = start(client)
    response = come_back(client, state, "outsider")
    assert response.status_code == 502
    assert "not a member of the organisation" in response.content.decode()
    fake.broken = True
    cache.clear()
    _location, state = start(client)
    response = come_back(client, state, "code-zhang")
    assert response.status_code == 502
    assert "WeCom did not answer" in response.content.decode()
    assert "s3cret" not in response.content.decode()
    assert signed_in_as(client) is None
    assert "s3cret" not in caplog.text  # the secret is in the URL: never logged


def test_an_expired_token_is_fetched_again(client, fake):
    person = make_user("zhang", mobile=MOBILE)
    ExternalIdentity.objects.create(provider="wecom", subject="zhangsan", user=person)
    cache.set("wecom-token:ww-corp:1000002", "STALE", 600)
    _location, state = start(client)
    assert come_back(client, state, "code-zhang").status_code == 302
    assert signed_in_as(client) == person.pk


def test_a_number_without_a_staff_record_is_told_so_and_nothing_is_created(client, fake):
    users_before = User.objects.count()
    _location, state = start(client)
    come_back(client, state, "code-zhang")
    response = client.post(reverse("accounts:external_bind"), {"mobile": MOBILE, "action": "send"})
    assert response.status_code == 200 and not sms.outbox  # same answer, nothing sent
    response = client.post(
        reverse("accounts:external_bind"), {"mobile": MOBILE, "code": "123456", "action": "bind"}
    )
    assert response.status_code == 400
    assert User.objects.count() == users_before and not ExternalIdentity.objects.exists()


def test_a_person_bound_elsewhere_cannot_be_taken_without_the_code(client, fake):
    person = make_user("zhang", mobile=MOBILE)
    ExternalIdentity.objects.create(provider="wecom", subject="zhangsan", user=person)
    # 李四 signs in with WeCom and claims 张三's number.
    _location, state = start(client)
    come_back(client, state, "code-li")
    client.post(
        reverse("accounts:external_bind"), {"mobile": MOBILE, "action": "send"}
    )  # goes to 张三's phone
    for guess in ("000000", "123456", ""):
        response = client.post(
            reverse("accounts:external_bind"), {"mobile": MOBILE, "code": guess, "action": "bind"}
        )
        assert response.status_code == 400
    assert signed_in_as(client) is None
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == ["zhangsan"]


def test_a_wecom_account_bound_to_someone_stays_theirs(client, fake):
    zhang = make_user("zhang", mobile=MOBILE)
    li = make_user("li", mobile="13800000008")
    ExternalIdentity.objects.create(provider="wecom", subject="zhangsan", user=zhang)
    from accounts.external_sign_in import BindRefused, external_identity_bind

    with pytest.raises(BindRefused):
        external_identity_bind(provider="wecom", subject="zhangsan", user=li)
    # Binding again the same pair changes nothing; a new WeCom account replaces the person's old one.
    assert external_identity_bind(provider="wecom", subject="zhangsan", user=zhang).user == zhang
    external_identity_bind(provider="wecom", subject="zhangsan-new", user=zhang)
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == ["zhangsan-new"]


def test_the_bind_page_needs_a_callback_first_and_a_double_submit_binds_once(client, fake):
    response = client.get(reverse("accounts:external_bind"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    person = make_user("zhang", mobile=MOBILE)
    _location, state = start(client)
    come_back(client, state, "code-zhang")
    client.post(reverse("accounts:external_bind"), {"mobile": MOBILE, "action": "send"})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    first = client.post(reverse("accounts:external_bind"), {"mobile": MOBILE, "code": code, "action": "bind"})
    second = client.post(
        reverse("accounts:external_bind"), {"mobile": MOBILE, "code": code, "action": "bind"}
    )
    assert first.status_code == 302 and second.status_code == 302  # the second: nothing pending any more
    assert second["Location"] == reverse("accounts:login")
    assert ExternalIdentity.objects.filter(user=person).count() == 1


def test_wechat_official_account_sign_in(client, fake):
    person = make_user("wang", mobile=MOBILE)
    ua = "Mozilla/5.0 MicroMessenger/8.0.40"
    assert (
        "external/wechat"
        in client.get(reverse("accounts:login"), headers={"user-agent": ua}).content.decode()
    )
    location, state = start(client, provider="wechat", user_agent=ua)
    assert "appid=wx-app" in location and location.endswith("#wechat_redirect")
    come_back(client, state, "code-wang", provider="wechat")
    response = bind(client)
    assert response.status_code == 302
    assert ExternalIdentity.objects.get(provider="wechat").subject == "wangwu"
    assert signed_in_as(client) == person.pk


def test_an_inactive_person_is_not_signed_in(client, fake):
    person = make_user("zhang", mobile=MOBILE, is_active=False)
    ExternalIdentity.objects.create(provider="wecom", subject="zhangsan", user=person)
    _location, state = start(client)
    assert come_back(client, state, "code-zhang").status_code == 403
    assert signed_in_as(client) is None
