"""Writes of SCORM attempts. A commit is applied only if it is newer than what is stored (its sequence
number), in one conditional UPDATE, so a replayed or overtaken commit never takes data backwards; a
commit that makes the attempt finished (completed or passed) marks the lesson done through
progress.services.item_complete, like any lesson."""

from django.db import transaction
from django.utils import timezone

from progress import services as progress
from scorm import cmi
from scorm.models import ScormAttempt, ScormPage

NotEnrolled = progress.NotEnrolled


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


def attempt_commit(*, attempt: ScormAttempt, seq: int, data: dict, total_seconds=None) -> bool:
    """Store a commit of the runtime if it is newer than the stored one (True), else change nothing
    (False). ``data`` is checked by scorm.cmi.clean_data (CommitRefused)."""
    package = attempt.package
    data = cmi.clean_data(data, package.version)
    result = cmi.outcome(
        data,
        version=package.version,
        mastery_score=package.mastery_score,
        scaled_passing_score=package.scaled_passing_score,
    )
    seconds = attempt.total_seconds
    if total_seconds is not None:
        try:
            seconds = max(0, min(int(float(total_seconds)), cmi.MAX_TOTAL_SECONDS))
        except (TypeError, ValueError, OverflowError):
            raise cmi.CommitRefused("bad total_seconds") from None
    now = timezone.now()
    with transaction.atomic():
        changed = ScormAttempt.objects.filter(pk=attempt.pk, seq__lt=seq).update(
            seq=seq,
            data=data,
            completion_status=result.completion_status,
            success_status=result.success_status,
            score_raw=result.score_raw,
            score_min=result.score_min,
            score_max=result.score_max,
            score_scaled=result.score_scaled,
            total_seconds=seconds,
            updated_at=now,
        )
        if not changed:
            return False
        if result.done and attempt.completed_at is None:
            # Only the first commit that finishes the attempt gets here with completed_at empty.
            first = ScormAttempt.objects.filter(pk=attempt.pk, completed_at__isnull=True).update(
                completed_at=now
            )
            if first:
                attempt.completed_at = now
                progress.item_complete(learner=attempt.learner, item=attempt.item, course=attempt.course)
        if result.passed and attempt.passed_at is None:
            ScormAttempt.objects.filter(pk=attempt.pk, passed_at__isnull=True).update(passed_at=now)
            attempt.passed_at = now
    attempt.seq = seq
    attempt.data = data
    attempt.completion_status = result.completion_status
    attempt.success_status = result.success_status
    attempt.score_raw, attempt.score_scaled = result.score_raw, result.score_scaled
    attempt.total_seconds = seconds
    return True
