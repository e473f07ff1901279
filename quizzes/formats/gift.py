"""Moodle GIFT: import (`parse`) and export (`export`).

What is imported, mapped and refused is listed in README.md next to this file. In short: multiple
choice (single and multiple answer, with weights and feedback), true/false with its two feedbacks, short
answer (→ fill-in, weights and feedback), numerical (→ numeric: tolerance, ranges, several answers) and
essay are imported as Moodle reads them; matching becomes one single-choice question per pair (with a
notice); description items and Moodle-only details (wildcards, "any other number" feedback) are refused
or reported, each with its line.

How it reads: like Moodle, escaped characters (``\\~`` …) are first swapped for placeholders that cannot
occur in text, so the structure (``{ } ~ = # :: ####``) is found with plain `str.find`/`split`, and each
piece of text gets its characters back at the end. A 2 MB file is read in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise

from quizzes.formats import MAX_BYTES, MAX_QUESTIONS, InputRefused, decode_text, finish, too_many
from quizzes.formats.markup import html_to_text, markdown_to_text
from quizzes.questiondata import (
    KIND_LABELS,
    MAX_ANSWERS,
    MAX_CHOICES,
    TRUE_FALSE_LABELS,
    Answer,
    Choice,
    ParseError,
    ParseResult,
    QuestionData,
    QuestionKind,
    parse_number,
)

__all__ = ["BLANK", "EXPORTABLE_KINDS", "MAX_BYTES", "export", "parse"]

BLANK = "＿＿"
"""Stands for the answer block when a GIFT question's text goes on after it ("missing word")."""

EXPORTABLE_KINDS = frozenset(
    {
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.FILL_BLANK,
        QuestionKind.NUMERIC,
        QuestionKind.ESSAY,
    }
)

# -- escapes --------------------------------------------------------------------------------------
# Moodle's escapes are \\ \~ \= \# \{ \} \: and \n. Ours add \% and \％ (an answer starting with a
# percent sign, which would read as a weight), \> (a "->" in a short answer, which would read as
# matching) and \* (a literal asterisk in a short answer, where a bare * is Moodle's wildcard — Moodle's
# grader reads \* the same way).
# Unicode noncharacters stand in for them while the structure is read; any in the input are dropped.

_PH = {ch: chr(0xFDD0 + n) for n, ch in enumerate("\\~=#{}:n%>*％")}
_ESCAPED = re.compile(r"\\([\\~=#{}:n%>*％])")
_NONCHARACTERS = re.compile("[\ufdd0-\ufddf]")
_RESTORE_BASE = {ord(_PH[ch]): ch for ch in "\\~=#{}:%>％"} | {ord(_PH["n"]): "\n"}
_RESTORE = _RESTORE_BASE | {ord(_PH["*"]): "\\*"}  # outside short answers, Moodle keeps "\*" as it is
_RESTORE_SHORT_ANSWER = _RESTORE_BASE | {ord(_PH["*"]): "*"}
_ANY_PLACEHOLDER = re.compile("[\ufdd0-\ufddb]")


def _protect(text: str) -> str:
    """Escaped characters → placeholders (left to right, so "\\\\~" is a backslash and then a real ~)."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: _PH[m.group(1)], text)


def _restore(text: str, table: dict[int, str] = _RESTORE) -> str:
    return text.translate(table)


# -- reading --------------------------------------------------------------------------------------

_FORMATS = ("html", "plain", "markdown", "moodle")  # Moodle's names; case matters, as in Moodle
_CATEGORY = re.compile(r"\s*\$CATEGORY:", re.IGNORECASE)
_WEIGHT = re.compile(r"[%％]([^%％\n]*)[%％]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CHOICE_MARKS = re.compile("[=~]")
_MOODLE_TAG = re.compile(r"\[(?:tag|id):", re.IGNORECASE)


def parse(data: bytes | str, *, limit: int | None = MAX_QUESTIONS) -> ParseResult:
    """Read GIFT text. Never raises; see `ParseResult` for what comes back.

    Reading stops at question `limit` + 1 with an error at its line (`quizzes.formats.too_many`);
    `limit=None` reads everything (benchmarks)."""
    try:
        text = decode_text(data)
    except InputRefused as refused:
        return ParseResult(errors=[refused.error])
    reader = _Reader(limit)
    try:
        for numbers, lines in _blocks(_NONCHARACTERS.sub("", text), reader):
            reader.read_block(numbers, lines)
    except InputRefused as refused:
        reader.errors.append(refused.error)
    result = finish(reader.questions, reader.errors)
    result.notices = sorted(reader.notices, key=lambda n: n.line)
    return result


def _blocks(text: str, reader: _Reader) -> Iterator[tuple[list[int], list[str]]]:
    """Blank-line separated blocks as (line numbers, lines); whole-line // comments left out."""
    numbers: list[int] = []
    lines: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if lines:
                yield numbers, lines
                numbers, lines = [], []
        elif stripped.startswith("//"):
            if not reader.tag_notice and _MOODLE_TAG.search(stripped):
                reader.notice(number, "Moodle 的标签「[tag:…]」和编号「[id:…]」不会导入")
                reader.tag_notice = True
        else:
            numbers.append(number)
            lines.append(line)
    if lines:
        yield numbers, lines


