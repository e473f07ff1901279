"""CSV and Excel import, and the downloadable templates."""

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from quizzes.formats import MAX_BYTES, spreadsheet
from quizzes.formats.spreadsheet import MAX_ROWS, TEMPLATE_HEADERS, parse, template_csv, template_xlsx
from quizzes.questiondata import Choice, ParseError, QuestionData, QuestionKind


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures so they also run with `-p no:django`."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


HEADER = ["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "部分得分"]


def to_csv(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only(rows, **kwargs):
    result = parse(to_csv(rows, **kwargs), "questions.csv")
    assert result.ok, result.errors
    assert len(result.questions) == 1
    return result.questions[0]


def first_error(rows, header=HEADER):
    result = parse(to_csv(rows, header=header), "questions.csv")
    assert not result.ok
    return result.errors[0]


# -- templates ------------------------------------------------------------------------------------


def test_template_headers():
    assert TEMPLATE_HEADERS[:4] == ("题型", "分类", "标题", "题目")
    assert TEMPLATE_HEADERS[4:12] == tuple(f"选项{letter}" for letter in "ABCDEFGH")
    assert TEMPLATE_HEADERS[12:] == ("答案", "解析", "部分得分")


def test_template_csv_is_excel_friendly_and_parses_back():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read the Chinese as UTF-8
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == TEMPLATE_HEADERS
    result = parse(data, "模板.csv")
    assert result.ok, result.errors
    assert [q.kind for q in result.questions] == [
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.FILL_BLANK,
        QuestionKind.ORDERING,
    ]
    assert [q.source_line for q in result.questions] == [2, 3, 4, 5, 6]


def test_template_xlsx_parses_back_to_the_same_questions():
    data = template_xlsx()
    assert data.startswith(b"PK")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["题目", "填写说明"]
    assert tuple(cell.value for cell in workbook["题目"][1]) == TEMPLATE_HEADERS
    assert workbook["题目"].data_validations.dataValidation  # drop-downs for 题型 and 部分得分
    result = parse(data, "模板.xlsx")
    assert result.ok, result.errors
    assert result.questions == parse(template_csv(), "模板.csv").questions


# -- question types -------------------------------------------------------------------------------


def test_single_choice():
    q = only([["单选", "访客扫哪个码？", "登记码", "付款码", "微信", "", "A", "登记码直接入表。", "否"]])
    assert q == QuestionData(
        kind=QuestionKind.SINGLE,
        text="访客扫哪个码？",
        choices=(Choice("登记码", True), Choice("付款码", False), Choice("微信", False)),
        explanation="登记码直接入表。",
    )
    assert q.source_line == 2


@pytest.mark.parametrize("answer", ["A,C", "AC", "a，c", "A、C", "C A", "A;C", "Ａ，Ｃ", "A|C", "CA"])
def test_multiple_choice_answer_spellings(answer):
    q = only([["多选", "哪些？", "姓名", "银行卡", "电话", "", answer, "", ""]])
    assert q.kind == QuestionKind.MULTIPLE
    assert q.correct_indexes() == {0, 2}
    assert not q.partial_credit


@pytest.mark.parametrize(
    ("value", "expected"), [("是", True), ("Y", True), ("true", True), ("否", False), ("", False)]
)
def test_partial_credit_column(value, expected):
    assert only([["多选", "哪些？", "a", "b", "c", "", "AB", "", value]]).partial_credit is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("对", True), ("正确", True), ("T", True), ("true", True), ("√", True), ("错", False), ("错误", False)]
    + [("F", False), ("FALSE", False), ("×", False), ("否", False)],
)
def test_true_false_answers(answer, expected):
    q = only([["判断", "扫码登记需要联网。", "", "", "", "", answer, "", ""]])
    assert (q.kind, q.true_answer) == (QuestionKind.TRUE_FALSE, expected)


def test_true_false_written_as_options_and_a_letter():
    q = only([["判断", "扫码登记需要联网。", "正确", "错误", "", "", "B", "", ""]])
    assert q.true_answer is False


def test_fill_blank_accepts_several_answers():
    q = only([["填空", "热线号码是＿＿。", "", "", "", "", "12345 | 市民热线｜一二三四五|", "", ""]])
    assert q.kind == QuestionKind.FILL_BLANK
    assert q.accepted_answers == ("12345", "市民热线", "一二三四五")


