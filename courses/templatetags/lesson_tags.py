from django import template
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
        return "".join(str(block.render(context=flat)) for block in page.body)

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
