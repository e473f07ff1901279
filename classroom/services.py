"""Writes of in-person sessions: plan, change, check in, close.

Check-in is idempotent (a second scan or tap returns the first check-in) and holds the session row
(``select_for_update``) while it counts, so capacity holds when a room full of phones scans at once on
PostgreSQL (SQLite serialises writers anyway: core/sqlite.py). Closing gives every attendee the course
(or the lessons ticked as covered) as of the session's date through progress's services, with the
session named in their transcript; people who did not come stay as they were (assigned, overdue).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log

from accounts.models import OrgUnit, Position
from accounts.scope import scope_for
from classroom.models import (
    OfflineCheckIn,
    RefusedCheckIn,
    SessionAttendance,
    SessionPhoto,
    TrainingSession,
)
from classroom.selectors import learner_invited
from courses.models import CourseItemPage, CoursePage
from progress import services as progress_services
from progress.models import Enrolment

CREATE_LOG_ACTION = "classroom.session_create"
CHANGE_LOG_ACTION = "classroom.session_change"
CLOSE_LOG_ACTION = "classroom.session_close"
CHECK_IN_LOG_ACTION = "classroom.check_in"
PHOTO_LOG_ACTION = "classroom.photo_add"
# Learning events for apps that report them (xapi): hook(attendance=) after a session closed, once per
# attendee, in the transaction.
SESSION_ATTENDED_HOOK = "frontline_session_attended"
# Invitations (notifications): hook(session_id=, moved=) after a session was planned or changed, in the
# transaction; ``moved`` when its time or place changed (the invited are told again).
SESSION_PLANNED_HOOK = "frontline_session_planned"

# Scanning opens this long before the session starts and closes when it ends.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(hours=1)


class CheckInRefused(PermissionDenied):
    """Why a check-in was refused, in words for the person who tried (a PermissionDenied: a view that
    does not catch it answers 403, never 500)."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


REFUSALS = {
    "closed": _("This session has closed: check-in is over."),
    "not_yet": _("Check-in opens an hour before the session starts."),
    "ended": _("This session has ended: ask the trainer to check you in."),
    "full": _("This session is full."),
    "not_invited": _("This session is only for the people invited to it. Ask the trainer."),
}


def _refuse(code: str):
    raise CheckInRefused(REFUSALS[code], code)


def _require_units_in_scope(actor, units) -> None:
    scope = scope_for(actor)
    if scope.everything or _is_trainer_only(actor):
        return
    if any(not scope.contains(unit) for unit in units):
        raise ValidationError(
            gettext("You can only plan sessions for units in your part of the organisation.")
        )


def _is_trainer_only(actor) -> bool:
    """A trainer (no unit to manage) plans sessions for any unit; they see only the sessions they run."""
    return not actor.is_superuser and scope_for(actor).nothing


def _apply(session: TrainingSession, fields: dict) -> None:
    for name, value in fields.items():
        setattr(session, name, value)


@transaction.atomic
def session_create(
    *,
    actor,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    capacity: int,
    unit: OrgUnit,
    trainer=None,
    course: CoursePage | None = None,
    invited_units: list[OrgUnit] | None = None,
    invited_positions: list[Position] | None = None,
    hours: Decimal = Decimal("1.0"),
    allow_uninvited: bool = True,
) -> TrainingSession:
    invited_units = list(invited_units or [])
    _require_units_in_scope(actor, [unit, *invited_units])
    session = TrainingSession(created_by=actor, trainer=trainer or actor)
    _apply(
        session,
        {
            "title": title,
            "course": course,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "capacity": capacity,
            "unit": unit,
            "hours": hours,
            "allow_uninvited": allow_uninvited,
        },
    )
    session.full_clean()
    session.save()
    session.invited_units.set(invited_units)
    session.invited_positions.set(invited_positions or [])
    log(instance=session, action=CREATE_LOG_ACTION, user=actor, data=_log_data(session))
    _announce(session, moved=False)
    return session


def _announce(session: TrainingSession, *, moved: bool) -> None:
    for follow in hooks.get_hooks(SESSION_PLANNED_HOOK):
        follow(session_id=session.pk, moved=moved)


