"""Moodle XML: import (`parse`) and export (`export`).

What is imported, mapped, refused and exported is listed in README.md next to this file. In short:
multichoice, truefalse, shortanswer (→ fill-in), numerical, essay and matching (→ one single-choice
question per pair) are imported; category pseudo-questions set the category of what follows;
descriptions are skipped with a notice; every other type is refused with the line of its <question>.

Reading is safe and streaming: defusedxml's expat parser refuses DTDs, entity declarations and external
references (so no billion laughs, no file or network access); the bytes are fed in chunks and each
<question> is turned into `QuestionData` as soon as it closes, then forgotten, so reading stops at the
question after `limit` without reading the rest.

Texts. A question holds plain text, so Moodle's HTML becomes text (`markup.html_to_text`), Markdown
likewise; plain_text, moodle_auto_format and wiki_like are kept literally. What was dropped (a picture, a
table) is a notice. The exporter writes texts as format="html": the text HTML-escaped, a newline as
``<br>`` and the spaces HTML would collapse (runs, a line's leading or trailing space) and tabs as
``&#32;``/``&#9;``. HTML made only of text and ``<br>`` is read back exactly (whitespace in the source
collapses like a browser would show it, ``<br>`` is a newline, entities are decoded), so an exported
question comes back equal, and Moodle shows it as the learner saw it here.
"""

from __future__ import annotations

import codecs
import html
import math
import re
from dataclasses import replace
from xml.etree.ElementTree import Element
from xml.parsers.expat import ExpatError
from xml.sax.saxutils import escape as xml_escape

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from quizzes.formats import MAX_QUESTIONS, InputRefused, check_size, finish, keep_if_valid, too_many
from quizzes.formats.markup import Converted, html_to_text, markdown_to_text
from quizzes.questiondata import (
    KIND_LABELS,
    TRUE_FALSE_LABELS,
    Answer,
    Choice,
    ParseError,
    ParseResult,
    QuestionData,
    QuestionKind,
    parse_number,
)

__all__ = ["EXPORTABLE_KINDS", "MOODLE_FRACTIONS", "export", "parse"]

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

# The grades Moodle offers for an answer (question_bank::fraction_options_full): its import refuses a
# question with any other fraction, and so do we, so that what comes in is what Moodle would have.
_POSITIVE = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
MOODLE_FRACTIONS = tuple(sorted({0.0, *_POSITIVE, *(-f for f in _POSITIVE)}, reverse=True))
_FRACTION_TOLERANCE = 0.00001  # Moodle's match_grade_options

# Moodle marks an all-or-nothing multiple-answer question nowhere: its multichoice always gives part
# marks. Our export adds this element (Moodle ignores elements it does not know) so that such a question
# comes back all-or-nothing; Moodle grades it with the fractions written (1/k for each right option).
_ALL_OR_NOTHING = "frontline_allornothing"

_TYPE_LABELS = {
    "calculated": "计算题",
    "calculatedsimple": "简单计算题",
    "calculatedmulti": "计算选择题",
    "cloze": "完形填空题（嵌入式答案）",
    "multianswer": "完形填空题（嵌入式答案）",
    "ddwtos": "拖放文字题",
    "gapselect": "选词填空题",
    "ddimageortext": "拖放到图片题",
    "ddmarker": "拖放标记题",
    "randomsamatch": "随机简答匹配题",
    "random": "随机题",
    "ordering": "排序题（Moodle 插件）",
    "multichoiceset": "全对才得分多选题（Moodle 插件）",
    "gapfill": "填空题（Moodle 插件）",
    "wordselect": "选词题（Moodle 插件）",
    "drawlines": "连线题（Moodle 插件）",
}

NOT_XML = (
    "这不是 Moodle XML 文件{detail}：请在 Moodle 题库中选择“导出 → Moodle XML 格式”，"
    "或选择 GIFT、Aiken、表格格式导入"
)

_CHUNK = 64 * 1024
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_EXPAT_ENCODINGS = {"utf8", "utf_8", "utf_16", "utf_16_le", "utf_16_be", "latin_1", "iso8859_1", "ascii"}


# -- reading --------------------------------------------------------------------------------------


