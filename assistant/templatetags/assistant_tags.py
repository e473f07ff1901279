from django import template
from django.urls import reverse

from assistant.conf import ALT_TEXT, helper_is_on

register = template.Library()


@register.simple_tag
def alt_text_helper_url(image) -> str:
    """The 「生成替代文本」 screen of an image, or "" while that helper is off (the edit view already asked
    whether the person may change the image; the screen asks again)."""
    if image is None or not image.pk or not helper_is_on(ALT_TEXT):
        return ""
    return reverse("assistant_admin:alt_text", args=[image.pk])
