"""The printable certificate: one A4 landscape page, drawn with ReportLab.

Chinese renders with the font the project ships (certificates/fonts, a GB 2312 subset of Noto Sans
CJK SC, embedded as a subset in each PDF): nothing is downloaded and no system font is used.
Characters outside it (a rare character in a name) are drawn with ReportLab's STSong-Light, a CID
font that PDF readers supply, so such a name still prints instead of showing blanks.
"""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from certificates.models import Certificate, CertificateState
from certificates.qr import certificate_qr
from core.pdf_text import FALLBACK_FONT, FONT, FONT_PATH, font_runs, register_fonts, text_width  # noqa: F401

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
BRAND = HexColor("#0a4f94")
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")
STAMP = {CertificateState.REVOKED: HexColor("#b42318"), CertificateState.EXPIRED: HexColor("#b54708")}
QR_SIZE = 96  # points, about 34 mm: scans from a phone at arm's length
# Where the organisation's artwork goes (x, y, width, height in points): the logo inside the frame's
# top left corner, the seal (about 38 mm, a common size) over the end of the issuer's name.
LOGO_BOX = (44, PAGE_HEIGHT - 44 - 64, 150, 56)
SEAL_BOX = (250, 40, 108, 108)


def draw_text(
    canvas: Canvas, text: str, x: float, y: float, size: float, *, colour=INK, align="center", bold=False
):
    width = text_width(text, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    line = canvas.beginText(x, y)
    # One font file: bold is the outline stroked as well as filled. The mode is graphics state,
    # so it is set for every line (and restored after).
    line.setTextRenderMode(2 if bold else 0)
    canvas.setLineWidth(size * 0.03)
    for font, run in font_runs(text):
        line.setFont(font, size)
        line.textOut(run)
    canvas.drawText(line)
    canvas.restoreState()


def wrap(text: str, size: float, max_width: float, max_lines: int) -> list[str]:
    """Break text into lines no wider than max_width, between characters (as Chinese is set),
    preferring spaces in Latin text; the last line ends with … when text is left over."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < max_lines:
        end = len(rest)
        while end > 1 and text_width(rest[:end], size) > max_width:
            end -= 1
        if end < len(rest):
            space = rest.rfind(" ", 0, end)
            if space > end // 2:
                end = space
        lines.append(rest[:end].strip())
        rest = rest[end:].strip()
    if rest and lines:
        last = lines[-1]
        while last and text_width(last + "…", size) > max_width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def fit_lines(text: str, *, sizes: tuple[int, ...], max_width: float, max_lines: int):
    """The largest size at which text fits on one line, else wrapped at the smallest size."""
    for size in sizes:
        if text_width(text, size) <= max_width:
            return size, [text]
    return sizes[-1], wrap(text, sizes[-1], max_width, max_lines)


def _local_date(moment) -> str:
    return date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled squares (vector, sharp at any print size); x, y: bottom left."""
    matrix = certificate_qr(url).matrix
    module = size / len(matrix)
    canvas.setFillColor(white)
    canvas.rect(x - 4 * module, y - 4 * module, size + 8 * module, size + 8 * module, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                path.rect(x + start * module, top, (column - start) * module, module)
            else:
                column += 1
    canvas.drawPath(path, stroke=0, fill=1)


def _frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(3)
    canvas.rect(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44, stroke=1, fill=0)
    canvas.setLineWidth(0.8)
    canvas.rect(30, 30, PAGE_WIDTH - 60, PAGE_HEIGHT - 60, stroke=1, fill=0)
    canvas.setFillColor(BRAND)
    canvas.rect(30, PAGE_HEIGHT - 38, PAGE_WIDTH - 60, 8, stroke=0, fill=1)
    canvas.setLineWidth(1)


def _stamp(canvas: Canvas, state: str, certificate: Certificate) -> None:
    """Revoked and expired certificates say so across the page, so a printout cannot pass as valid."""
    colour = STAMP[state]
    if state == CertificateState.REVOKED:
        label = _("REVOKED")
        detail = _("Revoked on %(date)s") % {"date": _local_date(certificate.revoked_at)}
    else:
        label = _("EXPIRED")
        detail = _("Expired on %(date)s") % {"date": _local_date(certificate.expires_at)}
    canvas.saveState()
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(18)
    translucent = Color(colour.red, colour.green, colour.blue, alpha=0.22)
    draw_text(canvas, label, 0, -20, 84, colour=translucent, bold=True)
    canvas.restoreState()
    draw_text(canvas, detail, PAGE_WIDTH / 2, 172, 14, colour=colour, bold=True)


def draw_png(canvas: Canvas, png: bytes | None, x: float, y: float, width: float, height: float) -> None:
    """An image (the organisation's logo or seal) fitted into the box, transparency kept."""
    if not png:
        return
    try:
        picture = ImageReader(io.BytesIO(png))
    except OSError:
        return  # not an image after all: the certificate goes out without it
    canvas.drawImage(picture, x, y, width, height, mask="auto", preserveAspectRatio=True, anchor="c")


def certificate_pdf(
    certificate: Certificate, *, verify_url: str, logo: bytes | None = None, seal: bytes | None = None
) -> bytes:
    """The certificate as PDF bytes, in the active language; the QR code encodes verify_url. ``logo``
    and ``seal``: PNG bytes of the issuing organisation's (certificates.selectors.certificate_artwork),
    the logo at the top left, the seal beside "Issued by"."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageCompression=1,
        initialFontName=FONT,
        initialFontSize=12,
    )
    canvas.setTitle(f"{_('Certificate of completion')} · {certificate.course_title}")
    canvas.setAuthor(certificate.organisation_name)
    canvas.setSubject(certificate.display_code)
    canvas.setCreator(str(_("Frontline Academy")))
    centre = PAGE_WIDTH / 2
    widest = PAGE_WIDTH - 180

    _frame(canvas)
    draw_png(canvas, logo, LOGO_BOX[0], LOGO_BOX[1], LOGO_BOX[2], LOGO_BOX[3])
    size, lines = fit_lines(certificate.organisation_name, sizes=(15, 13, 11), max_width=widest, max_lines=1)
    draw_text(canvas, lines[0], centre, PAGE_HEIGHT - 78, size, colour=BRAND)
    draw_text(canvas, _("Certificate of completion"), centre, PAGE_HEIGHT - 132, 36, bold=True)

    draw_text(canvas, _("This is to certify that"), centre, PAGE_HEIGHT - 180, 14, colour=MUTED)
    size, lines = fit_lines(certificate.holder_name, sizes=(32, 28, 24, 20), max_width=widest, max_lines=1)
    draw_text(canvas, lines[0], centre, PAGE_HEIGHT - 228, size, bold=True)
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(0.8)
    canvas.line(centre - 160, PAGE_HEIGHT - 240, centre + 160, PAGE_HEIGHT - 240)

    draw_text(canvas, _("has completed the training course"), centre, PAGE_HEIGHT - 272, 14, colour=MUTED)
    size, lines = fit_lines(
        f"“{certificate.course_title}”", sizes=(26, 22, 18), max_width=widest, max_lines=2
    )
    y = PAGE_HEIGHT - 312
    for line in lines:
        draw_text(canvas, line, centre, y, size, bold=True)
        y -= size * 1.35

    dates = _("Completed on %(date)s") % {"date": _local_date(certificate.completed_at)}
    if certificate.expires_at:
        dates += "    " + _("Valid until %(date)s") % {"date": _local_date(certificate.expires_at)}
    draw_text(canvas, dates, centre, 200, 13, colour=MUTED)

    # Bottom: who issued it (left), how to check it (right).
    left, bottom = 70, 66
    draw_text(canvas, _("Issued by"), left, bottom + 62, 10, colour=MUTED, align="left")
    size, lines = fit_lines(certificate.organisation_name, sizes=(14, 12, 10), max_width=290, max_lines=1)
    draw_text(canvas, lines[0], left, bottom + 42, size, align="left")
    issued = _("Issued on %(date)s") % {"date": _local_date(certificate.issued_at)}
    draw_text(canvas, issued, left, bottom + 24, 10, colour=MUTED, align="left")
    draw_png(canvas, seal, SEAL_BOX[0], SEAL_BOX[1], SEAL_BOX[2], SEAL_BOX[3])

    qr_x = PAGE_WIDTH - 70 - QR_SIZE
    draw_qr(canvas, verify_url, qr_x, bottom, QR_SIZE)
    right = qr_x - 16
    draw_text(canvas, _("Verification code"), right, bottom + 62, 10, colour=MUTED, align="right")
    draw_text(canvas, certificate.display_code, right, bottom + 42, 14, align="right")
    draw_text(canvas, _("Scan the code or visit"), right, bottom + 24, 9, colour=MUTED, align="right")
    draw_text(canvas, verify_url, right, bottom + 10, 8, colour=MUTED, align="right")

    state = certificate.state()
    if state != CertificateState.VALID:
        _stamp(canvas, state, certificate)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