def parse(data: bytes | str, *, limit: int = MAX_QUESTIONS) -> ParseResult:
    """Read a Moodle XML export. Never raises; see `ParseResult` for what comes back."""
    reader = _Reader(limit)
    try:
        check_size(data)
        reader.read(_as_bytes(data))
    except InputRefused as refused:
        return ParseResult(errors=[refused.error])
    result = finish(reader.questions, reader.errors)
    result.notices = reader.notices
    return result


def _as_bytes(data: bytes | str) -> bytes:
    """Bytes the XML parser can decode itself. A str is sent as UTF-8 (its declaration, if any, no longer
    true, is dropped); a file declaring an encoding expat does not know (GBK, GB18030, Big5…) is decoded
    here and sent as UTF-8, lines unchanged."""
    if isinstance(data, str):
        return _drop_declared_encoding(data).encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        raise InputRefused(ParseError(0, "无法读取上传的内容"))
    data = bytes(data)
    match = _DECLARATION.match(data)
    if not match:
        return data
    declared = match.group(2).decode("ascii")
    try:
        codec = codecs.lookup(declared).name.replace("-", "_")
    except LookupError:
        raise InputRefused(ParseError.at(1, f"不认识文件声明的文字编码「{declared}」")) from None
    if codec in _EXPAT_ENCODINGS or _single_byte(codec):
        return data
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputRefused(
            ParseError.at(1, f"文件声明的文字编码是「{declared}」，但内容不是这种编码：请用 UTF-8 重新导出")
        ) from None
    return _drop_declared_encoding(text).encode("utf-8")


def _single_byte(codec: str) -> bool:
    """Python's expat decodes any single-byte codec itself (windows-1252, KOI8-R…)."""
    try:
        return len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except (LookupError, ValueError):
        return False


def _drop_declared_encoding(text: str) -> str:
    return re.sub(r"^(\ufeff?\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", r"\1", text, count=1)


