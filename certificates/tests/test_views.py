"""The holder's pages: my certificates, one certificate on a phone, its PDF. Nobody else sees them."""

import io

import pypdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.qr import certificate_qr, qr_svg
from certificates.services import certificate_revoke
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(certificate):
    url = reverse("certificates:detail", args=[certificate.display_code])
    assert certificate.get_absolute_url() == url
    return url


def pdf_url(certificate):
    return reverse("certificates:pdf", args=[certificate.display_code])


def test_my_certificates_lists_only_my_own(certificate, learner, complete):
    other = make_user("someone-else", name="李四")
    second = make_course("另一门课")
    make_lesson(second)
    theirs = complete(other, second)
    html = signed_in(learner).get(reverse("certificates:mine")).content.decode()
    assert certificate.course_title in html and detail_url(certificate) in html
    assert detail_url(theirs) not in html and "另一门课" not in html


def test_my_certificates_without_any_says_how_to_get_one(learner):
    response = signed_in(learner).get(reverse("certificates:mine"))
    assert response.status_code == 200
    assert response.context["certificates"] == []
    assert reverse("progress:my_learning") in response.content.decode()


def test_the_certificate_page_shows_everything_needed_on_a_phone(certificate, learner):
    response = signed_in(learner).get(detail_url(certificate))
    html = response.content.decode()
    for expected in (
        "张网格",
        certificate.course_title,
        certificate.organisation_name,
        certificate.display_code,
    ):
        assert expected in html
    assert certificate.completed_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in html
    assert 'data-state="valid"' in html
    assert pdf_url(certificate) in html
    verify_url = "http://testserver" + reverse("certificates:verify", args=[certificate.display_code])
    assert response.context["verify_url"] == verify_url
    assert qr_svg(certificate_qr(verify_url), title="x").split("</title>")[1] in html  # the same QR
    assert "certificates/certificates.css" in html
    assert "no-store" in response["Cache-Control"]


def test_the_verification_base_url_can_be_configured(certificate, learner, settings):
    settings.CERTIFICATE_VERIFY_BASE_URL = "https://learn.example.cn/"
    response = signed_in(learner).get(detail_url(certificate))
    assert response.context["verify_url"] == f"https://learn.example.cn/verify/{certificate.display_code}/"


def test_a_code_typed_in_another_form_goes_to_the_canonical_page(certificate, learner):
    response = signed_in(learner).get(reverse("certificates:detail", args=[certificate.code.lower()]))
    assert response.status_code == 302 and response["Location"] == detail_url(certificate)


def test_the_pdf_downloads_for_the_holder(certificate, learner):
    response = signed_in(learner).get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.display_code}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "张网格" in text and certificate.display_code in text


@pytest.mark.parametrize("page", [detail_url, pdf_url])
def test_another_learner_gets_404_and_a_stranger_is_sent_to_sign_in(certificate, page):
    other = signed_in(make_user("nosy-neighbour"))
    assert other.get(page(certificate)).status_code == 404
    assert (
        other.get(page(certificate).replace(certificate.display_code, "ABCD-EFGH-JKLM-NPQR")).status_code
        == 404
    )
    anonymous = Client().get(page(certificate))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]


@pytest.mark.parametrize("page", [detail_url, pdf_url])
def test_a_superuser_may_open_anyones_certificate(certificate, page):
    admin = make_user("root-cert", is_superuser=True, is_staff=True)
    assert signed_in(admin).get(page(certificate)).status_code == 200


def test_a_revocation_shows_on_the_next_request(certificate, learner):
    client = signed_in(learner)
    for _ in range(2):  # a second view would come from any cache
        assert 'data-state="valid"' in client.get(detail_url(certificate)).content.decode()
    certificate_revoke(
        certificate=certificate, actor=make_user("admin-x", is_superuser=True), reason="发错人"
    )
    html = client.get(detail_url(certificate)).content.decode()
    assert 'data-state="revoked"' in html and "发错人" in html
    assert 'data-state="revoked"' in client.get(reverse("certificates:mine")).content.decode()


def test_an_expired_certificate_says_so(certificate, learner):
    certificate.expires_at = timezone.now() - timezone.timedelta(days=1)
    certificate.save()
    html = signed_in(learner).get(detail_url(certificate)).content.decode()
    assert 'data-state="expired"' in html


def test_my_learning_links_to_my_certificates(learner):
    html = signed_in(learner).get(reverse("progress:my_learning")).content.decode()
    assert f'href="{reverse("certificates:mine")}"' in html


def test_my_certificates_page_cost_does_not_grow_with_certificates(learner, organisation, complete):
    client = signed_in(learner)

    def queries_for_page(expected_rows) -> int:
        client.get(reverse("certificates:mine"))  # the first request fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("certificates:mine"))
        assert len(response.context["certificates"]) == expected_rows
        return len(queries)

    for n in range(5):
        course = make_course(f"课程 {n}")
        make_lesson(course)
        complete(learner, course)
        if n == 0:
            with_one = queries_for_page(1)
    assert queries_for_page(5) == with_one
