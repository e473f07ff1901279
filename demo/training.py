"""Demo assignments and the staff's progress in them, so that the managers' reports look real on first run.

Everything is written by the services the site itself uses: assignments by `assignment_create` (as the
manager who would make them), progress by `item_seen`/`item_complete`, quiz attempts by
`attempt_start`/`answer_save`/`attempt_submit`; enrolments, due dates, completions and the report tallies
follow from them as they do for real people.

Deterministic: who gets how far in which course comes from generators seeded by community and course, so
every run gives every community a mix (not started, opened, halfway, failed the quiz, passed). Idempotent:
an assignment is found again by its course and who made it, and a person who has any progress in a course
is left as they are.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assignments import services as assignment_services
from assignments.models import Assignment
from courses.models import CoursePage
from demo.people import demo_staff, find_demo_unit
from progress import services as progress_services
from progress.models import Enrolment, ItemProgress
from quizzes import services as quiz_services
from quizzes.models import QuizPage
from quizzes.questiondata import QuestionData, QuestionKind


@dataclass(frozen=True)
class DemoAssignment:
    course: str  # slug
    by: str  # username of the demo account that assigns it
    units: tuple[str, ...]
    due_mode: str
    due_in_days: int | None = None  # due date, counted from today; negative: past due
    due_days: int | None = None  # for due_mode "days"
    note: str = ""


ASSIGNMENTS = (
    DemoAssignment(
        "qr-visitor-registration",
        by="admin",
        units=("重庆市",),
        due_mode=Assignment.DueMode.DATE,
        due_in_days=30,
        note="门岗值班前请学完，并通过结业测验。",
    ),
    DemoAssignment(
        "temperature-logging",
        by="district",
        units=("渝中区",),
        due_mode=Assignment.DueMode.DATE,
        due_in_days=-5,
        note="上月布置的体温记录培训，还没学完的请抓紧。",
    ),
    DemoAssignment(
        "resident-privacy",
        by="community",
        units=("民生路社区",),
        due_mode=Assignment.DueMode.DAYS_AFTER_JOINING,
        due_days=14,
        note="处理居民信息前必学。",
    ),
    DemoAssignment(
        "phone-basics",
        by="district",
        units=("渝中区",),
        due_mode=Assignment.DueMode.DATE,
        due_in_days=21,
        note="先学这门，再学其他课程就轻松了。",
    ),
)


class Outcome(StrEnum):
    NOT_STARTED = "not started"
    OPENED = "opened the first lesson"
    HALFWAY = "halfway"
    QUIZ_FAILED = "every lesson, quiz not passed"  # without a quiz: every lesson but the last
    COMPLETED = "completed"
    SECOND_TRY = "completed, the quiz at the second try"


# A community's people take consecutive outcomes from this ring, shuffled: four people or more see at
# least three statuses, six see them all.
OUTCOMES = (
    Outcome.COMPLETED,
    Outcome.HALFWAY,
    Outcome.NOT_STARTED,
    Outcome.QUIZ_FAILED,
    Outcome.OPENED,
    Outcome.SECOND_TRY,
)


@dataclass
class TrainingReport:
    assignments_created: int = 0
    histories: int = 0  # enrolments (a person in a course) given progress
    quiz_attempts: int = 0


@transaction.atomic
def ensure_demo_training() -> TrainingReport:
    """Assign the demo courses and give the demo staff their progress, where not done before."""
    report = TrainingReport()
    User = get_user_model()
    accounts = {user.username: user for user in User.objects.filter(username__in={a.by for a in ASSIGNMENTS})}
    courses = {
        course.slug: course
        for course in CoursePage.objects.live().filter(slug__in={a.course for a in ASSIGNMENTS})
    }
    assigned = []
    for spec in ASSIGNMENTS:
        actor, course = accounts.get(spec.by), courses.get(spec.course)
        if actor is None or course is None:
            continue
        report.assignments_created += _ensure_assignment(spec, course=course, actor=actor)
        assigned.append(course)
    _give_progress(assigned, report)
    return report


def _ensure_assignment(spec: DemoAssignment, *, course: CoursePage, actor) -> bool:
    if Assignment.objects.filter(course=course, created_by=actor).exists():
        return False
    today = timezone.localdate()
    due_date = None
    if spec.due_in_days is not None:
        # Not before today: the service refuses a due date that makes everyone late at once.
        due_date = today + datetime.timedelta(days=max(spec.due_in_days, 0))
    assignment = assignment_services.assignment_create(
        course=course,
        units=[find_demo_unit(name) for name in spec.units],
        due_mode=spec.due_mode,
        due_date=due_date,
        due_days=spec.due_days,
        note=spec.note,
        actor=actor,
    )
    if spec.due_in_days is not None and spec.due_in_days < 0:
        # A report needs something overdue on first run, which no manager can create today: this one is
        # dated back as if made six weeks ago, due some days ago, then re-applied by the service, which
        # moves its members' and enrolments' due dates with it.
        Assignment.objects.filter(pk=assignment.pk).update(
            created_at=timezone.now() - datetime.timedelta(weeks=6),
            due_date=today + datetime.timedelta(days=spec.due_in_days),
        )
        assignment_services.assignment_apply(assignment)
    return True


def _give_progress(courses: list[CoursePage], report: TrainingReport) -> None:
    staff = demo_staff()
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[p["username"] for p in staff])
    }
    by_unit: dict[str, list] = defaultdict(list)
    for person in staff:
        if person["username"] in users:
            by_unit[person["unit"]].append(users[person["username"]])
    ids = [user.pk for user in users.values()]
    course_ids = [course.pk for course in courses]
    enrolled = set(
        Enrolment.objects.filter(learner_id__in=ids, course_id__in=course_ids).values_list(
            "learner_id", "course_id"
        )
    )
    started = set(
        ItemProgress.objects.filter(learner_id__in=ids, course_id__in=course_ids).values_list(
            "learner_id", "course_id"
        )
    )
    for course in courses:
        items = list(course.items().specific())
        lessons = [item for item in items if not isinstance(item, QuizPage) and item.required]
        quiz = next((item for item in items if isinstance(item, QuizPage) and item.slug == "quiz"), None)
        for unit, people in by_unit.items():
            rng = random.Random(f"frontline-demo:{unit}:{course.slug}")
            first = rng.randrange(len(OUTCOMES))
            outcomes = [OUTCOMES[(first + i) % len(OUTCOMES)] for i in range(len(people))]
            rng.shuffle(outcomes)
            for person, outcome in zip(people, outcomes, strict=True):
                key = (person.pk, course.pk)
                if key not in enrolled or key in started or outcome == Outcome.NOT_STARTED:
                    continue  # not covered, or already given their history
                _learn(person, course, lessons, quiz, outcome, rng, report)
                report.histories += 1


def _learn(
    learner, course, lessons, quiz, outcome: Outcome, rng: random.Random, report: TrainingReport
) -> None:
    if outcome == Outcome.OPENED:
        progress_services.item_seen(learner=learner, item=lessons[0], course=course)
        return
    if outcome == Outcome.HALFWAY:
        done = max(1, len(lessons) // 2)
    elif outcome == Outcome.QUIZ_FAILED and quiz is None:
        done = len(lessons) - 1
    else:
        done = len(lessons)
    for lesson in lessons[:done]:
        progress_services.item_complete(learner=learner, item=lesson, course=course)
    if done < len(lessons):
        progress_services.item_seen(learner=learner, item=lessons[done], course=course)
    if quiz is None or outcome == Outcome.HALFWAY:
        return
    tries = {Outcome.QUIZ_FAILED: (False,), Outcome.COMPLETED: (True,), Outcome.SECOND_TRY: (False, True)}
    for passing in tries[outcome]:
        _take_quiz(learner, course, quiz, passing=passing, rng=rng)
        report.quiz_attempts += 1


def _take_quiz(learner, course, quiz: QuizPage, *, passing: bool, rng: random.Random) -> None:
    attempt = quiz_services.attempt_start(learner=learner, quiz=quiz, course=course, rng=rng)
    count = len(attempt.questions)
    # How many to get wrong: none or the most a pass allows, when passing; the fewest that fail otherwise.
    allowed = [k for k in range(count + 1) if _percent(count - k, count) >= attempt.rules["pass_mark"]]
    wrong_count = rng.choice([0, max(allowed)]) if passing else min(set(range(count + 1)) - set(allowed))
    wrong = set(rng.sample(range(count), wrong_count))
    for position in range(count):
        response = demo_answer(attempt.question_data(position), right=position not in wrong)
        quiz_services.answer_save(attempt=attempt, position=position, response=response)
    quiz_services.attempt_submit(attempt=attempt)


def _percent(right: int, count: int) -> int:
    return int(right * 100 / count + 1e-9)  # as quizzes.services marks an attempt


def demo_answer(data: QuestionData, *, right: bool):
    """A right answer to ``data``, or a plausible wrong one. The demo's own answer key: the quiz pages
    never hand one out."""
    match data.kind:
        case QuestionKind.SINGLE:
            answer = next(i for i, choice in enumerate(data.choices) if choice.correct)
            return answer if right else (answer + 1) % len(data.choices)
        case QuestionKind.MULTIPLE:
            answer = sorted(data.correct_indexes())
            return (
                answer if right else [i for i in range(len(data.choices)) if i not in answer] or answer[:-1]
            )
        case QuestionKind.TRUE_FALSE:
            return data.true_answer if right else not data.true_answer
        case QuestionKind.FILL_BLANK:
            return data.accepted_answers[0] if right else "不记得了"
        case QuestionKind.NUMERIC:
            return next(a.text for a in data.answers if a.weight >= 1) if right else "36"
        case QuestionKind.ORDERING:
            order = list(range(len(data.steps)))
            return order if right else order[::-1]
        case QuestionKind.HOTSPOT:
            area = data.areas[0]
            x, y = (area.x + area.w / 2, area.y + area.h / 2) if area.shape == "rect" else (area.x, area.y)
            return [x, y] if right else [1 - x, 1 - y]
    raise ValueError(f"no demo answer for {data.kind!r}")
