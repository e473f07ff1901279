"""The xAPI statements about the person that this platform holds in its outbox (sent to the learning
record store or still waiting), for their data download (progress.exports): what each says and whether
it has left."""

from __future__ import annotations

from django.utils import translation

from core.personal_data import Coded, coded
from xapi.models import Statement


def _in_language(names: dict) -> str | None:
    """A language map's entry for the reader's language (zh-CN, en-US), else its first."""
    names = names or {}
    preferred = "en-US" if (translation.get_language() or "").startswith("en") else "zh-CN"
    return names.get(preferred) or next(iter(names.values()), None)


def xapi_personal_data(user) -> dict:
    """One row per statement, in the order things happened; one query."""
    rows = []
    statements = Statement.objects.filter(learner=user).order_by("timestamp", "created_at")
    for statement in statements.only("id", "verb", "timestamp", "payload", "state", "sent_at"):
        target = statement.payload.get("object") or {}
        rows.append(
            {
                "id": str(statement.id),
                # The verb's code in the file, its display string (zh-CN / en-US) on the page.
                "verb": Coded(
                    statement.verb,
                    _in_language((statement.payload.get("verb") or {}).get("display")) or statement.verb,
                ),
                "object": target.get("id"),
                "object_name": _in_language((target.get("definition") or {}).get("name")),
                "timestamp": statement.timestamp,
                "sent": statement.state == Statement.State.SENT,
                "state": coded(statement.state, Statement.State),
                "sent_at": statement.sent_at,
            }
        )
    return {"xapi_statements": rows}
