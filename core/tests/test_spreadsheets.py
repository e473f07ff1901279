"""The one rule for spreadsheet cells (core.spreadsheets). Every download that follows it is checked in
tests/test_spreadsheet_downloads.py."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.spreadsheets import FORMULA_STARTS, csv_cell, wagtail_exporter_escape, xlsx_cell


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_text_that_starts_like_a_formula_gets_an_apostrophe(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(
    "value", ["张三", "1+1", " =1", "2026-03-01", "", "'=1", -3, -2.5, Decimal("-1"), None]
)
def test_csv_other_values_are_left_as_they_are(value):
    assert csv_cell(value) == value


@pytest.mark.parametrize("write_only", [True, False])
def test_excel_text_that_starts_like_a_formula_is_a_text_cell(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    values = [f"{start}1+1" for start in FORMULA_STARTS] + ["张三", -3, -2.5]
    sheet.append([xlsx_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(buffer).worksheets[0].iter_rows())
    # XML keeps no carriage return: "\r" comes back as "\n".
    expected = [value.replace("\r", "\n") if isinstance(value, str) else value for value in values]
    assert [cell.value for cell in cells] == expected
    assert [cell.data_type for cell in cells] == ["s"] * (len(FORMULA_STARTS) + 1) + ["n", "n"]


def test_excel_other_values_are_left_for_openpyxl_to_type():
    sheet = Workbook().active
    for value in ("张三", "1+1", -3, None):
        assert xlsx_cell(sheet, value) is value


def test_wagtails_exporter_escapes_once_however_often_the_rule_is_applied():
    wagtail_exporter_escape()  # core.apps applied it already
    exporter = SpreadsheetExportMixin()
    assert exporter.preprocess_field_value("name", "=1+1", exporter.FORMAT_CSV) == "'=1+1"
    assert exporter.preprocess_field_value("name", "=1+1", exporter.FORMAT_XLSX) == "=1+1"
    assert exporter.preprocess_field_value("score", -3, exporter.FORMAT_CSV) == -3
