"""What "保存到手机" keeps of a course (the list behind ``progress:course_offline``): the course page, its
published lessons, their pictures at the size the phone shows, and the static files those pages load —
each URL with its size, and a version that changes when a trainer publishes a change to the course (or a
deploy changes the static files, or the learner switches language).

Pages are fetched by js/pwa.js as the saved-copy variant (core.pwa: no CSRF token). Their sizes are
estimates (the body's HTML plus the page around it) until saved; the phone then shows what it kept.
"""

import hashlib
import re
from dataclasses import dataclass, field
from html import unescape

from django.conf import settings
from django.core.files.storage import default_storage
from django.template import Context
from django.urls import reverse
from django.utils.translation import get_language

from core import content_cache
from core.images import images_in_stream, prefetch_renditions
from core.pwa import asset_version, offline_static_urls
from courses.models import CoursePage, LessonPage

# A lesson page's HTML around its body (header, outline, pager, footer; about 7.3 KB) and a course page's
# without its outline rows (about 300 bytes each): the estimate shown before saving, kept within 30 % of
# the saved copy by progress/tests/test_offline.py.
PAGE_FRAME_BYTES = 7_400
COURSE_PAGE_BYTES = 6_000
OUTLINE_ROW_BYTES = 300
# Assumed phone screen when the phone does not say: 360 CSS pixels at a pixel ratio of 2.
DEFAULT_PIXELS = 720

_PICTURE = re.compile(r"<picture\b.*?</picture>", re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.S)
_SOURCE = re.compile(r"<source\b[^>]*>", re.S)
_ATTR = re.compile(r'\b(src|srcset|type)="([^"]*)"')


@dataclass
class Picture:
    """One picture of a page: its candidates (URL, width in pixels; width 0 for a plain src)."""

    candidates: list[tuple[str, int]] = field(default_factory=list)

    def pick(self, pixels: int) -> str:
        """The candidate a phone needing ``pixels`` across loads: the narrowest at least that wide,
        else the widest (as a browser picks from srcset for a full-width picture)."""
        wide = sorted((width, url) for url, width in self.candidates if width)
        for width, url in wide:
            if width >= pixels:
                return url
        return wide[-1][1] if wide else self.candidates[0][0]


def _candidates(tag: str) -> list[tuple[str, int]]:
    """The WebP candidates of a <source>, or the candidates of an <img> (its srcset, else its src)."""
    attrs = dict(_ATTR.findall(tag))
    if attrs.get("type") and attrs["type"] != "image/webp":
        return []  # the JPEG fallback of <picture>: phones here all show WebP
    found = []
    for part in unescape(attrs.get("srcset", "")).split(","):
        bits = part.split()
        if len(bits) == 2 and bits[1].endswith("w") and bits[1][:-1].isdigit():
            found.append((bits[0], int(bits[1][:-1])))
    if not found and attrs.get("src"):
        found.append((unescape(attrs["src"]), 0))
    return found


def pictures_in_html(html: str) -> list[Picture]:
    pictures = []
    for match in _PICTURE.finditer(html):
        picture = Picture()
        for tag in _SOURCE.findall(match.group(0)):
            picture.candidates.extend(_candidates(tag))
        if not picture.candidates:  # no WebP source: the <img> itself
            for tag in _IMG.findall(match.group(0)):
                picture.candidates.extend(_candidates(tag))
        if picture.candidates:
            pictures.append(picture)
    for tag in _IMG.findall(_PICTURE.sub("", html)):
        candidates = _candidates(tag)
        if candidates:
            pictures.append(Picture(candidates))
    return pictures


def _lesson_parts(lesson: LessonPage, request) -> tuple[int, list[Picture]]:
    """(bytes of the rendered body, its pictures), kept in the content cache like the body itself."""

    def build():
        prefetch_renditions(images_in_stream(lesson.body))
        context = Context({"request": request, "page": lesson, "self": lesson, "data_saver": False})
        html = "".join(str(block.render(context=context.flatten())) for block in lesson.body)
        return len(html.encode()), pictures_in_html(html)

    return content_cache.get_or_build(("offline-lesson", lesson.pk, get_language()), build, request)


def _cover_pictures(course: CoursePage, request) -> list[Picture]:
    if not course.cover_image_id:
        return []
    from django.template.loader import render_to_string

    html = render_to_string("courses/_course_cover.html", {"page": course}, request=request)
    return pictures_in_html(html)


def _media_size(url: str) -> int:
    if not url.startswith(settings.MEDIA_URL):
        return 0
    try:
        return default_storage.size(url[len(settings.MEDIA_URL) :])
    except (OSError, NotImplementedError):
        return 0


def course_offline(*, course: CoursePage, request, pixels: int = DEFAULT_PIXELS) -> dict:
    lessons = list(LessonPage.objects.live().public().child_of(course).order_by("path"))
    pages = [{"url": course.get_url(request), "bytes": COURSE_PAGE_BYTES + OUTLINE_ROW_BYTES * len(lessons)}]
    pictures = _cover_pictures(course, request)
    for lesson in lessons:
        body_bytes, lesson_pictures = _lesson_parts(lesson, request)
        pages.append({"url": lesson.get_url(request), "bytes": PAGE_FRAME_BYTES + body_bytes})
        pictures.extend(lesson_pictures)

    images, aliases, seen = [], {}, set()
    for picture in pictures:
        kept = picture.pick(pixels)
        for url, _width in picture.candidates:
            if url != kept:
                aliases[url] = kept
        if kept not in seen:
            seen.add(kept)
            images.append({"url": kept, "bytes": _media_size(kept)})
    files = [{"url": url, "bytes": size} for url, size in offline_static_urls()]

    stamp = [asset_version(), get_language(), course.pk, str(course.last_published_at)]
    stamp += [f"{lesson.pk}:{lesson.last_published_at}" for lesson in lessons]
    stamp += [image["url"] for image in images]
    version = hashlib.sha256("|".join(map(str, stamp)).encode()).hexdigest()[:16]
    return {
        "course": course.pk,
        "title": course.title,
        "version": version,
        "bytes": sum(entry["bytes"] for entry in (*pages, *images, *files)),
        "pages": pages,
        "images": images,
        "files": files,
        "aliases": aliases,
        # Kept once for all saved courses (its own cache), refreshed whenever the phone is online there.
        "my_learning": reverse("progress:my_learning"),
    }
