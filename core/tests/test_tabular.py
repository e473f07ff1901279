"""Reading uploaded tables (core.tabular): every import's encodings, formats, limits and refusals."""

import csv
import io
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core import tabular
from core.tabular import TabularRefused, cell_text, header_fold, records_read, sheet_rows, text_decode

ALIASES = {"姓名": "name", "name": "name", "手机号": "mobile", "mobile": "mobile", "备注x": "ignored"}
REQUIRED = {"name": "姓名", "mobile": "手机号"}


def csv_bytes(rows, encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(*sheets, merge=None):
    workbook = Workbook()
    for index, rows in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet(f"sheet{index}")
        for row in rows:
            sheet.append(row)
        if merge and index == 0:
            sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(data, filename=""):
    return [list(row) for row in sheet_rows(data, filename)]


def refusal(data, filename=""):
    with pytest.raises(TabularRefused) as refused:
        rows_of(data, filename)
    return refused.value


# -- text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_offices_save(encoding):
    assert rows_of(csv_bytes([["姓名", "手机号"], ["张三", "13912345678"]], encoding), "a.csv") == [
        ["姓名", "手机号"],
        ["张三", "13912345678"],
    ]


def test_text_loses_its_bom_windows_newlines_and_control_characters():
    assert text_decode("\ufeff甲\r\n乙\r丙\x07\x1b".encode()) == "甲\n乙\n丙"
    assert text_decode("already text\r\n") == "already text\n"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_csv_delimiter_is_the_commonest_in_the_header(delimiter):
    data = csv_bytes([["姓名", "手机号", "组织"], ["张三", "139", "a,b"]], delimiter=delimiter)
    assert rows_of(data, "a.csv")[1] == ["张三", "139", "a,b"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("姓名\n".encode() + b"\xff\xfe\xfa", "encoding"),
        (b"\x00\x01\x02\x03", "binary"),
        (b"a" * (tabular.MAX_BYTES + 1), "too_large"),
        ("题" * (tabular.MAX_BYTES // 3 + 1), "too_large"),  # counted in bytes, not characters
        (None, "not_bytes"),
    ],
)
def test_unreadable_text_is_refused_with_its_reason(data, code):
    assert refusal(data, "a.csv").code == code


def test_a_csv_error_names_its_row():
    refused = refusal(b'a,b\n1,2\n3,"' + b"x" * 200_000 + b'"', "a.csv")
    assert (refused.code, refused.line) == ("csv_error", 3)
    with translation.override("en"):
        assert refused.message.startswith("Row 3: the CSV file cannot be read any further")


# -- Excel -----------------------------------------------------------------------------------------


def test_xlsx_cells_become_text_from_the_first_sheet_only():
    data = xlsx_bytes([["姓名", "手机号", "在职"], ["张三", 13912345678, True], [None, 12.0, None]], [["x"]])
    rows = rows_of(data, "a.xlsx")
    assert [[cell_text(value) for value in row] for row in rows] == [
        ["姓名", "手机号", "在职"],
        ["张三", "13912345678", "TRUE"],
        ["", "12"],  # trailing empty cells are dropped
    ]


def test_a_merged_cell_gives_its_value_on_every_row_it_covers():
    data = xlsx_bytes(
        [["姓名", "组织", "岗位"], ["张三", "渝中区", "网格员"], ["李四", None, "志愿者"], ["王五", "江北"]],
        merge="B2:B3",
    )
    assert rows_of(data, "a.xlsx")[1:] == [
        ["张三", "渝中区", "网格员"],
        ["李四", "渝中区", "志愿者"],
        ["王五", "江北"],
    ]


def test_an_xlsx_is_recognised_by_its_content_whatever_its_name():
    data = xlsx_bytes([["姓名"], ["张三"]])
    assert rows_of(data, "a.csv") == rows_of(data, "") == [["姓名"], ["张三"]]


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (OLE2, "old.xls", "old_excel"),
        (OLE2, "with-password.xlsx", "old_excel"),  # encrypted .xlsx files are OLE2 containers
        (b"a,b", "named.xls", "old_excel"),
        (b"just text", "a.xlsx", "not_xlsx"),
        (b"PK\x03\x04 not a zip", "a.xlsx", "bad_zip"),
        (zip_bytes({"word/document.xml": "<w/>", "[Content_Types].xml": "<x/>"}), "a.docx", "not_workbook"),
        (zip_bytes({"[Content_Types].xml": "<x", "xl/workbook.xml": "<broken"}), "a.xlsx", "unreadable_xlsx"),
        (
            zip_bytes(
                {
                    "[Content_Types].xml": "<x/>",
                    "xl/workbook.xml": "<x/>",
                    "xl/sharedStrings.xml": b"\x00" * (tabular.MAX_UNZIPPED_BYTES + 1),
                }
            ),
            "bomb.xlsx",
            "unzipped_too_large",
        ),
    ],
)
def test_files_that_are_not_readable_tables_are_refused_with_their_reason(data, filename, code):
    assert refusal(data, filename).code == code


