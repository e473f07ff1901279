"""Admin widget for marking target areas on a screenshot (tap-the-spot questions, guided practice).

The widget is a hidden input holding the areas as JSON plus an editor driven by the
``hotspot-editor`` Stimulus controller (quizzes/static/quizzes/hotspot-editor.js). The editor
shows the screenshot chosen in a sibling image chooser of the same form or block and lets the
trainer drag out rectangles; it writes fractions of the image's width and height back to the input.
"""

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Registers the image-preview endpoint the editor fetches: wherever this widget can be rendered,
# the endpoint exists (the hook module only registers; see quizzes/hotspot_admin.py for the view).
from quizzes import hotspot_hooks  # noqa: F401
from quizzes.questiondata import MAX_AREAS

PREVIEW_URL_NAME = "quizzes_hotspot_image_preview"


class HotspotAreasWidget(forms.Widget):
    """Edits a list of areas ``[{"shape": "rect", "x", "y", "w", "h"}, …]`` (fractions 0..1).

    ``image_field`` names the image chooser whose screenshot is drawn on, relative to this
    field: the editor replaces its own field name in its input's id by it, so "image" finds
    ``id_image`` next to ``id_areas`` and "screenshot-image" finds a StreamField sibling
    ``…-screenshot-image`` next to ``…-area``. ``max_areas`` limits how many boxes can be drawn.
    """

    template_name = "quizzes/widgets/hotspot_areas.html"

    def __init__(self, attrs=None, *, image_field: str = "image", max_areas: int = MAX_AREAS):
        super().__init__(attrs)
        self.image_field = image_field
        self.max_areas = max_areas

    class Media:
        css = {"all": ["quizzes/hotspot-editor.css"]}
        js = ["quizzes/hotspot-editor.js"]

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
                    "area": str(_("Area {n}")),
                    "circle": str(_("Circle {n}")),
                    "delete": str(_("Delete area {n}")),
                    "left": str(_("Left %")),
                    "top": str(_("Top %")),
                    "width": str(_("Width %")),
                    "height": str(_("Height %")),
                    "none": str(_("No areas yet: drag on the screenshot to draw one.")),
                    "loading": str(_("Loading the screenshot…")),
                    "failed": str(
                        _("The screenshot could not be loaded. Choose it again or save and reload.")
                    ),
                    "full": str(_("You have drawn the most areas allowed. Delete one to draw another.")),
                },
                ensure_ascii=False,
            ),
        }
        return context
