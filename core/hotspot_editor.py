"""The hotspot editor: an admin widget for marking target areas on a screenshot, shared by tap-the-spot
questions (quizzes) and guided practice steps in lessons (courses), and the endpoint it loads the
screenshot from.

The widget is a hidden input holding the areas as JSON plus an editor driven by the
``hotspot-editor`` Stimulus controller (core/static/core/hotspot-editor.js). The editor shows the
screenshot chosen in a sibling image chooser of the same form or block and lets the trainer drag out
rectangles; it writes fractions of the image's width and height back to the input. The preview
endpoint is registered as an admin URL by core/wagtail_hooks.py.
"""

import json

from django import forms
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.permissions import policy_registry

from core.hotspots import MAX_AREAS

PREVIEW_URL_NAME = "hotspot_image_preview"
PREVIEW_FILTER = "max-800x800"


class HotspotAreasWidget(forms.Widget):
    """Edits a list of areas ``[{"shape": "rect", "x", "y", "w", "h"}, …]`` (fractions 0..1).

    ``image_field`` names the image chooser whose screenshot is drawn on, relative to this
    field: the editor replaces its own field name in its input's id by it, so "image" finds
    ``id_image`` next to ``id_areas`` and "screenshot-image" finds a StreamField sibling
    ``…-screenshot-image`` next to ``…-area``. ``max_areas`` limits how many boxes can be drawn.
    """

    template_name = "core/widgets/hotspot_areas.html"

    def __init__(self, attrs=None, *, image_field: str = "image", max_areas: int = MAX_AREAS):
        super().__init__(attrs)
        self.image_field = image_field
        self.max_areas = max_areas

    class Media:
        css = {"all": ["core/hotspot-editor.css"]}
        js = ["core/hotspot-editor.js"]

    def format_value(self, value):
        """The JSON text for the hidden input; always a list, so the form never submits null."""
        if value in (None, ""):
            return "[]"
        if isinstance(value, str):
            # Already JSON (the form field prepared it, or the user's invalid input is shown back).
            return value
        return json.dumps(value, ensure_ascii=False)

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        preview_url = reverse(PREVIEW_URL_NAME, args=[0])
        context["editor"] = {
            # The editor appends "<image id>/" to this.
            "preview_url": preview_url[: -len("0/")],
            "image_field": self.image_field,
            "max_areas": self.max_areas,
            "strings": json.dumps(
                {
                    "area": _("Area {n}"),
                    "circle": _("Circle {n}"),
                    "delete": _("Delete area {n}"),
                    "left": _("Left %"),
                    "top": _("Top %"),
                    "width": _("Width %"),
                    "height": _("Height %"),
                    "none": _("No areas yet: drag on the screenshot to draw one."),
                    "loading": _("Loading the screenshot…"),
                    "failed": _("The screenshot could not be loaded. Choose it again or save and reload."),
                    "full": _("You have drawn the most areas allowed. Delete one to draw another."),
                },
                ensure_ascii=False,
            ),
        }
        return context


@require_GET
def image_preview(request, image_id: int):
    """``{"url", "width", "height"}`` of the screenshot's editor-sized rendition.

    Wagtail's admin URL wrapper already requires admin access; on top of that the user must be
    allowed to choose this image, as in the image chooser itself.
    """
    image_model = get_image_model()
    image = image_model.objects.filter(pk=image_id).first()
    if image is None:
        return JsonResponse({"error": _("There is no such image.")}, status=404)
    if not policy_registry.get_by_type(image_model).user_has_permission_for_instance(
        request.user, "choose", image
    ):
        return JsonResponse({"error": _("You may not use this image.")}, status=403)
    try:
        rendition = image.get_rendition(PREVIEW_FILTER)
    except SourceImageIOError:
        return JsonResponse({"error": _("The image file is missing.")}, status=404)
    return JsonResponse(
        {"url": rendition.url, "width": rendition.width, "height": rendition.height, "title": image.title}
    )


# Registered under /admin/ by core/wagtail_hooks.py.
urlpatterns = [
    path("hotspot/image-preview/<int:image_id>/", image_preview, name=PREVIEW_URL_NAME),
]
