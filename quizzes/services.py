"""Writes for quiz attempts. Every submission is graded exactly once: the attempt row is
locked for each write, a closed attempt never changes again (but once, when a trainer's last mark of
its written answers grades it: quizzes.marking), and the database refuses a second open attempt or a
duplicate attempt number."""

import contextlib
import functools
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from courses.models import CoursePage
from progress import services as progress_services
from quizzes.grading import InvalidResponse, coerce_response
from quizzes.kinds import question_type
from quizzes.models import AttemptAnswer, Question, QuizAttempt, QuizPage
from quizzes.questiondata import MANUALLY_MARKED
from quizzes.testout import skip_covered_lessons

# Apps that report learning events (xapi) register here: hook(attempt), called once per attempt when its
# result is recorded (closing it, or a trainer's last mark), inside that transaction.
QUIZ_RESULT_HOOK = "frontline_quiz_result_recorded"


class QuizError(Exception):
    message = _("This quiz cannot be taken right now.")

    def __str__(self):
        return str(self.message)


class AttemptLimitReached(QuizError):
    message = _("You have used all your attempts at this quiz.")


class AttemptClosed(QuizError):
    message = _("This attempt is closed; your answers were already marked.")


class AwaitingMarking(QuizError):
    message = _(
        "Your last attempt is waiting for a trainer to mark your written answers. "
        "You can try again once it is marked."
    )


class AnswerLocked(QuizError):
    message = _("You already checked this answer, so it can no longer be changed.")


class NoQuestions(QuizError):
    message = _("This quiz has no published questions yet.")


class BadResponse(QuizError):
    message = _("That answer could not be read. Please answer again.")


def _image_snapshot(question: Question) -> dict | None:
    if not question.image_id:
        return None
    image = question.image
    return {"id": image.pk, "width": image.width, "height": image.height}


def quiz_questions_draw(quiz: QuizPage, *, rng: random.Random) -> list[dict]:
    """The questions for a new attempt, copied in full (content, revision, display order)."""
    wanted: list[int] = []
    draws: list[tuple[int, int]] = []
    for block in quiz.questions:
        if block.block_type == "question" and block.value["question"] is not None:
            wanted.append(block.value["question"].pk)
        elif block.block_type == "random" and block.value["category"] is not None:
            draws.append((block.value["category"].pk, block.value["count"]))
    live = Question.objects.filter(live=True)
    # Which draw each question came from: the snapshot says so, so a report or the statistics can tell
    # a question every learner had from one drawn for this attempt only.
    drawn_from: dict[int, dict] = {}
    for category_id, count in draws:
        pool = [
            pk for pk in live.filter(category_id=category_id).values_list("pk", flat=True) if pk not in wanted
        ]
        drawn = rng.sample(pool, min(count, len(pool)))
        wanted.extend(drawn)
        for pk in drawn:
            drawn_from[pk] = {"category_id": category_id, "count": count, "pool": len(pool)}
    by_id = {q.pk: q for q in live.filter(pk__in=wanted).select_related("image", "category")}
    chosen = [by_id[pk] for pk in dict.fromkeys(wanted) if pk in by_id]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    snapshot = []
    for question in chosen:
        data = question.to_data()
        entry = {
            "question_id": question.pk,
            "revision_id": question.live_revision_id,
            "data": data.as_dict(),
            "image": _image_snapshot(question),
        }
        if question.pk in drawn_from:
            entry["drawn_from"] = drawn_from[question.pk]
        question_type(data.kind).start(data, entry, shuffle_options=quiz.shuffle_options, rng=rng)
        snapshot.append(entry)
    return snapshot


