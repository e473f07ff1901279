"""From the platform's learning events to the outbox: called by the services' hooks (xapi/wagtail_hooks.py),
inside the transaction that records the event, so a statement exists exactly when its event does.

Nothing happens — not a query — unless the learning record store is configured (xapi.conf). Building a
statement never breaks the learner's action: a bug here is logged and the event stands without its
statement.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from courses.models import CourseItemPage
from courses.models import CoursePage as CoursePageModel
from progress.models import ItemProgress
from quizzes.kinds import question_type
from quizzes.models import AttemptAnswer, QuizPage
from quizzes.questiondata import MANUALLY_MARKED
from xapi import conf, statements
from xapi.models import Statement
from xapi.statements import Page, Person

logger = logging.getLogger(__name__)


def _person(learner) -> Person:
    """The learner as the actor needs them: the account number is enough for an opaque account; the
    other modes read the account."""
    pk = getattr(learner, "pk", learner)
    if conf.actor_mode() == "account":
        return Person(pk=pk)
    user = learner if hasattr(learner, "get_username") else get_user_model().objects.get(pk=pk)
    return Person.of(user)


def _item_pages(ids) -> dict[int, Page]:
    """Lessons and quizzes by id, with the activity type of each (any item but a quiz is a lesson)."""
    quiz_type = _content_type_id(QuizPage)
    return {
        row["pk"]: Page(
            row["pk"],
            row["title"],
            statements.ASSESSMENT if row["content_type_id"] == quiz_type else statements.LESSON,
        )
        for row in CourseItemPage.objects.filter(pk__in=list(ids)).values("pk", "title", "content_type_id")
    }


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk  # cached by Django after the first call


def _course_page(course) -> Page:
    if isinstance(course, CoursePageModel):
        return Page(course.pk, course.title, statements.COURSE)
    title = CoursePageModel.objects.filter(pk=course).values_list("title", flat=True).first() or ""
    return Page(course, title, statements.COURSE)


def record(built: list[dict], *, learner_id: int) -> None:
    """Put statements in the outbox (once each: an id already there is left as it is) and have them
    sent after the transaction commits."""
    if not built:
        return
    # Most repeats (a lesson opened again, finished again) are known already: no insert, no send task.
    known = {
        str(pk)
        for pk in Statement.objects.filter(pk__in=[s["id"] for s in built]).values_list("pk", flat=True)
    }
    new = [statement for statement in built if statement["id"] not in known]
    if not new:
        return
    Statement.objects.bulk_create(
        [
            Statement(
                id=statement["id"],
                verb=statement["verb"]["id"].rsplit("/", 1)[-1][:40],
                learner_id=learner_id,
                timestamp=datetime.datetime.fromisoformat(statement["timestamp"]),
                payload=statement,
            )
            for statement in new
        ],
        ignore_conflicts=True,  # a concurrent request recorded the same event first
    )
    _send_after_commit()


class _SendAfterCommit:
    """The one send this transaction owes (a callable on its on-commit list)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        from xapi import tasks

        tasks.send_statements.enqueue()


def _send_after_commit() -> None:
    """One send task per transaction, however many statements it recorded: skipped while this
    transaction's send is still on its on-commit list (not run yet, not dropped by a rollback)."""
    owed = getattr(connection, "_xapi_send_owed", None)
    if (
        owed is not None
        and not owed.done
        and connection.in_atomic_block
        and any(callback is owed for _sids, callback, *_rest in connection.run_on_commit)
    ):
        return
    owed = _SendAfterCommit()
    connection._xapi_send_owed = owed
    transaction.on_commit(owed, robust=True)


def _safely(build):
    """Build the statements; a failure is logged, never raised into the learner's action."""
    try:
        return build()
    except Exception:
        logger.exception("An xAPI statement could not be built")
        return []


# -- the events -------------------------------------------------------------------------------------


