"""Question import/export formats, and what every importer shares.

Each importer is a `parse(...) -> ParseResult` that never raises on bad input: it collects every problem
it finds with a line (or spreadsheet row) number and a Chinese message, and still returns the questions
it could read, so the caller decides whether to import all-or-nothing.
See README.md in this folder for exactly what each format supports.
"""

from __future__ import annotations

import codecs

from quizzes.questiondata import ParseError, ParseResult, QuestionData, strip_control_chars

MAX_BYTES = 2 * 1024 * 1024

# Tried in order; GB18030 is a superset of GBK/GB2312, what Chinese Windows saves "ANSI" text as.
_TEXT_ENCODINGS = ("utf-8", "gb18030")


class InputRefused(Exception):
    """Raised inside an importer when the whole input is unusable; carries the error to report."""

    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


def size_of(data: bytes | str) -> int:
    if isinstance(data, str):
        if len(data) > MAX_BYTES:  # every character is at least one byte: no need to encode
            return len(data)
        return len(data.encode("utf-8", "surrogatepass"))
    return len(data)


def check_size(data: bytes | str) -> None:
    if not isinstance(data, bytes | bytearray | memoryview | str):
        raise InputRefused(ParseError(0, "无法读取上传的内容"))
    if size_of(data) > MAX_BYTES:
        raise InputRefused(ParseError(0, f"文件太大：最大 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分批导入"))


def decode_text(data: bytes | str) -> str:
    """Text with Unix newlines and no control characters.

    Bytes may be UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK.
    """
    check_size(data)
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        text = _decode_bytes(raw)
    if "\x00" in text:
        raise InputRefused(ParseError(0, "文件不是文本格式（含有二进制数据），请检查是否选错了文件"))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return strip_control_chars(text)


def _decode_bytes(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
        encodings: tuple[str, ...] = ("utf-8",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = _TEXT_ENCODINGS
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputRefused(ParseError(0, "无法识别文件的文字编码：请在编辑器或 Excel 中另存为“UTF-8”编码后重试"))


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