def attempt_start(*, learner, quiz: QuizPage, course: CoursePage, now=None, rng=None) -> QuizAttempt:
    """Resume the open attempt, or start the next one if the limit allows. Concurrent starts by
    the same learner queue on a row lock and all get the same attempt.

    Only for a learner the enrolment rule allows (``progress_services.NotEnrolled`` otherwise,
    nothing written); starting a quiz of an open course joins the course."""
    now = now or timezone.now()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=learner.pk).first()
        progress_services.enrolment_join(learner=learner, course=course)
        open_attempt = QuizAttempt.objects.filter(
            learner=learner, quiz_id=quiz.pk, state="in_progress"
        ).first()
        if open_attempt is not None:
            if not _expired(open_attempt, now):
                return open_attempt
            _close(open_attempt, now=now, state=QuizAttempt.State.TIMED_OUT)
        counts = QuizAttempt.objects.filter(learner=learner, quiz_id=quiz.pk).aggregate(
            used=Count("pk", filter=Q(superseded=False)), last=Max("number")
        )
        if quiz.attempts_allowed and counts["used"] >= quiz.attempts_allowed:
            raise AttemptLimitReached
        # One attempt at a time in a trainer's queue: another try before the mark would be marked
        # for nothing, and the learner learns more from the comment first.
        if QuizAttempt.objects.filter(
            learner=learner, quiz_id=quiz.pk, awaiting_marking=True, superseded=False
        ).exists():
            raise AwaitingMarking
        questions = quiz_questions_draw(quiz, rng=rng or random.SystemRandom())
        if not questions:
            raise NoQuestions
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    learner=learner,
                    quiz_id=quiz.pk,
                    course_id=course.pk,
                    number=(counts["last"] or 0) + 1,
                    quiz_revision_id=quiz.live_revision_id,
                    rules=quiz.rules_snapshot(),
                    questions=questions,
                    deadline=now + timedelta(minutes=quiz.time_limit_minutes)
                    if quiz.time_limit_minutes
                    else None,
                )
        except IntegrityError:  # a concurrent start won (databases without row locks)
            return QuizAttempt.objects.get(learner=learner, quiz_id=quiz.pk, state="in_progress")
    progress_services.item_seen(learner=learner, item=quiz, course=course)
    return attempt


def _enrolment_require(attempt: QuizAttempt) -> None:
    """The learner's writes to an attempt follow the enrolment rule, as starting it did."""
    progress_services.enrolment_require(learner=attempt.learner_id, course=attempt.course_id)


def _expired(attempt: QuizAttempt, now) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


def _locked(attempt_id: int) -> QuizAttempt:
    return QuizAttempt.objects.select_for_update().get(pk=attempt_id)


def _stored(kind: str, response):
    """A coerced response as JSON keeps it (the kind's type says how)."""
    return question_type(kind).stored(response)


def answer_save(*, attempt: QuizAttempt, position: int, response, now=None, locked: bool = False) -> None:
    """Save one answer as the learner gives it. Saving the same answer again changes nothing
    but the save counter; saving after the attempt closed is refused.

    ``locked``: the caller already holds this attempt's row lock in the current transaction
    (``attempt_for_learner(..., lock=True)``), so it is not taken again. Otherwise only the
    attempt's state and deadline are read under the lock: the question snapshot never changes
    after the attempt starts, so the caller's copy serves.

    Refused (``progress_services.NotEnrolled``) for a learner the enrolment rule does not allow."""
    # No enrolment check here, on the hot path (one save per answer): an open attempt exists only because
    # starting it passed the rule, an answer completes nothing, and submitting checks again.
    now = now or timezone.now()
    if locked:
        if not connection.in_atomic_block:
            raise transaction.TransactionManagementError(
                "answer_save(locked=True) needs the caller's transaction"
            )
        _answer_write(attempt, attempt, position, response, now)
        return
    with transaction.atomic():
        _answer_write(_locked_state(attempt.pk), attempt, position, response, now)


def _answer_write(current: QuizAttempt, attempt: QuizAttempt, position: int, response, now) -> None:
    """``current``: the locked row's state and deadline; ``attempt``: its question snapshot."""
    if not current.is_open:
        raise AttemptClosed
    if _expired(current, now):
        _close(
            attempt if current is attempt else _locked(attempt.pk), now=now, state=QuizAttempt.State.TIMED_OUT
        )
        raise AttemptClosed
    if not 0 <= position < len(attempt.questions):
        raise BadResponse
    data = attempt.question_data(position)
    try:
        value = _stored(data.kind, coerce_response(data, response))
    except InvalidResponse:
        raise BadResponse from None
    if not _answer_upsert(attempt.pk, position, attempt.questions[position]["question_id"], value, now):
        raise AnswerLocked


