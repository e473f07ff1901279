"""Sending what is owed: every pending `Delivery` whose time has come, each exactly once.

One delivery per transaction:

1. pick the next owed row with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; parallel workers share
   the queue instead of waiting on each other) and claim it with a conditional UPDATE on its attempt
   count (SQLite has no row locks and serialises that UPDATE instead);
2. send it through its channel (notifications.channels);
3. record the outcome — sent, a retry later with exponential backoff, failed for good, or dropped when
   the person no longer wants it — in the same transaction, and commit.

A worker killed anywhere before the commit rolls the claim back: the row is still owed and the next
worker sends it. A row whose commit happened is never sent again. The one window left: the provider
accepted the message and the worker died before COMMIT reached the database. Only one small UPDATE and
the COMMIT stand in that window (no other work happens between the provider's answer and the commit),
so it is milliseconds wide; a crash inside it sends that one message a second time. WeCom messages are
also sent with WeCom's own duplicate check, which drops that repeat.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from notifications.channels import CHANNELS, DeliveryError
from notifications.models import Delivery, ReminderPreference

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> datetime.timedelta:
    """Wait after the ``attempts``-th failed try: base × 2^(attempts-1), at most a day
    (1, 2, 4, 8, 16 minutes … with the default base of 60 seconds)."""
    base = int(getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 60))
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 24 * 3600))


def _next_owed(after_pk: int, now: datetime.datetime) -> Delivery | None:
    owed = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_try_at__lte=now, pk__gt=after_pk)
        .select_related("notification")
        .order_by("pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        owed = owed.select_for_update(skip_locked=True, of=("self",))
    return owed.first()


def _address_if_wanted(delivery: Delivery) -> str:
    """Where to send it if the organisation, the person's account and their choices still allow it."""
    channel = CHANNELS[delivery.channel]
    if not channel.enabled():
        return ""
    notification = delivery.notification
    person = User.objects.filter(pk=notification.recipient_id, is_active=True).first()
    if person is None:
        return ""
    preference = ReminderPreference.objects.filter(user_id=person.pk).first() or ReminderPreference()
    if not preference.wants(delivery.channel, notification.kind):
        return ""
    return channel.address(person)


def _record(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


def delivery_send_one(delivery: Delivery, *, now: datetime.datetime) -> str:
    """Send one claimed delivery and record the outcome; returns the new state. Called inside the
    claiming transaction: an exception other than DeliveryError leaves it, undoing the claim."""
    address = _address_if_wanted(delivery)
    if not address:
        _record(delivery, state=Delivery.State.DROPPED, last_error="")
        return Delivery.State.DROPPED
    attempts = delivery.attempts + 1
    try:
        provider_id = CHANNELS[delivery.channel].send(delivery.notification, address)
    except DeliveryError as exc:
        error = str(exc)[:500]
        if exc.retryable and attempts < max_attempts():
            _record(delivery, next_try_at=now + backoff(attempts), last_error=error)
            logger.info("Delivery %s (%s) will be retried: %s", delivery.pk, delivery.channel, error)
            return Delivery.State.PENDING
        _record(delivery, state=Delivery.State.FAILED, last_error=error)
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        return Delivery.State.FAILED
    # Nothing but this UPDATE and the COMMIT between the provider's acceptance and the record of it.
    _record(delivery, state=Delivery.State.SENT, sent_at=now, provider_id=(provider_id or "")[:100])
    return Delivery.State.SENT


def deliveries_send(*, limit: int | None = None, now: datetime.datetime | None = None) -> int:
    """Send every delivery owed by now, one per transaction; return how many were sent. Safe to run
    in several workers at once and to rerun after a crash."""
    sent = tried = 0
    after_pk = 0
    while limit is None or tried < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            row = _next_owed(after_pk, moment)
            if row is None:
                break
            after_pk = row.pk
            # The claim: whoever bumps the attempt count first sends it (PostgreSQL has already locked
            # the row for us; on SQLite this UPDATE is where a second worker finds it taken).
            claimed = Delivery.objects.filter(
                pk=row.pk, state=Delivery.State.PENDING, attempts=row.attempts
            ).update(attempts=F("attempts") + 1)
            if not claimed:
                continue
            tried += 1
            if delivery_send_one(row, now=moment) == Delivery.State.SENT:
                sent += 1
    return sent


def next_retry_at() -> datetime.datetime | None:
    """When the earliest delivery waiting for a retry falls due (for scheduling the next run)."""
    return (
        Delivery.objects.filter(state=Delivery.State.PENDING)
        .order_by("next_try_at")
        .values_list("next_try_at", flat=True)
        .first()
    )
