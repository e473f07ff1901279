"""Guided practice (tap-through screenshots in lessons): recording that a learner finished one.

The practice itself runs in the browser (site/static/js/practice.js); the target areas are in the
page markup because practice is not assessment. Finishing it is recorded once per learner and block.
"""

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import LessonPage
from quizzes.models import PracticeRecord

PRACTICE_BLOCK_TYPE = "practice"
MAX_MISSES = 1000
MAX_BLOCK_ID_LENGTH = PracticeRecord._meta.get_field("block_id").max_length


def lesson_has_practice_block(lesson: LessonPage, block_id: str) -> bool:
    # Raw data: no need to load the screenshots' images to find one block by id.
    return any(
        child.get("type") == PRACTICE_BLOCK_TYPE and child.get("id") == block_id
        for child in lesson.body.raw_data
    )


def practice_record_complete(
    *, learner, lesson: LessonPage, block_id: str, misses: int
) -> tuple[PracticeRecord, bool]:
    """Record that ``learner`` finished the practice block; a repeat changes nothing.

    Returns the record and whether this call created it. The unique constraint on
    (learner, lesson, block_id) settles two requests racing each other.
    """
    with transaction.atomic():
        return PracticeRecord.objects.get_or_create(
            learner=learner, lesson=lesson, block_id=block_id, defaults={"misses": misses}
        )


def _parse_misses(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= MAX_MISSES else None


@require_POST
def practice_complete(request):
    """POST lesson, block, misses → ``{"recorded": true, "first_time": bool}``."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to keep a record of your practice.")}, status=403)
    misses = _parse_misses(request.POST.get("misses"))
    if misses is None:
        return JsonResponse(
            {"error": _("misses must be a whole number from 0 to %(max)s.") % {"max": MAX_MISSES}}, status=400
        )
    lesson_id = (request.POST.get("lesson") or "").strip()
    block_id = (request.POST.get("block") or "").strip()
    lesson = None
    if lesson_id.isascii() and lesson_id.isdigit() and 0 < len(block_id) <= MAX_BLOCK_ID_LENGTH:
        lesson = LessonPage.objects.live().public().filter(pk=int(lesson_id)).first()
    if lesson is None or not lesson_has_practice_block(lesson, block_id):
        return JsonResponse({"error": _("There is no such practice.")}, status=404)
    _record, created = practice_record_complete(
        learner=request.user, lesson=lesson, block_id=block_id, misses=misses
    )
    return JsonResponse({"recorded": True, "first_time": created}, status=201 if created else 200)


# Included in config/urls.py at "practice/" with the namespace "practice".
urlpatterns = [path("complete/", practice_complete, name="complete")]
