"""Moodle GIFT: import (`parse`) and export (`export`).

What is supported, mapped and refused is listed in README.md next to this file; the short version:
single/multiple choice, true/false, short answer (→ fill-in) and matching (→ one single-choice question
per pair) are imported; numerical, essay and description items are refused with a line-numbered error.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise

from quizzes.formats import MAX_BYTES, InputRefused, decode_text, finish, keep_if_valid
from quizzes.questiondata import (
    KIND_LABELS,
    MAX_ANSWERS,
    MAX_CHOICES,
    TRUE_FALSE_LABELS,
    Choice,
    ParseError,
    ParseResult,
    QuestionData,
    QuestionKind,
)

__all__ = ["BLANK", "EXPORTABLE_KINDS", "MAX_BYTES", "export", "parse"]

BLANK = "＿＿"
"""Stands for the answer block when a GIFT question's text goes on after it ("missing word")."""

EXPORTABLE_KINDS = frozenset(
    {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL_BLANK}
)

_FORMAT_TAG = re.compile(r"\s*\[(?:html|plain|markdown|moodle)\]", re.IGNORECASE)
_CATEGORY = re.compile(r"\s*\$CATEGORY:", re.IGNORECASE)
_WEIGHT = re.compile(r"[%％]([^%％\n]*)[%％]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Moodle's escapes, plus two of ours so that any text survives an export: \% (a leading percent sign
# would read as a weight) and \> (a "->" in a short answer would read as matching).
_ESCAPES = {
    "~": "~",
    "=": "=",
    "#": "#",
    "{": "{",
    "}": "}",
    ":": ":",
    "\\": "\\",
    "%": "%",
    "％": "％",
    ">": ">",
    "n": "\n",
}


# -- reading --------------------------------------------------------------------------------------


def parse(data: bytes | str) -> ParseResult:
    """Read GIFT text. Never raises; see `ParseResult` for what comes back."""
    try:
        text = decode_text(data)
    except InputRefused as refused:
        return ParseResult(errors=[refused.error])
    parser = _Parser()
    for block in _blocks(text):
        parser.read_block(block)
    return finish(parser.questions, parser.errors)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line); whole-line // comments dropped."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield block
                block = []
        elif not stripped.startswith("//"):
            block.append((number, line))
    if block:
        yield block


