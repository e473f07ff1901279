"""Aiken: single-choice questions as plain text, the format many teachers already keep in Word.

    扫码登记时，访客需要出示什么？
    A. 身份证
    B. 健康码
    ANSWER: B

Also accepted: full-width letters and separators (Ａ． A、 A） A：), lowercase letters, `答案：B` /
`正确答案：B` for the answer line, a leading question number ("1." / "1、"), question text over several
lines (with no blank line between them), and an optional `解析：…` line right after the answer line
(→ explanation).

Otherwise Moodle's rules, and its verdicts on its own test file (tests/test_format_aiken_moodle.py): blank
lines may separate anything; an option or answer line with no question open is an error; a question
whose options are not followed by an answer line, or a question line followed by a blank line and
another question, is an error and is never merged with the next; a question needs two options.
Reading stops at question ``MAX_QUESTIONS`` + 1 (quizzes.formats.too_many).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from quizzes.formats import (
    MAX_BYTES,
    MAX_QUESTIONS,
    InputRefused,
    decode_text,
    finish,
    keep_if_valid,
    too_many,
)
from quizzes.questiondata import Choice, ParseError, ParseResult, QuestionData, QuestionKind

__all__ = ["MAX_BYTES", "parse"]

_OPTION = re.compile(r"\s*([A-Za-zＡ-Ｚａ-ｚ])\s*[.．、)）:：]\s*(.*?)\s*$")
# What Moodle takes for an option wherever it is (a capital, then "." or ")"): with no question open,
# such a line is an option without its question, not the text of a new one.
_STRAY_OPTION = re.compile(r"\s*[A-ZＡ-Ｚ][.．)）]")
_ANSWER = re.compile(r"\s*(?:ANSWER|ANS|答案|正确答案|参考答案)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_EXPLANATION = re.compile(r"\s*(?:解析|答案解析|EXPLANATION)\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)
# "1." or "12、" before the question text; not "1.5 米" (a number, not a numbering).
_NUMBERING = re.compile(r"\s*\d{1,4}\s*[、.．)）]\s*(?!\d)")
_SEPARATORS = re.compile(r"[\s,，、;；/]+")


@dataclass
class _Item:
    line: int
    text: list[str]
    options: list[str] = field(default_factory=list)
    broken: bool = False
    blank_seen: bool = False  # after a blank line, a line of text starts a new question (as in Moodle)


def _letter(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).upper()


def parse(data: bytes | str) -> ParseResult:
    """Read Aiken text. Never raises; see `ParseResult` for what comes back."""
    try:
        text = decode_text(data)
    except InputRefused as refused:
        return ParseResult(errors=[refused.error])

    questions: list[QuestionData] = []
    errors: list[ParseError] = []
    try:
        _read(text, questions, errors)
    except InputRefused as refused:  # question MAX_QUESTIONS + 1: nothing after it is read
        errors.append(refused.error)
    return finish(questions, errors)


_NO_ANSWER = "缺少答案行（如「ANSWER: B」或「答案：B」）"
_NO_OPTIONS = "这道题没有选项和答案行：题目后面应接着写选项（如「A. 内容」）和答案行（如「ANSWER: B」）"


def _read(text: str, questions: list[QuestionData], errors: list[ParseError]) -> None:
    item: _Item | None = None
    last: QuestionData | None = None  # may still receive a 解析 line
    started = 0

    def error(line: int, message: str) -> None:
        errors.append(ParseError.at(line, message))

    def abandon(line: int, message: str) -> None:
        nonlocal item
        if item is not None and not item.broken:
            error(line, message)
        item = None

    def start(number: int, line: str) -> None:
        nonlocal item, started
        started += 1
        if started > MAX_QUESTIONS:
            raise too_many(number)
        numbering = _NUMBERING.match(line)
        item = _Item(number, [line[numbering.end() :].strip() if numbering else line.strip()])

    def flush_last() -> None:
        nonlocal last
        if last is not None:
            keep_if_valid(last, questions, errors)
            last = None

    try:
        for number, line in enumerate(text.split("\n"), start=1):
            folded = unicodedata.normalize("NFKC", line)
            stripped = line.strip()
            answer = _ANSWER.match(folded)

            if last is not None:
                explanation = _EXPLANATION.match(line)
                if explanation:
                    last = replace(last, explanation=explanation.group(1))
                    flush_last()
                    continue
                if stripped:
                    flush_last()

            if not stripped:
                if item is not None and item.broken:
                    item = None
                elif item is not None:
                    item.blank_seen = True
                continue

            if item is None:
                if answer:
                    error(number, "答案行前面没有题目")
                elif _STRAY_OPTION.match(line):
                    error(number, "选项前面没有题目（题目应写在选项的上一行）")
                else:
                    start(number, line)
                continue

            if answer:
                if item.broken:
                    item = None
                    continue
                if not item.options:
                    abandon(number, "这道题没有选项（选项应写成「A. 选项内容」）")
                    continue
                last = _finish(item, answer.group(1), number, error)
                item = None
                continue

            option = _OPTION.match(line)
            expected = chr(ord("A") + len(item.options))
            if option and _letter(option.group(1)) == expected:
                if not item.broken:
                    item.options.append(option.group(2))
                continue
            if item.blank_seen and not option:  # Moodle: the open question is an error, never merged
                error(item.line, _NO_ANSWER if item.options else _NO_OPTIONS)
                start(number, line)
                continue
            if not item.options:
                item.text.append(stripped)  # the question goes on over several lines
                continue
            if not item.broken:
                if option:
                    error(number, f"选项字母顺序不对：这里应该是「{expected}」")
                else:
                    error(number, "无法识别这一行：选项应写成「A. 内容」，最后一行写「ANSWER: B」")
                item.broken = True

        if item is not None and not item.broken:
            error(item.line, _NO_ANSWER if item.options else _NO_OPTIONS)
    finally:
        flush_last()


def _finish(item: _Item, value: str, line: int, error: Callable[[int, str], None]) -> QuestionData | None:
    letters = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value).upper())
    if re.fullmatch(r"[A-Z]{2,}", letters):
        error(line, "Aiken 格式只支持单选题（答案只能是一个字母）；多选题请用 GIFT 或表格模板导入")
        return None
    if not re.fullmatch(r"[A-Z]", letters):
        error(line, f"答案「{value}」无法识别，应为一个选项字母，如「ANSWER: B」")
        return None
    index = ord(letters) - ord("A")
    if index >= len(item.options):
        last = chr(ord("A") + len(item.options) - 1)
        error(line, f"答案「{letters}」超出了选项范围（这道题只有 A–{last}）")
        return None
    return QuestionData(
        kind=QuestionKind.SINGLE,
        text="\n".join(item.text).strip(),
        choices=tuple(Choice(text, i == index) for i, text in enumerate(item.options)),
        source_line=item.line,
    )
