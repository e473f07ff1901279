import logging

from django import template
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

register = template.Library()
logger = logging.getLogger(__name__)


@register.simple_tag
def question_image(entry: dict, spec: str = "width-720|format-webp"):
    """The rendition of a question's screenshot (from the attempt's snapshot), or None."""
    image = entry.get("image") if entry else None
    if not image:
        return None
    found = get_image_model().objects.filter(pk=image["id"]).first()
    if found is None:
        return None
    try:
        return found.get_rendition(spec)
    except SourceImageIOError:
        # The picture's file is gone from the media storage: the question is still shown, without it.
        logger.warning("Question image %s has no file (%s)", found.pk, found.file.name)
        return None


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value * 100)):.2f}%"


@register.inclusion_tag("quizzes/_hotspot_review.html")
def hotspot_review(question) -> dict:
    """A tap-the-spot question in the review: its screenshot with the right areas outlined and the
    learner's tap marked, placed in percent of the picture so it scales with the screen."""
    rendition = question_image(question.entry)
    if rendition is None:
        return {"rendition": None}
    aspect = rendition.height / rendition.width if rendition.width else 1
    areas = []
    for area in question.data.areas:
        if area.shape == "circle":
            areas.append(
                {
                    "circle": True,
                    "left": _pct(area.x - area.r),
                    "top": _pct(area.y - area.r / aspect),
                    "width": _pct(2 * area.r),
                    "height": _pct(2 * area.r / aspect),
                }
            )
        else:
            areas.append(
                {
                    "circle": False,
                    "left": _pct(area.x),
                    "top": _pct(area.y),
                    "width": _pct(area.w),
                    "height": _pct(area.h),
                }
            )
    tap = None
    response = question.response
    if (
        isinstance(response, list | tuple)
        and len(response) == 2
        and all(isinstance(v, int | float) for v in response)
    ):
        tap = {"left": _pct(response[0]), "top": _pct(response[1])}
    return {"rendition": rendition, "areas": areas, "tap": tap, "correct": question.correct}