class _Source:
    """A block's lines joined with newlines, remembering which line each character came from."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.text = "\n".join(line for _, line in lines)
        self._numbers = [number for number, _ in lines]
        self._starts: list[int] = []
        offset = 0
        for _, line in lines:
            self._starts.append(offset)
            offset += len(line) + 1

    def line_at(self, offset: int) -> int:
        return self._numbers[max(0, bisect_right(self._starts, offset) - 1)]

    def first_line(self) -> int:
        return self._numbers[0]


def _find(s: str, sub: str, start: int = 0, end: int | None = None) -> int:
    """Index of the first occurrence of `sub` in s[start:end] that is not backslash-escaped, or -1.

    Jumps from match to match with str.find rather than walking character by character: a 2 MB file
    is parsed once, at upload, and must not hold a worker for seconds. `sub` never starts with a backslash.
    """
    end = len(s) if end is None else end
    i = start
    while i < end:
        hit = s.find(sub, i, end)
        if hit < 0:
            return -1
        escape = s.find("\\", i, hit)
        if escape < 0:
            return hit
        i = escape + 2  # the escaped character is text, whatever it is
    return -1


def _positions(s: str, chars: str) -> list[int]:
    """Indexes of the unescaped characters of `chars` in s."""
    found: list[int] = []
    i = 0
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] in chars:
            found.append(i)
        i += 1
    return found


def _unescape(s: str) -> str:
    if "\\" not in s:
        return s  # most texts: nothing to walk through
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s) and s[i + 1] in _ESCAPES:
            out.append(_ESCAPES[s[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _drop_format_tag(s: str) -> str:
    match = _FORMAT_TAG.match(s)
    return s[match.end() :] if match else s


def _plain(raw: str) -> str:
    """Raw GIFT text (question text, feedback) → plain text: format tag dropped, escapes resolved."""
    return _unescape(_drop_format_tag(raw)).strip()


def _category(raw: str) -> str:
    """`$course$/top/A/B` → "A/B"; `A / B/` → "A/B"."""
    parts = [part.strip() for part in raw.split("/")]
    parts = [part for part in parts if part]
    dropped_context = False
    while parts and re.fullmatch(r"\$\w*\$", parts[0]):
        parts.pop(0)
        dropped_context = True
    if dropped_context and parts and parts[0].lower() == "top":
        parts.pop(0)
    return "/".join(parts)


class _Parser:
    def __init__(self) -> None:
        self.questions: list[QuestionData] = []
        self.errors: list[ParseError] = []
        self.category = ""

    def error(self, line: int, message: str) -> None:
        self.errors.append(ParseError.at(line, message))

    def read_block(self, lines: list[tuple[int, str]]) -> None:
        match = _CATEGORY.match(lines[0][1])
        if match:
            self.category = _category(lines[0][1][match.end() :])
            lines = lines[1:]
            if not lines:
                return
        self.read_question(_Source(lines))

    def read_question(self, src: _Source) -> None:
        text, line = src.text, src.first_line()
        i = len(text) - len(text.lstrip())
        title = ""
        if text.startswith("::", i):
            close = _find(text, "::", i + 2)
            if close < 0:
                self.error(line, "标题缺少结尾的「::」")
                return
            title = _unescape(text[i + 2 : close]).strip()
            i = close + 2

        opening = _find(text, "{", i)
        stray = _find(text, "}", i)
        if opening < 0 or 0 <= stray < opening:
            if stray >= 0:
                self.error(
                    src.line_at(stray),
                    "多余的右花括号「}」：前面没有对应的「{」（文字中的花括号请写成「\\}」）",
                )
            else:
                self.error(line, "不支持说明文字：这一段没有答案块「{…}」")
            return
        closing = _find(text, "}", opening + 1)
        if closing < 0:
            self.error(src.line_at(opening), "答案块缺少右花括号「}」")
            return
        nested = _find(text, "{", opening + 1, closing)
        if nested >= 0:
            self.error(src.line_at(nested), "答案块中不能再出现「{」（文字中的花括号请写成「\\{」）")
            return
        after = text[closing + 1 :]
        extra = min((p for p in (_find(after, "{"), _find(after, "}")) if p >= 0), default=-1)
        if extra >= 0:
            self.error(src.line_at(closing + 1 + extra), "一道题只能有一个答案块「{…}」；两道题之间要空一行")
            return

        before = _unescape(_drop_format_tag(text[i:opening]))
        question_text = (before + BLANK + _unescape(after) if after.strip() else before).strip()
        base = QuestionData(
            kind=QuestionKind.SINGLE,
            text=question_text,
            title=title,
            category=self.category,
            source_line=line,
        )
        self.read_answers(src, base, opening + 1, closing)

    def read_answers(self, src: _Source, base: QuestionData, start: int, end: int) -> None:
        inner = src.text[start:end]
        explanation = ""
        general = _find(inner, "####")
        if general >= 0:
            explanation = _plain(inner[general + 4 :])
            inner = inner[:general]
        stripped = inner.strip()
        at_block = src.line_at(start - 1)
        if not stripped:
            self.error(at_block, "不支持问答题（空的答案块「{}」）")
            return
        if stripped.startswith("#"):
            self.error(at_block, "不支持数值题（「{#…}」）")
            return
        base = replace(base, explanation=explanation)
        head = stripped[: i if (i := _find(stripped, "#")) >= 0 else len(stripped)].strip().upper()
        if _find(inner, "~") >= 0:
            self.read_choices(src, base, inner, start)
        elif _find(inner, "=") >= 0 and _find(inner, "->") >= 0:
            self.read_matching(src, base, inner, start)
        elif head in _TRUE_FALSE:
            self.read_true_false(src, base, inner, start)
        elif _find(inner, "=") >= 0:
            self.read_short_answers(src, base, inner, start)
        else:
            self.error(at_block, "无法识别答案块：选项应以「=」（正确答案）或「~」（错误答案）开头")

    # -- the answer kinds ---------------------------------------------------------------------

    def split_answers(self, src: _Source, inner: str, start: int) -> list[tuple[str, str, int]] | None:
        """(marker, raw text, offset in the block) for every answer starting with = or ~."""
        marks = _positions(inner, "=~")
        lead = inner[: marks[0]] if marks else inner
        if lead.strip():
            offset = start + len(lead) - len(lead.lstrip())
            self.error(src.line_at(offset), f"答案块中第一个选项前有多余的文字「{lead.strip()[:20]}」")
            return None
        if len(marks) > max(MAX_CHOICES, MAX_ANSWERS):
            self.error(src.line_at(start - 1), f"答案太多（{len(marks)} 个）：请检查题目之间是否漏了空行")
            return None
        bounds = [*marks, len(inner)]
        return [(inner[a], inner[a + 1 : b], start + a) for a, b in pairwise(bounds)]

    def read_answer(self, src: _Source, raw: str, offset: int) -> tuple[str, float | None, str] | None:
        """An answer's (text, weight as a fraction or None, feedback), or None after reporting an error."""
        line = src.line_at(offset)
        cut = _find(raw, "#")
        body, feedback = (raw[:cut], _plain(raw[cut + 1 :])) if cut >= 0 else (raw, "")
        body = body.lstrip()
        weight = None
        if body.startswith(("%", "％")):
            match = _WEIGHT.match(body)
            if not match:
                self.error(line, "分值缺少结尾的「%」，应写成如「~%50%答案」")
                return None
            try:
                percent = float(match.group(1).strip())
            except ValueError:
                percent = math.nan
            if not math.isfinite(percent):
                self.error(line, f"分值「{match.group(1)}」不是有效的百分数，应写成如「%50%」或「%-25%」")
                return None
            if not -100 <= percent <= 100:
                self.error(line, f"分值 {match.group(1)}% 超出范围：必须在 -100% 到 100% 之间")
                return None
            weight = percent / 100
            body = body[match.end() :]
        text = _unescape(body).strip()
        if not text:
            self.error(line, "答案内容为空")
            return None
        return text, weight, feedback

    def read_choices(self, src: _Source, base: QuestionData, inner: str, start: int) -> None:
        answers = self.split_answers(src, inner, start)
        if answers is None:
            return
        single = any(marker == "=" for marker, _, _ in answers)
        choices: list[Choice] = []
        failed = False
        for marker, raw, offset in answers:
            read = self.read_answer(src, raw, offset)
            if read is None:
                failed = True
                continue
            text, weight, feedback = read
            if marker == "=":
                if weight is not None and weight != 1:
                    self.error(
                        src.line_at(offset),
                        "「=」表示正确答案，不能再带其他分值；部分得分请写成「~%50%答案」",
                    )
                    failed = True
                    continue
                choices.append(Choice(text, True, 0.0, feedback))
            elif single:
                weight = weight or 0.0
                correct = weight == 1
                choices.append(Choice(text, correct, 0.0 if correct else weight, feedback))
            else:
                weight = weight or 0.0
                choices.append(Choice(text, weight > 0, weight, feedback))
        if failed:
            return
        if single:
            partial = any(c.weight != 0 for c in choices)
            kind = QuestionKind.SINGLE
        else:
            partial = any(c.weight not in (0, 1) for c in choices)
            kind = QuestionKind.MULTIPLE
            if not partial:
                # All-or-nothing: 100%/0% only say which options are right, which `correct` records.
                choices = [Choice(c.text, c.correct, 0.0, c.feedback) for c in choices]
        self.keep(replace(base, kind=kind, choices=tuple(choices), partial_credit=partial))

    def read_matching(self, src: _Source, base: QuestionData, inner: str, start: int) -> None:
        answers = self.split_answers(src, inner, start)
        if answers is None:
            return
        pairs: list[tuple[str, str, int]] = []
        failed = False
        for _, raw, offset in answers:
            arrow = _find(raw, "->")
            if arrow < 0:
                self.error(src.line_at(offset), "匹配题的每一项都要写成「=左边 -> 右边」")
                failed = True
                continue
            left, right = _unescape(raw[:arrow]).strip(), _unescape(raw[arrow + 2 :]).strip()
            if not right:
                self.error(src.line_at(offset), "匹配题「->」右边的内容为空")
                failed = True
                continue
            pairs.append((left, right, offset))
        if failed:
            return
        rights = tuple(dict.fromkeys(right for _, right, _ in pairs))
        matched = [(left, right, offset) for left, right, offset in pairs if left]
        if not matched:
            self.error(src.line_at(start), "匹配题没有任何配对（「->」左边都为空）")
            return
        for number, (left, right, offset) in enumerate(matched, start=1):
            self.keep(
                replace(
                    base,
                    kind=QuestionKind.SINGLE,
                    text=f"{base.text} — {left}" if base.text else left,
                    title=f"{base.title}（{number}）" if base.title else "",
                    choices=tuple(Choice(r, r == right) for r in rights),
                    source_line=src.line_at(offset),
                )
            )

    def read_true_false(self, src: _Source, base: QuestionData, inner: str, start: int) -> None:
        cuts = _positions(inner, "#")
        if len(cuts) > 2:
            self.error(src.line_at(start + cuts[2]), "判断题最多两段反馈：「{T#答错时的反馈#答对时的反馈}」")
            return
        bounds = [-1, *cuts, len(inner)]
        parts = [inner[a + 1 : b] for a, b in pairwise(bounds)]
        answer = _TRUE_FALSE[parts[0].strip().upper()]
        if_wrong = _plain(parts[1]) if len(parts) > 1 else ""
        if_right = _plain(parts[2]) if len(parts) > 2 else ""
        choices: tuple[Choice, ...] = ()
        if if_wrong or if_right:
            on_true, on_false = (if_right, if_wrong) if answer else (if_wrong, if_right)
            choices = (
                Choice(TRUE_FALSE_LABELS[0], answer, 0.0, on_true),
                Choice(TRUE_FALSE_LABELS[1], not answer, 0.0, on_false),
            )
        self.keep(replace(base, kind=QuestionKind.TRUE_FALSE, true_answer=answer, choices=choices))

    def read_short_answers(self, src: _Source, base: QuestionData, inner: str, start: int) -> None:
        answers = self.split_answers(src, inner, start)
        if answers is None:
            return
        accepted: list[str] = []
        failed = False
        for _, raw, offset in answers:
            read = self.read_answer(src, raw, offset)
            if read is None:
                failed = True
                continue
            text, weight, _feedback = read
            if weight is not None and weight != 1:
                self.error(src.line_at(offset), "填空题的参考答案不支持部分得分，请去掉分值")
                failed = True
                continue
            accepted.append(text)
        if not failed:
            self.keep(replace(base, kind=QuestionKind.FILL_BLANK, accepted_answers=tuple(accepted)))

    def keep(self, question: QuestionData) -> None:
        keep_if_valid(question, self.questions, self.errors)


