"""Writes: turn reminder drafts into notifications exactly once (with one delivery row per outward
channel the organisation uses and the person wants), send what is owed, mark read, save preferences.

Exactly once, whatever reruns or crashes:
- a notification is inserted with ON CONFLICT DO NOTHING on (recipient, dedupe_key), so selecting
  the same day twice adds nothing; its deliveries are inserted the same way on (notification, channel);
- each delivery is sent by notifications.deliveries inside its own small transaction (see there).
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from courses.models import CoursePage
from notifications import channels, deliveries, selectors, texts
from notifications.models import Delivery, Notification, ReminderPreference
from notifications.selectors import ReminderDraft
from quizzes.models import QuizPage

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000


def email_enabled() -> bool:
    return channels.CHANNELS[Delivery.Channel.EMAIL].enabled()


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    """Empty the cached badge numbers of these people (selectors.unread_count)."""
    for batch in _batched(set(user_ids), BATCH_SIZE):
        cache.delete_many([selectors.unread_cache_key(user_id) for user_id in batch])


# --- Creating ------------------------------------------------------------------------------


def notifications_create(*, drafts: Iterable[ReminderDraft]) -> int:
    """Insert the drafts that are new; return how many were new. Rerunning with the same drafts
    inserts nothing. Cost per batch of 1000: three reads and one INSERT … ON CONFLICT DO NOTHING."""
    created = 0
    for batch in _batched(drafts, BATCH_SIZE):
        created += _create_batch(batch)
    return created


def _create_batch(batch: list[ReminderDraft]) -> int:
    recipient_ids = {draft.recipient_id for draft in batch}
    existing = set(
        Notification.objects.filter(
            recipient_id__in=recipient_ids, dedupe_key__in={draft.dedupe_key for draft in batch}
        ).values_list("recipient_id", "dedupe_key")
    )
    new = {
        (draft.recipient_id, draft.dedupe_key): draft
        for draft in batch
        if (draft.recipient_id, draft.dedupe_key) not in existing
    }
    if not new:
        return 0
    recipients = {draft.recipient_id for draft in new.values()}
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=recipients, is_active=True).only("pk", "email", "mobile")
    }  # inactive people get nothing
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=recipients)}
    default = ReminderPreference()
    outward = channels.outward_channels()
    rows, owed = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for draft in new.values():
            person = people.get(draft.recipient_id)
            if person is None:
                continue
            subject, body = texts.render(draft.kind, draft.params)
            rows.append(
                Notification(
                    recipient_id=draft.recipient_id,
                    kind=draft.kind,
                    dedupe_key=draft.dedupe_key,
                    subject=subject[:200],
                    body=body,
                    params=draft.params,
                    link=draft.link[:500],
                )
            )
            preference = preferences.get(draft.recipient_id, default)
            owed.append(
                [
                    channel.key
                    for channel in outward
                    if channel.address(person) and preference.wants(channel.key, draft.kind)
                ]
            )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        _deliveries_create(rows, owed)
    forget_unread_counts(row.recipient_id for row in rows)
    return len(rows)


def _deliveries_create(rows: list[Notification], owed: list[list[str]]) -> None:
    """One pending delivery per notification just made and channel owed. bulk_create with
    ignore_conflicts gives no ids back, so the notifications are read again by their key (one query);
    a notification a concurrent run inserted first gets its deliveries from that run (ON CONFLICT)."""
    wanted = {(row.recipient_id, row.dedupe_key): keys for row, keys in zip(rows, owed, strict=True) if keys}
    if not wanted:
        return
    made = Notification.objects.filter(
        recipient_id__in={key[0] for key in wanted}, dedupe_key__in={key[1] for key in wanted}
    ).values_list("pk", "recipient_id", "dedupe_key")
    Delivery.objects.bulk_create(
        [
            Delivery(notification_id=pk, channel=channel)
            for pk, recipient_id, dedupe_key in made
            for channel in wanted.get((recipient_id, dedupe_key), ())
        ],
        ignore_conflicts=True,
    )


def notification_course_completed(*, completion) -> int:
    """Tell the learner their course is complete ("你已完成《…》"), linking the completion moment with
    its certificate. Once per completion (a course completed again after re-training is told again).
    Registered on progress's ``frontline_course_completed`` hook, after the completion commits."""
    course_id = completion.course_id
    title = CoursePage.objects.filter(pk=course_id).values_list("title", flat=True).first() or ""
    return notifications_create(
        drafts=[
            ReminderDraft(
                recipient_id=completion.learner_id,
                kind=Notification.Kind.COURSE_COMPLETED,
                dedupe_key=f"completed:{course_id}:{completion.pk}",
                params={"course": title},
                link=reverse("progress:course_complete", args=[course_id]),
            )
        ]
    )


