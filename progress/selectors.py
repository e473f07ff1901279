"""Reads of learner progress. Each states its query cost, which tests pin."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Q

from core.images import prefetch_renditions
from courses.models import CourseItemPage, CoursePage
from courses.selectors import course_cards
from progress import rules
from progress.models import CourseCompletion, Enrolment, ItemProgress

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUSES_CACHE_SECONDS = 60 * 60
ITEM_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "required",
    "estimated_minutes",
    "content_type_id",
)


@dataclass
class OutlineRow:
    item: CourseItemPage
    status: str

    @property
    def done(self) -> bool:
        return self.status == DONE


@dataclass
class CourseState:
    """One learner's view of one course: outline with statuses, progress, where to resume."""

    course: CoursePage
    rows: list[OutlineRow]
    progress: rules.CourseProgress
    enrolment: Enrolment | None = None
    completion: CourseCompletion | None = None
    resume_item: CourseItemPage | None = None

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def started(self) -> bool:
        return any(row.status != NOT_STARTED for row in self.rows)


@dataclass
class MyLearning:
    in_progress: list[CourseState] = field(default_factory=list)
    not_started: list[CourseState] = field(default_factory=list)
    completed: list[CourseState] = field(default_factory=list)
    available: list[CoursePage] = field(default_factory=list)


def items_by_course(courses: list[CoursePage]) -> dict[int, list[CourseItemPage]]:
    """Live items of each course in outline order. One query for any number of courses."""
    if not courses:
        return {}
    condition = reduce(or_, (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses))
    by_path = {course.path: course.pk for course in courses}
    grouped: dict[int, list[CourseItemPage]] = {course.pk: [] for course in courses}
    for item in CourseItemPage.objects.live().filter(condition).order_by("path").only(*ITEM_FIELDS):
        grouped[by_path[item.path[: -item.steplen]]].append(item)
    return grouped


def _state(course, items, progress_by_item, enrolment, completion) -> CourseState:
    rows = []
    for item in items:
        progress = progress_by_item.get(item.pk)
        if progress is None:
            status = NOT_STARTED
        elif progress.completed_at:
            status = DONE
        else:
            status = IN_PROGRESS
        rows.append(OutlineRow(item=item, status=status))
    done_ids = [row.item.pk for row in rows if row.done]
    state = CourseState(
        course=course,
        rows=rows,
        progress=rules.course_progress(
            [item.pk for item in items if item.required], done_ids, completed=completion is not None
        ),
        enrolment=enrolment,
        completion=completion,
    )
    state.resume_item = _resume_item(state)
    return state


def _resume_item(state: CourseState) -> CourseItemPage | None:
    """The exact item to continue: the one last opened unless it is done, then the first
    item not done, else the first item."""
    if not state.rows:
        return None
    last_id = state.enrolment.last_item_id if state.enrolment else None
    for row in state.rows:
        if row.item.pk == last_id and not row.done:
            return row.item
    if last_id is not None:
        ids = [row.item.pk for row in state.rows]
        start = ids.index(last_id) + 1 if last_id in ids else 0
        for row in state.rows[start:] + state.rows[:start]:
            if not row.done:
                return row.item
    return next((row.item for row in state.rows if not row.done), state.rows[0].item)


def course_state(*, learner, course: CoursePage, items: list[CourseItemPage] | None = None) -> CourseState:
    """Three queries (the learner's progress rows, enrolment, completion), plus one for the
    course's items unless the caller already has them."""
    if items is None:
        items = items_by_course([course])[course.pk]
    progress = {p.item_id: p for p in ItemProgress.objects.filter(learner=learner, course_id=course.pk)}
    enrolment = Enrolment.objects.filter(learner=learner, course_id=course.pk).first()
    completion = CourseCompletion.objects.filter(learner=learner, course_id=course.pk).first()
    return _state(course, items, progress, enrolment, completion)


def my_learning(*, learner, request=None) -> MyLearning:
    """Everything on My learning in a fixed number of queries, whatever the number of courses:
    enrolments+courses, items, progress rows, completions, cover renditions, open courses."""
    enrolments = list(
        Enrolment.objects.filter(learner=learner, course__live=True)
        .select_related("course", "course__topic", "course__cover_image")
        .order_by("-last_seen_at", "-enrolled_at")
    )
    courses = [enrolment.course for enrolment in enrolments]
    items = items_by_course(courses)
    progress: dict[int, dict[int, ItemProgress]] = {}
    for row in ItemProgress.objects.filter(learner=learner, course_id__in=[c.pk for c in courses]):
        progress.setdefault(row.course_id, {})[row.item_id] = row
    completions = {c.course_id: c for c in CourseCompletion.objects.filter(learner=learner)}
    prefetch_renditions(course.cover_image for course in courses)

    result = MyLearning()
    for enrolment in enrolments:
        course = enrolment.course
        state = _state(
            course, items[course.pk], progress.get(course.pk, {}), enrolment, completions.get(course.pk)
        )
        if state.completion:
            result.completed.append(state)
        elif state.started:
            result.in_progress.append(state)
        else:
            result.not_started.append(state)
    result.completed.sort(key=lambda s: s.completion.completed_at, reverse=True)
    enrolled_ids = {course.pk for course in courses}
    result.available = [course for course in course_cards(open_only=True) if course.pk not in enrolled_ids]
    return result


def statuses_cache_key(learner_id: int, course_id: int) -> str:
    return f"item-statuses:{learner_id}:{course_id}"


def statuses_for(*, learner, course: CoursePage) -> dict[int, str]:
    """Item id → status for one learner in one course: one query, or none when cached
    (progress.services forgets the entry whenever it writes this learner's progress)."""
    key = statuses_cache_key(learner.pk, course.pk)
    statuses = cache.get(key)
    if statuses is None:
        statuses = {
            row.item_id: DONE if row.completed_at else IN_PROGRESS
            for row in ItemProgress.objects.filter(learner=learner, course_id=course.pk).only(
                "item_id", "completed_at"
            )
        }
        cache.set(key, statuses, STATUSES_CACHE_SECONDS)
    return statuses
