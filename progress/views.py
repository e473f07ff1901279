import json
import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks

from core import page_cache
from core.personal_data import personal_data_json
from courses.models import CoursePage, LessonPage
from courses.selectors import course_next_item
from progress import offline, services
from progress.exports import personal_data, personal_data_page
from progress.models import OfflineCompletion
from progress.selectors import completion_moment, course_completed, course_completion_of, enrolment_allowed
from progress.selectors import my_learning as my_learning_selector

# Extension point: apps above progress (classroom) add a section to My learning without progress importing
# them. Each hook is called as hook(request) and returns the section's HTML (rendered by its own template,
# so already escaped).
MY_LEARNING_SECTIONS_HOOK = "frontline_my_learning_sections"


@require_GET
@login_required
def my_learning(request):
    # Kept whole per learner, state version (core.learner_state: every write to their enrolments,
    # progress, completions, attempts, certificates, sessions and assignments changes it) and hour (due
    # dates count days; sessions drop off a day after they end).
    key = page_cache.learner_key(request, "my-learning", hourly=True)
    cached = page_cache.cached_response(request, key)
    if cached is not None:
        return cached
    sections = [mark_safe(section(request)) for section in hooks.get_hooks(MY_LEARNING_SECTIONS_HOOK)]
    return render(
        request,
        "progress/my_learning.html",
        {
            "learning": my_learning_selector(learner=request.user, request=request),
            "sections": sections,
            "page_cache_key": key,
        },
    )


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().public(), pk=course_id)


def _not_open_to_learner(request, course: CoursePage, error: services.NotEnrolled):
    """Back to the course page, saying why: the course is not open to this learner."""
    messages.error(request, str(error))
    return redirect(course.url)


@require_GET
@login_required
def course_offline(request, course_id: int):
    """「保存到手机」: what the phone keeps of a course, with sizes and its version (progress.offline).

    For learners who may learn in the course (the enrolment rule); ``?px=`` is how many pixels across the
    phone shows a full-width picture (its screen width × pixel ratio)."""
    course = _live_course(course_id)
    if not enrolment_allowed(learner=request.user, course=course):
        raise PermissionDenied
    try:
        pixels = min(max(int(request.GET.get("px", offline.DEFAULT_PIXELS)), 240), 2000)
    except ValueError:
        pixels = offline.DEFAULT_PIXELS
    response = JsonResponse(offline.course_offline(course=course, request=request, pixels=pixels))
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@login_required
def course_join(request, course_id: int):
    course = _live_course(course_id)
    try:
        services.enrolment_join(learner=request.user, course=course)
    except services.NotEnrolled as error:  # assignment-only courses are not joinable by URL either
        return _not_open_to_learner(request, course, error)
    first = course_next_item(course=course)
    return redirect(first.url if first else course.url)


@require_POST
@login_required
def item_complete(request, item_id: int):
    """「完成本课」: mark done, then go straight on to the next item (or back to the course).

    Lessons only: a quiz is done when it is passed, never by this button."""
    item = get_object_or_404(LessonPage.objects.live().public(), pk=item_id)
    course = item.get_course(live=True)
    if course is None:
        raise Http404
    was_complete = course_completed(learner=request.user, course=course)
    try:
        completion = services.item_complete(learner=request.user, item=item, course=course)
    except services.NotEnrolled as error:
        return _to(request, _not_open_to_learner(request, course, error).url)
    if completion is not None and not was_complete:
        return _to(request, reverse("progress:course_complete", args=[course.pk]))
    following = course_next_item(course=course, after=item)
    return _to(request, following.url if following else course.url)


def _to(request, url: str):
    """Where to go next: a redirect, or, for js/offline.js (which sends the form itself so that a tap
    with no signal is kept on the phone), that address as JSON."""
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"next": url})
    return redirect(url)


# One send from a phone: enough for every lesson of several courses, small enough to answer at once.
OFFLINE_BATCH_LIMIT = 200