def item_seen(*, learner, item, course) -> None:
    """First time the learner opens a lesson or quiz: "experienced" (at the first-seen time, so opening
    it again is the same statement)."""
    if not conf.configured():
        return
    learner_id = getattr(learner, "pk", learner)
    first_seen_at = (
        ItemProgress.objects.filter(learner_id=learner_id, item_id=item.pk)
        .values_list("first_seen_at", flat=True)
        .first()
    )
    if first_seen_at is None:
        return

    def build():
        page = _item_pages([item.pk]).get(item.pk) or Page(item.pk, item.title)
        return [
            statements.item_experienced(
                person=_person(learner), item=page, course=_course_page(course), first_seen_at=first_seen_at
            )
        ]

    record(_safely(build), learner_id=learner_id)


def items_completed(*, learner, course, item_ids) -> None:
    """Items marked done: "completed" for each, at the time it was first completed."""
    if not conf.configured() or not item_ids:
        return
    learner_id = getattr(learner, "pk", learner)
    rows = list(
        ItemProgress.objects.filter(
            learner_id=learner_id, item_id__in=list(item_ids), completed_at__isnull=False
        ).values_list("item_id", "completed_at", "tested_out_attempt")
    )
    if not rows:
        return

    def build():
        pages = _item_pages(item_id for item_id, *_rest in rows)
        person, course_page = _person(learner), _course_page(course)
        return [
            statements.item_completed(
                person=person,
                item=pages.get(item_id) or Page(item_id, ""),
                course=course_page,
                completed_at=completed_at,
                tested_out_attempt=tested_out,
            )
            for item_id, completed_at, tested_out in rows
        ]

    record(_safely(build), learner_id=learner_id)


def _answers(attempt) -> list[statements.Answer]:
    answers = []
    for answer in AttemptAnswer.objects.filter(attempt_id=attempt.pk).order_by("position"):
        if not 0 <= answer.position < len(attempt.questions):
            continue
        data = attempt.question_data(answer.position)
        kind = question_type(data.kind)
        response = None
        if data.kind not in MANUALLY_MARKED:
            response = kind.response_text(data, kind.from_stored(data, answer.response))
        answers.append(
            statements.Answer(
                position=answer.position,
                question_id=answer.question_id,
                kind=str(data.kind),
                interaction_type=kind.xapi_interaction_type,
                text=data.title or data.text,
                response=response,
                score=answer.score,
                correct=answer.correct,
                saved_at=answer.saved_at,
            )
        )
    return answers


def quiz_result(attempt) -> None:
    """A quiz attempt graded: attempted, answered (each answer), passed or failed with the score."""
    if not conf.configured():
        return

    def build():
        quiz = _item_pages([attempt.quiz_id]).get(attempt.quiz_id) or Page(attempt.quiz_id, "")
        return statements.quiz_attempt(
            person=_person(attempt.learner_id),
            attempt=attempt,
            quiz=quiz,
            course=_course_page(attempt.course_id),
            answers=_answers(attempt),
        )

    record(_safely(build), learner_id=attempt.learner_id)


def course_completed(completion) -> None:
    if not conf.configured():
        return

    def build():
        return [
            statements.course_completed(
                person=_person(completion.learner_id),
                course=_course_page(completion.course_id),
                completion=completion,
            )
        ]

    record(_safely(build), learner_id=completion.learner_id)


def certificate_issued(certificate) -> None:
    if not conf.configured():
        return

    def build():
        return [
            statements.certificate_earned(person=_person(certificate.learner_id), certificate=certificate)
        ]

    record(_safely(build), learner_id=certificate.learner_id)


def session_attended(attendance) -> None:
    """An attendee of an in-person session that has just closed (classroom.services.session_close)."""
    if not conf.configured():
        return

    def build():
        session = attendance.session
        course = _course_page(session.course_id) if session.course_id else None
        return [
            statements.session_attended(
                person=_person(attendance.learner), attendance=attendance, session=session, course=course
            )
        ]

    record(_safely(build), learner_id=attendance.learner_id)
