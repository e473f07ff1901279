"""Writes of SCORM attempts. A commit is applied only if it is newer than what is stored (its sequence
number), in one conditional UPDATE, so a replayed or overtaken commit never takes data backwards; a
commit that makes the attempt finished (completed or passed) marks the lesson done through
progress.services.item_complete, like any lesson.

Commits are the runtime's hot path (hundreds a second): what a commit needs to know about its attempt
that never changes (its learner, lesson, course and the package's pass rule) is kept in the cache, and for
a minute in the app server's own memory (a runtime commits to the same server again and again), so a
commit is the session, the signed-in user and one UPDATE."""

import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connections, router, transaction
from django.utils import timezone

from progress import services as progress
from scorm import cmi
from scorm.models import ScormAttempt, ScormPage

NotEnrolled = progress.NotEnrolled
META_SECONDS = 3600
# Per app server process: an attempt's meta for a minute, at most this many attempts. Only ``done`` can
# change, and only from False to True; a stale False costs the finished attempt's commits two UPDATEs
# that find nothing to do (and the memo is put right by the first of them).
MEMO_SECONDS = 60
MEMO_SIZE = 4096
_memo: OrderedDict = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(uuid) -> dict | None:
    with _memo_lock:
        found = _memo.get(uuid)
        if found is None:
            return None
        if found[0] < time.monotonic():
            del _memo[uuid]
            return None
        return found[1]


def _memo_put(uuid, meta: dict) -> None:
    with _memo_lock:
        _memo[uuid] = (time.monotonic() + MEMO_SECONDS, meta)
        _memo.move_to_end(uuid)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def _memo_forget(uuid) -> None:
    with _memo_lock:
        _memo.pop(uuid, None)


def memo_clear() -> None:
    """Forget every memoised attempt (tests)."""
    with _memo_lock:
        _memo.clear()


def attempt_open(*, learner, item: ScormPage, course) -> ScormAttempt:
    """The learner's current attempt at this lesson, started if they have none (or if the package was
    replaced since). Refused (NotEnrolled, nothing written) when the course is not open to them."""
    progress.enrolment_require(learner=learner, course=course)
    latest = ScormAttempt.objects.filter(learner=learner, item_id=item.pk).order_by("-number").first()
    if latest is not None and latest.package_id == item.package_id:
        return latest
    number = latest.number + 1 if latest is not None else 1
    attempt, _created = ScormAttempt.objects.get_or_create(
        learner=learner,
        item_id=item.pk,
        number=number,
        defaults={"course_id": course.pk, "package_id": item.package_id},
    )
    return attempt


@dataclass
class AttemptMeta:
    """What a commit needs to know about its attempt (none of it changes but ``done``)."""

    pk: int
    learner_id: int
    item_id: int
    course_id: int
    version: str
    mastery_score: float | None
    scaled_passing_score: float | None
    done: bool


def _meta_key(uuid) -> str:
    return f"scorm:attempt:{uuid}"


def attempt_meta(*, uuid, learner_id: int) -> AttemptMeta | None:
    """The attempt ``uuid`` if it is this learner's (None otherwise): from this process's memo, else the
    cache, else one query."""
    found = _memo_get(uuid)
    if found is None:
        found = cache.get(_meta_key(uuid))
        if found is not None:
            _memo_put(uuid, found)
    if found is None:
        row = (
            ScormAttempt.objects.filter(uuid=uuid)
            .values_list(
                "pk",
                "learner_id",
                "item_id",
                "course_id",
                "package__version",
                "package__mastery_score",
                "package__scaled_passing_score",
                "completed_at",
            )
            .first()
        )
        if row is None:
            return None
        found = asdict(AttemptMeta(*row[:7], done=row[7] is not None))
        cache.set(_meta_key(uuid), found, META_SECONDS)
        _memo_put(uuid, found)
    if found["learner_id"] != learner_id:
        return None
    return AttemptMeta(**found)


def _update_if_newer(*, pk: int, seq: int, values: dict) -> bool:
    """``ScormAttempt.objects.filter(pk=pk, seq__lt=seq).update(**values)``, as the same single statement
    but without building the query each time (a third of a commit's own CPU time): the columns and
    the database's form of each value come from the model's fields."""
    connection = connections[router.db_for_write(ScormAttempt)]
    meta, quote = ScormAttempt._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Names from the model, every value a parameter.
    where = f"{quote(meta.pk.column)} = %s AND {quote(meta.get_field('seq').column)} < %s"
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk, seq])
        return cursor.rowcount > 0


def attempt_commit(
    *, uuid, meta: AttemptMeta, seq: int, data: dict, total_seconds=None
) -> tuple[bool, cmi.Outcome]:
    """Store a commit of the runtime if it is newer than the stored one (True), else change nothing
    (False). ``data`` is checked by scorm.cmi.clean_data (CommitRefused)."""
    data = cmi.clean_data(data, meta.version)
    result = cmi.outcome(
        data,
        version=meta.version,
        mastery_score=meta.mastery_score,
        scaled_passing_score=meta.scaled_passing_score,
    )
    values = {
        "seq": seq,
        "data": data,
        "completion_status": result.completion_status,
        "success_status": result.success_status,
        "score_raw": result.score_raw,
        "score_min": result.score_min,
        "score_max": result.score_max,
        "score_scaled": result.score_scaled,
        "updated_at": timezone.now(),
    }
    if total_seconds is not None:
        try:
            values["total_seconds"] = max(0, min(int(float(total_seconds)), cmi.MAX_TOTAL_SECONDS))
        except (TypeError, ValueError, OverflowError):
            raise cmi.CommitRefused("bad total_seconds") from None
    if not (result.done and not meta.done) and not (result.passed and not meta.done):
        # The usual commit: one statement, atomic on its own.
        if _update_if_newer(pk=meta.pk, seq=seq, values=values):
            return True, result
        _memo_forget(uuid)  # a replay, or the attempt is gone: the next commit looks it up again
        return False, result
    now = values["updated_at"]
    with transaction.atomic():
        if not _update_if_newer(pk=meta.pk, seq=seq, values=values):
            _memo_forget(uuid)
            return False, result
        if result.passed:
            ScormAttempt.objects.filter(pk=meta.pk, passed_at__isnull=True).update(passed_at=now)
        # Only the first commit that finishes the attempt finds completed_at empty.
        if result.done and ScormAttempt.objects.filter(pk=meta.pk, completed_at__isnull=True).update(
            completed_at=now
        ):
            attempt = ScormAttempt.objects.select_related("learner", "item", "course").get(pk=meta.pk)
            progress.item_complete(learner=attempt.learner, item=attempt.item, course=attempt.course)
            meta.done = True
            transaction.on_commit(lambda: cache.set(_meta_key(uuid), asdict(meta), META_SECONDS))
        elif result.done and not meta.done:
            # Finished on another app server since this one memoised it: look it up again next time.
            _memo_forget(uuid)
    return True, result