class _Block:
    """One question's text with escapes replaced by placeholders, and the line each character came from."""

    __slots__ = ("numbers", "text")

    def __init__(self, numbers: list[int], text: str) -> None:
        self.numbers = numbers
        self.text = text

    def line_at(self, offset: int) -> int:
        # Placeholders never stand for a newline, so counting newlines finds the line.
        return self.numbers[min(self.text.count("\n", 0, max(offset, 0)), len(self.numbers) - 1)]


def _category(raw: str) -> str:
    """Moodle's category path as our category name: `$course$/top/A/B` → "A/B"; `A / B/` → "A/B".

    As Moodle does, a leading context (`$course$`, `$module$`, `$system$`, `$cat$`…) and then a leading
    "top" are dropped; parts are trimmed and empty parts dropped."""
    parts = [part.strip() for part in raw.split("/")]
    parts = [part for part in parts if part]
    if parts and re.fullmatch(r"\$\w*\$", parts[0]):
        parts.pop(0)
    if parts and parts[0].lower() == "top":
        parts.pop(0)
    return "/".join(parts)


class _Reader:
    def __init__(self, limit: int | None) -> None:
        self.questions: list[QuestionData] = []
        self.errors: list[ParseError] = []
        self.notices: list[ParseError] = []
        self.category = ""
        self.limit = limit
        self.count = 0  # questions read, kept or refused
        self.tag_notice = False

    def error(self, line: int, message: str) -> None:
        self.errors.append(ParseError.at(line, message))

    def notice(self, line: int, message: str) -> None:
        self.notices.append(ParseError.at(line, message))

    def counted(self, line: int) -> None:
        self.count += 1
        if self.limit is not None and self.count > self.limit:
            raise too_many(line, self.limit)

    def read_block(self, numbers: list[int], lines: list[str]) -> None:
        match = _CATEGORY.match(lines[0])
        if match:
            self.category = _category(lines[0][match.end() :])
            numbers, lines = numbers[1:], lines[1:]
            if not lines:
                return
        self.counted(numbers[0])
        errors = len(self.errors)
        self.read_question(_Block(numbers, _protect("\n".join(lines))))
        if len(self.errors) > errors:
            return
        # A matching question may have been split in several: each counts.
        while self.limit is not None and len(self.questions) > self.limit:
            raise too_many(self.questions[self.limit].source_line, self.limit)

    # -- text with a format ----------------------------------------------------------------------

    def rich(self, block: _Block, raw: str, offset: int, default: str = "moodle") -> tuple[str, str]:
        """Question text, feedback or an answer as plain text, and its format (Moodle's rule: a leading
        [html] [plain] [markdown] [moodle] marker, else `default`, which is the question text's format).
        [html] and [markdown] are turned into text; what that leaves out becomes a notice."""
        text = raw.strip()
        form = default
        if text.startswith("["):
            end = text.find("]")
            if end > 0 and text[1:end] in _FORMATS:
                form, text = text[1:end], text[end + 1 :]
        text = _restore(text)
        if form == "html" and "<" not in text and "&" not in text:
            text = " ".join(text.split())  # what html_to_text makes of text without tags, much faster
        elif form == "html" or form == "markdown":
            converted = html_to_text(text) if form == "html" else markdown_to_text(text)
            if converted.dropped:
                self.notice(
                    block.line_at(offset), f"{'、'.join(converted.dropped)}无法导入：题目只保存文字，已略去"
                )
            text = converted.text
        return text.strip(), form

    # -- the question -----------------------------------------------------------------------------

    def read_question(self, block: _Block) -> None:
        text, line = block.text, block.numbers[0]
        i = len(text) - len(text.lstrip())
        title = ""
        if text.startswith("::", i):
            close = text.find("::", i + 2)
            if close < 0:
                self.error(line, "标题缺少结尾的「::」")
                return
            title = _restore(text[i + 2 : close]).strip()
            i = close + 2

        opening = text.find("{", i)
        closing = text.find("}", i)
        if opening < 0 and closing < 0:
            self.error(line, "不支持说明文字（没有答案块「{…}」的段落）：请删除它或改成题目")
            return
        if closing < 0:
            self.error(block.line_at(opening), "答案块缺少右花括号「}」")
            return
        if opening < 0 or closing < opening:
            self.error(
                block.line_at(closing),
                "多余的右花括号「}」：前面没有对应的「{」（文字中的花括号请写成「\\}」）",
            )
            return
        nested = text.find("{", opening + 1, closing)
        if nested >= 0:
            self.error(block.line_at(nested), "答案块中不能再出现「{」（文字中的花括号请写成「\\{」）")
            return
        after = text[closing + 1 :]
        extra = min((p for p in (after.find("{"), after.find("}")) if p >= 0), default=-1)
        if extra >= 0:
            self.error(
                block.line_at(closing + 1 + extra), "一道题只能有一个答案块「{…}」；两道题之间要空一行"
            )
            return

        before = text[i:opening]
        raw_text = before + BLANK + after if after.strip() else before
        question_text, form = self.rich(block, raw_text, i)
        self.read_answers(block, title, question_text, form, opening + 1, closing)

    def read_answers(self, block: _Block, title: str, text: str, form: str, start: int, end: int) -> None:
        inner = block.text[start:end]
        explanation = ""
        general = inner.rfind("####")  # Moodle takes the last one
        if general >= 0:
            explanation, _ = self.rich(block, inner[general + 4 :], start + general, form)
            inner = inner[:general]
        stripped = inner.strip()
        common = {
            "text": text,
            "title": title,
            "category": self.category,
            "explanation": explanation,
            "source_line": block.numbers[0],
        }
        reading = _Answers(self, block, inner, start, form, common)
        if not stripped:
            reading.essay()
        elif stripped[0] == "#":
            reading.numeric()
        elif "~" in stripped:
            reading.choices()
        elif "=" in stripped and "->" in stripped:
            reading.matching()
        elif stripped.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
            reading.true_false()
        elif "=" in stripped:
            reading.short_answers()
        else:
            self.error(
                block.line_at(start - 1), "无法识别答案块：选项应以「=」（正确答案）或「~」（错误答案）开头"
            )

    def keep(self, question: QuestionData) -> bool:
        problems = question.validate()
        if problems:
            self.errors.extend(ParseError.at(question.source_line, problem) for problem in problems)
            return False
        self.questions.append(question)
        return True