def test_ordering_takes_the_options_in_order():
    q = only([["排序", "排列步骤", "登录", "打开场所码", "填写地址", "打印", "", "", "是"]])
    assert q.kind == QuestionKind.ORDERING
    assert q.steps == ("登录", "打开场所码", "填写地址", "打印")
    assert q.partial_credit
    assert only([["排序", "排列步骤", "a", "b", "c", "", "ABC", "", ""]]).steps == ("a", "b", "c")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("single", QuestionKind.SINGLE),
        ("单选题", QuestionKind.SINGLE),
        ("单项选择", QuestionKind.SINGLE),
        ("Multiple", QuestionKind.MULTIPLE),
        ("多选题", QuestionKind.MULTIPLE),
        ("true_false", QuestionKind.TRUE_FALSE),
        ("判断题", QuestionKind.TRUE_FALSE),
        ("fill_blank", QuestionKind.FILL_BLANK),
        (" 填空 ", QuestionKind.FILL_BLANK),
        ("ordering", QuestionKind.ORDERING),
    ],
)
def test_type_aliases(kind, expected):
    answers = {QuestionKind.TRUE_FALSE: "对", QuestionKind.FILL_BLANK: "x", QuestionKind.ORDERING: ""}
    q = only([[kind, "Q", "a", "b", "", "", answers.get(expected, "A"), "", ""]])
    assert q.kind == expected


def test_english_headers_any_order_and_extra_columns():
    header = [
        "Answer",
        "Notes",
        "Question",
        "Option B",
        "option_a",
        "TYPE",
        "Category",
        "Title",
        "Explanation",
    ]
    q = only(
        [["B", "备注会被忽略", "Which?", "right", "wrong", "single", " 工具 / 扫码 ", "T1", "why"]],
        header=header,
    )
    assert q == QuestionData(
        kind=QuestionKind.SINGLE,
        text="Which?",
        title="T1",
        category="工具/扫码",
        choices=(Choice("wrong", False), Choice("right", True)),
        explanation="why",
    )


def test_headers_with_notes_and_full_width_letters():
    header = ["题型（必填）", "题干*", "选项Ａ", "选项 b", "正确答案"]
    assert only([["单选", "Q", "a", "b", "B"]], header=header).correct_indexes() == {1}


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["问答", "Q", "", "", "", "", "", "", ""], "无法识别的题型「问答」"),
        (["", "Q", "a", "b", "", "", "A", "", ""], "缺少题型"),
        (["点选", "Q", "", "", "", "", "", "", ""], "不能导入点选题"),
        (["单选", "Q", "a", "b", "c", "", "D", "", ""], "答案「D」超出了选项范围（这道题只有 A–C）"),
        (["多选", "Q", "a", "b", "", "", "A,Z", "", ""], "答案「Z」超出了选项范围"),
        (["单选", "Q", "", "", "", "", "A", "", ""], "没有填写选项"),
        (["单选", "Q", "a", "b", "", "", "第一个", "", ""], "无法识别"),
        (["单选", "Q", "a", "b", "", "", "", "", ""], "缺少答案"),
        (["单选", "Q", "a", "b", "", "", "AB", "", ""], "单选题只能有一个答案"),
        (["单选", "Q", "a", "", "c", "", "A", "", ""], "选项B为空"),
        (["单选", "Q", "a", "b", "", "", "A", "", "是"], "只有多选题和排序题可以设置部分得分"),
        (["多选", "Q", "a", "b", "", "", "A", "", "也许"], "「部分得分」应填「是」或「否」"),
        (["判断", "Q", "", "", "", "", "可能", "", ""], "判断题答案应为「对」或「错」"),
        (["判断", "Q", "", "", "", "", "", "", ""], "判断题答案应为"),
        (["填空", "Q", "", "", "", "", " | ", "", ""], "填空题缺少答案"),
        (["排序", "Q", "a", "b", "c", "", "CBA", "", ""], "排序题的「答案」列请留空"),
        (["排序", "Q", "a", "", "", "", "", "", ""], "至少需要 2 个步骤"),
        (["单选", "", "a", "b", "", "", "A", "", ""], "题目内容不能为空"),
        (["单选", "Q", "a", "a", "", "", "A", "", ""], "重复"),
    ],
)
def test_row_errors_name_the_row_and_the_problem(row, message):
    error = first_error([["单选", "好题", "a", "b", "", "", "A", "", ""], row])
    assert error.line == 3
    assert error.message.startswith("第 3 行：")
    assert message in error.message, error.message


