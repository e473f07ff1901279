"""The check-in QR code: the absolute link to ``/checkin/<code>/``, drawn as inline SVG (segno, as the
certificates and posters do)."""

import segno
from django.urls import reverse


def checkin_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("classroom:checkin", args=[code]))


def checkin_qr_svg(url: str) -> str:
    qr = segno.make_qr(url, error="m", boost_error=False)
    return qr.svg_inline(scale=1, border=4, omitsize=True, svgclass="checkin-qr", lineclass=None)
