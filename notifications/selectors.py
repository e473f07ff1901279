"""Who is owed which reminder today, and what a person's notification list and badge show.

The reminder selectors are pure reads: they yield ``ReminderDraft``s and write nothing, so the
same day can be selected any number of times (services turn drafts into rows exactly once).
Each runs a fixed number of queries, whatever the number of learners: one for the live courses,
then one streamed query (digests: two per manager).
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from accounts.scope import scope_for
from assignments.models import Assignment, AssignmentMember
from courses.models import CoursePage
from notifications.models import Notification, ReminderPreference
from progress.models import Enrolment

Kind = Notification.Kind
UNREAD_CACHE_SECONDS = 120
DIGEST_ROWS = 20


@dataclass(frozen=True)
class ReminderDraft:
    recipient_id: int
    kind: str
    dedupe_key: str
    params: dict = field(hash=False)
    link: str = ""


# --- Learners: due soon and overdue -------------------------------------------------------


def enrolments_outstanding() -> QuerySet[Enrolment]:
    """Assigned, unfinished training of active people, in courses that are still published."""
    return Enrolment.objects.filter(
        assigned=True, due_on__isnull=False, learner__is_active=True, course__live=True
    ).exclude(status=Enrolment.Status.COMPLETED)


def enrolments_due_soon(*, today: datetime.date, within_days: int) -> QuerySet[Enrolment]:
    """Due today or in the next ``within_days`` days."""
    return enrolments_outstanding().filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=within_days)
    )


def enrolments_overdue(*, today: datetime.date) -> QuerySet[Enrolment]:
    return enrolments_outstanding().filter(due_on__lt=today)


def _live_courses() -> dict[int, tuple[str, str]]:
    """{course id: (title, URL)} for every published course: one query."""
    return {
        course.pk: (course.title, course.get_url() or "")
        for course in CoursePage.objects.live().only("id", "title", "url_path", "path", "depth")
    }


def _enrolment_drafts(enrolments: QuerySet[Enrolment], kind: str, prefix: str) -> Iterator[ReminderDraft]:
    courses = _live_courses()
    fallback = reverse("progress:my_learning")
    rows = enrolments.order_by("pk").values_list("learner_id", "course_id", "due_on")
    for learner_id, course_id, due_on in rows.iterator(chunk_size=2000):
        title, url = courses.get(course_id, ("", ""))
        if not title:
            continue  # unpublished since the query started
        yield ReminderDraft(
            recipient_id=learner_id,
            kind=kind,
            dedupe_key=f"{prefix}:{course_id}:{due_on.isoformat()}",
            params={"course": title, "course_id": course_id, "due_on": due_on.isoformat()},
            link=url or fallback,
        )


def due_soon_reminders(*, today: datetime.date, within_days: int | None = None) -> Iterator[ReminderDraft]:
    """One reminder per enrolment and due date, however many days it stays "due soon"."""
    if within_days is None:
        within_days = settings.REMINDER_DUE_SOON_DAYS
    return _enrolment_drafts(
        enrolments_due_soon(today=today, within_days=within_days), Kind.DUE_SOON, "due_soon"
    )


def overdue_reminders(*, today: datetime.date) -> Iterator[ReminderDraft]:
    """One reminder per enrolment and due date: no repeats to the learner (their manager's weekly
    digest keeps listing them). A new due date is a new reminder."""
    return _enrolment_drafts(enrolments_overdue(today=today), Kind.OVERDUE, "overdue")


# --- A course assigned ---------------------------------------------------------------------


def course_assigned_notices(
    *, assignment_id: int, learner_ids: list[int] | None = None
) -> Iterator[ReminderDraft]:
    """One notice per member of a live assignment of a published course who has not completed it.
    One query for the assignment, one streamed query for its members."""
    assignment = (
        Assignment.objects.filter(pk=assignment_id, active=True, course__live=True)
        .select_related("course")
        .first()
    )
    if assignment is None:
        return
    course = assignment.course
    members = AssignmentMember.objects.filter(assignment_id=assignment_id, learner__is_active=True).exclude(
        learner_id__in=Enrolment.objects.filter(
            course_id=course.pk, status=Enrolment.Status.COMPLETED
        ).values("learner_id")
    )
    if learner_ids is not None:
        members = members.filter(learner_id__in=learner_ids)
    link = course.get_url() or reverse("progress:my_learning")
    for learner_id, due_on in members.order_by("pk").values_list("learner_id", "due_on").iterator(2000):
        yield ReminderDraft(
            recipient_id=learner_id,
            kind=Kind.COURSE_ASSIGNED,
            dedupe_key=f"assigned:{assignment_id}:{course.pk}",
            params={
                "course": course.title,
                "course_id": course.pk,
                "due_on": due_on.isoformat() if due_on else None,
                "note": assignment.note,
            },
            link=link,
        )


# --- Certificates about to expire ---------------------------------------------------------


def _day_start(today: datetime.date) -> datetime.datetime:
    """ "Now" for the given day: the present moment today, else the start of that day."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def _certificates_expiring(today: datetime.date, within_days: int) -> Iterable:
    """``certificates.selectors.certificates_expiring`` (valid certificates expiring within the
    days, leaving out those already renewed); nothing when the certificates app is absent."""
    try:
        from certificates.selectors import certificates_expiring
    except ImportError:
        return ()
    accepts = inspect.signature(certificates_expiring).parameters
    if "now" in accepts:
        return certificates_expiring(within_days=within_days, now=_day_start(today))
    return certificates_expiring(within_days=within_days)


