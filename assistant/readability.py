"""「检查易读性」: a local check of a lesson's text, no provider involved — long sentences and words a
frontline worker may not know (jargon), block by block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.prompts import lesson_sections

# A phone screen holds about 18 characters a line: two and a half lines is already a long sentence.
LONG_SENTENCE = 45
# Officialese and IT words the lessons should explain or replace (extend as trainers find more).
JARGON = (
    "赋能",
    "抓手",
    "闭环",
    "颗粒度",
    "打通",
    "对齐",
    "落地",
    "底层逻辑",
    "链路",
    "矩阵",
    "中台",
    "迭代",
    "协同",
    "联动机制",
    "数字化转型",
    "网格化管理",
    "一网统管",
    "SaaS",
    "API",
    "OCR",
    "UI",
    "APP端",
    "后台",
    "接口",
    "授权码",
    "缓存",
    "账号体系",
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


@dataclass
class BlockReport:
    number: int
    block_id: str
    long_sentences: list[str] = field(default_factory=list)
    jargon: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"block-{self.block_id}"


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def text_readability(text: str) -> tuple[list[str], list[str]]:
    """(long sentences, jargon words found) of one text."""
    long = [s for s in sentences(text) if len(re.sub(r"\s", "", s)) > LONG_SENTENCE]
    found = [word for word in JARGON if word.lower() in text.lower()]
    return long, found


def lesson_readability(lesson) -> list[BlockReport]:
    """The blocks of the lesson that have something to fix, in page order."""
    reports = []
    for section in lesson_sections(lesson):
        long, found = text_readability(section.text)
        if long or found:
            reports.append(BlockReport(section.number, section.block_id, long, found))
    return reports