def test_all_row_errors_are_collected_and_good_rows_still_returned():
    rows = [
        ["单选", "Good 1", "a", "b", "", "", "A", "", ""],
        ["未知", "Bad 1", "", "", "", "", "", "", ""],
        [],
        ["判断", "Good 2", "", "", "", "", "对", "", ""],
        ["单选", "Bad 2", "a", "b", "", "", "C", "", ""],
        ["填空", "Good 3", "", "", "", "", "x", "", ""],
    ]
    result = parse(to_csv(rows), "q.csv")
    assert [q.text for q in result.questions] == ["Good 1", "Good 2", "Good 3"]
    assert [q.source_line for q in result.questions] == [2, 5, 7]
    assert [e.line for e in result.errors] == [3, 6]


def test_row_numbers_count_multi_line_cells_as_one_row():
    rows = [
        ["单选", "第一行\n第二行", "a", "b", "", "", "A", "", ""],
        ["单选", "Q", "a", "b", "", "", "Z", "", ""],
    ]
    result = parse(to_csv(rows), "q.csv")
    assert result.questions[0].text == "第一行\n第二行"
    assert [e.line for e in result.errors] == [3]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["题目", "答案"], "缺少「题型」列"),
        (["题型", "答案"], "缺少「题目」列"),
        (["题型", "题目", "题干"], "列「题干」重复"),
        (["题型", "题目", "选项A", "选项I"], "最多支持 8 个选项"),
    ],
)
def test_header_errors(header, message):
    result = parse(to_csv([["单选"] * len(header)], header=header), "q.csv")
    assert result.questions == []
    assert result.errors[0].line == 1
    assert message in result.errors[0].message


def test_empty_header_only_and_headerless_files():
    assert [e.message for e in parse(b"", "q.csv").errors] == ["文件是空的"]
    assert [e.message for e in parse(to_csv([]), "q.csv").errors] == ["表格只有表头，没有题目"]
    assert [e.message for e in parse(to_csv([[], ["", ""]]), "q.csv").errors] == ["表格只有表头，没有题目"]
    assert [e.message for e in parse(to_xlsx([]), "q.xlsx").errors] == ["表格只有表头，没有题目"]
    assert parse(",,,\r\n单选,Q,a,b\r\n".encode(), "q.csv").errors[0].line == 1


def test_row_cap():
    rows = [["判断", f"第 {n} 题", "", "", "", "", "对", "", ""] for n in range(MAX_ROWS)]
    result = parse(to_csv(rows), "q.csv")
    assert result.ok and len(result.questions) == MAX_ROWS
    result = parse(to_csv([*rows, rows[0]]), "q.csv")
    assert [e.line for e in result.errors] == [MAX_ROWS + 2]
    assert f"超过 {MAX_ROWS} 道：一次最多导入 {MAX_ROWS} 道" in result.errors[0].message


# -- CSV specifics --------------------------------------------------------------------------------


ROW = ["单选", "访客扫哪个码？", "登记码", "付款码", "", "", "A", "", ""]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(encoding):
    assert only([ROW], encoding=encoding).text == "访客扫哪个码？"


def test_csv_as_text_and_tab_or_semicolon_separated():
    expected = only([ROW])
    assert parse(to_csv([ROW]).decode("utf-8-sig")).questions == [expected]
    assert parse("\n".join("\t".join(r) for r in (HEADER, ROW)), "q.txt").questions == [expected]
    assert parse("\n".join(";".join(r) for r in (HEADER, ROW)), "q.csv").questions == [expected]


def test_csv_with_an_unterminated_quote_does_not_raise():
    result = parse('题型,题目,答案\n单选,"没有结束的引号,A\n判断,Q,对\n', "q.csv")
    assert not result.ok


def test_csv_field_too_large_is_reported():
    result = parse(
        b'\xe9\xa2\x98\xe5\x9e\x8b,\xe9\xa2\x98\xe7\x9b\xae\n\xe5\x88\xa4\xe6\x96\xad,"'
        + b"x" * 200_000
        + b'"',
        "q.csv",
    )
    assert not result.ok
    assert result.errors[0].line == 2