def _weight_text(body: str) -> tuple[str | None, str]:
    """A leading %…% weight's text (None when there is none) and what follows it."""
    if body[:1] not in ("%", "％"):
        return None, body
    match = _WEIGHT.match(body)
    if not match:
        return "", body  # "" = a weight without its closing %
    return match.group(1), body[match.end() :]


def _fraction(percent_text: str) -> float | None:
    """ "33.33333" → 0.3333333, dividing in decimal so that what `_percent` writes reads back exactly."""
    number = parse_number(percent_text.strip())
    return None if number is None else float(Decimal(repr(number)) / 100)


class _Answers:
    """Reading one answer block. Each method reports its own errors and keeps the question if it is valid."""

    def __init__(self, reader: _Reader, block: _Block, inner: str, start: int, form: str, common: dict):
        self.reader, self.block, self.inner, self.start, self.form = reader, block, inner, start, form
        self.common = common
        self.failed = False

    def error(self, offset: int, message: str) -> None:
        self.reader.error(self.block.line_at(offset), message)
        self.failed = True

    def split(self, marks: re.Pattern[str]) -> list[tuple[str, str, int]] | None:
        """(marker, raw text, offset in the block) for every answer, each starting with a marker."""
        found = [m.start() for m in marks.finditer(self.inner)]
        lead = self.inner[: found[0]] if found else self.inner
        if lead.strip():
            offset = self.start + len(lead) - len(lead.lstrip())
            self.error(offset, f"答案块中第一个选项前有多余的文字「{_restore(lead.strip())[:20]}」")
            return None
        if len(found) > max(MAX_CHOICES, MAX_ANSWERS):
            self.error(self.start - 1, f"答案太多（{len(found)} 个）：请检查题目之间是否漏了空行")
            return None
        found.append(len(self.inner))
        return [(self.inner[a], self.inner[a + 1 : b], self.start + a) for a, b in pairwise(found)]

    def weight(self, body: str, offset: int, *, low: float = -1.0) -> tuple[float | None, str] | None:
        """The answer's weight as a fraction (None when not given) and the rest; None after an error."""
        percent, rest = _weight_text(body.lstrip())
        if percent is None:
            return None, body
        if percent == "" and rest[:1] in ("%", "％"):
            self.error(offset, "分值缺少结尾的「%」，应写成如「~%50%答案」")
            return None
        fraction = _fraction(percent)
        if fraction is None:
            self.error(offset, f"分值「{_restore(percent)}」不是有效的百分数，应写成如「%50%」或「%-25%」")
            return None
        if not low <= fraction <= 1:
            self.error(offset, f"分值 {_restore(percent)}% 超出范围：必须在 {low * 100:g}% 到 100% 之间")
            return None
        return fraction, rest

    def feedback_split(self, raw: str, offset: int) -> tuple[str, str]:
        """(answer part, feedback as text): Moodle splits at the first #."""
        body, cut, feedback = raw.partition("#")
        return body, (self.reader.rich(self.block, feedback, offset, self.form)[0] if cut else "")

    def keep(self, **fields) -> bool:
        return self.reader.keep(QuestionData(**self.common, **fields))

    # -- the kinds ------------------------------------------------------------------------------

    def essay(self) -> None:
        self.keep(kind=QuestionKind.ESSAY)

    def choices(self) -> None:
        answers = self.split(_CHOICE_MARKS)
        if answers is None:
            return
        single = any(marker == "=" for marker, _, _ in answers)
        choices: list[Choice] = []
        for marker, raw, offset in answers:
            body, feedback = self.feedback_split(raw, offset)
            read = self.weight(body, offset)
            if read is None:
                continue
            weight, body = read
            text, _ = self.reader.rich(self.block, body, offset, self.form)
            if not text:
                self.error(offset, "答案内容为空")
                continue
            if marker == "=":
                if weight is not None and weight != 1:
                    self.error(offset, "「=」表示正确答案，不能再带其他分值；部分得分请写成「~%50%答案」")
                    continue
                choices.append(Choice(text, True, 0.0, feedback))
            elif single:
                weight = weight or 0.0
                correct = weight == 1
                choices.append(Choice(text, correct, 0.0 if correct else weight, feedback))
            else:
                weight = weight or 0.0
                choices.append(Choice(text, weight > 0, weight, feedback))
        if self.failed:
            return
        if single:
            self.keep(
                kind=QuestionKind.SINGLE, choices=choices, partial_credit=any(c.weight != 0 for c in choices)
            )
            return
        partial = any(c.weight not in (0, 1) for c in choices)
        if not partial:
            # All-or-nothing: 100%/0% only say which options are right, which `correct` records.
            choices = [Choice(c.text, c.correct, 0.0, c.feedback) for c in choices]
        self.keep(kind=QuestionKind.MULTIPLE, choices=choices, partial_credit=partial)

    def true_false(self) -> None:
        # Moodle: "T#shown when wrong#shown when right"; the last part keeps any further #.
        parts = self.inner.strip().split("#", 2)
        answer = _TRUE_FALSE[parts[0].strip().upper()]
        offset = self.start
        if_wrong = self.reader.rich(self.block, parts[1], offset, self.form)[0] if len(parts) > 1 else ""
        if_right = self.reader.rich(self.block, parts[2], offset, self.form)[0] if len(parts) > 2 else ""
        choices: tuple[Choice, ...] = ()
        if if_wrong or if_right:
            on_true, on_false = (if_right, if_wrong) if answer else (if_wrong, if_right)
            choices = (
                Choice(TRUE_FALSE_LABELS[0], answer, 0.0, on_true),
                Choice(TRUE_FALSE_LABELS[1], not answer, 0.0, on_false),
            )
        self.keep(kind=QuestionKind.TRUE_FALSE, true_answer=answer, choices=choices)

    def short_answers(self) -> None:
        answers = self.split(re.compile("="))
        if answers is None:
            return
        kept: list[Answer] = []
        for _, raw, offset in answers:
            body, feedback = self.feedback_split(raw, offset)
            read = self.weight(body, offset, low=0.0)
            if read is None:
                continue
            weight, body = read
            weight = 1.0 if weight is None else weight
            text = self.short_answer_text(body)
            if not text:
                self.error(offset, "答案内容为空")
                continue
            if "*" in text:
                if weight > 0:
                    self.error(offset, f"填空题不支持通配符「*」（「{text[:20]}」）：请写出完整的参考答案")
                else:
                    self.reader.notice(
                        self.block.line_at(offset),
                        f"填空题中带通配符「*」的 0 分答案「{text[:20]}」及其反馈无法导入，已略去",
                    )
                continue
            kept.append(Answer(self.short_answer_text(body, literal=True), weight, feedback))
        if not self.failed:
            self.keep(kind=QuestionKind.FILL_BLANK, answers=kept)

    def short_answer_text(self, body: str, *, literal: bool = False) -> str:
        """A short answer's text. Unless `literal`, an escaped \\* stays a placeholder so that only a bare
        * (Moodle's wildcard) is seen as one."""
        text = body.strip()
        if text.startswith("["):
            end = text.find("]")
            if end > 0 and text[1:end] in _FORMATS:
                text = text[end + 1 :]
        if not literal:
            return _restore(text, _RESTORE_BASE).strip()
        return _restore(text, _RESTORE_SHORT_ANSWER).strip()

    def numeric(self) -> None:
        inner = self.inner.lstrip()
        offset = self.start + len(self.inner) - len(inner) + 1
        inner = inner[1:]
        wrong = inner.find("~")
        if wrong >= 0:
            _, cut, feedback = inner[wrong:].partition("#")
            feedback_text = self.reader.rich(self.block, feedback, offset + wrong, self.form)[0]
            if cut and feedback_text:
                self.reader.notice(
                    self.block.line_at(offset + wrong),
                    f"数值题「其他答案」的反馈「{feedback_text[:20]}」无法导入，已略去",
                )
            inner = inner[:wrong]
        if not inner.strip():
            self.error(offset, "数值题没有答案：应写成如「{#3.5}」「{#3.5:0.5}」「{#1..5}」")
            return
        # As Moodle: split at every "=", the first piece counting only when it is not blank ("{#3.5}").
        cuts = [-1, *(m.start() for m in re.finditer("=", inner)), len(inner)]
        answers = [("=", inner[a + 1 : b], offset + a + 1) for a, b in pairwise(cuts)]
        if not answers[0][1].strip():
            answers.pop(0)
        if answers is None:
            return
        kept: list[Answer] = []
        for _, raw, at in answers:
            body, feedback = self.feedback_split(raw, at)
            read = self.weight(body, at, low=0.0)
            if read is None:
                continue
            weight, body = read
            value = _numeric_value(_restore(body).strip())
            if value is None:
                written = _restore(body).strip()[:20]
                self.error(at, f"数值题的答案「{written}」应写成如「3.5」「3.5:0.5」或「1..5」")
                continue
            text, tolerance = value
            kept.append(Answer(text, 1.0 if weight is None else weight, feedback, tolerance))
        if not self.failed:
            self.keep(kind=QuestionKind.NUMERIC, answers=kept)

    def matching(self) -> None:
        answers = self.split(re.compile("="))
        if answers is None:
            return
        pairs: list[tuple[str, str, int]] = []
        for _, raw, offset in answers:
            left, arrow, right = raw.partition("->")
            if not arrow:
                self.error(offset, "匹配题的每一项都要写成「=左边 -> 右边」")
                continue
            left_text, _ = self.reader.rich(self.block, left, offset, self.form)
            right_text = _restore(right).strip()
            if not right_text:
                self.error(offset, "匹配题「->」右边的内容为空")
                continue
            pairs.append((left_text, right_text, offset))
        if self.failed:
            return
        rights = tuple(dict.fromkeys(right for _, right, _ in pairs))
        matched = [(left, right, offset) for left, right, offset in pairs if left]
        if not matched:
            self.error(self.start, "匹配题没有任何配对（「->」左边都为空）")
            return
        base_text, base_title = self.common["text"], self.common["title"]
        kept = 0
        for number, (left, right, offset) in enumerate(matched, start=1):
            question = QuestionData(
                **(
                    self.common
                    | {
                        "text": f"{base_text} — {left}" if base_text else left,
                        "title": f"{base_title}（{number}）" if base_title else "",
                        "source_line": self.block.line_at(offset),
                    }
                ),
                kind=QuestionKind.SINGLE,
                choices=tuple(Choice(r, r == right) for r in rights),
            )
            kept += self.reader.keep(question)
        if kept:
            self.reader.notice(
                self.common["source_line"],
                f"匹配题已拆成 {len(matched)} 道单选题（每个配对一道，选项是所有右边的内容）",
            )