def notification_course_completed_on_commit(*, completion) -> None:
    """Once the completion commits (a rolled-back one tells nobody); a failure is logged, never an
    error for the learner whose completion is saved."""
    transaction.on_commit(lambda: notification_course_completed(completion=completion), robust=True)


def notification_quiz_marked(*, attempt) -> int:
    """Tell the learner a trainer has marked their quiz ("你的测验「…」已批改：得分 …"), linking its result.
    Once per attempt. Registered on quizzes' ``frontline_quiz_attempt_marked`` hook."""
    title = QuizPage.objects.filter(pk=attempt.quiz_id).values_list("title", flat=True).first() or ""
    return notifications_create(
        drafts=[
            ReminderDraft(
                recipient_id=attempt.learner_id,
                kind=Notification.Kind.QUIZ_MARKED,
                dedupe_key=f"quiz-marked:{attempt.pk}",
                params={"quiz": title, "score": attempt.percent_text, "passed": bool(attempt.passed)},
                link=reverse("quizzes:result", args=[attempt.uuid]),
            )
        ]
    )


def notification_quiz_marked_on_commit(*, attempt) -> None:
    """Once the mark commits; a failure is logged, never an error for the trainer whose marks are saved."""
    transaction.on_commit(lambda: notification_quiz_marked(attempt=attempt), robust=True)


def notifications_course_assigned(*, assignment_id: int, learner_ids: list[int] | None = None) -> dict:
    """「你有一门新课程：《…》，请在 12月20日前完成」 to everyone the assignment covers (or only these
    learners), once per (person, assignment): rerunning, or re-applying an edited assignment, adds
    nothing. People who already completed the course are not told. Then sends what is owed."""
    created = notifications_create(
        drafts=selectors.course_assigned_notices(assignment_id=assignment_id, learner_ids=learner_ids)
    )
    return {"created": created, "sent": deliveries.deliveries_send() if created else 0}


def notifications_course_assigned_on_commit(*, assignment_id: int, learner_ids: list[int] | None) -> None:
    """On the background queue once the assignment commits (a rolled-back one tells nobody); a failure
    to enqueue is logged, never an error for the manager whose assignment is saved."""
    from notifications import tasks

    transaction.on_commit(
        lambda: tasks.notify_course_assigned.enqueue(assignment_id, learner_ids), robust=True
    )


def notifications_session_planned(*, session_id: int, moved: bool = False) -> dict:
    """Invitations to an in-person session (and, when its time or place changed, the news of it) in
    the app and the channels each person uses, once per person and change; then sends what is owed."""
    created = notifications_create(drafts=selectors.session_notices(session_id=session_id, moved=moved))
    return {"created": created, "sent": deliveries.deliveries_send() if created else 0}


def notifications_session_planned_on_commit(*, session_id: int, moved: bool) -> None:
    """On the background queue once the session commits (a rolled-back save tells nobody)."""
    from notifications import tasks

    transaction.on_commit(lambda: tasks.notify_session_planned.enqueue(session_id, moved), robust=True)


# --- The scheduled work --------------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None) -> dict:
    """The daily work: due soon, overdue, certificates expiring, sessions tomorrow; then every delivery
    owed."""
    today = today or timezone.localdate()
    # Recurring courses whose certificates expire soon are re-assigned first, so that the due-soon
    # reminders below already see their new due dates.
    from certificates.services import retraining_start_due

    retraining_start_due(now=timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)))
    created = notifications_create(
        drafts=itertools.chain(
            selectors.due_soon_reminders(today=today),
            selectors.overdue_reminders(today=today),
            selectors.certificate_expiring_reminders(today=today),
            selectors.session_reminders(today=today),
        )
    )
    return {
        "date": today.isoformat(),
        "created": created,
        "sent": deliveries.deliveries_send(),
    }


def manager_digests_send(*, today: datetime.date | None = None) -> dict:
    """The weekly work: one digest per manager with overdue staff, once per ISO week."""
    today = today or timezone.localdate()
    created = notifications_create(drafts=selectors.manager_digest_reminders(today=today))
    return {"week": selectors.iso_week(today), "created": created, "sent": deliveries.deliveries_send()}


# --- Reading and preferences ---------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    """Idempotent: the first read time is kept."""
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
            forget_unread_counts([notification.recipient_id])
    return notification


def notifications_mark_all_read(*, user) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    forget_unread_counts([user.pk])
    return count


def reminder_preference_update(*, user, **choices: bool) -> ReminderPreference:
    fields = set(ReminderPreference.FIELD_FOR_KIND.values()) | set(ReminderPreference.CHANNEL_FIELDS)
    unknown = set(choices) - fields
    if unknown:
        raise ValueError(f"unknown reminder preferences: {sorted(unknown)}")
    # Deliveries already owed of a kind or channel now switched off are dropped at send time
    # (deliveries._address_if_wanted).
    preference, _created = ReminderPreference.objects.update_or_create(user=user, defaults=choices)
    return preference
