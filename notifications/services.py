"""Writes: turn reminder drafts into notifications exactly once, email what is owed exactly once,
mark read, save preferences.

Exactly once, whatever reruns or crashes:
- a notification is inserted with ON CONFLICT DO NOTHING on (recipient, dedupe_key), so selecting
  the same day twice adds nothing;
- each email is sent inside its own small transaction that first claims the row (a conditional
  UPDATE of ``email_pending``) and commits only after the mail server accepted the message. A
  crash before the commit leaves the row owed and the next run sends it; rows already committed
  are never sent again. On PostgreSQL the row is picked with ``SELECT … FOR UPDATE SKIP LOCKED``,
  so parallel workers share the queue instead of waiting on each other.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import smtplib
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import CoursePage
from notifications import selectors, texts
from notifications.models import Notification, ReminderPreference
from notifications.selectors import ReminderDraft
from quizzes.models import QuizPage

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000


def email_enabled() -> bool:
    return bool(getattr(settings, "REMINDER_EMAIL_ENABLED", False))


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
    addresses = dict(
        User.objects.filter(pk__in=recipients, is_active=True).values_list("pk", "email")
    )  # inactive people get nothing
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=recipients)}
    default = ReminderPreference()
    sending = email_enabled()
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for draft in new.values():
            if draft.recipient_id not in addresses:
                continue
            subject, body = texts.render(draft.kind, draft.params)
            wants = preferences.get(draft.recipient_id, default).wants_email(draft.kind)
            rows.append(
                Notification(
                    recipient_id=draft.recipient_id,
                    kind=draft.kind,
                    dedupe_key=draft.dedupe_key,
                    subject=subject[:200],
                    body=body,
                    params=draft.params,
                    link=draft.link[:500],
                    email_pending=sending and bool(addresses[draft.recipient_id]) and wants,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    forget_unread_counts(row.recipient_id for row in rows)
    return len(rows)


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


# --- Emailing ------------------------------------------------------------------------------


def _next_owed(after_pk: int) -> Notification | None:
    owed = Notification.objects.filter(email_pending=True, pk__gt=after_pk).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        owed = owed.select_for_update(skip_locked=True)
    return owed.first()


def _address_if_wanted(notification: Notification) -> str:
    """The recipient's address if they still have one and still want this kind by email."""
    recipient = User.objects.filter(pk=notification.recipient_id, is_active=True).only("email").first()
    if recipient is None or not recipient.email:
        return ""
    preference = ReminderPreference.objects.filter(user_id=recipient.pk).first() or ReminderPreference()
    return recipient.email if preference.wants_email(notification.kind) else ""


def _absolute(link: str) -> str:
    if link.startswith("/"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link
    return link


def notification_email_message(notification: Notification, address: str, connection=None):
    """The email for one notification, in the site's language, with a link back and a way out."""
    with translation.override(settings.LANGUAGE_CODE):
        site_name = _("Frontline Academy")
        parts = [notification.body or notification.subject]
        if notification.link:
            parts.append(_("Open: %(url)s") % {"url": _absolute(notification.link)})
        parts.append(
            "—\n"
            + _("%(site)s. Choose which reminders come by email: %(url)s")
            % {"site": site_name, "url": _absolute(reverse("notifications:preferences"))}
        )
        return mail.EmailMessage(
            subject=f"[{site_name}] {notification.subject}",
            body="\n\n".join(parts),
            to=[address],
            connection=connection,
        )


def notifications_email_pending(*, limit: int | None = None) -> int:
    """Email every notification still owed an email, one row per transaction; return how many
    were sent. Safe to run in several workers at once and to rerun after a crash."""
    if not email_enabled():
        return 0
    sent = 0
    after_pk = 0
    smtp = mail.get_connection()
    opened = False
    try:
        while limit is None or sent < limit:
            with transaction.atomic():
                row = _next_owed(after_pk)
                if row is None:
                    break
                after_pk = row.pk
                address = _address_if_wanted(row)
                # The claim: whoever changes the row first sends it (SQLite has no row locks and
                # serialises this UPDATE; PostgreSQL has already locked the row for us).
                claimed = Notification.objects.filter(pk=row.pk, email_pending=True).update(
                    email_pending=False, emailed_at=timezone.now() if address else None
                )
                if not claimed or not address:
                    continue
                if not opened:
                    smtp.open()
                    opened = True
                try:
                    notification_email_message(row, address, smtp).send()
                except smtplib.SMTPRecipientsRefused:
                    # This address will never work: stop owing the email, keep the in-app one.
                    logger.warning("Reminder %s: the mail server refused the recipient address", row.pk)
                    Notification.objects.filter(pk=row.pk).update(emailed_at=None)
                    continue
                # Any other error leaves the transaction, undoing the claim: the next run retries.
                sent += 1
    finally:
        if opened:
            smtp.close()
    return sent


# --- The scheduled work --------------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None) -> dict:
    """The daily work: due soon, overdue, certificates expiring; then every email owed."""
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
        )
    )
    return {
        "date": today.isoformat(),
        "created": created,
        "emailed": notifications_email_pending(),
    }


def manager_digests_send(*, today: datetime.date | None = None) -> dict:
    """The weekly work: one digest per manager with overdue staff, once per ISO week."""
    today = today or timezone.localdate()
    created = notifications_create(drafts=selectors.manager_digest_reminders(today=today))
    return {"week": selectors.iso_week(today), "created": created, "emailed": notifications_email_pending()}


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
    fields = set(ReminderPreference.FIELD_FOR_KIND.values())
    unknown = set(choices) - fields
    if unknown:
        raise ValueError(f"unknown reminder preferences: {sorted(unknown)}")
    # Emails already owed of a kind now switched off are dropped at send time (_address_if_wanted).
    preference, _created = ReminderPreference.objects.update_or_create(user=user, defaults=choices)
    return preference
