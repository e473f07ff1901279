"""Test-out: a learner who already knows the tool passes a short quiz and skips the lessons it covers.

Which lessons a pass skips is frozen in the attempt's rules snapshot when it starts
(``QuizPage.rules_snapshot``: ``test_out_covers``), so changing the quiz later rewrites no one's history.
A pass marks those lessons done as skipped by the test-out (``ItemProgress.tested_out_attempt``), and the
course is re-checked as for any completion: the lessons are skipped, a required final quiz is not.
A failed test-out changes nothing: the learner goes on with the lessons.
"""

from dataclasses import dataclass

from django.db.models import F

from courses.models import CoursePage, LessonPage
from progress import services as progress_services
from progress.models import CourseCompletion
from quizzes.models import QuizAttempt, QuizPage


def covered_ids(attempt: QuizAttempt) -> list[int]:
    """The lessons this attempt's pass skips, as recorded when it started (none for an ordinary quiz)."""
    return [entry["id"] for entry in (attempt.rules or {}).get("test_out_covers") or ()]


def skip_covered_lessons(attempt: QuizAttempt) -> CourseCompletion | None:
    """After ``attempt`` closed: if it passed a test-out, mark the lessons it covers done (those still
    published lessons of the attempt's course; the rest are skipped) and re-check the course.

    Returns the course completion if the course is complete now. Idempotent; does nothing for a failed
    attempt, one still awaiting marking, or an ordinary quiz. Refused (``progress_services.NotEnrolled``)
    for a learner the enrolment rule does not allow."""
    ids = covered_ids(attempt)
    if not attempt.passed or not ids:
        return None
    course = CoursePage.objects.filter(pk=attempt.course_id).first()
    if course is None:
        return None
    lessons = list(LessonPage.objects.live().child_of(course).filter(pk__in=ids).only("id", "path", "depth"))
    return progress_services.items_tested_out(
        learner=attempt.learner, items=lessons, course=course, attempt_id=attempt.pk
    )


@dataclass
class CourseTestOut:
    """What the course page offers: take this quiz to skip these lessons."""

    quiz: QuizPage
    lessons: list[LessonPage]
    url: str = ""  # the quiz's address, filled in for the page that shows the offer


def course_test_out_offers(course: CoursePage) -> list[CourseTestOut]:
    """The course's published test-out quizzes, each with the published lessons it covers, in course
    order. Two queries (the quizzes, then their lessons), whatever the number."""
    quizzes = list(
        QuizPage.objects.live()
        .child_of(course)
        .filter(test_out_covers__isnull=False)
        .distinct()
        .order_by("path")
        .only("id", "title", "slug", "url_path", "path", "depth", "estimated_minutes")
    )
    if not quizzes:
        return []
    rows = (
        LessonPage.objects.live()
        .child_of(course)
        .filter(test_out_quizzes__in=[quiz.pk for quiz in quizzes])
        .annotate(quiz_id=F("test_out_quizzes"))
        .order_by("path")
        .only("id", "title", "path", "depth")
    )
    covered: dict[int, list[LessonPage]] = {}
    for lesson in rows:
        covered.setdefault(lesson.quiz_id, []).append(lesson)
    return [CourseTestOut(quiz=quiz, lessons=covered[quiz.pk]) for quiz in quizzes if covered.get(quiz.pk)]
