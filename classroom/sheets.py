"""A session's roster and attendance sheet, for offices that must file paper: Excel (openpyxl, cells
that look like formulas kept as text: core.spreadsheets) and a printable A4 PDF with the Chinese font
the project ships embedded (core.pdf_text), with a column for signatures."""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from classroom.models import TrainingSession
from core.pdf_text import draw_string, text_width
from core.spreadsheets import xlsx_cell


def _headings() -> list[str]:
    return [
        gettext("No."),
        gettext("Name"),
        gettext("Unit"),
        gettext("Position"),
        gettext("Invited"),
        gettext("Checked in at"),
        gettext("How"),
    ]


def _cells(number: int, row: dict) -> list:
    person, attendance = row["person"], row["attendance"]
    return [
        number,
        person.name or person.username,
        person.org_unit.name if person.org_unit else "",
        person.position.name if person.position else "",
        gettext("Yes") if row["invited"] else gettext("No"),
        timezone.localtime(attendance.checked_in_at).strftime("%Y-%m-%d %H:%M") if attendance else "",
        attendance.get_method_display() if attendance else gettext("Did not come"),
    ]


def _summary(session: TrainingSession) -> list[tuple[str, str]]:
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return [
        (gettext("In-person session"), session.title),
        (gettext("Course"), session.course.title if session.course else gettext("None: a briefing")),
        (gettext("When"), f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}"),
        (gettext("Place"), session.place),
        (gettext("Trainer"), str(session.trainer) if session.trainer else "—"),
        (gettext("Study hours"), str(session.hours)),
    ]


def _filename(session: TrainingSession, extension: str) -> str:
    return f"attendance-{session.pk}-{timezone.localtime(session.starts_at):%Y%m%d}.{extension}"


def attendance_xlsx(session: TrainingSession, rows: list[dict]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Attendance"))
    for label, value in _summary(session):
        sheet.append([label, xlsx_cell(sheet, value)])
    sheet.append([])
    sheet.append(_headings())
    for number, row in enumerate(rows, start=1):
        sheet.append([xlsx_cell(sheet, value) for value in _cells(number, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(session, "xlsx")}"'
    return response


# Column widths (points) of the PDF's table: no., name, unit, position, invited, time, how, signature.
PDF_COLUMNS = (28, 80, 90, 60, 36, 78, 70, 75)
MARGIN = 36
ROW = 20


def _fit(text: str, size: float, width: float) -> str:
    while text and text_width(text, size) > width - 4:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text


PHOTOS_PER_PAGE = 2


def _photo_pages(canvas: Canvas, session: TrainingSession) -> None:
    """The evidence photos after the sheet, two to a page, each scaled into half the page. A photo whose
    file is missing or unreadable is left out (the sheet still prints)."""
    from reportlab.lib.utils import ImageReader

    readers = []
    for photo in session.photos.all():
        try:
            with photo.file.open("rb") as handle:
                reader = ImageReader(io.BytesIO(handle.read()))
            reader.getSize()
        except (OSError, ValueError):
            continue
        readers.append(reader)
    width, height = A4
    box_height = (height - 2 * MARGIN - 30) / PHOTOS_PER_PAGE - 10
    box_width = width - 2 * MARGIN
    for first in range(0, len(readers), PHOTOS_PER_PAGE):
        y = height - MARGIN - 14
        draw_string(canvas, gettext("Evidence photos"), MARGIN, y, 14)
        y -= 16
        for reader in readers[first : first + PHOTOS_PER_PAGE]:
            canvas.drawImage(
                reader,
                MARGIN,
                y - box_height,
                width=box_width,
                height=box_height,
                preserveAspectRatio=True,
                anchor="nw",
            )
            y -= box_height + 10
        canvas.showPage()


def attendance_pdf(session: TrainingSession, rows: list[dict]) -> HttpResponse:
    buffer = io.BytesIO()
    _width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(session.title)
    headings = [*_headings(), gettext("Signature")]

    def header() -> float:
        y = height - MARGIN - 14
        draw_string(canvas, gettext("Attendance sheet"), MARGIN, y, 16)
        y -= 24
        for label, value in _summary(session):
            draw_string(canvas, f"{label}：{value}", MARGIN, y, 10)
            y -= 15
        y -= 8
        x = MARGIN
        for heading, column in zip(headings, PDF_COLUMNS, strict=True):
            draw_string(canvas, _fit(heading, 9, column), x + 2, y, 9)
            x += column
        canvas.line(MARGIN, y - 6, MARGIN + sum(PDF_COLUMNS), y - 6)
        return y - ROW

    y = header()
    for number, row in enumerate(rows, start=1):
        if y < MARGIN + ROW:
            canvas.showPage()
            y = header()
        x = MARGIN
        for value, column in zip([*_cells(number, row), ""], PDF_COLUMNS, strict=True):
            draw_string(canvas, _fit(str(value), 9, column), x + 2, y, 9)
            x += column
        canvas.line(MARGIN, y - 6, MARGIN + sum(PDF_COLUMNS), y - 6)
        y -= ROW
    canvas.showPage()
    _photo_pages(canvas, session)
    canvas.save()
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(session, "pdf")}"'
    return response


def checkin_sheet_pdf(session: TrainingSession, url: str) -> HttpResponse:
    """One A4 page to print: the session, a large QR code of ``url`` and how to check in with it."""
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(session.title)
    y = height - MARGIN - 24
    draw_string(canvas, gettext("Check-in"), MARGIN, y, 28)
    y -= 40
    draw_string(canvas, _fit(session.title, 20, width - 2 * MARGIN), MARGIN, y, 20)
    y -= 30
    for label, value in _summary(session)[2:4]:  # when and where
        draw_string(canvas, _fit(f"{label}：{value}", 14, width - 2 * MARGIN), MARGIN, y, 14)
        y -= 22
    qr = segno.make_qr(url, error="m", boost_error=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=4)]  # with its quiet zone
    size = min(width - 2 * MARGIN, y - MARGIN - 90)
    module = size / len(matrix)
    x, top = (width - size) / 2, y - 16
    for row_index, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                canvas.rect(x + column * module, top - (row_index + 1) * module, module, module, 0, 1)
    y = top - size - 30
    draw_string(canvas, gettext("Scan with WeChat, sign in if asked, and press “Check in”."), MARGIN, y, 14)
    y -= 22
    draw_string(
        canvas,
        gettext(
            "This sheet works only for this session while it takes check-ins, and is void once it closes."
        ),
        MARGIN,
        y,
        11,
    )
    canvas.showPage()
    canvas.save()
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="checkin-{session.pk}-{timezone.localtime(session.starts_at):%Y%m%d}.pdf"'
    )
    return response