def _locked_state(attempt_id: int) -> QuizAttempt:
    return QuizAttempt.objects.select_for_update().only("id", "state", "deadline").get(pk=attempt_id)


@functools.cache
def _answer_upsert_sql(vendor: str) -> str:
    """The upsert statement, built once per database vendor (names from the model, values as
    parameters): every answer save runs it."""
    quote = connection.ops.quote_name
    meta = AttemptAnswer._meta
    table = quote(meta.db_table)
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    return (
        f"INSERT INTO {table} ({column['attempt']}, {column['position']}, {column['question_id']}, "  # noqa: S608
        f"{column['response']}, {column['saved_at']}, {column['saves']}, {column['checked']}) "
        f"VALUES (%s, %s, %s, %s, %s, 1, %s) "
        f"ON CONFLICT ({column['attempt']}, {column['position']}) DO UPDATE SET "
        f"{column['response']} = excluded.{column['response']}, "
        f"{column['saves']} = {table}.{column['saves']} + 1, "
        f"{column['saved_at']} = excluded.{column['saved_at']} "
        f"WHERE NOT {table}.{column['checked']} RETURNING {column['id']}"
    )


def _answer_upsert(attempt_id: int, position: int, question_id: int, value, now) -> bool:
    """Insert the answer, or replace an unchecked one and count the save: one statement, whoever
    saved first. False when the answer was already checked (feedback shown) and stays as it was."""
    meta = AttemptAnswer._meta
    params = [
        attempt_id,
        position,
        question_id,
        meta.get_field("response").get_db_prep_save(value, connection),
        meta.get_field("saved_at").get_db_prep_save(now, connection),
        False,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_answer_upsert_sql(connection.vendor), params)
        return cursor.fetchone() is not None


def answer_check(*, attempt: QuizAttempt, position: int) -> AttemptAnswer:
    """Feedback after each question: mark this answer now and lock it."""
    _enrolment_require(attempt)
    with transaction.atomic():
        locked = _locked(attempt.pk)
        if locked.rules.get("feedback_mode") != QuizPage.Feedback.EACH or not locked.is_open:
            raise AttemptClosed
        answer = AttemptAnswer.objects.select_for_update().filter(attempt=locked, position=position).first()
        if answer is None:
            raise BadResponse
        # A written answer is never checked here: a trainer marks it after the attempt is handed in.
        if not answer.checked and locked.question_data(position).kind not in MANUALLY_MARKED:
            result = _grade_one(locked, position, answer.response)
            answer.score, answer.correct, answer.checked = result.score, result.correct, True
            answer.save(update_fields=["score", "correct", "checked"])
        return answer


def _grade_one(attempt: QuizAttempt, position: int, response):
    data = attempt.question_data(position)
    image = attempt.questions[position].get("image") or {}
    aspect = (image.get("height") or 1) / (image.get("width") or 1)
    kind_type = question_type(data.kind)
    return kind_type.grade(data, kind_type.from_stored(data, response), aspect=aspect)


def answer_is_written(response) -> bool:
    """A written answer there is something to mark in (a blank one scores 0 and needs no trainer)."""
    return isinstance(response, str) and bool(response.strip())