# -- writing --------------------------------------------------------------------------------------


def _escape(s: str) -> str:
    out: list[str] = []
    for ch in s:
        if ch in "\\~=#{}:":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


def _escape_answer(s: str, *, arrows: bool = False) -> str:
    escaped = _escape(s)
    if arrows:
        escaped = escaped.replace("->", "-\\>")
    return "\\" + escaped if escaped.startswith(("%", "％")) else escaped


def _escape_rich(s: str) -> str:
    """Question text or feedback: a leading "[html]" lookalike is kept by declaring the text plain."""
    escaped = _escape(s)
    return "[plain]" + escaped if _FORMAT_TAG.match(escaped) else escaped


def _percent(weight: float) -> str:
    return f"%{weight * 100:.10g}%"


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
    lines = [f"{head}{text}{{"]
    lines += [f"\t{answer}" for answer in _export_answers(q)]
    if q.explanation:
        lines.append(f"\t####{_escape_rich(q.explanation)}")
    lines.append("}" + _escape(after))
    return "\n".join(lines)


def _feedback(text: str) -> str:
    return f"#{_escape_rich(text)}" if text else ""


def _export_answers(q: QuestionData) -> list[str]:
    if q.kind == QuestionKind.SINGLE:
        return [
            ("=" if c.correct else "~" + (_percent(c.weight) if q.partial_credit and c.weight else ""))
            + _escape_answer(c.text)
            + _feedback(c.feedback)
            for c in q.choices
        ]
    if q.kind == QuestionKind.MULTIPLE:
        if q.partial_credit:
            weights = q.effective_weights()
        else:
            weights = tuple(1.0 if c.correct else 0.0 for c in q.choices)
        return [
            "~" + (_percent(w) if w else "") + _escape_answer(c.text) + _feedback(c.feedback)
            for c, w in zip(q.choices, weights, strict=True)
        ]
    if q.kind == QuestionKind.TRUE_FALSE:
        answer = bool(q.true_answer)
        on_true = q.choices[0].feedback if q.choices else ""
        on_false = q.choices[1].feedback if q.choices else ""
        if_right, if_wrong = (on_true, on_false) if answer else (on_false, on_true)
        word = "TRUE" if answer else "FALSE"
        if if_right:
            return [f"{word}#{_escape_rich(if_wrong)}#{_escape_rich(if_right)}"]
        return [word + _feedback(if_wrong)]
    return ["=" + _escape_answer(answer, arrows=True) for answer in q.accepted_answers]
