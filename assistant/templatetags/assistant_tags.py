from django import template
from django.urls import reverse

from assistant.access import helper_is_on_for
from assistant.conf import ALT_TEXT

register = template.Library()


@register.simple_tag(takes_context=True)
def alt_text_helper_url(context, image) -> str:
    """The 「生成替代文本」 screen of an image, or "" while that helper is off for this person (the edit view
    already asked whether the person may change the image; the screen asks again)."""
    request = context.get("request")
    if image is None or not image.pk or request is None:
        return ""
    if not helper_is_on_for(request.user, ALT_TEXT, request):
        return ""
    return reverse("assistant_admin:alt_text", args=[image.pk])