def _close(attempt: QuizAttempt, *, now, state: str) -> QuizAttempt:
    """Grade every question (unanswered ones score 0) and close. Caller holds the row lock.

    Written answers (``MANUALLY_MARKED``) are left unscored for a trainer: the attempt then closes
    ``awaiting_marking``, with score, percent and passed empty until quizzes.marking records the last
    mark and calls :func:`attempt_result_record`."""
    answers = {a.position: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    total = 0.0
    awaiting = False
    for position in range(len(attempt.questions)):
        answer = answers.get(position)
        if answer is not None and _awaits_trainer(attempt, position, answer.response):
            answer.score, answer.correct = None, None
            awaiting = True
            continue
        result = _grade_one(attempt, position, answer.response if answer else None)
        total += result.score
        if answer is not None:
            answer.score, answer.correct = result.score, result.correct
    # One short UPDATE per distinct mark (right / wrong, or a few partial credits), not one
    # statement with a CASE per answer.
    by_mark: dict[tuple, list[int]] = {}
    for answer in answers.values():
        by_mark.setdefault((answer.score, answer.correct), []).append(answer.pk)
    for (score, correct), ids in by_mark.items():
        AttemptAnswer.objects.filter(pk__in=ids).update(score=score, correct=correct)
    attempt.state = state
    attempt.submitted_at = now
    if awaiting:
        attempt.awaiting_marking = True
        attempt.save(update_fields=["state", "submitted_at", "awaiting_marking"])
        return attempt
    return attempt_result_record(attempt, total=total, also=("state", "submitted_at"))


def _awaits_trainer(attempt: QuizAttempt, position: int, response) -> bool:
    return attempt.question_data(position).kind in MANUALLY_MARKED and answer_is_written(response)


def attempt_result_record(attempt: QuizAttempt, *, total: float, also: tuple[str, ...] = ()) -> QuizAttempt:
    """Record a closed attempt's result from its ``total`` points (one per question at most): score,
    percent, passed against the pass rule it ran under; a pass completes the quiz item (and so maybe
    the course). The one place the pass rule is applied: closing an attempt and a trainer's last mark
    (quizzes.marking) both come here. Caller holds the row lock; ``also``: more fields to save."""
    maximum = float(len(attempt.questions))
    attempt.score = round(total, 4)
    attempt.max_score = maximum
    attempt.percent = int(total * 100 / maximum + 1e-9) if maximum else 0
    attempt.passed = attempt.percent >= attempt.rules["pass_mark"]
    attempt.save(update_fields=["score", "max_score", "percent", "passed", *also])
    for follow in hooks.get_hooks(QUIZ_RESULT_HOOK):
        follow(attempt)
    # An attempt from an earlier round of training (re-assigned while it awaited marking) is history:
    # its pass is recorded but completes nothing in this round.
    if attempt.passed and not attempt.superseded:
        quiz = QuizPage.objects.filter(pk=attempt.quiz_id).first()
        course = CoursePage.objects.filter(pk=attempt.course_id).first()
        # The learner's submit was checked against the enrolment rule; an attempt closed by its
        # deadline (or marked by a trainer) is graded whoever took it, but completes the item only
        # for a learner allowed.
        if quiz is not None and course is not None:
            with contextlib.suppress(progress_services.NotEnrolled):
                progress_services.item_complete(learner=attempt.learner, item=quiz, course=course)
                skip_covered_lessons(attempt)
    return attempt


def attempt_submit(*, attempt: QuizAttempt, now=None, locked: bool = False) -> QuizAttempt:
    """Grade and close. Double clicks, two tabs or replayed requests all get the one result.
    ``locked``: the caller holds the attempt's row lock in its transaction (read with the lock).
    Refused (``progress_services.NotEnrolled``) for a learner the enrolment rule does not allow."""
    _enrolment_require(attempt)
    now = now or timezone.now()
    with transaction.atomic(savepoint=not locked):
        current = attempt if locked else _locked(attempt.pk)
        if not current.is_open:
            return current
        state = QuizAttempt.State.TIMED_OUT if _expired(current, now) else QuizAttempt.State.SUBMITTED
        return _close(current, now=now, state=state)


def attempt_close_if_expired(*, attempt: QuizAttempt, now=None) -> QuizAttempt:
    now = now or timezone.now()
    if attempt.is_open and _expired(attempt, now):
        with transaction.atomic():
            locked = _locked(attempt.pk)
            if locked.is_open:
                return _close(locked, now=now, state=QuizAttempt.State.TIMED_OUT)
            return locked
    return attempt


def attempts_close_expired(*, now=None) -> int:
    """Close every open attempt past its deadline (run every minute by the scheduler)."""
    now = now or timezone.now()
    closed = 0
    for attempt_id in QuizAttempt.objects.filter(state="in_progress", deadline__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            locked = _locked(attempt_id)
            if locked.is_open:
                _close(locked, now=now, state=QuizAttempt.State.TIMED_OUT)
                closed += 1
    return closed
