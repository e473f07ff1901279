"""The invitation poster: one A4 page to print and put up, drawn with ReportLab, always in Chinese
(it hangs in a community office whatever language the manager reads the admin in).

The platform's name, the unit and position people join, the QR code of the absolute join URL, three
steps and the expiry, if any. The QR code is a PNG of segno's matrix, ten pixels a module, so it
prints sharp and a test can read the matrix back. Chinese is drawn with the font the project ships
(certificates/fonts, a GB 2312 subset of Noto Sans CJK SC, embedded as a subset): nothing is
downloaded and no system font is used; a character outside it falls back to ReportLab's STSong-Light.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from accounts.models import Invitation
from core.pdf_text import font_runs, text_width

PAGE_WIDTH, PAGE_HEIGHT = A4
BRAND = HexColor("#0a4f94")
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")
QR_SIZE = 260  # points, about 92 mm: scans from a couple of metres
QR_PIXELS_PER_MODULE = 10
QR_ERROR_CORRECTION = "m"
POSTER_LANGUAGE = "zh-hans"


def join_url(invitation: Invitation, request=None) -> str:
    path = reverse("join:join", args=[invitation.token])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def join_qr(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR_CORRECTION, boost_error=False)


def _fit(text: str, size: float, max_width: float) -> float:
    while size > 10 and text_width(text, size) > max_width:
        size -= 1
    return size


def _draw(canvas: Canvas, text: str, x: float, y: float, size: float, *, colour=INK, center=True) -> None:
    if center:
        x -= text_width(text, size) / 2
    canvas.setFillColor(colour)
    line = canvas.beginText(x, y)
    for font, run in font_runs(text):
        line.setFont(font, size)
        line.textOut(run)
    canvas.drawText(line)


def _qr_png(url: str) -> bytes:
    out = io.BytesIO()
    join_qr(url).save(out, kind="png", scale=QR_PIXELS_PER_MODULE, border=4)
    return out.getvalue()


def poster_pdf(invitation: Invitation, url: str) -> bytes:
    """The poster for ``invitation``, whose join page is at ``url`` (absolute)."""
    with translation.override(POSTER_LANGUAGE):
        return _poster(invitation, url)


def _poster(invitation: Invitation, url: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    platform = str(_("Frontline Academy"))
    canvas.setTitle(_("Invitation poster: %(unit)s, %(position)s") % _names(invitation))
    canvas.setCreator(platform)
    middle = PAGE_WIDTH / 2
    margin = 48

    canvas.setFillColor(BRAND)
    canvas.rect(0, PAGE_HEIGHT - 110, PAGE_WIDTH, 110, stroke=0, fill=1)
    _draw(canvas, platform, middle, PAGE_HEIGHT - 70, 40, colour=white)

    _draw(canvas, _("Scan to join the training"), middle, PAGE_HEIGHT - 165, 30, colour=BRAND)
    unit = invitation.org_unit.name
    _draw(canvas, unit, middle, PAGE_HEIGHT - 215, _fit(unit, 28, PAGE_WIDTH - 2 * margin))
    position = _("Position: %(position)s") % {"position": invitation.position.name}
    _draw(canvas, position, middle, PAGE_HEIGHT - 250, _fit(position, 20, PAGE_WIDTH - 2 * margin))

    qr_bottom = PAGE_HEIGHT - 290 - QR_SIZE
    canvas.drawImage(ImageReader(io.BytesIO(_qr_png(url))), middle - QR_SIZE / 2, qr_bottom, QR_SIZE, QR_SIZE)

    steps = [
        _("Scan with WeChat"),
        _("Enter your name and mobile number"),
        _("Enter the code sent by text message"),
    ]
    step_width = (PAGE_WIDTH - 2 * margin) / 3
    top = qr_bottom - 50
    for number, step in enumerate(steps, start=1):
        centre = margin + step_width * (number - 0.5)
        canvas.setFillColor(BRAND)
        canvas.circle(centre, top, 18, stroke=0, fill=1)
        _draw(canvas, str(number), centre, top - 8, 22, colour=white)
        _draw(canvas, step, centre, top - 50, _fit(step, 16, step_width - 12))
        if number < 3:
            _draw(canvas, "→", margin + step_width * number, top - 8, 22, colour=MUTED)

    if invitation.expires_at:
        expiry = _("Valid until %(date)s") % {
            "date": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")
        }
        _draw(canvas, expiry, middle, 110, 16, colour=MUTED)
    note = _("If the code cannot be scanned, open this address:")
    _draw(canvas, note, middle, 80, 11, colour=MUTED)
    _draw(canvas, url, middle, 62, _fit(url, 11, PAGE_WIDTH - 2 * margin), colour=MUTED)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _names(invitation: Invitation) -> dict:
    return {"unit": invitation.org_unit.name, "position": invitation.position.name}
