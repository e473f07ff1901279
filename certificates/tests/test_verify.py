"""The public verification page: what anyone may learn from a code, and nothing more."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.masking import mask_name
from certificates.models import Certificate
from certificates.services import certificate_revoke
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def verify_url(code: str) -> str:
    return reverse("certificates:verify", args=[code])


def check(code: str, client=None, **extra):
    return (client or Client()).get(verify_url(code), **extra)


def test_a_valid_certificate(certificate):
    response = check(certificate.display_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["state"] == "valid" and 'data-state="valid"' in html
    for expected in (
        certificate.course_title,
        certificate.organisation_name,
        "张*格",
        certificate.display_code,
    ):
        assert expected in html
    assert certificate.completed_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in html


def test_the_page_leaks_nothing_about_the_holder_beyond_a_masked_name(certificate, learner):
    html = check(certificate.display_code).content.decode()
    assert "张网格" not in html
    assert learner.mobile not in html and learner.username not in html


def test_verification_pages_are_not_indexed_or_cached(certificate):
    response = check(certificate.display_code)
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_revocation_shows_at_once(certificate):
    client = Client()
    for _ in range(2):
        assert check(certificate.display_code, client).context["state"] == "valid"
    certificate_revoke(
        certificate=certificate, actor=make_user("admin-r", is_superuser=True), reason="冒名顶替"
    )
    response = check(certificate.display_code, client)
    html = response.content.decode()
    assert response.context["state"] == "revoked" and 'data-state="revoked"' in html
    assert "冒名顶替" not in html  # the reason is for the holder and admins, not the public


def test_an_expired_certificate(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timezone.timedelta(days=2)
    )
    response = check(certificate.display_code)
    assert response.context["state"] == "expired" and 'data-state="expired"' in response.content.decode()


def test_a_certificate_that_will_expire_is_valid_until_then(certificate):
    later = timezone.now() + timezone.timedelta(days=30)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=later)
    response = check(certificate.display_code)
    assert response.context["state"] == "valid"
    assert later.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in response.content.decode()


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKLM-NPQR", "not-a-code", "0000"])
def test_an_unknown_code_is_not_found(certificate, code):
    response = check(code)
    assert response.status_code == 404
    assert 'data-state="not_found"' in response.content.decode()
    assert certificate.course_title not in response.content.decode()


@pytest.mark.parametrize(
    "form", [str.lower, lambda code: code.replace("-", ""), lambda code: code.replace("-", " ")]
)
def test_codes_are_case_and_dash_insensitive(certificate, form):
    typed = form(certificate.display_code)
    response = check(typed)
    assert response.status_code == 302 and response["Location"] == verify_url(certificate.display_code)
    assert Client().get(response["Location"]).context["state"] == "valid"


def test_the_form_takes_a_typed_code_to_its_page(certificate):
    response = Client().get(reverse("certificates:verify_form"), {"code": " " + certificate.code.lower()})
    assert response.status_code == 302 and response["Location"] == verify_url(certificate.display_code)


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH"])
def test_the_form_explains_a_code_that_cannot_be_right(typed):
    response = Client().get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 400
    assert 'class="field__error"' in response.content.decode()


def test_the_empty_form(db):
    response = Client().get(reverse("certificates:verify_form"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert response["X-Robots-Tag"].startswith("noindex")


def test_lookups_are_rate_limited_per_address(certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    client = Client()
    codes = [certificate.display_code, "ABCD-EFGH-JKLM-NPQR", certificate.display_code]
    assert [check(code, client).status_code for code in codes] == [200, 404, 200]
    response = check(certificate.display_code, client)
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert 'data-state="throttled"' in html and certificate.course_title not in html
    # Another address is not affected.
    assert check(certificate.display_code, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_redirects_to_the_canonical_code_are_not_counted(certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 1
    client = Client()
    for _ in range(3):
        assert check(certificate.code.lower(), client).status_code == 302
    assert check(certificate.display_code, client).status_code == 200


def test_the_limit_follows_the_client_behind_a_trusted_proxy(certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    assert check(certificate.display_code, **first).status_code == 200
    assert check(certificate.display_code, **first).status_code == 429
    assert check(certificate.display_code, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_a_lookup_is_one_query_whatever_was_typed(certificate, django_assert_num_queries):
    from certificates.selectors import certificate_for_verification

    for code in (certificate.code, "ABCDEFGHJKLMNPQR", "garbage"):
        with django_assert_num_queries(1):
            certificate_for_verification(code=code)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张*丰"),
        ("李四", "李*"),
        ("王", "*"),
        ("欧阳小明", "欧**明"),
        ("阿卜杜热合曼·买买提", "阿********提"),
        ("Anna Lee", "A*** L**"),
        ("13800000001", "***"),
        ("", "*"),
    ],
)
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked
