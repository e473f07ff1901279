from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import page_cache
from courses.models import CoursePage
from courses.selectors import published_course
from progress.selectors import completion_moment, course_completion_of
from progress.services import NotEnrolled
from quizzes import services
from quizzes.forms import HOTSPOT_FALLBACK_WIDTH, response_from_post
from quizzes.grading import MAX_TEXT_RESPONSE
from quizzes.models import QuizAttempt, QuizPage
from quizzes.questiondata import MANUALLY_MARKED
from quizzes.selectors import (
    attempt_for_learner,
    attempt_quiz,
    first_unanswered_position,
    question_views,
    quiz_state,
)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _question_url(attempt: QuizAttempt, number: int) -> str:
    return reverse("quizzes:question", args=(attempt.uuid, number))


def _live_course_of(quiz: QuizPage) -> CoursePage:
    course = quiz.get_course(live=True)
    if course is None:
        raise Http404
    return course


def _not_open_to_learner(request, course_id: int, error: NotEnrolled):
    """The course is not open to this learner: say so (to the page's script as JSON), on the
    course page."""
    if _wants_json(request):
        return JsonResponse({"saved": False, "error": str(error)}, status=403)
    messages.error(request, str(error))
    course = published_course(course_id)
    return redirect(course.url if course is not None else "progress:my_learning")


@require_POST
@login_required
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live().public(), pk=quiz_id)
    course = _live_course_of(quiz)
    try:
        attempt = services.attempt_start(learner=request.user, quiz=quiz, course=course)
    except NotEnrolled as error:
        return _not_open_to_learner(request, course.pk, error)
    except services.QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect(_question_url(attempt, first_unanswered_position(attempt) + 1))


def _closed_redirect(request, attempt):
    if _wants_json(request):
        return JsonResponse(
            {"saved": False, "closed": True, "result_url": reverse("quizzes:result", args=(attempt.uuid,))},
            status=409,
        )
    messages.info(request, str(services.AttemptClosed.message))
    return redirect("quizzes:result", attempt.uuid)


def _open_attempt(request, uuid, number: int, *, lock: bool = False):
    """The learner's attempt (closed first if its deadline passed), the position of question
    ``number``, and the answer to send instead when the attempt is closed. ``lock``: read it with
    its row lock, inside the caller's transaction."""
    attempt = services.attempt_close_if_expired(
        attempt=attempt_for_learner(uuid=uuid, learner=request.user, lock=lock)
    )
    if not attempt.is_open:
        return attempt, None, _closed_redirect(request, attempt)
    if not 1 <= number <= len(attempt.questions):
        raise Http404
    return attempt, number - 1, None


@require_http_methods(["GET", "POST"])
@login_required
def attempt_question(request, uuid, number: int):
    """One question per screen. POST saves the answer (every change, by JavaScript; or with
    the buttons, without it) and moves on."""
    error = key = None
    if request.method == "POST":
        # One read of the attempt, locked: who owns it, whether it is open, and the question
        # snapshot to read the answer against; the answer is then written in one statement.
        with transaction.atomic():
            attempt, position, closed = _open_attempt(request, uuid, number, lock=True)
            if closed:
                return closed
            action = request.POST.get("action", "next")
            entry = attempt.questions[position]
            response = response_from_post(attempt.question_data(position), request.POST, entry)
            try:
                if response is not None:
                    services.answer_save(attempt=attempt, position=position, response=response, locked=True)
                if action == "check" and response is not None:
                    services.answer_check(attempt=attempt, position=position)
            except NotEnrolled as exc:
                return _not_open_to_learner(request, attempt.course_id, exc)
            except services.AttemptClosed:
                return _closed_redirect(request, attempt)
            except services.QuizError as exc:
                error = str(exc)
        if _wants_json(request):
            return JsonResponse(
                {"saved": error is None, "error": error}, status=200 if error is None else 400
            )
        if error is None:
            if action == "prev" and number > 1:
                return redirect(_question_url(attempt, number - 1))
            if action == "next" and number < len(attempt.questions):
                return redirect(_question_url(attempt, number + 1))
            if action in ("next", "finish"):
                return redirect("quizzes:submit", attempt.uuid)
            return redirect(_question_url(attempt, number))
    else:
        # Kept whole per learner and state version (core.learner_state: every answer saved, check and
        # submit changes it), for attempts with no time limit (one with a deadline closes by the clock).
        key = page_cache.learner_key(request, "quiz-question", str(uuid), number)
        cached = page_cache.cached_response(request, key)
        if cached is not None:
            return cached
        attempt, position, closed = _open_attempt(request, uuid, number)
        if closed:
            return closed
    views = question_views(attempt)
    question = views[position]
    cacheable = request.method == "GET" and attempt.deadline is None and error is None
    return render(
        request,
        "quizzes/attempt_question.html",
        {
            "attempt": attempt,
            "quiz": attempt_quiz(attempt),
            "question": question,
            "total": len(attempt.questions),
            "answered": sum(1 for v in views if v.response is not None),
            "error": error,
            "feedback_each": attempt.rules.get("feedback_mode") == QuizPage.Feedback.EACH,
            "hotspot_width": HOTSPOT_FALLBACK_WIDTH,
            "positions": range(1, len(question.options) + 1),
            "text_max": MAX_TEXT_RESPONSE,
            "page_cache_key": key if cacheable else None,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def attempt_submit(request, uuid):
    """Look over what is answered, then submit. Submitting twice gives the same one result."""
    if request.method == "POST":
        with transaction.atomic():
            attempt = attempt_for_learner(uuid=uuid, learner=request.user, lock=True)
            try:
                services.attempt_submit(attempt=attempt, locked=True)
            except NotEnrolled as error:
                return _not_open_to_learner(request, attempt.course_id, error)
        return redirect("quizzes:result", attempt.uuid)
    attempt = services.attempt_close_if_expired(attempt=attempt_for_learner(uuid=uuid, learner=request.user))
    if not attempt.is_open:
        return redirect("quizzes:result", attempt.uuid)
    views = question_views(attempt)
    return render(
        request,
        "quizzes/attempt_submit.html",
        {
            "attempt": attempt,
            "quiz": attempt_quiz(attempt),
            "questions": views,
            "unanswered": [v for v in views if v.response is None],
        },
    )


@require_GET
@login_required
def attempt_result(request, uuid):
    attempt = services.attempt_close_if_expired(attempt=attempt_for_learner(uuid=uuid, learner=request.user))
    if attempt.is_open:
        return redirect("quizzes:submit", attempt.uuid)
    mode = attempt.rules.get("feedback_mode")
    quiz = attempt_quiz(attempt, live=True)
    course = quiz.get_course(live=True) if quiz is not None else None
    moment = None
    if attempt.passed and course is not None:
        completion = course_completion_of(learner=request.user, course=course)
        # The moment belongs to the attempt that finished the course, not to every later pass.
        if completion is not None and completion.completed_at >= attempt.started_at:
            moment = completion_moment(request=request, completion=completion, course=course)
    views = question_views(attempt)
    return render(
        request,
        "quizzes/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": course,
            "moment": moment,
            # "Try again" starts the next attempt at once (POST), when the quiz allows one more.
            "can_retry": quiz is not None
            and not attempt.passed
            and not attempt.awaiting_marking
            and quiz_state(learner=request.user, quiz=quiz).can_start,
            # The answer key is shown only if the quiz allows feedback at all; a trainer's marks and
            # comments on written answers always are.
            "review": views if mode != QuizPage.Feedback.NEVER else None,
            "written": [v for v in views if v.data.kind in MANUALLY_MARKED],
            # While written answers wait: the points of the questions graded at once, and how many wait.
            "points_so_far": sum(v.score or 0 for v in views if not v.awaiting_mark),
            "awaiting_count": sum(1 for v in views if v.awaiting_mark),
            "graded_count": sum(1 for v in views if not v.awaiting_mark),
        },
    )
