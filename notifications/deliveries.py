"""Sending what is owed: every pending `Delivery` whose time has come, each exactly once.

Each delivery goes in two short transactions, with a mark in between that says "this one may have left":

1. **claim**: pick the next owed, unmarked row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
   parallel workers share the queue), count the attempt and stamp ``sending_at``; commit. From now on no
   other worker picks the row up as simply owed.
2. **send**: lock the row again and check the stamp is still ours (nobody reconciled it in between),
   send it through its channel with the delivery's key (``delivery-<id>``) and record the outcome — sent,
   a retry later with exponential backoff, failed for good, or dropped when the person no longer wants
   it — clearing the stamp, in the same transaction; commit.

A worker killed anywhere in step 2 leaves a stamped row and no lock on it. The next run reconciles it
before sending anything new (`deliveries_reconcile`): it asks the channel whether the provider already
accepted a message with that key (Alibaba Cloud SMS, the file outbox and the test outbox can tell; WeCom
drops a repeat by itself with its duplicate check) and marks it sent if so, or sends it if not. A provider
that cannot say (e-mail, Tencent Cloud SMS) gets the message again: at most one repeat, and
only for the one message that was in flight when the worker died. A stamped row that is still locked
is being sent by a live worker and is left alone; so is one stamped by a worker on SQLite (no row locks)
until it is ``STALE_AFTER`` old.
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


def stale_after() -> datetime.timedelta:
    """Without row locks (SQLite), how old a stamp must be before its worker is taken to be dead."""
    return datetime.timedelta(seconds=int(getattr(settings, "NOTIFY_SENDING_STALE_SECONDS", 600)))


def delivery_key(delivery: Delivery) -> str:
    """What the provider knows this message by: the same on every try, so a repeat can be recognised."""
    return f"delivery-{delivery.pk}"


def _next_owed(after_pk: int, now: datetime.datetime) -> Delivery | None:
    owed = (
        Delivery.objects.filter(
            state=Delivery.State.PENDING, sending_at__isnull=True, next_try_at__lte=now, pk__gt=after_pk
        )
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
    Delivery.objects.filter(pk=delivery.pk).update(sending_at=None, **fields)


def delivery_send_one(delivery: Delivery, *, now: datetime.datetime) -> str:
    """Send one claimed delivery and record the outcome; returns the new state. Called inside the
    transaction that holds the row: an exception other than DeliveryError leaves it, and the row keeps
    its stamp for the next run to reconcile."""
    address = _address_if_wanted(delivery)
    if not address:
        _record(delivery, state=Delivery.State.DROPPED, last_error="")
        return Delivery.State.DROPPED
    try:
        provider_id = CHANNELS[delivery.channel].send(
            delivery.notification, address, key=delivery_key(delivery)
        )
    except DeliveryError as exc:
        error = str(exc)[:500]
        if exc.retryable and delivery.attempts < max_attempts():
            _record(delivery, next_try_at=now + backoff(delivery.attempts), last_error=error)
            logger.info("Delivery %s (%s) will be retried: %s", delivery.pk, delivery.channel, error)
            return Delivery.State.PENDING
        _record(delivery, state=Delivery.State.FAILED, last_error=error)
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        return Delivery.State.FAILED
    _record(delivery, state=Delivery.State.SENT, sent_at=now, provider_id=(provider_id or "")[:100])
    return Delivery.State.SENT


def _stamped(now: datetime.datetime):
    """Rows a worker stamped and did not finish, that no live worker holds."""
    rows = Delivery.objects.filter(state=Delivery.State.PENDING, sending_at__isnull=False).select_related(
        "notification"
    )
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",)).order_by("pk")
    return rows.filter(sending_at__lte=now - stale_after()).order_by("pk")


def deliveries_reconcile(*, now: datetime.datetime | None = None) -> dict:
    """What dead workers left in flight: marked sent where the provider says it has the message,
    made owed again (now) where it has not or cannot say. Returns the counts."""
    counts = {"accepted": 0, "owed_again": 0}
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            row = _stamped(timezone.now()).first()
            if row is None:
                return counts
            channel = CHANNELS[row.channel]
            address = _address_if_wanted(row)
            accepted = channel.accepted(delivery_key(row), address) if address else False
            if accepted:
                _record(row, state=Delivery.State.SENT, sent_at=moment, provider_id=str(accepted)[:100])
                counts["accepted"] += 1
                logger.info("Delivery %s (%s): the provider had it; marked sent", row.pk, row.channel)
            else:
                _record(row, next_try_at=moment)
                counts["owed_again"] += 1
                if accepted is None:
                    logger.warning(
                        "Delivery %s (%s) was in flight when its worker stopped and the provider cannot say "
                        "whether it arrived: sending it again",
                        row.pk,
                        row.channel,
                    )


def deliveries_send(*, limit: int | None = None, now: datetime.datetime | None = None) -> int:
    """Send every delivery owed by now, each claimed, then sent and recorded; return how many were
    sent. Safe to run in several workers at once and to rerun after a crash."""
    deliveries_reconcile(now=now)
    sent = tried = 0
    after_pk = 0
    while limit is None or tried < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            row = _next_owed(after_pk, moment)
            if row is None:
                break
            after_pk = row.pk
            # The claim: whoever stamps it first sends it (PostgreSQL has already locked the row for us;
            # on SQLite this UPDATE is where a second worker finds it taken).
            stamp = timezone.now()
            claimed = Delivery.objects.filter(
                pk=row.pk, state=Delivery.State.PENDING, attempts=row.attempts, sending_at__isnull=True
            ).update(attempts=F("attempts") + 1, sending_at=stamp)
        if not claimed:
            continue
        tried += 1
        row.attempts += 1
        with transaction.atomic():
            # Take the row again (this UPDATE waits for a reconciling worker) and go on only if the stamp
            # is still ours: in between, a reconciler may have taken it over.
            if not Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING, sending_at=stamp).update(
                sending_at=stamp
            ):
                continue
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
