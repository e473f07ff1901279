from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.personal_data import personal_data_json
from courses.models import CoursePage, LessonPage
from courses.selectors import course_next_item
from progress import offline, services
from progress.exports import personal_data, personal_data_page
from progress.selectors import completion_moment, course_completed, course_completion_of, enrolment_allowed
from progress.selectors import my_learning as my_learning_selector


@require_GET
@login_required
def my_learning(request):
    return render(
        request,
        "progress/my_learning.html",
        {"learning": my_learning_selector(learner=request.user, request=request)},
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
        return _not_open_to_learner(request, course, error)
    if completion is not None and not was_complete:
        return redirect("progress:course_complete", course.pk)
    following = course_next_item(course=course, after=item)
    return redirect(following.url if following else course.url)


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
