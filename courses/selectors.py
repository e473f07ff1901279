"""Reads for learner-facing course pages. Each states its query cost."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from wagtail.models import Page

from core import content_cache
from core.folding import fold, fold_find
from core.images import prefetch_renditions
from courses.models import CourseItemPage, CoursePage, LessonPage, lesson_plain_text, live_course_items

MAX_SEARCH_TERMS = 5
MAX_QUERY_LENGTH = 100


def live_item_count():
    """A course's "N lessons" as a subquery: its published items (CoursePage.items(), the rows the
    course page lists and counts), so cards and the course page always agree."""
    lessons = (
        live_course_items()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by()
        .values("depth")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(lessons, output_field=IntegerField()), 0)


def course_cards(
    *,
    root: Page | None = None,
    topic=None,
    newest_first: bool = False,
    open_only: bool = False,
    request=None,
) -> list[CoursePage]:
    """Published course cards; kept in the content cache when a (non-preview) request is given."""
    if request is not None and not getattr(request, "is_preview", False):
        key = (
            "course-cards",
            root.pk if root else None,
            topic.pk if topic else None,
            newest_first,
            open_only,
        )
        return content_cache.get_or_build(
            key,
            lambda: _course_cards(root=root, topic=topic, newest_first=newest_first, open_only=open_only),
            request,
        )
    return _course_cards(root=root, topic=topic, newest_first=newest_first, open_only=open_only)


def _course_cards(*, root, topic, newest_first, open_only) -> list[CoursePage]:
    """Published courses (under ``root`` if given) with ``lesson_count``, topic and cover renditions.

    Three queries whatever the number of courses: courses (with the lesson count as a
    subquery and topic/cover joined), and one for all cover renditions.
    """
    courses = (
        CoursePage.objects.live()
        .public()
        .select_related("topic", "cover_image")
        .annotate(lesson_count=live_item_count())
        .defer("objectives", "search_text")
    )
    if root is not None:
        courses = courses.descendant_of(root)
    if topic is not None:
        courses = courses.filter(topic=topic)
    if open_only:
        courses = courses.filter(open_enrolment=True)
    courses = list(courses.order_by("-first_published_at" if newest_first else "path"))
    prefetch_renditions(course.cover_image for course in courses)
    return courses


def lesson_position(lesson: CourseItemPage, request=None) -> dict:
    """Where a lesson sits in its course: n of m, previous/next and the outline.

    Two queries, kept in the content cache for published lessons (not for previews)."""
    if request is not None and lesson.live and not getattr(request, "is_preview", False):
        return content_cache.get_or_build(
            ("lesson-position", lesson.pk), lambda: _lesson_position(lesson), request
        )
    return _lesson_position(lesson)


def _lesson_position(lesson: CourseItemPage) -> dict:
    course = lesson.get_course()
    lessons: list[CourseItemPage] = []
    if course is not None:
        lessons = list(
            CourseItemPage.objects.filter(Q(live=True) | Q(pk=lesson.pk))
            .child_of(course)
            .order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth", "estimated_minutes", "required")
        )
    for item in lessons:
        item.outline_url = item.get_url()  # worked out once, kept with the cached position
    ids = [item.pk for item in lessons]
    index = ids.index(lesson.pk) if lesson.pk in ids else 0
    return {
        "course": course,
        "lessons": lessons,
        "outline": [{"item": item, "status": None} for item in lessons],
        "lesson_number": index + 1,
        "lesson_count": len(lessons),
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
    }


def course_next_item(*, course: CoursePage, after: CourseItemPage | None = None) -> CourseItemPage | None:
    """The published item of ``course`` that comes after ``after`` in the outline, or its first item
    when ``after`` is None; None past the last. One query."""
    items = course.items()
    if after is not None:
        items = items.filter(path__gt=after.path)
    return items.first()


def published_course(course_id: int) -> CoursePage | None:
    """The course with this id while it is published, else None. One query."""
    return CoursePage.objects.live().filter(pk=course_id).first()


@dataclass
class LessonHit:
    lesson: LessonPage
    course: CoursePage | None
    excerpt: str


def search_terms(query: str) -> list[str]:
    """The query's words, folded like the indexed text (core.folding): "ＡＩ", "Ai" and "ai" alike."""
    return fold(query[:MAX_QUERY_LENGTH]).split()[:MAX_SEARCH_TERMS]


def course_search(terms: list[str]) -> list[CoursePage]:
    """Courses whose title, summary or topic contain every (folded) term. One query plus renditions."""
    if not terms:
        return []
    courses = CoursePage.objects.live().public().select_related("topic", "cover_image")
    for term in terms:
        # The topic is matched as well as indexed: renaming a topic does not re-save its courses.
        courses = courses.filter(Q(search_text__contains=term) | Q(topic__name__icontains=term))
    found = list(
        courses.annotate(lesson_count=live_item_count())
        .defer("objectives", "search_text")
        .order_by("path")[:20]
    )
    prefetch_renditions(course.cover_image for course in found)
    return found


def lesson_search(terms: list[str]):
    """Lessons whose title, summary or text contain every (folded) term: substring match, which is
    what Chinese needs. A queryset: the view paginates it."""
    lessons = LessonPage.objects.live().public()
    if not terms:
        return lessons.none()
    for term in terms:
        lessons = lessons.filter(search_text__contains=term)
    return lessons.defer("body", "search_text").order_by("path")


def lesson_hits(lessons: list[LessonPage], terms: list[str]) -> list[LessonHit]:
    """Attach each lesson's course and a short excerpt, as written, around the first match. Two
    queries: the courses, and the lessons' text for the excerpts (the index is folded)."""
    texts = {
        lesson.pk: lesson_plain_text(lesson)
        for lesson in LessonPage.objects.filter(pk__in=[lesson.pk for lesson in lessons]).only("id", "body")
    }
    course_paths = {lesson.course_path for lesson in lessons}
    courses = {
        course.path: course
        for course in CoursePage.objects.filter(path__in=course_paths).only(
            "id", "title", "url_path", "path", "depth"
        )
    }
    return [
        LessonHit(
            lesson=lesson,
            course=courses.get(lesson.course_path),
            excerpt=_excerpt(lesson.summary + "\n" + texts.get(lesson.pk, ""), terms),
        )
        for lesson in lessons
    ]


def _excerpt(text: str, terms: list[str], width: int = 60) -> str:
    positions = [fold_find(text, term) for term in terms]
    positions = [p for p in positions if p >= 0]
    start = max(min(positions) - width // 3, 0) if positions else 0
    snippet = " ".join(text[start : start + width].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return f"{prefix}{snippet}{suffix}"
