"""Printable job aids: one page (A4 or A5) made from a lesson's own blocks — its steps with their
screenshots, its key points and warnings — in large type, with a QR code back to the lesson, to stick on
the registration desk or at the gate.

The PDF is built from the published revision, so a trainer's edit changes it; it is cached per revision,
page size and language. Text is drawn with core.pdf_text (the shipped CJK font subset, embedded).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass, field

import segno
from django.core.cache import cache
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from core.pdf_text import draw_string, text_width, wrap_text

SIZES = {"a4": A4, "a5": A5}
INK = HexColor("#263242")
BRAND = HexColor("#0a4f94")
MUTED = HexColor("#5b6675")
WARN = HexColor("#b3261e")
LIGHT = HexColor("#eef3f9")
MAX_SHOTS = 6  # screenshots on one page
SHOT_RENDITION = "max-360x640|format-jpeg|jpegquality-60"
CACHE_SECONDS = 60 * 60 * 24 * 7


def _plain(value) -> str:
    """Plain text of rich text or a string: paragraphs and list items become separate sentences."""
    source = getattr(value, "source", value) or ""
    source = re.sub(r"</(p|li|h\d)>|<br\s*/?>", "\n", str(source))
    return html.unescape(strip_tags(source)).strip()


def _image_of(value):
    """The Wagtail image of an ImageBlock value (the image itself), or None for an empty one."""
    return value if getattr(value, "file", None) else None


@dataclass
class Step:
    text: str
    image: object = None  # a Wagtail image, or None
    tip: str = ""


@dataclass
class Content:
    title: str
    course: str
    steps: list[tuple[str, list[Step]]] = field(default_factory=list)
    points: list[tuple[str, list[str]]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    picture: object = None  # the lesson's first picture, when no step has one


def lesson_content(lesson) -> Content:
    course = lesson.get_course()
    content = Content(title=lesson.title, course=course.title if course else "")
    for block in lesson.body:
        value = block.value
        if block.block_type == "steps":
            items = [
                Step(
                    text=_plain(item["instruction"]),
                    image=_image_of(item.get("screenshot")),
                    tip=item.get("tip") or "",
                )
                for item in value["steps"]
            ]
            content.steps.append((value.get("title") or "", items))
        elif block.block_type == "key_points":
            content.points.append((value.get("title") or _("Key points"), list(value["points"])))
        elif block.block_type == "callout" and value.get("kind") == "warning":
            content.warnings.append((value.get("title") or "", _plain(value.get("text"))))
        elif block.block_type == "image" and content.picture is None:
            content.picture = _image_of(value.get("image"))
    return content


def _image_reader(image):
    """A small JPEG of a Wagtail image for the page, or None when its file cannot be read."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(SHOT_RENDITION)
        with rendition.file.open("rb") as handle:
            data = handle.read()
        return ImageReader(io.BytesIO(data)), rendition.width, rendition.height
    except (OSError, ValueError):
        return None


class _Layout:
    """Lays the content out at a scale; ``fits`` says whether it all went on the page."""

    def __init__(self, canvas: Canvas | None, width: float, height: float, scale: float, shots: dict):
        self.canvas, self.width, self.height, self.scale, self.shots = canvas, width, height, scale, shots
        self.margin = width * 0.06
        self.y = height - self.margin
        self.bottom = self.margin + width * 0.2  # room for the QR code and its line
        self.fits = True

    def size(self, base: float) -> float:
        return base * self.width / A4[0] * self.scale

    def text(self, text: str, size: float, *, x: float | None = None, width: float | None = None, colour=INK):
        x = self.margin if x is None else x
        width = (self.width - self.margin - x) if width is None else width
        for line in wrap_text(text, size, width):
            self.y -= size * 1.3
            if self.y < self.bottom:
                self.fits = False
                return
            if self.canvas:
                draw_string(self.canvas, line, x, self.y, size, colour)

    def gap(self, points: float) -> None:
        self.y -= self.size(points)

    def steps(self, title: str, items: list[Step]) -> None:
        if title:
            self.gap(6)
            self.text(title, self.size(18), colour=BRAND)
        for number, item in enumerate(items, start=1):
            top = self.y
            shot = self.shots.get(id(item))
            shot_w = self.size(78) if shot else 0
            text_x = self.margin + self.size(30)
            text_w = self.width - self.margin - text_x - (shot_w + self.size(10) if shot else 0)
            self.gap(4)
            badge = self.size(11)
            if self.canvas and self.y - badge * 2 > self.bottom:
                self.canvas.setFillColor(BRAND)
                self.canvas.circle(self.margin + badge, self.y - badge * 1.1, badge, stroke=0, fill=1)
                label = str(number)
                draw_string(
                    self.canvas,
                    label,
                    self.margin + badge - text_width(label, badge * 1.2) / 2,
                    self.y - badge * 1.5,
                    badge * 1.2,
                    white,
                )
            self.text(item.text, self.size(16), x=text_x, width=text_w)
            if item.tip:
                self.text(f"{_('Tip')}：{item.tip}", self.size(12), x=text_x, width=text_w, colour=MUTED)
            if shot:
                reader, w, h = shot
                shot_h = shot_w * h / w
                bottom = top - self.size(4) - shot_h
                if bottom < self.bottom:
                    self.fits = False
                elif self.canvas:
                    self.canvas.drawImage(reader, self.width - self.margin - shot_w, bottom, shot_w, shot_h)
                self.y = min(self.y, bottom)
            self.gap(4)

    def box(self, title: str, lines: list[str], colour) -> None:
        self.gap(8)
        top = self.y
        if self.canvas:
            # Measure first, then draw the box under the text.
            probe = _Layout(None, self.width, self.height, self.scale, self.shots)
            probe.y = self.y
            probe._box_text(title, lines, colour)
            if probe.fits:
                self.canvas.setFillColor(LIGHT)
                self.canvas.setStrokeColor(colour)
                self.canvas.roundRect(
                    self.margin - 6,
                    probe.y - self.size(8),
                    self.width - 2 * self.margin + 12,
                    top - probe.y + self.size(8),
                    6,
                    stroke=1,
                    fill=1,
                )
        self._box_text(title, lines, colour)
        self.gap(8)

    def _box_text(self, title: str, lines: list[str], colour) -> None:
        if title:
            self.text(title, self.size(17), x=self.margin + 6, colour=colour)
        for line in lines:
            self.text(f"• {line}", self.size(15), x=self.margin + 10)


