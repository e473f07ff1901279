"""Sending the outbox to the learning record store, in batches, each statement until the store has it.

One batch per transaction: the owed rows are picked with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL;
parallel workers share the queue) and claimed by counting the try, then POSTed to ``<endpoint>/statements``
(xAPI 1.0.3, Basic auth) and the outcome recorded in the same transaction:

- 200/204: sent. A 409 (the store already has one of the ids) or a 400 (one statement refused) says
  nothing about the others, so the batch is then sent one statement at a time with
  ``PUT statements?statementId=…``, where 204 is stored and 409 is "already stored": sent too.
- 5xx, 429, 401/403, a timeout or no connection: tried again later, waiting 1, 2, 4 … minutes
  (``XAPI_RETRY_BASE_SECONDS``), and marked failed after ``XAPI_MAX_ATTEMPTS`` tries; a 400 for a single
  statement is failed at once (sending it again would not change the answer).

A statement is always sent as stored, with its id, so the store never receives one event under two ids.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass, field

import requests
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xapi import conf
from xapi.models import Statement

logger = logging.getLogger(__name__)

HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
RETRYABLE = {401, 403, 408, 425, 429}  # and every 5xx: the store or its credentials may be fixed


@dataclass
class Outcome:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "retry": self.retry, "failed": self.failed}


def backoff(attempts: int) -> datetime.timedelta:
    """Wait after the ``attempts``-th failed try: base × 2^(attempts-1), at most a day."""
    return datetime.timedelta(seconds=min(conf.retry_base_seconds() * 2 ** max(attempts - 1, 0), 24 * 3600))


def _post(payloads: list[dict]) -> requests.Response:
    return requests.post(
        f"{conf.endpoint()}/statements",
        data=json.dumps(payloads, ensure_ascii=False).encode(),
        headers=HEADERS,
        auth=(conf.settings_key(), conf.settings_secret()),
        timeout=conf.timeout_seconds(),
    )


def _put(payload: dict) -> requests.Response:
    return requests.put(
        f"{conf.endpoint()}/statements",
        params={"statementId": payload["id"]},
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers=HEADERS,
        auth=(conf.settings_key(), conf.settings_secret()),
        timeout=conf.timeout_seconds(),
    )


def _error_text(response: requests.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:300]}".strip()


def _retryable(status: int) -> bool:
    return status >= 500 or status in RETRYABLE


def _mark_sent(ids: list, now) -> None:
    Statement.objects.filter(pk__in=ids).update(state=Statement.State.SENT, sent_at=now, last_error="")


def _mark_unsent(rows: list[Statement], error: str, now, outcome: Outcome, *, retry: bool) -> None:
    for row in rows:
        attempts = row.attempts + 1  # the claim counted this try in the database
        if retry and attempts < conf.max_attempts():
            Statement.objects.filter(pk=row.pk).update(
                next_try_at=now + backoff(attempts), last_error=error[:500]
            )
            outcome.retry += 1
        else:
            Statement.objects.filter(pk=row.pk).update(state=Statement.State.FAILED, last_error=error[:500])
            outcome.failed += 1
    outcome.errors.append(error)


def _send_one_by_one(rows: list[Statement], now, outcome: Outcome) -> None:
    for row in rows:
        try:
            response = _put(row.payload)
        except requests.RequestException as exc:
            _mark_unsent([row], f"{type(exc).__name__}: {exc}", now, outcome, retry=True)
            continue
        if response.status_code in (200, 204, 409):
            _mark_sent([row.pk], now)
            outcome.sent += 1
        else:
            _mark_unsent([row], _error_text(response), now, outcome, retry=_retryable(response.status_code))


def batch_send(rows: list[Statement], *, now, outcome: Outcome) -> None:
    """Send claimed rows and record the outcome (inside the claiming transaction)."""
    try:
        response = _post([row.payload for row in rows])
    except requests.RequestException as exc:
        _mark_unsent(rows, f"{type(exc).__name__}: {exc}", now, outcome, retry=True)
        return
    if response.status_code in (200, 204):
        _mark_sent([row.pk for row in rows], now)
        outcome.sent += len(rows)
    elif response.status_code in (400, 409):
        _send_one_by_one(rows, now, outcome)
    else:
        _mark_unsent(rows, _error_text(response), now, outcome, retry=_retryable(response.status_code))


def _next_batch(now) -> list[Statement]:
    owed = Statement.objects.filter(state=Statement.State.PENDING, next_try_at__lte=now).order_by(
        "created_at", "pk"
    )
    if connection.features.has_select_for_update_skip_locked:
        owed = owed.select_for_update(skip_locked=True)
    return list(owed[: conf.batch_size()])


def statements_send(*, now=None, max_batches: int | None = None) -> Outcome:
    """Send every statement owed by now, a batch per transaction. Safe in several workers at once and to
    rerun after a crash. Does nothing when the store is not configured."""
    outcome = Outcome()
    if not conf.configured():
        return outcome
    batches = 0
    while max_batches is None or batches < max_batches:
        moment = now or timezone.now()
        with transaction.atomic():
            rows = _next_batch(moment)
            if not rows:
                break
            # The claim: PostgreSQL has locked the rows; elsewhere this UPDATE serialises the workers.
            Statement.objects.filter(pk__in=[row.pk for row in rows], state=Statement.State.PENDING).update(
                attempts=F("attempts") + 1
            )
            batches += 1
            before = outcome.retry + outcome.failed
            batch_send(rows, now=moment, outcome=outcome)
        if outcome.retry + outcome.failed > before:
            break  # the store is failing: wait for the retry time instead of hammering it
    if outcome.errors:
        logger.warning("xAPI statements not sent this time: %s", outcome.errors[-1])
    return outcome


def next_retry_at() -> datetime.datetime | None:
    return (
        Statement.objects.filter(state=Statement.State.PENDING)
        .order_by("next_try_at")
        .values_list("next_try_at", flat=True)
        .first()
    )


def statements_retry_failed() -> int:
    """Put every failed statement back in the queue, to be tried again now (after fixing the store)."""
    return Statement.objects.filter(state=Statement.State.FAILED).update(
        state=Statement.State.PENDING, attempts=0, next_try_at=timezone.now(), last_error=""
    )
