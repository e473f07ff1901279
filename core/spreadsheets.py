"""The one rule for every CSV and Excel file the site sends: a cell that a spreadsheet would read as a
formula is written so that it is not.

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some skip a leading tab or carriage return first. A learner who types ``=HYPERLINK("http://x","y")`` as
a fill-in answer, or as their name, would otherwise put a live link (or worse) into the file a trainer
or manager opens. So:

- **CSV** has no cell types: such text gets a leading apostrophe, which spreadsheets take to mean
  "this is text" (OWASP's advice). The rest of the text is unchanged.
- **Excel** cells have types: such text is written as a text cell (type ``s``), never as a formula.
  No apostrophe there: in an .xlsx file it would be a real character of the value (the apostrophe
  typed in Excel is a cell style, not text), so the cell would read ``'=x`` and sort and match as such.
  A text cell shows the text as typed and is never run. ``reports.exports`` has always done this.
- **Numbers stay numbers** in both: ``-3`` is a number, not a formula, and a column of scores must
  still add up. Only text is escaped.

Wagtail's exporter (``SpreadsheetExportMixin``, behind every ``list_export`` on an IndexView or
ReportView: our certificates, question statistics and site history, and Wagtail's own page reports,
redirects and form submissions) follows the rule once `wagtail_exporter_escape` has run, which
``core.apps`` does at start-up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """`value` for a CSV cell: text that starts like a formula gets a leading apostrophe; numbers and
    anything else that is not text come back as they are."""
    return "'" + value if looks_like_formula(value) else value


def xlsx_cell(worksheet, value: Any) -> Any:
    """`value` for ``worksheet.append``: text that starts like a formula as a cell typed text (openpyxl
    would make ``=…`` a formula); anything else as it is, for openpyxl to type. Works for write-only
    and ordinary worksheets."""
    if not looks_like_formula(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value)
    cell.data_type = "s"
    return cell


def wagtail_exporter_escape() -> None:
    """Make Wagtail's spreadsheet exporter follow the rule, for every view built on it.

    Applied to ``SpreadsheetExportMixin`` itself rather than as a mixin on our views: Wagtail's own
    downloads (aging and locked pages, workflows, redirects, form submissions) are built on it too
    and are not ours to subclass, and a ``list_export`` added to any viewset later is covered without
    anyone having to remember a mixin. Both hooks wrap Wagtail's own code: its value formatting
    (``preprocess_field_value``, per field and per format) and its cells (``generate_xlsx_row``)
    are kept, and only the escaping is added. Idempotent."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "formula_safe", False):
        return
    wagtail_preprocess = SpreadsheetExportMixin.preprocess_field_value
    wagtail_xlsx_row = SpreadsheetExportMixin.generate_xlsx_row

    def preprocess_field_value(self, field, value, export_format):
        value = wagtail_preprocess(self, field, value, export_format)
        return csv_cell(value) if export_format == self.FORMAT_CSV else value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in wagtail_xlsx_row(self, worksheet, row_dict, date_format=date_format):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula (Wagtail already catches "="), never an error code
            yield cell

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin.generate_xlsx_row = generate_xlsx_row
    SpreadsheetExportMixin.formula_safe = True
