from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import content_cache
from core.images import images_in_stream, prefetch_renditions

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """A lesson's blocks, rendered once per language and kept until content changes.

    Rendering screenshots means image and rendition lookups; those happen only when the
    fragment is built (one query per image block type, one for all renditions). Previews
    always render fresh.
    """
    request = context.get("request")

    def render() -> str:
        prefetch_renditions(images_in_stream(page.body))
        flat = context.flatten()
        # Each block in a wrapper with its own anchor, so a step can be linked to (the AI helpers' citations).
        return "".join(
            format_html(
                '<div class="lesson__block" id="block-{}">{}</div>', block.id, block.render(context=flat)
            )
            for block in page.body
        )

    if request is None or getattr(request, "is_preview", False) or not page.live:
        return mark_safe(render())
    # Data saver (core.preferences) renders images as tap-to-load placeholders: its own entry.
    key = ("lesson-body", page.pk, get_language(), bool(context.get("data_saver")))
    html = content_cache.get_or_build(key, render, request)
    return mark_safe(html)


@register.filter
def file_kb(rendition) -> int | None:
    """A rendition's file size in KB (at least 1), or None when the file cannot be read."""
    try:
        return max(1, round(rendition.file.size / 1024))
    except (OSError, ValueError):
        return None


@register.filter
def megabytes(size) -> str:
    """A file size for "about 12 MB": one decimal below 10 MB (at least 0.1), whole megabytes above."""
    if not size:
        return "0.1"
    mb = size / (1024 * 1024)
    return f"{max(mb, 0.1):.1f}" if mb < 10 else f"{mb:.0f}"


@register.filter
def video_duration(seconds) -> str:
    """A video's length as m:ss (h:mm:ss from an hour)."""
    total = round(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}


@register.filter
def video_type(document) -> str:
    return VIDEO_TYPES.get(document.file_extension.lower(), "video/mp4")


@register.simple_tag
def video_conversion_of(document):
    """The phone versions of a document (courses.models.VideoConversion), or None."""
    from courses.models import VideoConversion

    if document is None or not document.pk:
        return None
    return VideoConversion.objects.filter(document=document).first()