def _numeric_value(answer: str) -> tuple[str, float] | None:
    """Moodle's numerical answer: "3.5", "3.5:0.5" (tolerance) or "1..5" (range → midpoint ± half)."""
    if (marker := answer.find("..")) > 0:
        low, high = parse_number(answer[:marker]), parse_number(answer[marker + 2 :])
        if low is None or high is None:
            return None
        middle = (low + high) / 2
        return _number_text(middle), high - middle
    if (marker := answer.find(":")) > 0:
        value, tolerance = answer[:marker].strip(), parse_number(answer[marker + 1 :])
        if parse_number(value) is None or tolerance is None:
            return None
        return value, tolerance
    if parse_number(answer) is None:
        return None
    return answer, 0.0


def _number_text(value: float) -> str:
    """3.0 → "3", 0.1 → "0.1" (the shortest text that reads back as the same float)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


# -- writing --------------------------------------------------------------------------------------

_ESCAPE = str.maketrans({ch: "\\" + ch for ch in "\\~=#{}:"} | {"\n": "\\n"})
_LOOKS_LIKE_TAG = re.compile(r"\[(?:html|plain|markdown|moodle)\]")


def _escape(s: str) -> str:
    return s.translate(_ESCAPE)


def _escape_rich(s: str) -> str:
    """Question text, feedback or answer: a leading "[html]" lookalike is kept by declaring the text plain."""
    escaped = _escape(s)
    return "[plain]" + escaped if _LOOKS_LIKE_TAG.match(escaped) else escaped


def _percent(weight: float) -> str:
    """`%w%` with a decimal that reads back (`_fraction`) as exactly `weight`: 1/3 → %33.33333333333333%."""
    return f"%{format((Decimal(repr(weight)) * 100).normalize(), 'f')}%"


def _number(value: float) -> str:
    return _number_text(float(value))


def _one_line(s: str, limit: int = 30) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def export(questions: list[QuestionData]) -> str:
    """GIFT text for `questions`. Kinds GIFT cannot hold, and invalid questions, become `// 跳过` comments."""
    out = ["// 一线学堂题库导出（GIFT 格式）", ""]
    category = ""
    for q in questions:
        label = KIND_LABELS.get(q.kind, str(q.kind))
        name = _one_line(q.title or q.text)
        if q.kind not in EXPORTABLE_KINDS:
            out += [f"// 跳过：{label}「{name}」无法用 GIFT 格式表示", ""]
            continue
        problems = q.validate()
        if problems:
            out += [f"// 跳过：{label}「{name}」有错误：{_one_line(problems[0], 60)}", ""]
            continue
        if q.category != category:
            category = q.category
            out += [f"$CATEGORY: {' '.join(category.split())}", ""]
        out += [_export_question(q), ""]
    return "\n".join(out)


def _export_question(q: QuestionData) -> str:
    head = f"::{_escape(q.title)}::" if q.title else ""
    before, blank, after = q.text.partition(BLANK)
    if not (blank and after.strip()):
        before, after = q.text + " ", ""
    text = _escape_rich(before)
    if not head and re.match(r"\s*(//|\$CATEGORY:)", text, re.IGNORECASE):
        text = "[plain]" + text
    if q.kind == QuestionKind.TRUE_FALSE:
        return f"{head}{text}{{{_export_true_false(q)}}}{_escape(after)}"
    if q.kind == QuestionKind.ESSAY and not q.explanation:
        return f"{head}{text}{{}}{_escape(after)}"
    lines = [f"{head}{text}{{" + ("#" if q.kind == QuestionKind.NUMERIC else "")]
    lines += [f"\t{answer}" for answer in _export_answers(q)]
    if q.explanation:
        lines.append(f"\t####{_escape_rich(q.explanation)}")
    lines.append("}" + _escape(after))
    return "\n".join(lines)


def _feedback(text: str) -> str:
    return f"#{_escape_rich(text)}" if text else ""


def _export_true_false(q: QuestionData) -> str:
    answer = bool(q.true_answer)
    on_true = q.choices[0].feedback if q.choices else ""
    on_false = q.choices[1].feedback if q.choices else ""
    if_right, if_wrong = (on_true, on_false) if answer else (on_false, on_true)
    out = "TRUE" if answer else "FALSE"
    if if_wrong or if_right:
        out += "#" + _escape_rich(if_wrong)
    if if_right:
        out += "#" + _escape_rich(if_right)
    if q.explanation:
        out += "####" + _escape_rich(q.explanation)
    return out


def _choice_text(text: str, weight: str) -> str:
    """A wrong (~) option: its weight, and an explicit %0% when the text itself starts with a percent sign
    (Moodle reads the first %…% as the weight)."""
    if not weight and text.startswith(("%", "％")):
        weight = "%0%"
    return weight + _escape_rich(text)


def _short_answer(text: str) -> str:
    return _escape_rich(text).replace("->", "-\\>").replace("*", "\\*")


def _export_answers(q: QuestionData) -> list[str]:
    if q.kind == QuestionKind.SINGLE:
        out = []
        for c in q.choices:
            if c.correct:
                escaped = _escape_rich(c.text)
                answer = "=" + ("\\" + escaped if escaped.startswith(("%", "％")) else escaped)
            else:
                weight = _percent(c.weight) if q.partial_credit and c.weight else ""
                answer = "~" + _choice_text(c.text, weight)
            out.append(answer + _feedback(c.feedback))
        return out
    if q.kind == QuestionKind.MULTIPLE:
        if q.partial_credit:
            weights = q.effective_weights()
        else:
            weights = tuple(1.0 if c.correct else 0.0 for c in q.choices)
        return [
            "~" + _choice_text(c.text, _percent(w) if w else "") + _feedback(c.feedback)
            for c, w in zip(q.choices, weights, strict=True)
        ]
    if q.kind == QuestionKind.FILL_BLANK:
        out = []
        for a in q.answers:
            text = _short_answer(a.text)
            weight = "" if a.weight == 1 and not text.startswith(("%", "％")) else _percent(a.weight)
            out.append(f"={weight}{text}{_feedback_short(a.feedback)}")
        return out
    if q.kind == QuestionKind.NUMERIC:
        return [
            f"={_percent(a.weight)}{_escape(a.text)}:{_number(a.tolerance)}{_feedback(a.feedback)}"
            for a in q.answers
        ]
    return []  # essay: the general feedback is all there is


def _feedback_short(text: str) -> str:
    """Feedback inside a short-answer block: a "->" would make Moodle read the block as matching."""
    return "#" + _escape_rich(text).replace("->", "-\\>") if text else ""
