"""Questions from a spreadsheet (CSV or Excel .xlsx) laid out like the downloadable template.

One question per row; row 1 holds the column headers, in Chinese or English, in any order. Error line
numbers are the row numbers Excel shows. See README.md next to this file for every column and value.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from core import tabular
from core.tabular import cell_text as _cell
from core.tabular import header_fold as _fold
from quizzes.formats import MAX_BYTES, MAX_QUESTIONS, InputRefused, finish, keep_if_valid, too_many
from quizzes.questiondata import Choice, ParseError, ParseResult, QuestionData, QuestionKind

__all__ = ["MAX_BYTES", "MAX_ROWS", "TEMPLATE_HEADERS", "parse", "template_csv", "template_xlsx"]

# Reading the file (encodings, Excel, zip-bomb limits) is core.tabular's, shared with every import.
MAX_UNZIPPED_BYTES = tabular.MAX_UNZIPPED_BYTES
MAX_ROWS = MAX_QUESTIONS
"""Data rows (questions) per file, not counting the header row: the import's limit."""
OPTION_LETTERS = "ABCDEFGH"
TEMPLATE_HEADERS: tuple[str, ...] = (
    "题型",
    "分类",
    "标题",
    "题目",
    *(f"选项{letter}" for letter in OPTION_LETTERS),
    "答案",
    "解析",
    "部分得分",
)

_TYPES: dict[str, QuestionKind] = {}
for _kind, _names in {
    QuestionKind.SINGLE: ("单选", "单选题", "单项选择", "单项选择题", "single", "singlechoice"),
    QuestionKind.MULTIPLE: ("多选", "多选题", "多项选择", "多项选择题", "multiple", "multiplechoice"),
    QuestionKind.TRUE_FALSE: ("判断", "判断题", "是非", "是非题", "对错", "truefalse", "true/false", "tf"),
    QuestionKind.FILL_BLANK: ("填空", "填空题", "fillblank", "fill", "shortanswer"),
    QuestionKind.ORDERING: ("排序", "排序题", "ordering", "order"),
}.items():
    _TYPES.update(dict.fromkeys(_names, _kind))
_HOTSPOT_NAMES = ("点选", "点选题", "热点", "热点题", "hotspot")

_COLUMNS: dict[str, str] = {}
for _key, _names in {
    "type": ("题型", "类型", "题目类型", "试题类型", "type", "kind", "questiontype"),
    "category": ("分类", "类别", "题库分类", "所属分类", "category"),
    "title": ("标题", "题目标题", "名称", "title", "name"),
    "text": ("题目", "题干", "问题", "试题", "题目内容", "text", "question", "stem"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案", "answer", "answers", "correctanswer", "key"),
    "explanation": ("解析", "答案解析", "解释", "explanation", "analysis", "feedback"),
    "partial": ("部分得分", "部分分", "按比例得分", "partial", "partialcredit"),
}.items():
    _COLUMNS.update(dict.fromkeys(_names, _key))
_OPTION_HEADER = re.compile(r"(?:选项|option|choice)?([a-z])")

_TRUE_WORDS = ("对", "正确", "是", "t", "true", "y", "yes", "√", "✓", "✔")
_FALSE_WORDS = ("错", "错误", "否", "f", "false", "n", "no", "×", "✗", "✘", "x")
_YES = ("是", "y", "yes", "true", "t", "1", "√", "✓")
_NO = ("否", "n", "no", "false", "f", "0", "×", "")
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/|｜]+")


def _category(value: str) -> str:
    return "/".join(part.strip() for part in value.split("/") if part.strip())


# -- entry point ----------------------------------------------------------------------------------


def parse(data: bytes | str, filename: str = "") -> ParseResult:
    """Read a CSV or .xlsx upload (core.tabular); `filename` only helps choose which. Never raises.

    In a workbook, the question sheet is the first whose row 1 has a 题型 column (or two of the known
    headers): an instructions sheet may come first. When the workbook has several sheets, messages name
    the one read ("工作表「题目」第 3 行：…")."""
    sheet = None
    try:
        sheet = tabular.sheet_open(data, filename, limit=MAX_BYTES, header_test=_is_question_header)
        result = _read_rows(sheet.rows)
    except tabular.TabularRefused as refused:
        if refused.code == "no_matching_sheet":
            message = f"在工作表{refused.params['sheets']}中都没有找到「题型」列，请使用导入模板的表头"
            return ParseResult(errors=[ParseError(0, message)])
        result = ParseResult(errors=[InputRefused.from_tabular(refused).error])
    finally:
        if sheet is not None:
            sheet.close()  # releases the workbook even when reading stopped early
    if sheet is not None and len(sheet.names) > 1:
        result.errors = [_in_sheet(error, sheet.name) for error in result.errors]
    return result


def _is_question_header(values: Sequence[object]) -> bool:
    keys = {_COLUMNS.get(_fold(_cell(value))) for value in values} - {None}
    return "type" in keys or len(keys) >= 2


def _in_sheet(error: ParseError, name: str) -> ParseError:
    if error.line > 0:
        return ParseError(error.line, f"工作表「{name}」{error.message}")
    return ParseError(0, f"工作表「{name}」：{error.message}")


# -- rows to questions ----------------------------------------------------------------------------


def _read_rows(rows: Iterable[Sequence[object]]) -> ParseResult:
    questions: list[QuestionData] = []
    errors: list[ParseError] = []
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None or not any(_cell(v) for v in header):
        if header is None:
            return ParseResult(errors=[ParseError(0, "文件是空的")])
        return ParseResult(errors=[ParseError.at(1, "第一行应为表头（题型、题目、答案……），请使用导入模板")])
    columns, header_errors = _columns([_cell(v) for v in header])
    if header_errors:
        return ParseResult(errors=header_errors)

    seen = 0
    for number, values in enumerate(iterator, start=2):
        if tabular.is_blank_row(values):
            continue
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        seen += 1
        if seen > MAX_ROWS:  # the rows after it are never read
            errors.append(too_many(number).error)
            break
        row = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
        question, problems = _question(row, number)
        errors.extend(ParseError.at(number, problem) for problem in problems)
        if question is not None and not problems:
            keep_if_valid(question, questions, errors)
    if not seen and not errors:
        errors.append(ParseError(0, "表格只有表头，没有题目"))
    return finish(questions, errors)


def _columns(headers: list[str]) -> tuple[dict[str, int], list[ParseError]]:
    columns: dict[str, int] = {}
    errors: list[ParseError] = []
    for index, header in enumerate(headers):
        folded = _fold(header)
        if not folded:
            continue
        key = _COLUMNS.get(folded)
        if key is None and (option := _OPTION_HEADER.fullmatch(folded)):
            letter = option.group(1).upper()
            if letter not in OPTION_LETTERS:
                errors.append(ParseError.at(1, f"列「{header}」：最多支持 8 个选项（选项A–选项H）"))
                continue
            key = f"option_{letter}"
        if key is None:
            continue  # notes columns such as 备注 or 序号 are allowed and ignored
        if key in columns:
            errors.append(ParseError.at(1, f"列「{header}」重复"))
            continue
        columns[key] = index
    for key, label in (("type", "题型"), ("text", "题目")):
        if key not in columns and not errors:
            errors.append(ParseError.at(1, f"缺少「{label}」列，请使用导入模板的表头"))
    return columns, errors