def test_refusals_are_explained_in_the_users_language():
    refused = refusal(OLE2, "old.xls")
    with translation.override("en"):
        assert "Save the file in Excel as .xlsx" in refused.message
    with translation.override("zh-hans"):
        assert refused.message != ""  # worded by the catalogue when it has the string


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=80)
@given(st.binary(max_size=300), st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a", ""]))
def test_reading_raises_nothing_but_a_refusal(data, filename):
    try:
        rows_of(data, filename)
    except TabularRefused as refused:
        assert refused.code in tabular.MESSAGES and refused.message


# -- records ---------------------------------------------------------------------------------------


def records(data, filename="a.csv", **kwargs):
    kwargs.setdefault("max_rows", 10)
    return records_read(data, filename, aliases=ALIASES, required=REQUIRED, **kwargs)


def test_headers_match_their_aliases_in_any_order_width_case_or_with_notes():
    assert header_fold("手机号（必填）") == "手机号" and header_fold(" Mo_bile ") == "mobile"
    assert header_fold("ＮＡＭＥ") == "name"
    data = csv_bytes(
        [["序号", "MOBILE", "姓名 (必填)"], ["1", "139", "张三"], [], ["2", "", ""], ["3", "138", ""]]
    )
    assert records(data) == [
        tabular.Record(line=2, cells={"mobile": "139", "name": "张三"}),
        tabular.Record(line=5, cells={"mobile": "138", "name": ""}),  # row numbers count the blank ones
    ]


def test_every_header_problem_is_reported_at_once():
    with pytest.raises(TabularRefused) as refused:
        records(csv_bytes([["姓名", "name"], ["a", "b"]]))
    with translation.override("en"):
        assert refused.value.messages == [
            "Row 1: the column “name” appears twice.",
            "The column “手机号” is missing: use the headers of the import template.",
        ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n", "no_header"),
        (csv_bytes([["姓名", "手机号"]]), "no_rows"),
        (csv_bytes([["姓名", "手机号"], ["", ""], ["", ""]]), "no_rows"),
        (csv_bytes([["姓名", "手机号"]] + [["张三", "139"]] * 11), "too_many_rows"),
    ],
)
def test_files_without_usable_records_are_refused(data, code):
    with pytest.raises(TabularRefused) as refused:
        records(data)
    assert refused.value.code == code


def test_an_import_words_the_refusals_its_own_way():
    with pytest.raises(TabularRefused) as refused:
        records(
            csv_bytes([["姓名", "手机号"]] + [["张三", "139"]] * 3),
            max_rows=2,
            messages={"too_many_rows": "至多 %(limit)s 人"},
        )
    assert refused.value.message == "至多 2 人"
    with pytest.raises(TabularRefused) as refused:
        records(b"a" * (tabular.MAX_BYTES + 1), messages={"too_many_rows": "至多 %(limit)s 人"})
    with translation.override("en"):
        assert refused.value.message.startswith("The file is too large")


def test_merged_ranges_across_columns_and_rows_and_past_the_row_end():
    workbook = Workbook()
    sheet = workbook.active
    for row in (["a", "b", "c", "d"], ["分类一", None, "x"], [None, None, "y"], ["z"]):
        sheet.append(row)
    sheet.merge_cells("A2:B3")  # a block: its value on all four cells
    sheet.merge_cells("D1:E1")  # a header cell over two columns, past the row's last value
    sheet.merge_cells("C4:C5")  # an empty top-left cell stays empty
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert rows_of(buffer.getvalue(), "a.xlsx") == [
        ["a", "b", "c", "d", "d"],
        ["分类一", "分类一", "x"],
        ["分类一", "分类一", "y"],
        ["z"],
        [],  # the merge's own row, empty
    ]


def test_the_sheet_whose_header_passes_the_test_is_read():
    data = xlsx_bytes([["说明"], ["请在第二个工作表中填写"]], [["姓名", "手机号"], ["张三", "139"]])
    sheet = tabular.sheet_open(data, "a.xlsx", header_test=lambda row: "姓名" in row)
    try:
        assert (sheet.name, sheet.names) == ("sheet1", ("Sheet", "sheet1"))
        assert [list(row) for row in sheet.rows] == [["姓名", "手机号"], ["张三", "139"]]
    finally:
        sheet.close()
    with pytest.raises(TabularRefused) as refused:
        tabular.sheet_open(data, "a.xlsx", header_test=lambda row: False)
    assert refused.value.code == "no_matching_sheet"
    assert refused.value.params == {"sheets": "「Sheet」「sheet1」"}
    # One sheet: it is read, and the caller says what its header lacks.
    only = tabular.sheet_open(xlsx_bytes([["x"]]), "a.xlsx", header_test=lambda row: False)
    only.close()
    assert only.name == "Sheet"