def test_csv_undecodable_binary_and_huge():
    assert "编码" in parse("题型,题目\n".encode() + b"\xff", "q.csv").errors[0].message
    assert "二进制" in parse(b"\x00\x01\x02\x03", "q.csv").errors[0].message
    huge = parse(b"a" * (MAX_BYTES + 1), "q.csv")
    assert [e.line for e in huge.errors] == [0] and "文件太大" in huge.errors[0].message


# -- Excel specifics ------------------------------------------------------------------------------


def test_xlsx_typed_cells_are_read_as_text():
    rows = [
        ["单选", 110, 119, 120.0, "", "", "B", "", False],
        ["判断", "Excel 把 TRUE 存成布尔值", "", "", "", "", True, "", ""],
        ["填空", "电话", "", "", "", "", 12345, "", None],
    ]
    result = parse(to_xlsx(rows), "q.xlsx")
    assert result.ok, result.errors
    single, true_false, fill = result.questions
    assert (single.text, [c.text for c in single.choices]) == ("110", ["119", "120"])
    assert true_false.true_answer is True
    assert fill.accepted_answers == ("12345",)


def test_xlsx_is_recognised_by_content_whatever_the_name():
    data = to_xlsx([ROW])
    expected = parse(data, "q.xlsx").questions
    assert len(expected) == 1
    assert parse(data, "q.csv").questions == expected
    assert parse(data).questions == expected


def test_xlsx_reads_only_the_first_sheet():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(ROW)
    other = workbook.create_sheet("其他")
    other.append(HEADER)
    other.append(["未知"] * 9)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue(), "q.xlsx")
    assert result.ok and len(result.questions) == 1


def test_xlsx_row_cap():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for n in range(MAX_ROWS + 1):
        sheet.append(["判断", f"第 {n} 题", "", "", "", "", "对", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue(), "q.xlsx")
    assert [e.line for e in result.errors] == [MAX_ROWS + 2]


def test_blank_rows_do_not_count_towards_the_cap():
    rows = [["判断", f"第 {n} 题", "", "", "", "", "对", "", ""] for n in range(MAX_ROWS)]
    result = parse(to_csv([["", ""], *rows]), "q.csv")
    assert result.ok and len(result.questions) == MAX_ROWS


def workbook_bytes(*sheets, merges=()):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for cells in merges:
        workbook.worksheets[-1].merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_category_merged_over_rows_is_every_rows_category():
    header = ["题型", "分类", "题目", "答案"]
    rows = [["判断", "消防/用电", "Q1", "对"], ["判断", None, "Q2", "错"], ["判断", None, "Q3", "对"]]
    result = parse(workbook_bytes(("题目", [header, *rows]), merges=["B2:B4"]), "q.xlsx")
    assert result.ok, result.errors
    assert [q.category for q in result.questions] == ["消防/用电"] * 3


def test_the_question_sheet_is_found_after_an_instructions_sheet_and_named_in_messages():
    notes = [["填写说明"], ["每行一道题"]]
    rows = [HEADER, ["判断", "Q1", "", "", "", "", "对"], ["判断", "Q2", "", "", "", "", "也许"]]
    result = parse(workbook_bytes(("说明", notes), ("题目", rows)), "q.xlsx")
    assert [q.text for q in result.questions] == ["Q1"]
    (error,) = result.errors
    assert error.line == 3
    assert error.message.startswith("工作表「题目」第 3 行：判断题答案应为")


def test_no_sheet_with_a_type_column_names_every_sheet():
    data = workbook_bytes(("说明", [["填写说明"]]), ("Sheet2", [["序号", "内容"], [1, "x"]]))
    (error,) = parse(data, "q.xlsx").errors
    assert error == ParseError(0, "在工作表「说明」「Sheet2」中都没有找到「题型」列，请使用导入模板的表头")


def test_a_sheet_with_known_headers_but_no_type_column_is_read_and_named():
    rows = [["题目", "答案"], ["Q", "对"]]
    result = parse(workbook_bytes(("说明", [["填写说明"]]), ("题目", rows)), "q.xlsx")
    (error,) = result.errors
    assert error == ParseError(1, "工作表「题目」第 1 行：缺少「题型」列，请使用导入模板的表头")


def test_the_template_reads_its_question_sheet_wherever_it_is():
    from openpyxl import load_workbook as load

    workbook = load(io.BytesIO(template_xlsx()))
    workbook.move_sheet("填写说明", offset=-1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert workbook.sheetnames[0] == "填写说明"
    result = parse(buffer.getvalue(), "template.xlsx")
    assert result.ok and len(result.questions) == 5


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"PK\x03\x04 not really a zip", "q.xlsx", "无法打开 Excel 文件"),
        (
            zip_bytes({"word/document.xml": "<w/>", "[Content_Types].xml": "<x/>"}),
            "q.docx",
            "这不是 Excel .xlsx 文件",
        ),
        (
            zip_bytes({"content.xml": "<x/>", "mimetype": "application/vnd.oasis"}),
            "q.ods",
            "这不是 Excel .xlsx 文件",
        ),
        (
            zip_bytes({"[Content_Types].xml": "<x", "xl/workbook.xml": "<broken"}),
            "q.xlsx",
            "无法读取 Excel 文件",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "q.xls", "旧版 .xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "q.xlsx", "设置了密码"),
        (b"not excel", "q.xls", "旧版 .xls"),
        ("题型,题目\n单选,Q".encode(), "q.xlsx", "内容不是 Excel 文件"),
        ("题型,题目\n单选,Q", "q.xlsx", "内容不是 Excel 文件"),
    ],
)
def test_bad_excel_files_are_refused_with_a_clear_message(data, filename, message):
    result = parse(data, filename)
    assert result.questions == []
    assert [e.line for e in result.errors] == [0]
    assert message in result.errors[0].message


