from django import template
from wagtail.images import get_image_model

register = template.Library()


@register.simple_tag
def question_image(entry: dict, spec: str = "width-720|format-webp"):
    """The rendition of a question's screenshot (from the attempt's snapshot), or None."""
    image = entry.get("image") if entry else None
    if not image:
        return None
    found = get_image_model().objects.filter(pk=image["id"]).first()
    return found.get_rendition(spec) if found else None
