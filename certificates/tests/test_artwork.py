"""The organisation's logo and seal from the site settings are printed on the certificate PDF; the help
text no longer says certificates come "later"."""

import io

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from certificates.pdf import certificate_pdf
from certificates.selectors import certificate_artwork
from core.models import SiteSettings
from tests.factories import make_image

pytestmark = pytest.mark.django_db


def _images_in(pdf: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return len(page.images)


@pytest.fixture
def artwork(organisation, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.logo = make_image("标志", size=(300, 120), colour=(200, 30, 30))
    site_settings.seal = make_image("印章", size=(200, 200), colour=(220, 0, 0))
    site_settings.save()
    return site_settings


def test_the_pdf_carries_the_logo_and_the_seal(artwork, certificate, learner):
    client = Client()
    client.force_login(learner)
    response = client.get(reverse("certificates:pdf", args=[certificate.display_code]))
    assert response.status_code == 200
    assert _images_in(response.content) == 2


def test_without_artwork_the_pdf_has_no_images(certificate):
    art = certificate_artwork(certificate)
    assert art.logo is None and art.seal is None
    assert _images_in(certificate_pdf(certificate, verify_url="https://example.com/v/")) == 0


def test_a_broken_image_is_left_out(certificate):
    pdf = certificate_pdf(certificate, verify_url="https://example.com/v/", logo=b"not a png", seal=None)
    assert _images_in(pdf) == 0


def test_the_organisation_help_text_knows_certificates_exist():
    from django.utils import translation

    with translation.override("en"):
        help_text = str(SiteSettings._meta.get_field("organisation_name").help_text)
    assert "later" not in help_text and "certificates" in help_text