def _draw(canvas: Canvas | None, content: Content, width: float, height: float, scale: float, shots, url):
    page = _Layout(canvas, width, height, scale, shots)
    if content.course:
        page.text(content.course, page.size(12), colour=MUTED)
    page.text(content.title, page.size(26), colour=BRAND)
    page.gap(10)
    if canvas:
        canvas.setStrokeColor(BRAND)
        canvas.setLineWidth(2)
        canvas.line(page.margin, page.y, width - page.margin, page.y)
    for title, items in content.steps:
        page.steps(title, items)
    if not content.steps and content.picture is not None and id(content.picture) in shots:
        reader, w, h = shots[id(content.picture)]
        picture_w = min(width - 2 * page.margin, page.size(360))
        picture_h = picture_w * h / w
        page.gap(8)
        if page.y - picture_h < page.bottom:
            page.fits = False
        elif canvas:
            canvas.drawImage(reader, page.margin, page.y - picture_h, picture_w, picture_h)
        page.y -= picture_h
    for title, text in content.warnings:
        page.box(f"！{title}", [text], WARN)
    for title, points in content.points:
        page.box(title, points, BRAND)
    if canvas:
        _footer(canvas, page, url)
    return page.fits


def _footer(canvas: Canvas, page: _Layout, url: str) -> None:
    qr = segno.make_qr(url, error="m", boost_error=False)
    matrix = [list(row) for row in qr.matrix]
    size = page.width * 0.16
    x, y = page.width - page.margin - size, page.margin
    module = size / len(matrix)
    canvas.setFillColor(HexColor("#000000"))
    for row_index, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                canvas.rect(x + column * module, y + size - (row_index + 1) * module, module, module, 0, 1)
    line_size = page.width / A4[0] * 14
    draw_string(canvas, _("Scan for the whole lesson"), page.margin, y + size * 0.6, line_size * 1.2, BRAND)
    draw_string(canvas, url, page.margin, y + size * 0.6 - line_size * 1.6, line_size * 0.7, MUTED)


def job_aid_pdf(lesson, *, size: str, url: str) -> bytes:
    """The one-page job aid of ``lesson`` (as published) in ``size`` ("a4" or "a5")."""
    width, height = SIZES[size]
    content = lesson_content(lesson)
    shots = {}
    for _title, items in content.steps:
        for item in items:
            if item.image is not None and len(shots) < MAX_SHOTS:
                reader = _image_reader(item.image)
                if reader:
                    shots[id(item)] = reader
    if not content.steps and content.picture is not None:
        reader = _image_reader(content.picture)
        if reader:
            shots[id(content.picture)] = reader
    scale = 1.0
    while scale > 0.55 and not _draw(None, content, width, height, scale, shots, url):
        scale -= 0.05
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(f"{content.title} · {_('Job aid')}")
    _draw(canvas, content, width, height, scale, shots, url)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def cached_job_aid_pdf(lesson, *, size: str, url: str) -> bytes:
    """job_aid_pdf, cached per published revision: an edit makes a new one."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    key = f"jobaid:{lesson.pk}:{lesson.live_revision_id}:{size}:{get_language()}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = job_aid_pdf(lesson, size=size, url=url)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf
