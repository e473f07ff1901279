"""Question import/export formats, and what every importer shares.

Each importer is a `parse(...) -> ParseResult` that never raises on bad input: it collects every problem
it finds with a line (or spreadsheet row) number and a Chinese message, and still returns the questions
it could read, so the caller decides whether to import all-or-nothing.
See README.md in this folder for exactly what each format supports.
"""

from __future__ import annotations

from core import tabular
from quizzes.questiondata import ParseError, ParseResult, QuestionData

MAX_BYTES = tabular.MAX_BYTES
# Questions per import, whatever the format: the one number the import page, the spreadsheet template's
# notes and the row limit all show. Each question costs a few dozen queries (save, first revision,
# publish, search index, audit log): a thousand stay well inside one web request's time limit.
MAX_QUESTIONS = 1000

# The formats speak Chinese whatever the admin's language (see README.md): core.tabular finds what is
# wrong with a file, and these are its words for the question import, as trainers have always read them.
CHINESE = {
    "not_bytes": "无法读取上传的内容",
    "too_large": f"文件太大：最大 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分批导入",
    "encoding": "无法识别文件的文字编码：请在编辑器或 Excel 中另存为“UTF-8”编码后重试",
    "binary": "文件不是文本格式（含有二进制数据），请检查是否选错了文件",
    "not_text": "这不是文本文件（看起来是 {kind} 文件），请检查是否选错了文件",
    "office_file": (
        "这是 Excel/Word 文件，不是文本文件：Excel 表格请选择「表格」格式导入，"
        "Word 文档请先把题目另存为文本文件（.txt）"
    ),
    "old_office_file": (
        "这不是文本文件（看起来是旧版 Excel/Word 文件 .xls/.doc）：请先另存为 .xlsx、CSV 或文本文件（.txt）"
    ),
    "old_excel": "不支持旧版 .xls 文件或设置了密码的 Excel 文件：请在 Excel 中另存为 .xlsx（不设密码）或 CSV",
    "not_xlsx": "文件扩展名是 .xlsx，但内容不是 Excel 文件，可能已损坏",
    "bad_zip": "无法打开 Excel 文件：文件可能已损坏",
    "not_workbook": "这不是 Excel .xlsx 文件；WPS、LibreOffice 等表格请先另存为 .xlsx 或 CSV",
    "unzipped_too_large": "Excel 文件解压后过大，请删除多余的工作表、图片和格式后重试",
    "unreadable_xlsx": "无法读取 Excel 文件：文件可能已损坏，请在 Excel 中重新保存后再试",
    "no_sheet": "Excel 文件里没有工作表",
    "csv_error": "CSV 格式错误，无法继续读取（{detail}）",
}


TOO_MANY = "文件中的题目超过 {limit} 道：一次最多导入 {limit} 道，请拆分成几个文件分批导入"


def too_many(line: int, limit: int = MAX_QUESTIONS) -> InputRefused:
    """To raise when a parser reaches question `limit` + 1 (at `line`): it stops reading there, so a
    file of 28,000 questions costs no more than one of a thousand."""
    return InputRefused(ParseError.at(line, TOO_MANY.format(limit=limit)))


class InputRefused(Exception):
    """Raised inside an importer when the whole input is unusable; carries the error to report."""

    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error

    @classmethod
    def from_tabular(cls, refused: tabular.TabularRefused) -> InputRefused:
        return cls(ParseError.at(refused.line, CHINESE[refused.code].format(**refused.params)))


def check_size(data: bytes | str) -> None:
    try:
        tabular.size_check(data, MAX_BYTES)
    except tabular.TabularRefused as refused:
        raise InputRefused.from_tabular(refused) from None


def decode_text(data: bytes | str) -> str:
    """Text with Unix newlines and no control characters (core.tabular.text_decode).

    Bytes may be UTF-8, UTF-16 or UTF-32 (with a BOM; UTF-16 also without), GB18030/GBK, Big5 or
    Windows-1252/Latin-1; PDF, images and Office files are refused as not text, by name.
    """
    try:
        return tabular.text_decode(data, limit=MAX_BYTES)
    except tabular.TabularRefused as refused:
        raise InputRefused.from_tabular(refused) from None


def keep_if_valid(question: QuestionData, questions: list[QuestionData], errors: list[ParseError]) -> None:
    """Add `question` to the result, or its validation problems to the errors, at its source line."""
    problems = question.validate()
    if problems:
        errors.extend(ParseError.at(question.source_line, problem) for problem in problems)
    else:
        questions.append(question)


def finish(questions: list[QuestionData], errors: list[ParseError]) -> ParseResult:
    if not questions and not errors:
        errors.append(ParseError(0, "文件中没有找到任何题目"))
    errors.sort(key=lambda e: e.line)
    return ParseResult(questions=questions, errors=errors)
