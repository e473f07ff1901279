"""The neutral, storage-free representation of a quiz question.

Importers produce `QuestionData`, the question bank stores it, grading reads it. Nothing here touches
Django or the database, so a question can be built, checked and graded in a plain unit test.

Conventions every producer follows, so that two questions with the same content compare equal:

* texts are stripped of surrounding whitespace; tuples, never lists;
* a `Choice.weight` of 0 means "not set": weights matter only when `partial_credit` is on, and importers
  leave them at 0 otherwise (see `QuestionData.effective_weights` for how unset weights are filled in);
* for true/false, `choices` is either empty or exactly two per-answer feedback holders: index 0 is the
  "true" option, index 1 the "false" option, their `correct` flags agreeing with `true_answer`;
* fill in the blank (Moodle's short answer) and numeric questions list their `answers`, each with a
  weight (1.0 = fully right, between 0 and 1 = part marks, 0 = a recognised wrong answer that only
  carries feedback); `accepted_answers` is derived: the texts of the fully right answers;
* `source_line` is where an importer found the question; it is metadata and does not take part in equality.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# Hotspot geometry is shared with the lesson blocks; question producers still import it from here.
from core.hotspots import HotspotArea


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    FILL_BLANK = "fill_blank"
    ORDERING = "ordering"
    HOTSPOT = "hotspot"
    NUMERIC = "numeric"
    ESSAY = "essay"


KIND_LABELS: dict[QuestionKind, str] = {
    QuestionKind.SINGLE: "单选题",
    QuestionKind.MULTIPLE: "多选题",
    QuestionKind.TRUE_FALSE: "判断题",
    QuestionKind.FILL_BLANK: "填空题",
    QuestionKind.ORDERING: "排序题",
    QuestionKind.HOTSPOT: "点选题",
    QuestionKind.NUMERIC: "数值题",
    QuestionKind.ESSAY: "问答题",
}

# Kinds a trainer marks by hand: grading leaves them pending until a person gives the mark.
MANUALLY_MARKED = frozenset({QuestionKind.ESSAY})

# Length limits: generous for real questions, small enough that a pasted document is caught.
MAX_TEXT = 5000
MAX_TITLE = 200
MAX_CATEGORY = 255
MAX_CHOICE_TEXT = 1000
MAX_FEEDBACK = 2000
MAX_ANSWER_TEXT = 200
MAX_STEP_TEXT = 500
MAX_CHOICES = 26
MAX_ANSWERS = 50
MAX_STEPS = 20
MAX_MARKING_GUIDE = 5000
# A number a learner or a file may give: beyond this, float rounding makes "equal" meaningless.
MAX_NUMBER = 1e15

TRUE_FALSE_LABELS = ("正确", "错误")

# Tolerance for "the correct weights add up to 100%": Moodle writes thirds as 33.33333%.
WEIGHT_SUM_TOLERANCE = 0.01

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Choice:
    """One option of a choice question. `weight` is a Moodle-style fraction in [-1, 1]; 0 means unset."""

    text: str
    correct: bool
    weight: float = 0.0
    feedback: str = ""


@dataclass(frozen=True)
class Answer:
    """One answer of a fill-in (short answer) or numeric question.

    `weight` is the fraction of the mark this answer earns (1.0 full marks, 0.5 half, 0 none: an answer
    listed only for its feedback). For numeric questions `text` is the number as written
    (``"3.5"``, ``"-2"``) and `tolerance` how far off still counts (``3.5`` ± ``0.5``);
    Moodle's range ``1..5`` is the answer 3 with tolerance 2.
    """

    text: str
    weight: float = 1.0
    feedback: str = ""
    tolerance: float = 0.0

    @property
    def number(self) -> float | None:
        """The numeric value of `text`, or None when it is not a finite number."""
        return parse_number(self.text)


def parse_number(value: object) -> float | None:
    """A number typed on a phone or written in a file: full-width digits, spaces and a decimal comma
    are accepted ("３．５", "3,5", " 1 000 "); None when it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and len(value) <= 100:
        text = unicodedata.normalize("NFKC", value)
        text = "".join(text.split()).replace("−", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            return None
        number = float(text)
    else:
        return None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    return number


@dataclass(frozen=True)
class QuestionData:
    kind: QuestionKind
    text: str
    title: str = ""
    category: str = ""
    choices: tuple[Choice, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    true_answer: bool | None = None
    areas: tuple[HotspotArea, ...] = ()
    partial_credit: bool = False
    explanation: str = ""
    answers: tuple[Answer, ...] = ()
    marking_guide: str = ""
    source_line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        # Lists passed by callers would make equality and hashing depend on the container type.
        for name in ("choices", "accepted_answers", "steps", "areas", "answers"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.kind, QuestionKind) and self.kind in QuestionKind._value2member_map_:
            object.__setattr__(self, "kind", QuestionKind(self.kind))
        if self.kind == QuestionKind.FILL_BLANK:
            # One truth, `answers`; a producer may still give only the fully right texts.
            if not self.answers and self.accepted_answers:
                object.__setattr__(self, "answers", tuple(Answer(text) for text in self.accepted_answers))
            full = tuple(a.text for a in self.answers if _is_number(a.weight) and a.weight >= 1)
            object.__setattr__(self, "accepted_answers", full)

    # -- derived values -------------------------------------------------------------------------

    def correct_indexes(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)

    def effective_weights(self) -> tuple[float, ...]:
        """The weight each choice of a multiple-answer question is worth under partial credit.

        * A non-zero `weight` is used as it is (Moodle style).
        * Correct choices without a weight share what the explicit correct weights leave of 100%, equally.
        * Wrong choices without a weight cost 1/k, k being the number of correct choices, so that ticking
          every box never earns marks.
        """
        correct = [c for c in self.choices if c.correct]
        k = len(correct)
        explicit = sum(c.weight for c in correct if c.weight != 0)
        unset = sum(1 for c in correct if c.weight == 0)
        share = max(0.0, 1.0 - explicit) / unset if unset else 0.0
        penalty = -1.0 / k if k else -1.0
        return tuple(c.weight if c.weight != 0 else (share if c.correct else penalty) for c in self.choices)

    # -- checks ---------------------------------------------------------------------------------

    def validate(self) -> list[str]:
        """Everything wrong with this question, as sentences a trainer can act on (Chinese)."""
        errors: list[str] = []
        if not isinstance(self.kind, QuestionKind):
            return [f"未知的题型「{self.kind}」"]
        if not self.text.strip():
            errors.append("题目内容不能为空")
        _check_length(errors, "题目内容", self.text, MAX_TEXT)
        _check_length(errors, "标题", self.title, MAX_TITLE)
        _check_length(errors, "分类", self.category, MAX_CATEGORY)
        _check_length(errors, "解析", self.explanation, MAX_TEXT)
        for label, value in (("题目内容", self.text), ("标题", self.title), ("解析", self.explanation)):
            if _CONTROL_CHARS.search(value):
                errors.append(f"{label}含有不可见的控制字符")
        # Each kind's own rules live with its type (quizzes.kinds); imported here, not at module level,
        # because the types import this module.
        from quizzes.kinds import question_type

        errors.extend(question_type(self.kind).validate(self))
        return errors

    def validate_choices(self, label: str) -> list[str]:
        errors: list[str] = []
        if len(self.choices) < 2:
            errors.append(f"{label}至少需要 2 个选项")
        if len(self.choices) > MAX_CHOICES:
            errors.append(f"{label}最多 {MAX_CHOICES} 个选项（当前 {len(self.choices)} 个）")
        seen: set[str] = set()
        for n, choice in enumerate(self.choices, start=1):
            if not choice.text.strip():
                errors.append(f"第 {n} 个选项内容为空")
            elif choice.text in seen:
                errors.append(f"选项「{_short(choice.text)}」重复")
            seen.add(choice.text)
            _check_length(errors, f"第 {n} 个选项", choice.text, MAX_CHOICE_TEXT)
            _check_length(errors, f"第 {n} 个选项的反馈", choice.feedback, MAX_FEEDBACK)
            if _CONTROL_CHARS.search(choice.text + choice.feedback):
                errors.append(f"第 {n} 个选项含有不可见的控制字符")
            weight = choice.weight
            if not isinstance(weight, int | float) or isinstance(weight, bool) or not math.isfinite(weight):
                errors.append(f"第 {n} 个选项的分值不是有效数字")
            elif not -1 <= weight <= 1:
                errors.append(f"第 {n} 个选项的分值必须在 -100% 到 100% 之间")
        return errors

    def validate_answers(self, label: str) -> list[str]:
        errors: list[str] = []
        if len(self.answers) > MAX_ANSWERS:
            errors.append(f"{label}最多 {MAX_ANSWERS} 个答案")
        for n, answer in enumerate(self.answers, start=1):
            weight = answer.weight
            if not _is_number(weight):
                errors.append(f"第 {n} 个答案的分值不是有效数字")
            elif not 0 <= weight <= 1:
                errors.append(f"第 {n} 个答案的分值必须在 0% 到 100% 之间")
            _check_length(errors, f"第 {n} 个答案的反馈", answer.feedback, MAX_FEEDBACK)
            if _CONTROL_CHARS.search(answer.text + answer.feedback):
                errors.append(f"第 {n} 个答案含有不可见的控制字符")
        if self.answers and not any(_is_number(a.weight) and a.weight >= 1 for a in self.answers):
            errors.append(f"{label}至少需要 1 个满分（100%）答案")
        return errors

    # -- serialisation (for storing a snapshot of the question an attempt ran against) ----------

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = str(self.kind)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuestionData:
        return cls(
            kind=QuestionKind(data["kind"]),
            text=data["text"],
            title=data.get("title", ""),
            category=data.get("category", ""),
            choices=tuple(Choice(**c) for c in data.get("choices", ())),
            accepted_answers=tuple(data.get("accepted_answers", ())),
            steps=tuple(data.get("steps", ())),
            true_answer=data.get("true_answer"),
            areas=tuple(HotspotArea(**a) for a in data.get("areas", ())),
            partial_credit=bool(data.get("partial_credit", False)),
            explanation=data.get("explanation", ""),
            answers=tuple(Answer(**a) for a in data.get("answers", ())),
            marking_guide=data.get("marking_guide", ""),
            source_line=int(data.get("source_line", 0)),
        )


@dataclass(frozen=True)
class ParseError:
    """A problem an importer found. `line` is 1-based (a spreadsheet row number); 0 means the whole file."""

    line: int
    message: str

    @classmethod
    def at(cls, line: int, detail: str) -> ParseError:
        return cls(line, f"第 {line} 行：{detail}" if line > 0 else detail)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ParseNotice(ParseError):
    """Something an importer mapped or left out; the import goes on, and the preview says so."""


@dataclass
class ParseResult:
    """What an importer read. `errors` stop the import; `notices` do not, but the preview shows them
    (what was mapped or left out: a picture in a question's HTML, a matching question split in pairs)."""

    questions: list[QuestionData] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    notices: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def strip_control_chars(value: str) -> str:
    """Drop control characters (they break Excel exports) and lone surrogates; keep tabs and newlines."""
    return _CONTROL_CHARS.sub("", value)


def clean_text(value: str) -> str:
    return strip_control_chars(value).strip()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_length(errors: list[str], label: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.append(f"{label}过长（最多 {limit} 字，当前 {len(value)} 字）")


def _short(value: str, limit: int = 20) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    return value if len(value) <= limit else value[: limit - 1] + "…"
