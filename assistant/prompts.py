"""What is sent to the provider, in one place, so what leaves the platform can be read and tested here.

Only a lesson's own published text (numbered block by block), the titles of its course's published items
(the outline) and the learner's own words are ever sent: never a name, an account, a unit or progress.
Answers cite the block they come from as ``[n]``; the view turns ``n`` into the block's anchor on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from courses.models import CourseItemPage

# The answer when the lesson does not say: the model is asked to give exactly this sentence.
NOT_COVERED = gettext_lazy("This lesson does not cover it. Please ask your trainer.")

# Enough for the longest demo lesson; a pasted book is cut, not sent whole.
MAX_LESSON_CHARS = 12000
MAX_QUESTION_CHARS = 300
_CITATION = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class LessonSection:
    number: int
    block_id: str
    text: str

    @property
    def anchor(self) -> str:
        return f"#{block_anchor(self.block_id)}"


def block_anchor(block_id: str) -> str:
    """The id of a lesson block's wrapper on the page (courses/templatetags/lesson_tags.lesson_body)."""
    return f"block-{block_id}"


def _block_text(child) -> str:
    parts = child.block.get_searchable_content(child.value)
    text = "\n".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return re.sub(r"[ \t]+", " ", text)


def lesson_sections(lesson) -> list[LessonSection]:
    """The lesson's blocks that have words, numbered from 1 in page order."""
    sections = []
    for child in lesson.body or ():
        text = _block_text(child)
        if text:
            sections.append(LessonSection(number=len(sections) + 1, block_id=child.id, text=text))
    return sections


def course_outline_titles(lesson) -> list[str]:
    """Titles of the published items of the lesson's course, in order (no one's progress)."""
    return list(
        CourseItemPage.objects.live()
        .filter(path__startswith=lesson.course_path, depth=lesson.depth)
        .order_by("path")
        .values_list("title", flat=True)
    )


def _numbered(sections: list[LessonSection]) -> str:
    text = "\n\n".join(f"[{s.number}] {s.text}" for s in sections)
    return text[:MAX_LESSON_CHARS]


def ask_messages(*, lesson, sections: list[LessonSection], outline: list[str], question: str) -> list[dict]:
    not_covered = str(NOT_COVERED)
    system = (
        "你是“一线学堂”的学习助手，帮助社区一线工作人员学习。只能根据下面这一课的内容回答学员的问题，"
        "不要使用课外知识，不要编造。课程内容按段编号，如 [1]、[2]。"
        "用简短、好懂的句子回答，每句话后面用 [编号] 标出它依据的段落。"
        f"如果这一课没有讲到，只回答这一句：{not_covered}"
        "不要索要、也不要复述任何人的姓名、电话、身份证号、住址或健康情况。"
    )
    outline_text = "\n".join(f"- {title}" for title in outline)
    user = (
        f"课程目录：\n{outline_text}\n\n"
        f"本课：{lesson.title}\n{_numbered(sections)}\n\n"
        f"学员的问题：{question[:MAX_QUESTION_CHARS]}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def simplify_messages(*, lesson, section: LessonSection) -> list[dict]:
    system = (
        "你是“一线学堂”的学习助手。把下面这一段课程内容用更简单的话重新讲一遍：短句子，常用词，"
        "一步一句，不增加原文没有的内容。最后标出依据的段落编号，例如 "
        f"[{section.number}]。"
    )
    user = f"本课：{lesson.title}\n[{section.number}] {section.text[:MAX_LESSON_CHARS]}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def cited_sections(answer: str, sections: list[LessonSection]) -> list[LessonSection]:
    """The sections an answer cites with ``[n]``, once each, in the order first cited; unknown numbers
    (a model's invention) are left out."""
    by_number = {s.number: s for s in sections}
    cited: list[LessonSection] = []
    for match in _CITATION.finditer(answer):
        section = by_number.get(int(match.group(1)))
        if section and section not in cited:
            cited.append(section)
    return cited


def is_not_covered(answer: str) -> bool:
    """The model said the lesson does not cover it (in the language asked, or in Chinese)."""
    flat = re.sub(r"\s+", "", answer)
    return any(
        re.sub(r"\s+", "", phrase)[:8] in flat
        for phrase in (str(NOT_COVERED), "课程里没有讲到", gettext("This lesson does not cover it"))
    )