def _offline_message(outcome: str) -> str:
    Outcome = OfflineCompletion.Outcome
    return {
        Outcome.RECORDED: gettext("Recorded at the time you finished it."),
        Outcome.ALREADY_DONE: gettext("You had already finished this lesson."),
        Outcome.FUTURE: gettext(
            "Not recorded: the time on your phone is later than now. Check the phone's date and time."
        ),
        Outcome.BEFORE_ENROLMENT: gettext(
            "Not recorded: the time on your phone is before you joined this course. "
            "Check the phone's date and time."
        ),
        Outcome.NOT_A_LESSON: gettext("Not recorded: this lesson is no longer on the site."),
        Outcome.NOT_OPEN: gettext(
            "Not recorded: this course is not open to you. If you need it, ask your training manager."
        ),
    }[outcome]


def _offline_entry(entry) -> tuple[uuid.UUID, int, datetime] | None:
    """key, item and time of one entry as the phone sent it; None when it cannot be read. The time
    must carry its offset from UTC (the phone's local time)."""
    if not isinstance(entry, dict):
        return None
    try:
        key = uuid.UUID(str(entry["key"]))
        item = entry["item"]
        at = datetime.fromisoformat(str(entry["completed_at"]))
    except (KeyError, ValueError, TypeError):
        return None
    if isinstance(item, str) and item.isdigit():
        item = int(item)
    if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**31:
        return None
    if at.tzinfo is None or at.utcoffset() is None:
        return None
    return key, item, at


@require_POST
@login_required
def offline_completions(request):
    """Lessons finished on the phone with no signal (js/offline.js sends them when back online).

    The body is a JSON list of ``{"key": uuid, "item": lesson id, "completed_at": ISO 8601 with
    offset}``; CSRF through the X-CSRFToken header. Each entry is recorded on its own
    (`progress.services.offline_completion_record`: once per key, a repeat answers as the first time)
    and answered in the same order: ``{"key", "accepted", "outcome", "message"}``, the message in the
    learner's language. A phone drops an entry once it is answered, accepted or not."""
    try:
        entries = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        entries = None
    if not isinstance(entries, list) or not entries:
        return JsonResponse(
            {"error": gettext("Nothing to record: the request carried no lessons.")}, status=400
        )
    if len(entries) > OFFLINE_BATCH_LIMIT:
        return JsonResponse(
            {"error": gettext("Too many lessons at once: send at most %(n)d.") % {"n": OFFLINE_BATCH_LIMIT}},
            status=400,
        )
    results = []
    for entry in entries:
        read = _offline_entry(entry)
        if read is None:
            key = entry.get("key") if isinstance(entry, dict) else None
            results.append(
                {
                    "key": key if isinstance(key, str) else None,
                    "accepted": False,
                    "outcome": "invalid",
                    "message": gettext("Not recorded: this entry could not be read."),
                }
            )
            continue
        key, item_id, at = read
        record = services.offline_completion_record(
            learner=request.user, key=key, item_id=item_id, completed_at=at
        )
        results.append(
            {
                "key": str(record.key),
                "accepted": record.accepted,
                "outcome": record.outcome,
                "message": _offline_message(record.outcome),
            }
        )
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
@never_cache
def offline_token(request):
    """A fresh CSRF token for a page kept on the phone without one (a saved lesson), so that
    js/offline.js can send what was done offline. Never stored by any cache."""
    return JsonResponse({"csrf_token": get_token(request)})


@require_GET
@login_required
def course_complete(request, course_id: int):
    """The moment a course is complete: it says so, with the certificate one tap away. Where the
    last lesson leads (and where the completion notification links); 404 until it is complete."""
    course = _live_course(course_id)
    completion = course_completion_of(learner=request.user, course=course)
    if completion is None:
        raise Http404
    return render(
        request,
        "progress/course_complete.html",
        {"moment": completion_moment(request=request, completion=completion, course=course)},
    )


@require_GET
@login_required
def my_data_page(request):
    """Everything the platform holds about the signed-in person, to read: sections with headings in
    their language, local times, codes in words; the JSON file beside it. Only ever request.user."""
    response = render(
        request,
        "progress/my_data.html",
        {
            "sections": personal_data_page(request.user),
            "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def my_data(request):
    """The same, as a JSON download for other programs (times local, with their offset)."""
    body = personal_data_json(personal_data(request.user))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="frontline-academy-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
