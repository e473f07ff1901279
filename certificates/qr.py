"""QR codes for certificates: one matrix, drawn as SVG on the phone page and as vector squares in
the PDF, always encoding the absolute verification URL."""

import segno
from django.conf import settings
from django.urls import reverse

ERROR_CORRECTION = "m"  # survives a crease or a smudge on a printed certificate


def verification_url(certificate, request=None) -> str:
    """Absolute URL of the public verification page; ``CERTIFICATE_VERIFY_BASE_URL`` (e.g.
    ``https://learn.example.cn``) wins over the address the request came in on."""
    path = reverse("certificates:verify", args=[certificate.display_code])
    base = getattr(settings, "CERTIFICATE_VERIFY_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def certificate_qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)


def qr_svg(qr: segno.QRCode, *, title: str) -> str:
    """Inline SVG scaled by CSS (a viewBox, no fixed size), with a quiet zone of four modules."""
    return qr.svg_inline(
        scale=1, border=4, omitsize=True, title=title, svgclass="certificate-qr", lineclass=None
    )