def _question(row: dict[str, str], number: int) -> tuple[QuestionData | None, list[str]]:
    raw_type = row.get("type", "")
    folded_type = _fold(raw_type)
    if not folded_type:
        return None, ["缺少题型（单选、多选、判断、填空、排序）"]
    if folded_type in _HOTSPOT_NAMES:
        return None, ["表格不能导入点选题（需要上传截图），请在后台题库中添加"]
    kind = _TYPES.get(folded_type)
    if kind is None:
        return None, [f"无法识别的题型「{raw_type}」，应为：单选、多选、判断、填空、排序"]

    problems: list[str] = []
    options = [row.get(f"option_{letter}", "") for letter in OPTION_LETTERS]
    while options and not options[-1]:
        options.pop()
    for letter, option in zip(OPTION_LETTERS, options, strict=False):
        if not option:
            problems.append(f"选项{letter}为空，但后面还有选项；选项要从 A 开始连续填写")
    partial_value = _fold(row.get("partial", ""))
    if partial_value in _YES:
        partial = True
    elif partial_value in _NO:
        partial = False
    else:
        problems.append(f"「部分得分」应填「是」或「否」，而不是「{row.get('partial')}」")
        partial = False
    if partial and kind not in (QuestionKind.MULTIPLE, QuestionKind.ORDERING):
        problems.append("只有多选题和排序题可以设置部分得分")

    answer = row.get("answer", "")
    fields: dict[str, object] = {}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        letters, letter_problem = _answer_letters(answer, len(options))
        if letter_problem:
            problems.append(letter_problem)
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            problems.append(f"单选题只能有一个答案（当前「{answer}」）；有多个正确答案请把题型改为「多选」")
        fields["choices"] = tuple(
            Choice(text, letter in letters) for letter, text in zip(OPTION_LETTERS, options, strict=False)
        )
    elif kind == QuestionKind.TRUE_FALSE:
        true_answer = _true_false(answer, options)
        if true_answer is None:
            problems.append(
                f"判断题答案应为「对」或「错」（也可写 正确/错误、T/F、true/false），而不是「{answer}」"
            )
        fields["true_answer"] = true_answer
    elif kind == QuestionKind.FILL_BLANK:
        accepted = tuple(a.strip() for a in re.split(r"[|｜]", answer) if a.strip())
        if not accepted:
            problems.append("填空题缺少答案；多个可接受的答案用「|」分隔，如「12345|市民热线」")
        fields["accepted_answers"] = accepted
    else:
        in_order = OPTION_LETTERS[: len(options)]
        if answer and _LETTER_SEPARATORS.sub("", unicodedata.normalize("NFKC", answer).upper()) != in_order:
            problems.append("排序题的「答案」列请留空：把步骤按正确顺序填在选项A、选项B……中即可")
        fields["steps"] = tuple(options)

    question = QuestionData(
        kind=kind,
        text=row.get("text", ""),
        title=row.get("title", ""),
        category=_category(row.get("category", "")),
        partial_credit=partial,
        explanation=row.get("explanation", ""),
        source_line=number,
        **fields,
    )
    return question, problems


def _answer_letters(answer: str, n_options: int) -> tuple[frozenset[str], str]:
    if not answer:
        return frozenset(), "缺少答案（填写正确选项的字母，如「B」或「A,C」）"
    letters = _LETTER_SEPARATORS.sub("", unicodedata.normalize("NFKC", answer).upper())
    if not re.fullmatch(r"[A-Z]+", letters):
        return frozenset(), f"答案「{answer}」无法识别：应填写选项字母，如「B」或「A,C」"
    available = OPTION_LETTERS[:n_options]
    outside = sorted({letter for letter in letters if letter not in available})
    if outside:
        if n_options == 0:
            return frozenset(), "这道题没有填写选项（选项A、选项B……）"
        return frozenset(), f"答案「{''.join(outside)}」超出了选项范围（这道题只有 A–{available[-1]}）"
    return frozenset(letters), ""


def _true_false(answer: str, options: list[str]) -> bool | None:
    folded = _fold(answer)
    if folded in _TRUE_WORDS:
        return True
    if folded in _FALSE_WORDS:
        return False
    # Question banks exported from exam systems often write 判断 as options 正确/错误 and answer "A".
    if len(folded) == 1 and "a" <= folded <= "h":
        index = ord(folded) - ord("a")
        if index < len(options):
            return _true_false(options[index], [])
    return None