@transaction.atomic
def session_update(*, session: TrainingSession, actor, invited_units=None, invited_positions=None, **fields):
    """Change a session that has not closed (a closed one is history: ValidationError)."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.closed:
        raise ValidationError(gettext("This session has closed and can no longer be changed."))
    invited_units = list(invited_units if invited_units is not None else session.invited_units.all())
    _require_units_in_scope(actor, [fields.get("unit", session.unit), *invited_units])
    before = (session.starts_at, session.ends_at, session.place)
    _apply(session, fields)
    session.full_clean()
    session.save()
    session.invited_units.set(invited_units)
    if invited_positions is not None:
        session.invited_positions.set(invited_positions)
    log(instance=session, action=CHANGE_LOG_ACTION, user=actor, data=_log_data(session))
    _announce(session, moved=before != (session.starts_at, session.ends_at, session.place))
    return session


def _log_data(session: TrainingSession) -> dict:
    return {
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "place": session.place,
        "course": session.course_id,
    }


def session_check_in(
    *,
    session: TrainingSession | int,
    learner,
    method: str = SessionAttendance.Method.QR,
    actor=None,
    now: datetime.datetime | None = None,
) -> tuple[SessionAttendance, bool]:
    """Check ``learner`` in: (the attendance, whether it is new). Checking in twice returns the first
    check-in and changes nothing.

    Refused (CheckInRefused, no check-in written) when the session has closed or is full; a scanned
    code (method "qr") also outside the hour before the start until the end, and from someone not
    invited when the session accepts only invited people (the attempt is kept, `RefusedCheckIn`, to
    show on the roster). The trainer's roster ("roster", "offline") checks in anyone, after the end
    too, until the session closes."""
    now = now or timezone.now()
    session_id = session if isinstance(session, int) else session.pk
    try:
        return _check_in(session_id=session_id, learner=learner, method=method, actor=actor, now=now)
    except CheckInRefused as refusal:
        if refusal.code == "not_invited":
            # Shown on the roster, where the trainer may still check them in.
            RefusedCheckIn.objects.get_or_create(
                session_id=session_id, learner=learner, defaults={"tried_at": now}
            )
        raise


def _check_in(*, session_id: int, learner, method: str, actor, now) -> tuple[SessionAttendance, bool]:
    with transaction.atomic():
        # The row lock makes concurrent check-ins to one session count one after another.
        locked = TrainingSession.objects.select_for_update().get(pk=session_id)
        existing = SessionAttendance.objects.filter(session=locked, learner=learner).first()
        if existing is not None:
            return existing, False
        if locked.closed:
            _refuse("closed")
        if method == SessionAttendance.Method.QR:
            if now < locked.starts_at - CHECK_IN_OPENS_BEFORE:
                _refuse("not_yet")
            if now > locked.ends_at:
                _refuse("ended")
        if SessionAttendance.objects.filter(session=locked).count() >= locked.capacity:
            _refuse("full")
        invited = learner_invited(locked, learner)
        # The trainer's roster may check in anyone; a scan from someone not invited, only if the session
        # accepts them.
        if not invited and not locked.allow_uninvited and method == SessionAttendance.Method.QR:
            _refuse("not_invited")
        attendance = SessionAttendance.objects.create(
            session=locked,
            learner=learner,
            checked_in_at=now,
            method=method,
            invited=invited,
            recorded_by=actor or learner,
        )
        if locked.status == TrainingSession.Status.PLANNED:
            TrainingSession.objects.filter(pk=locked.pk).update(status=TrainingSession.Status.OPEN)
        log(
            instance=locked,
            action=CHECK_IN_LOG_ACTION,
            user=actor or learner,
            data={"learner": learner.pk, "name": str(learner), "method": method, "invited": invited},
        )
    return attendance, True


# How far the trainer's phone clock may be ahead of the server's (a tap later than this is refused).
OFFLINE_CLOCK_SKEW = datetime.timedelta(minutes=5)


def session_offline_check_in(
    *, session: TrainingSession, learner, key, tapped_at: datetime.datetime, actor
) -> OfflineCheckIn:
    """A roster tap the trainer made with no signal, sent by their phone when back online.

    Each ``key`` is taken once per trainer: a repeat (a retry, another tab, a reload) returns the first
    outcome and changes nothing, also when two arrive at once (the unique key makes the second wait
    for the first). Accepted: someone on the roster (the caller checks), tapped no later than now (within
    `OFFLINE_CLOCK_SKEW`) and not before check-in opened, while the session has not closed: checked in
    (method "offline") at the tap's time. Anything else is kept as refused, with the reason as its
    outcome."""
    Outcome = OfflineCheckIn.Outcome
    with transaction.atomic():
        record, created = OfflineCheckIn.objects.get_or_create(
            recorded_by=actor,
            key=key,
            defaults={"session": session, "learner": learner, "tapped_at": tapped_at, "outcome": ""},
        )
        if not created:
            return record
        now = timezone.now()
        if tapped_at > now + OFFLINE_CLOCK_SKEW:
            record.outcome = Outcome.FUTURE
        elif tapped_at < session.starts_at - CHECK_IN_OPENS_BEFORE:
            record.outcome = Outcome.TOO_EARLY
        else:
            try:
                with transaction.atomic():
                    _attendance, new = _check_in(
                        session_id=session.pk,
                        learner=learner,
                        method=SessionAttendance.Method.OFFLINE,
                        actor=actor,
                        now=min(tapped_at, now),
                    )
            except CheckInRefused as refusal:
                record.outcome = Outcome.CLOSED if refusal.code == "closed" else Outcome.FULL
            else:
                record.outcome = Outcome.RECORDED if new else Outcome.ALREADY
        record.save(update_fields=["outcome"])
    return record


# Evidence photos: a phone's photo is 2–6 MB; twenty of them cover a sign-in sheet of many pages.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTOS_PER_SESSION = 20


def photo_kind(head: bytes) -> str | None:
    """The kind of picture these first bytes start (JPEG, PNG, WebP), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return SessionPhoto.Kind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return SessionPhoto.Kind.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return SessionPhoto.Kind.WEBP
    return None


