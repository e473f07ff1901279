"""The person's SCORM attempts, for their data download (progress.exports): what the package recorded
about them (status, score, where they were, time spent), not the package's own working data in bulk."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from core.personal_data import Coded
from scorm.models import ScormAttempt, ScormPage

# The statuses scorm.cmi keeps, in the glossary's words (the JSON file keeps the SCORM codes).
NOT_REPORTED = gettext_lazy("Not reported by the lesson")
COMPLETION_LABELS = {
    "completed": gettext_lazy("Completed"),
    "incomplete": gettext_lazy("In progress"),
    "not attempted": gettext_lazy("Not started"),
    "unknown": NOT_REPORTED,
}
SUCCESS_LABELS = {
    "passed": gettext_lazy("Passed"),
    "failed": gettext_lazy("Not passed"),
    "unknown": NOT_REPORTED,
}


def _status(code: str, labels: dict) -> Coded | None:
    return Coded(code, labels.get(code, code)) if code else None


# Suspend data is the package's own notes to itself, often an opaque encoding. Up to this many
# characters it is given as it is; beyond, only its size (the whole of it can run to 64,000).
SUSPEND_DATA_SHOWN = 4096
LOCATION_ELEMENTS = ("cmi.location", "cmi.core.lesson_location")
SUSPEND_ELEMENT = "cmi.suspend_data"


def _suspend_data(data: dict) -> str | None:
    value = data.get(SUSPEND_ELEMENT)
    if not value:
        return None
    if len(value) <= SUSPEND_DATA_SHOWN:
        return value
    return gettext("(%(count)s characters of the package's own data, not included)") % {"count": len(value)}


def scorm_personal_data(user) -> dict:
    """One row per attempt, oldest first. Two queries (attempts with their package, lesson titles)."""
    attempts = list(
        ScormAttempt.objects.filter(learner=user).select_related("package").order_by("started_at", "pk")
    )
    titles = dict(ScormPage.objects.filter(pk__in={a.item_id for a in attempts}).values_list("pk", "title"))
    rows = []
    for attempt in attempts:
        data = attempt.data or {}
        rows.append(
            {
                "item_id": attempt.item_id,
                "item": titles.get(attempt.item_id),
                "course_id": attempt.course_id,
                "number": attempt.number,
                "version": attempt.package.version,
                "completion_status": _status(attempt.completion_status, COMPLETION_LABELS),
                "success_status": _status(attempt.success_status, SUCCESS_LABELS),
                "score_raw": attempt.score_raw,
                "score_min": attempt.score_min,
                "score_max": attempt.score_max,
                "score_scaled": attempt.score_scaled,
                "location": next((data[name] for name in LOCATION_ELEMENTS if data.get(name)), None),
                "suspend_data": _suspend_data(data),
                "total_seconds": attempt.total_seconds,
                "started_at": attempt.started_at,
                "updated_at": attempt.updated_at,
                "completed_at": attempt.completed_at,
                "passed_at": attempt.passed_at,
            }
        )
    return {"scorm_attempts": rows}
