"""「生成题目草稿」: question drafts from a lesson's text. The model answers JSON in the shape of the bank's
neutral question data (``QuestionData.as_dict``); each question is read into ``QuestionData`` and checked by
its kind's own rules (the question-type registry), and only questions that pass become drafts.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from assistant import prompts
from quizzes.kinds import REGISTRY
from quizzes.questiondata import KIND_LABELS, QuestionData

# Kinds a model can write from text alone: every kind of the registry but those whose answer is drawn on a
# screenshot (tap-the-spot questions need a trainer's boxes).
DRAFTABLE_KINDS = tuple(kind for kind, kind_type in REGISTRY.items() if "areas" not in kind_type.model_fields)
MAX_DRAFTS = 10

# How each answer field of QuestionData is written in the JSON the model returns.
FIELD_GUIDE = {
    "choices": '"choices": [{"text": "选项", "correct": true/false, "feedback": "选这个时看到的反馈"}]',
    "true_answer": '"true_answer": true 或 false（不要给 choices）',
    "answers": '"answers": [{"text": "答案（数值题写数字）", "weight": 1.0, "feedback": "", "tolerance": 0}]',
    "steps": '"steps": ["按正确顺序排列的步骤", "..."]',
    "marking_guide": '"marking_guide": "好答案应该写到的要点"',
}
# The QuestionData fields behind each model field a kind uses (quizzes.kinds … model_fields).
_DATA_FIELDS = {
    "choices": "choices",
    "true_answer": "true_answer",
    "true_feedback": None,
    "false_feedback": None,
    "answers": "answers",
    "numeric_answers": "answers",
    "steps": "steps",
    "marking_guide": "marking_guide",
}


def kind_guide(kinds) -> str:
    lines = []
    for kind in kinds:
        fields = []
        for model_field in REGISTRY[kind].model_fields:
            name = _DATA_FIELDS.get(model_field)
            if name and FIELD_GUIDE[name] not in fields:
                fields.append(FIELD_GUIDE[name])
        lines.append(f'- "{kind.value}"（{KIND_LABELS[kind]}）：' + "，".join(fields))
    return "\n".join(lines)


def question_draft_messages(*, lesson, kinds, count: int) -> list[dict]:
    sections = prompts.lesson_sections(lesson)
    system = (
        "你是“一线学堂”的培训师助手。根据下面这一课的内容出测验题，题目只考课里讲到的操作和规定，"
        "用简单的中文，每题附上解析。不要出现任何真实的人名、电话、身份证号、住址。"
        '只输出 JSON：{"questions": [{"kind": "题型", "text": "题目", "explanation": "解析", ...}]}。'
        f"题型和各自的字段：\n{kind_guide(kinds)}"
    )
    user = (
        f"请出 {count} 道题，题型从这些里选：{'、'.join(k.value for k in kinds)}。\n\n"
        f"本课：{lesson.title}\n" + "\n\n".join(f"[{s.number}] {s.text}" for s in sections)
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user[: prompts.MAX_LESSON_CHARS]},
    ]


@dataclass
class DraftResult:
    questions: list[QuestionData]
    problems: list[str]


def _text(value, limit: int = 5000) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{value:g}"
    return value.strip()[:limit] if isinstance(value, str) else ""


def _number(value, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return float(value)


def _clean(item: dict) -> dict:
    """Only the QuestionData fields, each of the right type (a model's extra keys and wrong types dropped)."""
    choices = item.get("choices") if isinstance(item.get("choices"), list) else []
    answers = item.get("answers") if isinstance(item.get("answers"), list) else []
    steps = item.get("steps") if isinstance(item.get("steps"), list) else []
    true_answer = item.get("true_answer")
    return {
        "kind": item.get("kind"),
        "text": _text(item.get("text")),
        "title": _text(item.get("title"), 200),
        "explanation": _text(item.get("explanation")),
        "choices": [
            {
                "text": _text(c.get("text"), 1000),
                "correct": c.get("correct") is True,
                "feedback": _text(c.get("feedback"), 2000),
            }
            for c in choices
            if isinstance(c, dict)
        ],
        "answers": [
            {
                "text": _text(a.get("text"), 200),
                "weight": _number(a.get("weight"), 1.0),
                "feedback": _text(a.get("feedback"), 2000),
                "tolerance": _number(a.get("tolerance"), 0.0),
            }
            for a in answers
            if isinstance(a, dict)
        ],
        "steps": [_text(step, 500) for step in steps],
        "true_answer": true_answer if isinstance(true_answer, bool) else None,
        "marking_guide": _text(item.get("marking_guide")),
    }


def _json_of(answer: str):
    text = answer.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    return json.loads(text)


def question_drafts_parse(answer: str, *, kinds=DRAFTABLE_KINDS) -> DraftResult:
    """The model's answer as question data that passes its kind's checks; what does not, as problems
    (Chinese, like the bank's other checks)."""
    try:
        data = _json_of(answer)
    except ValueError:
        return DraftResult([], ["AI 的回答不是有效的 JSON，没有生成题目。"])
    items = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return DraftResult([], ["AI 的回答里没有题目。"])
    allowed = {kind.value for kind in kinds}
    questions: list[QuestionData] = []
    problems: list[str] = []
    for number, item in enumerate(items[:MAX_DRAFTS], start=1):
        if not isinstance(item, dict) or item.get("kind") not in allowed:
            kind = item.get("kind") if isinstance(item, dict) else None
            problems.append(f"第 {number} 题：题型「{kind}」不能生成草稿，已跳过。")
            continue
        question = QuestionData.from_dict(_clean(item))
        errors = question.validate()
        if errors:
            problems.append(f"第 {number} 题：" + "；".join(errors))
        else:
            questions.append(question)
    return DraftResult(questions, problems)