def _photo_check(file) -> str:
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(gettext("The photo is larger than 10 MB. Take it again at a smaller size."))
    file.seek(0)
    kind = photo_kind(file.read(16))
    if kind is None:
        raise ValidationError(
            gettext("“%(name)s” is not a photo. Choose a JPEG, PNG or WebP picture.") % {"name": file.name}
        )
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            gettext("“%(name)s” cannot be read as a picture. Take the photo again.") % {"name": file.name}
        ) from None
    file.seek(0)
    return kind


@transaction.atomic
def session_photo_add(*, session: TrainingSession, file, actor) -> SessionPhoto:
    """Keep a photo of the signed sheet or the room with the session (also after it closed: the paper
    is often photographed afterwards). The file must be a JPEG, PNG or WebP picture by its first bytes
    and readable as one, at most `PHOTO_MAX_BYTES`; a session holds at most `PHOTOS_PER_SESSION`."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.photos.count() >= PHOTOS_PER_SESSION:
        raise ValidationError(
            gettext("A session keeps at most %(count)s photos.") % {"count": PHOTOS_PER_SESSION}
        )
    kind = _photo_check(file)
    photo = SessionPhoto(session=session, kind=kind, size=file.size, uploaded_by=actor)
    photo.file.save(f"photo.{kind}", file, save=False)
    photo.full_clean()
    photo.save()
    log(
        instance=session,
        action=PHOTO_LOG_ACTION,
        user=actor,
        data={**_log_data(session), "photo": photo.pk, "size": photo.size},
    )
    return photo


def attended_reason(session: TrainingSession) -> str:
    """What the transcript says, in the site's language (it is stored with the completion)."""
    with translation.override(settings.LANGUAGE_CODE):
        day = date_format(timezone.localtime(session.starts_at).date(), "SHORT_DATE_FORMAT")
        return gettext("Attended session “%(title)s” on %(date)s") % {"title": session.title, "date": day}


@transaction.atomic
def session_close(*, session: TrainingSession, actor, covered_item_ids: list[int] | None = None) -> int:
    """Close the session: no more check-ins, and each attendee gets the course completed as of the
    session's date (or, when ``covered_item_ids`` names lessons of the course, those lessons done at
    that time, the course completing if that finishes it). Returns the number of attendees.

    Closing a closed session changes nothing (ValidationError)."""
    session = (
        TrainingSession.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    )
    if session.closed:
        raise ValidationError(gettext("This session has already closed."))
    course = session.course
    if course is not None and not course.live:
        course = None  # an unpublished course: the hours still count, nothing to complete
    items = []
    if course is not None and covered_item_ids:
        items = list(CourseItemPage.objects.live().child_of(course).filter(pk__in=covered_item_ids))
    session.status = TrainingSession.Status.CLOSED
    session.closed_at = timezone.now()
    session.covered_items = [item.pk for item in items]
    session.save(update_fields=["status", "closed_at", "covered_items"])
    at = min(session.ends_at, timezone.now())
    reason = attended_reason(session)
    attendances = list(session.attendances.select_related("learner"))
    for attendance in attendances:
        learner = attendance.learner
        if course is not None:
            if items:
                progress_services.enrolment_join(
                    learner=learner, course=course, source=Enrolment.Source.MANAGER
                )
                for item in items:
                    progress_services.item_complete(learner=learner, item=item, course=course, at=at)
            else:
                progress_services.course_completion_attended(
                    learner=learner, course=course, at=at, actor=actor, reason=reason
                )
        for follow in hooks.get_hooks(SESSION_ATTENDED_HOOK):
            follow(attendance=attendance)
    log(
        instance=session,
        action=CLOSE_LOG_ACTION,
        user=actor,
        data={**_log_data(session), "attended": len(attendances), "covered": session.covered_items},
    )
    return len(attendances)