def test_truncated_xlsx_is_refused():
    data = to_xlsx([ROW])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 10):
        result = parse(data[:cut], "q.xlsx")
        assert result.questions == [] and result.errors[0].line == 0


def test_zip_needing_an_unsupported_zip_version_is_refused():
    data = bytearray(to_xlsx([ROW]))
    directory = data.index(b"PK\x01\x02")
    data[directory + 6 : directory + 8] = b"\x40\x00"  # "version needed to extract": 6.4
    result = parse(bytes(data), "q.xlsx")
    assert [e.message for e in result.errors] == ["无法打开 Excel 文件：文件可能已损坏"]


def test_not_bytes_at_all():
    assert parse(None, "q.csv").errors[0].line == 0
    assert parse(12345, "q.xlsx").errors[0].line == 0


def test_zip_bomb_is_refused_before_unzipping():
    bomb = zip_bytes(
        {
            "[Content_Types].xml": "<x/>",
            "xl/workbook.xml": "<x/>",
            "xl/sharedStrings.xml": b"\x00" * (spreadsheet.MAX_UNZIPPED_BYTES + 1),
        }
    )
    assert len(bomb) < MAX_BYTES
    result = parse(bomb, "q.xlsx")
    assert "解压后过大" in result.errors[0].message


def test_huge_xlsx_is_refused():
    result = parse(b"PK\x03\x04" + b"\x00" * MAX_BYTES, "q.xlsx")
    assert "文件太大" in result.errors[0].message


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(st.binary(max_size=300), st.sampled_from(["q.csv", "q.xlsx", "q", ""]))
def test_parse_never_raises_on_bytes(data, filename):
    result = parse(data, filename)
    assert not result.ok or result.questions


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=64))
def test_parse_never_raises_on_damaged_xlsx(position, garbage):
    data = bytearray(template_xlsx())
    position %= len(data)
    data[position : position + len(garbage)] = garbage
    result = parse(bytes(data), "q.xlsx")
    assert all(e.line >= 0 and e.message for e in result.errors)


CELLS = st.sampled_from(
    ["单选", "多选", "判断", "填空", "排序", "A", "AB", "对", "", "x", "是", "否", "Q", "a|b", "Z"]
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(CELLS | st.text(max_size=5), max_size=10), max_size=8))
def test_parse_never_raises_on_arbitrary_rows(rows):
    result = parse(to_csv(rows), "q.csv")
    assert all(e.line >= 0 and e.message for e in result.errors)
    assert all(q.validate() == [] for q in result.questions)
    assert all(2 <= q.source_line <= len(rows) + 1 for q in result.questions)