class _Target:
    """Builds each <question> (with its children) and hands it over when it closes; nothing else is kept."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.stack: list[Element] = []
        self.depth = 0
        self.root_seen = False
        self.question_line = 0
        self.parser: DefusedXMLParser | None = None

    def line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1:
            self.root_seen = True
            if tag != "quiz":
                raise InputRefused(
                    ParseError.at(self.line(), NOT_XML.format(detail=f"（最外层是 <{tag}>，应为 <quiz>）"))
                )
            return
        if self.depth == 2:
            if tag != "question":
                return
            self.question_line = self.line()
            self.reader.counted(attrib.get("type", ""), self.question_line)
        if not self.stack and self.depth != 2:
            return
        element = Element(tag, attrib)
        if self.stack:
            self.stack[-1].append(element)
        self.stack.append(element)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if not self.stack:
            return
        element = self.stack.pop()
        if not self.stack:
            self.reader.question(element, self.question_line)

    def data(self, text: str) -> None:
        if self.stack:
            element = self.stack[-1]
            if len(element):
                element[-1].tail = (element[-1].tail or "") + text
            else:
                element.text = (element.text or "") + text

    def close(self) -> None:
        return None


class _Reader:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.questions: list[QuestionData] = []
        self.errors: list[ParseError] = []
        self.notices: list[ParseError] = []
        self.category = ""
        self.count = 0

    # -- the file -------------------------------------------------------------------------------

    def read(self, data: bytes) -> None:
        if not _looks_like_xml(data):
            raise InputRefused(ParseError(0, NOT_XML.format(detail="")))
        target = _Target(self)
        parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        target.parser = parser
        try:
            for start in range(0, len(data), _CHUNK):
                parser.feed(data[start : start + _CHUNK])
            parser.close()
        except DTDForbidden:
            raise InputRefused(
                ParseError.at(
                    target.line(),
                    "文件含有文档类型定义（<!DOCTYPE …>），出于安全原因不能导入；Moodle 导出的文件不会有它",
                )
            ) from None
        except EntitiesForbidden:
            raise InputRefused(
                ParseError.at(
                    target.line(),
                    "文件定义了 XML 实体（<!ENTITY …>），出于安全原因不能导入；Moodle 导出的文件不会有它",
                )
            ) from None
        except ExternalReferenceForbidden:
            raise InputRefused(
                ParseError.at(target.line(), "文件引用了外部文件或网址，出于安全原因不能导入")
            ) from None
        except (ExpatError, SyntaxError) as exc:  # ElementTree's ParseError is a SyntaxError
            position = getattr(exc, "position", None) or (getattr(exc, "lineno", None), 0)
            line = position[0] or target.line()
            if not target.root_seen and line <= 1:
                raise InputRefused(ParseError(0, NOT_XML.format(detail=""))) from None
            detail = _expat_detail(exc)
            raise InputRefused(
                ParseError.at(
                    line, f"XML 格式错误（{detail}），文件可能不完整或被改坏了：请从 Moodle 重新导出"
                )
            ) from None
        if not target.root_seen:
            raise InputRefused(ParseError(0, NOT_XML.format(detail="")))

    def counted(self, qtype: str, line: int) -> None:
        """Called when a <question> opens: stops reading at the one after `limit`."""
        if qtype.strip() == "category":
            return
        self.count += 1
        if self.count > self.limit:
            raise too_many(line, self.limit)

    # -- one question ---------------------------------------------------------------------------

    def error(self, line: int, message: str) -> None:
        self.errors.append(ParseError.at(line, message))

    def notice(self, line: int, message: str) -> None:
        notice = ParseError.at(line, message)
        if notice not in self.notices[-5:]:
            self.notices.append(notice)

    def question(self, element: Element, line: int) -> None:
        qtype = (element.get("type") or "").strip()
        readers = {
            "category": self.read_category,
            "multichoice": self.read_multichoice,
            "truefalse": self.read_truefalse,
            "shortanswer": self.read_shortanswer,
            "numerical": self.read_numerical,
            "essay": self.read_essay,
            "matching": self.read_matching,
            "match": self.read_matching,
            "description": self.read_description,
        }
        if not qtype:
            self.error(line, "<question> 缺少 type 属性，无法判断题型")
            return
        reader = readers.get(qtype)
        if reader is None:
            label = _TYPE_LABELS.get(qtype)
            self.error(line, f"不支持的题型「{qtype}」" + (f"（{label}）" if label else ""))
            return
        reader(element, line)

    def text_of(self, parent: Element | None, line: int, *, default_format: str = "html") -> str:
        """The text of a <questiontext>/<feedback>/… element, as plain text; notices for what is lost."""
        if parent is None:
            return ""
        raw = _child_text(parent, "text")
        fmt = (parent.get("format") or default_format).strip()
        converted = _converted(raw, fmt)
        lost = list(converted.dropped)
        if ("@@PLUGINFILE@@" in raw or parent.find("file") is not None) and "图片" not in lost:
            lost.append("图片")
        if lost:
            self.notice(line, f"{'、'.join(lost)}未导入，只导入了文字")
        return converted.text

    def base(self, element: Element, line: int) -> tuple[QuestionData, str]:
        """The parts every question has, and the question text's format (the default for its feedback)."""
        qtext = element.find("questiontext")
        fmt = ((qtext.get("format") if qtext is not None else None) or "html").strip()
        text = self.text_of(qtext, line)
        if element.find("image") is not None or element.find("image_base64") is not None:
            self.notice(line, "图片未导入，只导入了文字")
        name = _child_text(element.find("name"), "text").strip()
        explanation = self.text_of(element.find("generalfeedback"), line, default_format=fmt)
        title = "" if name == _default_name(text) else name
        data = QuestionData(
            kind=QuestionKind.SINGLE,
            text=text,
            title=title,
            category=self.category,
            explanation=explanation,
            source_line=line,
        )
        return data, fmt

    def fraction(self, answer: Element, line: int) -> float | None:
        raw = (answer.get("fraction") or "0").strip()
        try:
            percent = float(raw)
        except ValueError:
            percent = math.nan
        if not math.isfinite(percent):
            self.error(line, f"分值「{raw}」不是数字")
            return None
        for allowed in MOODLE_FRACTIONS:
            if abs(percent / 100 - allowed) < _FRACTION_TOLERANCE:
                return allowed
        self.error(
            line,
            f"分值 {raw}% 不是 Moodle 可用的分值（如 100、50、33.33333、-100），Moodle 也会拒绝导入这道题",
        )
        return None

    def answers(self, element: Element, line: int) -> list[Element]:
        answers = element.findall("answer")
        if not answers:
            self.error(line, "这道题没有任何答案（<answer>）")
        return answers

    # -- the kinds ------------------------------------------------------------------------------

    def read_category(self, element: Element, line: int) -> None:
        category = element.find("category")
        raw = _child_text(category, "text") if category is not None else ""
        if category is not None and category.find("text") is None:
            raw = category.text or ""  # very old exports: the path directly inside <category>
        self.category = _category(raw)

    def read_description(self, element: Element, line: int) -> None:
        self.notice(line, "跳过了一段说明文字（description）：它不是题目，本平台的题库只存放题目")

    def read_multichoice(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        single = _single(_child_text(element, "single", "true"))
        answers = self.answers(element, line)
        if not answers:
            return
        read: list[tuple[str, float, str]] = []
        for answer in answers:
            fraction = self.fraction(answer, line)
            if fraction is None:
                return
            text = self.text_of(answer, line, default_format=fmt)
            feedback = self.text_of(answer.find("feedback"), line, default_format=fmt)
            read.append((text, fraction, feedback))
        if single:
            choices = [
                Choice(text, fraction == 1, 0.0 if fraction == 1 else fraction, feedback)
                for text, fraction, feedback in read
            ]
            partial = any(c.weight != 0 for c in choices)
            kind = QuestionKind.SINGLE
        else:
            choices = [Choice(text, fraction > 0, fraction, feedback) for text, fraction, feedback in read]
            partial = any(c.weight not in (0, 1) for c in choices)
            if element.find(_ALL_OR_NOTHING) is not None and _single(_child_text(element, _ALL_OR_NOTHING)):
                partial = False
            if not partial:
                choices = [Choice(c.text, c.correct, 0.0, c.feedback) for c in choices]
            kind = QuestionKind.MULTIPLE
        self.keep(replace(base, kind=kind, choices=tuple(choices), partial_credit=partial))

    def read_truefalse(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        answers = self.answers(element, line)
        if not answers:
            return
        if len(answers) != 2:
            self.error(line, f"判断题应有 true 和 false 两个答案（这里有 {len(answers)} 个）")
            return
        correct: bool | None = None
        feedback = {True: "", False: ""}
        guessed = False
        for position, answer in enumerate(answers):
            word = _child_text(answer, "text").strip().lower()
            if word not in ("true", "false"):
                guessed = True  # old exports wrote the words translated; Moodle then assumes true, false
                word = "true" if position == 0 else "false"
            fraction = (answer.get("fraction") or "0").strip()
            is_true = word == "true"
            # As Moodle: each answer decides, the last one read wins.
            correct = _is_hundred(fraction) if is_true else not _is_hundred(fraction)
            feedback[is_true] = self.text_of(answer.find("feedback"), line, default_format=fmt)
        if guessed:
            self.notice(
                line,
                "判断题的答案不是 true/false，按 Moodle 的做法认定第一个是“正确”、第二个是“错误”，请核对",
            )
        choices: tuple[Choice, ...] = ()
        if feedback[True] or feedback[False]:
            choices = (
                Choice(TRUE_FALSE_LABELS[0], bool(correct), 0.0, feedback[True]),
                Choice(TRUE_FALSE_LABELS[1], not correct, 0.0, feedback[False]),
            )
        self.keep(replace(base, kind=QuestionKind.TRUE_FALSE, true_answer=bool(correct), choices=choices))

    def read_shortanswer(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        if _child_text(element, "usecase", "0").strip() not in ("", "0", "false"):
            self.notice(line, "这道填空题在 Moodle 中区分大小写，本平台判分时不区分大小写")
        kept = self.answer_list(element, line, fmt, numeric=False)
        if kept is not None:
            self.keep(replace(base, kind=QuestionKind.FILL_BLANK, answers=tuple(kept)))

    def read_numerical(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        units = [_child_text(unit, "unit_name").strip() for unit in element.iterfind("units/unit")]
        units = [unit for unit in units if unit]
        if units:
            self.notice(line, f"单位（{'、'.join(units[:5])}）未导入：学员只需填写数字，请在题目中写明单位")
        kept = self.answer_list(element, line, fmt, numeric=True)
        if kept is not None:
            self.keep(replace(base, kind=QuestionKind.NUMERIC, answers=tuple(kept)))

    def answer_list(self, element: Element, line: int, fmt: str, *, numeric: bool) -> list[Answer] | None:
        answers = self.answers(element, line)
        if not answers:
            return None
        kept: list[Answer] = []
        for answer in answers:
            fraction = self.fraction(answer, line)
            if fraction is None:
                return None
            text = _child_text(answer, "text").strip()
            feedback = self.text_of(answer.find("feedback"), line, default_format=fmt)
            if text == "*":
                if fraction > 0:
                    self.error(line, "答案「*」（任何回答都算对）不受支持")
                    return None
                self.notice(line, "答案「*」（其他任何回答）及其反馈未导入")
                continue
            if fraction < 0:
                self.error(line, f"答案「{text[:20]}」的分值是负数，填空题和数值题的分值应在 0% 到 100% 之间")
                return None
            tolerance = 0.0
            if numeric:
                raw = _child_text(answer, "tolerance").strip() or "0"
                number = parse_number(raw)
                if number is None:
                    self.error(line, f"误差「{raw}」不是数字")
                    return None
                tolerance = abs(number)
            elif "*" in text:
                self.notice(line, f"答案「{text[:20]}」中的「*」在 Moodle 中是通配符，这里按普通字符比较")
            kept.append(Answer(text, fraction, feedback, tolerance))
        return kept

    def read_essay(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        guide = self.text_of(element.find("graderinfo"), line, default_format=fmt)
        template = _child_text(element.find("responsetemplate"), "text").strip()
        if template:
            self.notice(line, "作答模板（responsetemplate）未导入：学员从空白开始作答")
        attachments = _child_text(element, "attachments", "0").strip()
        if attachments not in ("", "0"):
            self.notice(line, "附件未导入：本平台的问答题只收文字回答")
        self.keep(replace(base, kind=QuestionKind.ESSAY, marking_guide=guide))

    def read_matching(self, element: Element, line: int) -> None:
        base, fmt = self.base(element, line)
        pairs: list[tuple[str, str]] = []
        for sub in element.findall("subquestion"):
            left = self.text_of(sub, line, default_format=fmt)
            right = _child_text(sub.find("answer"), "text").strip()
            if not right:
                self.error(line, "匹配题有一项的答案为空")
                return
            pairs.append((left, right))
        rights = tuple(dict.fromkeys(right for _, right in pairs))
        matched = [(left, right) for left, right in pairs if left]
        if not matched:
            self.error(line, "匹配题没有任何配对（<subquestion> 的文字都为空）")
            return
        self.notice(line, f"匹配题已拆成 {len(matched)} 道单选题，每一项一道，选项是所有可选的答案")
        for number, (left, right) in enumerate(matched, start=1):
            self.keep(
                replace(
                    base,
                    kind=QuestionKind.SINGLE,
                    text=f"{base.text} — {left}" if base.text else left,
                    title=f"{base.title}（{number}）" if base.title else "",
                    choices=tuple(Choice(r, r == right) for r in rights),
                )
            )

    def keep(self, question: QuestionData) -> None:
        keep_if_valid(question, self.questions, self.errors)


def _looks_like_xml(data: bytes) -> bool:
    head = data[:64]
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8")
            break
    else:
        if len(head) > 1 and head[1:2] == b"\x00":
            head = head.decode("utf-16-le", errors="ignore").encode("utf-8")
        elif head[:1] == b"\x00":
            head = head.decode("utf-16-be", errors="ignore").encode("utf-8")
    return head.lstrip().startswith(b"<")


def _expat_detail(exc: Exception) -> str:
    message = str(exc)
    return re.sub(r":\s*line \d+, column \d+$", "", message)[:80]


def _child_text(parent: Element | None, tag: str, default: str = "") -> str:
    if parent is None:
        return default
    child = parent.find(tag)
    if child is None:
        return default
    return "".join(child.itertext())


def _single(value: str) -> bool:
    """Moodle's trans_single: "false", "0" or nothing is false, anything else true."""
    value = value.strip()
    return bool(value) and value not in ("false", "0")


def _is_hundred(raw: str) -> bool:
    try:
        return abs(float(raw) - 100) < 0.001
    except ValueError:
        return False


def _category(raw: str) -> str:
    """`$course$/top/A/B` → "A/B", as GIFT's $CATEGORY (Moodle's context and "top" dropped)."""
    parts = [part.strip() for part in raw.split("/")]
    parts = [part for part in parts if part]
    dropped_context = False
    while parts and re.fullmatch(r"\$\w*\$", parts[0]):
        parts.pop(0)
        dropped_context = True
    if dropped_context and parts and parts[0].lower() == "top":
        parts.pop(0)
    return "/".join(parts)


_ONLY_BREAKS = re.compile(r"<(?!br\s*/?>)[a-zA-Z/!?]", re.IGNORECASE)
_BREAK = re.compile(r" ?<br\s*/?> ?", re.IGNORECASE)


def _converted(raw: str, fmt: str) -> Converted:
    if fmt == "html":
        if not _ONLY_BREAKS.search(raw):
            # Text and line breaks only (what our export writes, and many short Moodle texts): read
            # exactly, whitespace collapsing as a browser shows it.
            text = _BREAK.sub("\n", re.sub(r"[ \t\r\n]+", " ", raw))
            return Converted(html.unescape(text).strip())
        return html_to_text(raw)
    if fmt == "markdown":
        return markdown_to_text(raw)
    return Converted(raw.strip())  # plain_text, moodle_auto_format, wiki_like: the text as written


def _default_name(text: str) -> str:
    """The name the exporter gives a question without a title (Moodle requires one); read back as no title."""
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= 50 else first[:49] + "…"


# -- writing --------------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _html(text: str) -> str:
    """Plain text as HTML that `_converted` reads back exactly (see the module docstring)."""
    lines = []
    for line in text.split("\n"):
        line = html.escape(line, quote=False).replace("\t", "&#9;")
        line = re.sub(r" {2,}|^ | $", lambda m: "&#32;" * len(m.group()), line)
        lines.append(line)
    return "<br>".join(lines)


def _cdata(value: str) -> str:
    value = _XML_ILLEGAL.sub("", value)
    if not value or xml_escape(value) == value:
        return value
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _plain(value: str) -> str:
    return xml_escape(_XML_ILLEGAL.sub("", value))


def _text_element(tag: str, text: str, indent: str, *, fmt: str = "html") -> list[str]:
    body = _cdata(_html(text)) if fmt == "html" else _plain(text)
    return [f'{indent}<{tag} format="{fmt}">', f"{indent}  <text>{body}</text>", f"{indent}</{tag}>"]


def _percent(fraction: float) -> str:
    """A fraction as Moodle writes it: 1 → "100", 1/3 → "33.33333", -0.5 → "-50"."""
    text = f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _nearest(fraction: float) -> float:
    return min(MOODLE_FRACTIONS, key=lambda allowed: abs(allowed - fraction))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _comment(text: str) -> str:
    return "<!-- " + " ".join(text.replace("--", "- -").split()) + " -->"


def _one_line(s: str, limit: int = 30) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def export(questions: list[QuestionData]) -> bytes:
    """Moodle XML (UTF-8) for `questions`, which Moodle's own import reads.

    Kinds Moodle XML cannot hold here (ordering, hotspot) and invalid questions become a comment
    `<!-- 跳过：… -->`. A category line is written whenever the category changes.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<quiz>",
        _comment("一线学堂题库导出（Moodle XML 格式）"),
    ]
    category: str | None = None
    for q in questions:
        label = KIND_LABELS.get(q.kind, str(q.kind))
        name = _one_line(q.title or q.text)
        if q.kind not in EXPORTABLE_KINDS:
            out.append("  " + _comment(f"跳过：{label}「{name}」无法用 Moodle XML 表示"))
            continue
        problems = q.validate()
        if problems:
            out.append("  " + _comment(f"跳过：{label}「{name}」有错误：{_one_line(problems[0], 60)}"))
            continue
        if q.category != category:
            category = q.category
            path = "/".join(["$course$", "top", *category.split("/")]) if category else "$course$/top"
            out += [
                '  <question type="category">',
                "    <category>",
                f"      <text>{_plain(path)}</text>",
                "    </category>",
                "  </question>",
            ]
        out += _question(q)
    out += ["</quiz>", ""]
    return "\n".join(out).encode("utf-8")


_MOODLE_TYPES = {
    QuestionKind.SINGLE: "multichoice",
    QuestionKind.MULTIPLE: "multichoice",
    QuestionKind.TRUE_FALSE: "truefalse",
    QuestionKind.FILL_BLANK: "shortanswer",
    QuestionKind.NUMERIC: "numerical",
    QuestionKind.ESSAY: "essay",
}


def _question(q: QuestionData) -> list[str]:
    i = "    "
    lines = [f'  <question type="{_MOODLE_TYPES[q.kind]}">']
    lines += [f"{i}<name>", f"{i}  <text>{_plain(q.title or _default_name(q.text))}</text>", f"{i}</name>"]
    lines += _text_element("questiontext", q.text, i)
    lines += _text_element("generalfeedback", q.explanation, i)
    penalty = (
        "0" if q.kind == QuestionKind.ESSAY else ("1" if q.kind == QuestionKind.TRUE_FALSE else "0.3333333")
    )
    lines += [
        f"{i}<defaultgrade>1</defaultgrade>",
        f"{i}<penalty>{penalty}</penalty>",
        f"{i}<hidden>0</hidden>",
    ]
    lines += [f"{i}<idnumber></idnumber>"]
    lines += _body(q, i)
    lines.append("  </question>")
    return lines


def _answer(
    fraction: float, text: str, feedback: str, i: str, *, fmt: str, extra: list[str] = ()
) -> list[str]:
    body = _cdata(_html(text)) if fmt == "html" else _plain(text)
    return [
        f'{i}<answer fraction="{_percent(fraction)}" format="{fmt}">',
        f"{i}  <text>{body}</text>",
        *_text_element("feedback", feedback, i + "  "),
        *extra,
        f"{i}</answer>",
    ]


def _body(q: QuestionData, i: str) -> list[str]:
    lines: list[str] = []
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        single = q.kind == QuestionKind.SINGLE
        lines += [
            f"{i}<single>{'true' if single else 'false'}</single>",
            f"{i}<shuffleanswers>true</shuffleanswers>",
            f"{i}<answernumbering>abc</answernumbering>",
        ]
        if single:
            fractions = [1.0 if c.correct else (c.weight if q.partial_credit else 0.0) for c in q.choices]
        elif q.partial_credit:
            fractions = list(q.effective_weights())
        else:
            k = len(q.correct_indexes())
            fractions = [1 / k if c.correct else -1.0 for c in q.choices]
            lines.append(f"{i}<{_ALL_OR_NOTHING}>true</{_ALL_OR_NOTHING}>")
        moodle = [_nearest(f) for f in fractions]
        if any(abs(a - b) > _FRACTION_TOLERANCE for a, b in zip(moodle, fractions, strict=True)):
            lines.append(i + _comment("部分分值已换成 Moodle 可用的最接近的分值"))
        for choice, fraction in zip(q.choices, moodle, strict=True):
            lines += _answer(fraction, choice.text, choice.feedback, i, fmt="html")
    elif q.kind == QuestionKind.TRUE_FALSE:
        on_true = q.choices[0].feedback if q.choices else ""
        on_false = q.choices[1].feedback if q.choices else ""
        lines += _answer(1.0 if q.true_answer else 0.0, "true", on_true, i, fmt="plain_text")
        lines += _answer(0.0 if q.true_answer else 1.0, "false", on_false, i, fmt="plain_text")
    elif q.kind == QuestionKind.FILL_BLANK:
        lines.append(f"{i}<usecase>0</usecase>")
        for answer in q.answers:
            lines += _answer(_nearest(answer.weight), answer.text, answer.feedback, i, fmt="plain_text")
    elif q.kind == QuestionKind.NUMERIC:
        for answer in q.answers:
            text = answer.text
            if not re.fullmatch(r"-?\d+(\.\d+)?([eE][+-]?\d+)?", text.strip()):
                text = _number(answer.number or 0.0)
            tolerance = [f"{i}  <tolerance>{_number(answer.tolerance)}</tolerance>"]
            lines += _answer(
                _nearest(answer.weight), text, answer.feedback, i, fmt="plain_text", extra=tolerance
            )
    elif q.kind == QuestionKind.ESSAY:
        lines += [
            f"{i}<responseformat>editor</responseformat>",
            f"{i}<responserequired>1</responserequired>",
            f"{i}<responsefieldlines>10</responsefieldlines>",
            f"{i}<attachments>0</attachments>",
            f"{i}<attachmentsrequired>0</attachmentsrequired>",
        ]
        lines += _text_element("graderinfo", q.marking_guide, i)
        lines += [f'{i}<responsetemplate format="html">', f"{i}  <text></text>", f"{i}</responsetemplate>"]
    return lines
