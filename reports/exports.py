"""CSV and Excel files of a report: the columns of the screen, over every row the screen's filters give.

Both stream: the rows come from an iterator (a server-side cursor read in chunks), CSV goes out line by
line, Excel is written by openpyxl in write-only mode to a temporary file on disk that is then sent;
neither holds the rows in memory. Cells are the very text the screen shows (`cell_text`), except that
Excel gets numbers, percentages (`Percent`) and dates as such, and that text a spreadsheet would run as
a formula is escaped by the site's one rule (core.spreadsheets). A sheet holds 1,048,576 rows
(`XLSX_MAX_ROWS`, the heading included): longer exports go on in further sheets, "people (2)" and so
on, each with the heading row.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header

from core.spreadsheets import csv_cell, is_number, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES_PER_WRITE = 500
# Rows in one Excel sheet, the heading row included; longer exports go on in another sheet.
XLSX_MAX_ROWS = 1_048_576
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Percent:
    """A percentage (0–100) in a report: "66.7%" on screen and in CSV, and in Excel a number (0.667)
    formatted as a percentage, so that it sorts, sums and charts. ``places``: decimals Excel shows."""

    value: float
    places: int = 1

    def __str__(self) -> str:
        return f"{self.value:g}%"

    @property
    def number_format(self) -> str:
        return "0%" if self.places == 0 else "0." + "0" * self.places + "%"


def percent(value: float | None, places: int = 1) -> Percent | None:
    """The one way a report column gives a percentage (None: nothing to show)."""
    return None if value is None else Percent(value, places)


@dataclass(frozen=True)
class ReportColumn:
    """One column of a report, on screen and in its exports."""

    name: str
    heading: Any  # a lazy translation
    value: Callable[[Any], Any]
    sort_key: str | None = None
    nowrap: bool = False  # dates and numbers: keep on one line on screen


def cell_text(value) -> str:
    """How a value reads on screen and in CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return force_str("✓" if value else "")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return force_str(value)


def _xlsx_cell(worksheet, value):
    if isinstance(value, Percent):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, value.value / 100)
        cell.number_format = value.number_format
        return cell
    return xlsx_cell(worksheet, _xlsx_value(value))


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, int | float | datetime.date) and not isinstance(value, bool):
        return value
    return cell_text(value)


def _csv_text(value) -> str:
    text = cell_text(value)
    return text if is_number(value) or isinstance(value, Percent) else csv_cell(text)


class _Line:
    def write(self, value: str) -> str:
        return value


def filename(base: str, extension: str, day: datetime.date | None = None) -> str:
    day = day or timezone.localdate()
    return f"{base}-{day.isoformat()}.{extension}"


def csv_response(columns: list[ReportColumn], rows: Iterable, name: str) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""

    def lines():
        writer = csv.writer(_Line())
        yield "\ufeff" + writer.writerow([force_str(column.heading) for column in columns])
        batch = []
        for row in rows:
            batch.append(writer.writerow([_csv_text(column.value(row)) for column in columns]))
            if len(batch) >= LINES_PER_WRITE:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


def sheet_title(base: str, number: int) -> str:
    """The name of the ``number``th sheet (from 1): ``base``, then ``base (2)``, ``base (3)`` …, within
    Excel's 31 characters and without the characters it refuses in sheet names."""
    base = SHEET_NAME_FORBIDDEN.sub("-", base) or "Sheet"
    if number == 1:
        return base[:31]
    suffix = f" ({number})"
    return base[: 31 - len(suffix)] + suffix


def xlsx_response(columns: list[ReportColumn], rows: Iterable, name: str, sheet: str) -> FileResponse:
    """One sheet per `XLSX_MAX_ROWS` rows: a longer list goes on in ``sheet (2)``, ``sheet (3)`` …,
    each starting with the heading row, so every row of the screen is in the file."""
    from openpyxl import Workbook

    heading = [force_str(column.heading) for column in columns]
    workbook = Workbook(write_only=True)
    sheets = 0

    def next_sheet():
        nonlocal sheets
        sheets += 1
        made = workbook.create_sheet(title=sheet_title(sheet, sheets))
        made.append(heading)
        return made

    worksheet = next_sheet()
    rows_in_sheet = 1  # the heading
    per_sheet = XLSX_MAX_ROWS  # read per export, so that tests can lower it
    for row in rows:
        if rows_in_sheet >= per_sheet:
            worksheet = next_sheet()
            rows_in_sheet = 1
        worksheet.append([_xlsx_cell(worksheet, column.value(row)) for column in columns])
        rows_in_sheet += 1
    # On disk and already unlinked; FileResponse closes it once sent, so no context manager here.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    response = FileResponse(output, as_attachment=True, filename=name, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
