"""Tap the right spot on a screenshot: one or more target areas as fractions of the picture."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.hotspots import MAX_AREAS
from quizzes import grading
from quizzes.kinds.base import QuestionType
from quizzes.kinds.choice import _int
from quizzes.questiondata import HotspotArea, QuestionKind

# Screenshots are shown this wide (CSS px) when JavaScript is off, so the tap that an
# <input type="image"> reports can be turned into fractions of the image.
HOTSPOT_FALLBACK_WIDTH = 320


def area_dict(area) -> dict:
    values = {"shape": area.shape, "x": area.x, "y": area.y}
    values.update({"w": area.w, "h": area.h} if area.shape == "rect" else {"r": area.r})
    return values


class Hotspot(QuestionType):
    kind = QuestionKind.HOTSPOT
    label = _("Tap the right spot on a screenshot")
    model_fields = ("areas",)

    def validate(self, q) -> list[str]:
        errors: list[str] = []
        if not q.areas:
            errors.append("点选题至少需要 1 个正确区域")
        if len(q.areas) > MAX_AREAS:
            errors.append(f"点选题最多 {MAX_AREAS} 个区域")
        for n, area in enumerate(q.areas, start=1):
            errors.extend(f"第 {n} 个区域：{problem}" for problem in area.problems())
        return errors

    def coerce(self, q, response):
        return grading._point(response)

    def stored(self, value):
        return list(value)

    def from_stored(self, q, value):
        return tuple(value) if isinstance(value, list) else value

    def grade(self, q, response, *, aspect=1.0):
        return grading.grade_hotspot(q, response, aspect=aspect)

    def from_post(self, q, post, entry):
        # JavaScript posts fractions; without it, <input type="image" name="tap"> posts pixels.
        fx, fy = post.get("tap_fx"), post.get("tap_fy")
        if fx is not None and fy is not None:
            try:
                return [float(fx), float(fy)]
            except ValueError:
                return "bad"
        x, y = _int(post.get("tap.x")), _int(post.get("tap.y"))
        image = entry.get("image")
        if x is None or y is None or not image:
            return None
        shown_height = HOTSPOT_FALLBACK_WIDTH * image["height"] / image["width"]
        return [x / HOTSPOT_FALLBACK_WIDTH, y / shown_height]

    def response_text(self, q, response):
        return ""  # the review draws the tap on the screenshot

    wrong_answer_statistics = ""  # a tap is a point, not an answer to count

    def summary(self, q):
        return [
            ngettext("%(count)s target area", "%(count)s target areas", len(q.areas))
            % {"count": len(q.areas)}
        ]

    def to_data(self, question):
        return {"areas": tuple(HotspotArea(**area) for area in question.areas or ())}

    def model_values(self, q):
        return {"areas": [area_dict(area) for area in q.areas]}
