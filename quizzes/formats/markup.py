"""Question texts written as HTML or Markdown (GIFT's [html] and [markdown], Moodle XML's format="html"),
as the plain text this platform's questions hold.

A question is shown as plain text with its line breaks kept (``linebreaksbr``), so markup is turned into
text, never passed through: paragraphs, line breaks and list items become lines, entities are decoded,
and everything else is dropped. What is dropped that a learner would miss (a picture, a table, a link's
address) is reported, so the import preview can say so before anything is saved.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "table",
}
_SKIP_CONTENT = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}
_NOTED = {
    "img": "图片",
    "video": "视频",
    "audio": "音频",
    "iframe": "嵌入的网页",
    "table": "表格",
    "object": "嵌入内容",
}


@dataclass
class Converted:
    text: str
    dropped: list[str] = field(default_factory=list)  # what was left out, in Chinese ("图片")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.dropped: list[str] = []
        self.list_stack: list[list[int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _NOTED and _NOTED[tag] not in self.dropped:
            self.dropped.append(_NOTED[tag])
        if tag in _SKIP_CONTENT:
            self.skip += 1
            return
        if tag in ("ul", "ol"):
            self.list_stack.append([0 if tag == "ol" else -1])
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            if self.list_stack and self.list_stack[-1][0] >= 0:
                self.list_stack[-1][0] += 1
                self.parts.append(f"{self.list_stack[-1][0]}. ")
            else:
                self.parts.append("• ")
        if tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_CONTENT:
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in _SKIP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("ul", "ol") and self.list_stack:
            self.list_stack.pop()
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(value: str) -> Converted:
    """The text of an HTML fragment, one line per paragraph, line break or list item."""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    return Converted(text=text, dropped=parser.dropped)


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_MD_BULLET = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)


def markdown_to_text(value: str) -> Converted:
    """Markdown as the text a reader sees: emphasis, headings and links unwrapped, bullets kept as •,
    inline HTML converted as `html_to_text` does."""
    dropped = ["图片"] if _MD_IMAGE.search(value) else []
    text = _MD_IMAGE.sub(lambda m: m.group(1), value)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_HEADING.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_BULLET.sub("• ", text)
    for _ in range(3):
        text = _MD_EMPHASIS.sub(lambda m: m.group(2), text)
    if "<" in text and re.search(r"</?[a-zA-Z][^>]*>", text):
        converted = html_to_text(text.replace("\n", "<br>"))
        return Converted(converted.text, dropped + [d for d in converted.dropped if d not in dropped])
    text = html.unescape(text)
    lines = [line.strip() for line in text.split("\n")]
    # Markdown joins lines of one paragraph; a blank line starts the next.
    paragraphs, current = [], []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
        elif line.startswith("• ") and current:
            paragraphs.append(" ".join(current))
            current = [line]
        else:
            current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return Converted(text="\n".join(paragraphs), dropped=dropped)