def _certificate_link(certificate, fallback: str) -> str:
    if hasattr(certificate, "get_absolute_url"):
        return certificate.get_absolute_url()
    try:
        return reverse("certificates:detail", kwargs={"code": certificate.code})
    except (NoReverseMatch, AttributeError):
        return fallback


def certificate_expiring_reminders(
    *, today: datetime.date, within_days: int | None = None
) -> Iterator[ReminderDraft]:
    """One reminder per certificate and expiry date (a renewed certificate is a new one)."""
    if within_days is None:
        within_days = settings.REMINDER_CERTIFICATE_EXPIRING_DAYS
    fallback = reverse("progress:my_learning")
    for certificate in _certificates_expiring(today, within_days):
        expires = certificate.expires_at
        if isinstance(expires, datetime.datetime):
            expires = timezone.localdate(expires)
        yield ReminderDraft(
            recipient_id=certificate.learner_id,
            kind=Kind.CERTIFICATE_EXPIRING,
            dedupe_key=f"cert_expiring:{certificate.pk}:{expires.isoformat()}",
            params={
                "course": certificate.course_title,
                "certificate_id": certificate.pk,
                "expires_on": expires.isoformat(),
            },
            link=_certificate_link(certificate, fallback),
        )


# --- Managers: weekly digest of overdue staff in their subtree ------------------------------


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def overdue_report_link() -> str:
    """Where a manager sees the whole overdue list: the managers' overdue report when installed."""
    for name in ("reports:overdue", "reports_overdue", "reports:overdue_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("wagtailadmin_home")


def digest_managers() -> QuerySet[User]:
    """Active people attached to a node of the tree: community to city level."""
    return User.objects.filter(is_active=True, managed_unit__isnull=False).select_related("managed_unit")


def manager_digest_reminders(*, today: datetime.date, rows: int = DIGEST_ROWS) -> Iterator[ReminderDraft]:
    """Per manager with overdue staff in their subtree (scope_for): how many, and the first
    ``rows`` of them by due date. Managers with nobody overdue get nothing. Two queries each."""
    week = iso_week(today)
    link = overdue_report_link()
    for manager in digest_managers().iterator(chunk_size=500):
        scope = scope_for(manager)
        if scope.nothing:
            continue
        overdue = enrolments_overdue(today=today).filter(scope.q("org_unit"))
        totals = overdue.aggregate(staff=Count("learner", distinct=True), enrolments=Count("pk"))
        if not totals["staff"]:
            continue
        listed = list(
            overdue.order_by("due_on", "learner_id", "pk").values(
                "learner__name", "learner__username", "org_unit__name", "course__title", "due_on"
            )[:rows]
        )
        yield ReminderDraft(
            recipient_id=manager.pk,
            kind=Kind.MANAGER_DIGEST,
            dedupe_key=f"digest:{manager.pk}:{week}",
            params={
                "unit": manager.managed_unit.name,
                "week": week,
                "staff": totals["staff"],
                "enrolments": totals["enrolments"],
                "rows": [
                    {
                        "name": row["learner__name"] or row["learner__username"],
                        "unit": row["org_unit__name"] or "",
                        "course": row["course__title"],
                        "due_on": row["due_on"].isoformat(),
                    }
                    for row in listed
                ],
                "more": max(totals["enrolments"] - len(listed), 0),
            },
            link=link,
        )


# --- A person's own notifications ----------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """Newest first; uses the (recipient, -created_at) index."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_of(*, recipient, notification_id: int) -> Notification:
    """One of the person's own notifications; anyone else's (or none) is a 404. One query."""
    return get_object_or_404(Notification, pk=notification_id, recipient=recipient)


def unread_cache_key(user_id: int) -> str:
    return f"notifications-unread:{user_id}"


def unread_count(user) -> int:
    """The badge number: from the shared cache, else one COUNT on the partial "unread" index.
    Services empty the entry when they add or read notifications (services.forget_unread_counts)."""
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def reminder_preference_for(user) -> ReminderPreference:
    """The person's choices; an unsaved all-on default if they never chose."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


# --- In-person sessions: invitations, changes, the day before ------------------------------


def _session_params(session) -> dict:
    return {
        "session": session.title,
        "session_id": session.pk,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "place": session.place,
    }


def session_moved_key(session) -> str:
    """Names one version of a session's time and place: a save that changes neither (a retried save)
    gives the same key, so nobody is told twice; each real change gives a new one."""
    digest = hashlib.sha256(
        f"{session.starts_at.isoformat()}|{session.ends_at.isoformat()}|{session.place}".encode()
    ).hexdigest()[:16]
    return f"session-changed:{session.pk}:{digest}"


def session_notices(*, session_id: int, moved: bool) -> Iterator[ReminderDraft]:
    """「你受邀参加线下培训…」 to everyone the session invites who has not been invited yet; when its time
    or place changed, 「线下培训…改为…」 to everyone invited before. Nothing for a closed session or
    one that has ended. Three queries, then one streamed query."""
    from classroom.models import TrainingSession
    from classroom.selectors import invited_people

    session = TrainingSession.objects.filter(pk=session_id).exclude(status="closed").first()
    if session is None or session.ends_at < timezone.now():
        return
    invite_key = f"session-invited:{session.pk}"
    told = set(Notification.objects.filter(dedupe_key=invite_key).values_list("recipient_id", flat=True))
    params = _session_params(session)
    link = reverse("progress:my_learning")
    for learner_id in invited_people(session).order_by("pk").values_list("pk", flat=True).iterator(2000):
        if learner_id not in told:
            yield ReminderDraft(learner_id, Kind.SESSION_INVITED, invite_key, params, link)
        elif moved:
            yield ReminderDraft(learner_id, Kind.SESSION_CHANGED, session_moved_key(session), params, link)


def session_reminders(*, today: datetime.date) -> Iterator[ReminderDraft]:
    """The day before: 「明天 …」 to everyone invited to a session that starts tomorrow (local date) and
    has not closed, once per person and session day. One query per such session."""
    from classroom.models import TrainingSession
    from classroom.selectors import invited_people

    tomorrow = today + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=zone)
    sessions = TrainingSession.objects.filter(
        starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
    ).exclude(status="closed")
    link = reverse("progress:my_learning")
    for session in sessions.order_by("pk"):
        params = _session_params(session)
        key = f"session-reminder:{session.pk}:{tomorrow.isoformat()}"
        for learner_id in invited_people(session).order_by("pk").values_list("pk", flat=True).iterator(2000):
            yield ReminderDraft(learner_id, Kind.SESSION_REMINDER, key, params, link)
