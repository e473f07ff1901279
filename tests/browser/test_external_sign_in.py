"""WeCom sign-in on a phone, inside the WeCom app, against a local fake of WeCom: the first time binds
by an SMS code (read from the test outbox), the second signs in at once."""

import re
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.core.cache import cache

from accounts.models import ExternalIdentity, User
from accounts.tests.test_external_sign_in import FakeProvider
from core import sms
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WECOM_UA = (
    "Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36 "
    "wxwork/4.1.20 MicroMessenger/7.0.1 Language/zh"
)


@pytest.fixture
def staff(transactional_db):
    return make_user("zhang", name="张三", mobile="13800000007")


@pytest.fixture
def fake_wecom(settings):
    FakeProvider.codes = {"code-zhang": "zhangsan"}
    FakeProvider.calls = []
    FakeProvider.broken = False
    FakeProvider.sign_in_as = "code-zhang"
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "ww-corp", "1000002", "s3cret"
    settings.WECOM_API_BASE = settings.WECOM_OAUTH_BASE = base
    cache.clear()
    sms.outbox.clear()
    yield base
    server.shutdown()
    server.server_close()


def test_first_wecom_sign_in_binds_by_code_then_signs_in_at_once(staff, fake_wecom, phone):
    page = phone.page
    page.context.set_extra_http_headers({"User-Agent": WECOM_UA})
    phone.goto("/accounts/login/")
    button = page.locator(".external-sign-in a")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.wait_for_url("**/accounts/external/bind/**")  # WeCom keeps its #wechat_redirect
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#id_mobile").fill("138 0000 0007")
    page.locator("button[value=send]").click()
    page.wait_for_load_state()
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.locator("#id_code").fill(code)
    phone.screenshot("wecom-bind")
    page.locator("button[value=bind]").click()
    page.wait_for_url("**/my/**")
    assert ExternalIdentity.objects.get(provider="wecom").user == staff

    page.context.clear_cookies()
    phone.goto("/accounts/login/")
    page.locator(".external-sign-in a").click()
    page.wait_for_url("**/my/**")  # bound: no number, no code
    assert User.objects.count() == 1
    # The fake WeCom stands in for the provider's own pages; nothing else left the site.
    phone.third_party_requests = [url for url in phone.third_party_requests if not url.startswith(fake_wecom)]
