"""Reads of learner progress. Each states its query cost, which tests pin."""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from wagtail import hooks

from core.images import prefetch_renditions
from courses.models import CourseItemPage, CoursePage
from courses.selectors import course_cards
from progress import rules
from progress.models import CourseCompletion, Enrolment, ItemProgress

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
# Extension point: apps above progress (certificates) add to the "course complete" moment without
# progress importing them. Each hook is called as hook(request, completion, context).
COURSE_COMPLETE_CONTEXT_HOOK = "frontline_course_complete_context"
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
    tested_out: bool = False  # done by passing a test-out quiz, not studied

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
    today: datetime.date | None = None  # the learner's "today", set once per page

    @property
    def enrolled(self) -> bool:
        return self.enrolment is not None

    @property
    def started(self) -> bool:
        return any(row.status != NOT_STARTED for row in self.rows)

    @property
    def tested_out_count(self) -> int:
        """How many of the course's items the learner skipped by passing a test-out quiz."""
        return sum(1 for row in self.rows if row.tested_out)

    # Due dates come from the assignments that cover the learner (kept on the enrolment by
    # assignments.services): the earliest wins; once the course is completed nothing is due.
    @property
    def assigned(self) -> bool:
        return bool(self.enrolment and self.enrolment.assigned)

    @property
    def mandatory(self) -> bool:
        return bool(self.enrolment and self.enrolment.mandatory)

    @property
    def due_on(self) -> datetime.date | None:
        if self.completion is not None or self.enrolment is None:
            return None
        return self.enrolment.due_on

    @property
    def days_left(self) -> int | None:
        """Days until the due date: 0 on the day, negative once overdue; None without a due date."""
        if self.due_on is None:
            return None
        return (self.due_on - (self.today or timezone.localdate())).days

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def due_soon(self) -> bool:
        left = self.days_left
        return left is not None and 0 <= left <= getattr(settings, "REMINDER_DUE_SOON_DAYS", 3)


@dataclass
class MyLearning:
    # Assigned and not completed, most urgent first: overdue, then by due date, then those without one.
    assigned: list[CourseState] = field(default_factory=list)
    # The course to continue: the one last opened among those started and not completed.
    resume: CourseState | None = None
    # The learner's own courses (not assigned), by when they were last opened.
    in_progress: list[CourseState] = field(default_factory=list)
    not_started: list[CourseState] = field(default_factory=list)
    completed: list[CourseState] = field(default_factory=list)
    available: list[CoursePage] = field(default_factory=list)


def items_by_course(courses: list[CoursePage]) -> dict[int, list[CourseItemPage]]:
    """Live items of each course in outline order. One query for any number of courses."""
    if not courses:
        return {}
    condition = reduce(or_, (CourseItemPage.objects.child_of_q(course) for course in courses))
    by_path = {course.path: course.pk for course in courses}
    grouped: dict[int, list[CourseItemPage]] = {course.pk: [] for course in courses}
    for item in CourseItemPage.objects.live().filter(condition).order_by("path").only(*ITEM_FIELDS):
        grouped[by_path[item.course_path]].append(item)
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
        rows.append(OutlineRow(item=item, status=status, tested_out=status == DONE and progress.tested_out))
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
    enrolments+courses, items, progress rows, completions, cover renditions, open courses.

    Assigned courses not completed yet come first, most urgent first, with their due date (from the
    enrolment: no extra query); the learner's own courses follow, then the completed ones."""
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
    today = timezone.localdate()
    for enrolment in enrolments:  # most recently opened first
        course = enrolment.course
        state = _state(
            course, items[course.pk], progress.get(course.pk, {}), enrolment, completions.get(course.pk)
        )
        state.today = today
        if state.completion:
            result.completed.append(state)
            continue
        if state.started and result.resume is None and state.resume_item is not None:
            result.resume = state
        if state.assigned:
            result.assigned.append(state)
        elif state.started:
            result.in_progress.append(state)
        else:
            result.not_started.append(state)
    result.assigned.sort(key=_urgency)  # stable: ties stay most recently opened first
    result.completed.sort(key=lambda s: s.completion.completed_at, reverse=True)
    enrolled_ids = {course.pk for course in courses}
    result.available = [course for course in course_cards(open_only=True) if course.pk not in enrolled_ids]
    return result


def _urgency(state: CourseState) -> tuple:
    """Overdue and due soonest first (an earlier date is more urgent), then undated mandatory ones."""
    return (state.due_on is None, state.due_on or datetime.date.max, not state.mandatory)


def enrolment_allowed(*, learner, course: CoursePage | int) -> bool:
    """The enrolment rule, decided here for every write of learner history (opening or finishing an
    item, starting, answering and submitting a quiz, the certificate): may this learner learn in
    this course?

    Yes when they hold an enrolment, however it came about: joined while the course was open, given
    by an assignment (an assignment that ends leaves its enrolments and progress in place), or added
    by a manager. Yes too when the course is open to everyone, where learning in it joins it. No
    otherwise: a course without open enrolment is for the people it is assigned to.

    ``course``: the page (no query for an open course, else one), or only its id, as a quiz attempt
    holds it (one query when enrolled, two when not)."""
    if isinstance(course, CoursePage):
        if course.open_enrolment:
            return True
        course_id = course.pk
    else:
        course_id = course
    if Enrolment.objects.filter(learner=learner, course_id=course_id).exists():
        return True
    return not isinstance(course, CoursePage) and (
        CoursePage.objects.filter(pk=course_id, open_enrolment=True).exists()
    )


def course_completed(*, learner, course: CoursePage) -> bool:
    """Whether the learner has completed the course (by its rule or a manager's override): one query."""
    return CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()


def course_completion_of(*, learner, course: CoursePage | int) -> CourseCompletion | None:
    """The learner's completion of the course, or None: one query."""
    course_id = course if isinstance(course, int) else course.pk
    return CourseCompletion.objects.filter(learner=learner, course_id=course_id).first()


def completion_moment(*, request, completion: CourseCompletion, course: CoursePage) -> dict:
    """What the "course complete" moment shows (progress/_course_complete.html): the course, the
    completion, and what other apps add through COURSE_COMPLETE_CONTEXT_HOOK (the certificate, or
    that it is being prepared). Shown after the last lesson and on the result of the last quiz."""
    context = {"completion": completion, "course": course}
    for extend in hooks.get_hooks(COURSE_COMPLETE_CONTEXT_HOOK):
        extend(request, completion, context)
    return context


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