# -- templates ------------------------------------------------------------------------------------

_EXAMPLES: tuple[tuple[str, ...], ...] = (
    (
        "单选",
        "数字工具/扫码登记",
        "访客扫码登记",
        "访客进入小区时，应请访客扫描哪个二维码完成登记？",
        "小区门口张贴的登记二维码",
        "访客自己的付款码",
        "工作人员的个人微信二维码",
        *([""] * 5),
        "A",
        "门口张贴的登记码会把访客信息直接写入小区登记表，不需要加工作人员微信。",
        "否",
    ),
    (
        "多选",
        "数字工具/扫码登记",
        "登记信息",
        "访客扫码登记时，需要填写哪些信息？",
        "姓名",
        "手机号码",
        "银行卡号",
        "来访事由",
        *([""] * 4),
        "A,B,D",
        "银行卡号属于敏感信息，登记时不应收集。",
        "是",
    ),
    (
        "判断",
        "数字工具/通知发布",
        "",
        "在业主微信群发布重要通知后，还应在小区公告栏张贴纸质通知。",
        *([""] * 8),
        "对",
        "不是所有居民都使用微信，纸质通知能照顾到老年人。",
        "否",
    ),
    (
        "填空",
        "数字工具/热线电话",
        "",
        "政务服务便民热线的号码是＿＿。",
        *([""] * 8),
        "12345|12345热线",
        "12345 是全国统一的政务服务便民热线号码。",
        "否",
    ),
    (
        "排序",
        "数字工具/扫码登记",
        "生成登记二维码",
        "请把在小程序中生成小区登记二维码的步骤按正确顺序排列。",
        "打开小程序并登录",
        "进入“场所码”页面",
        "填写小区名称和地址",
        "下载并打印二维码",
        *([""] * 4),
        "",
        "要先登录才能生成场所码；打印前请核对小区名称和地址。",
        "是",
    ),
)

_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    (
        "题型",
        "必填。单选、多选、判断、填空、排序（也可写 single、multiple、true_false、fill_blank、ordering）。",
    ),
    ("分类", "可选。用“/”分隔多级分类，如“数字工具/扫码登记”。"),
    ("标题", "可选。题库中显示的简短名称。"),
    ("题目", "必填。题干文字；填空题可用“＿＿”表示空格位置。"),
    ("选项A–选项H", "单选、多选：从选项A开始连续填写，最多 8 个。排序：按正确顺序填写各步骤。"),
    (
        "答案",
        "单选填一个字母，如 B；多选填多个字母，如 A,C 或 AC；判断填 对/错（或 正确/错误、T/F）；"
        "填空填参考答案，多个用“|”分隔；排序留空。",
    ),
    ("解析", "可选。学员答题后看到的解释。"),
    ("部分得分", "可选，是/否，默认否。仅多选题和排序题可用：答对一部分也能得一部分分。"),
    ("注意", f"第 1 行是表头，请勿修改；每行一道题，一次最多 {MAX_ROWS} 道。示例行请删除后再导入。"),
)


def template_csv() -> bytes:
    """The import template as CSV, UTF-8 with a BOM so that Excel shows the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The import template as .xlsx: the question sheet (with drop-downs) first, then instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(TEMPLATE_HEADERS)
    for example in _EXAMPLES:
        sheet.append(example)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    sheet.freeze_panes = "A2"
    widths = {"题型": 8, "分类": 20, "标题": 16, "题目": 40, "答案": 10, "解析": 36, "部分得分": 10}
    for index, header in enumerate(TEMPLATE_HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 18)
    last_row = MAX_ROWS + 1
    for header, choices in (("题型", "单选,多选,判断,填空,排序"), ("部分得分", "是,否")):
        column = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.add(f"{column}2:{column}{last_row}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("填写说明")
    notes.append(("列", "说明"))
    for row in _INSTRUCTIONS:
        notes.append(row)
    for cell in notes[1]:
        cell.font = bold
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    for (cell,) in notes.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
