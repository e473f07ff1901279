"""Check-in codes: what the trainer's rotating QR code carries.

A code names one session and a 30-second time step, signed with the site's secret key
(django.core.signing, its own salt): ``<session id>.<step>.<signature>``. It is accepted during its
own step and the next one (a phone may take a few seconds to open it), so a photo of the screen sent
to a WeChat group is useless a minute later; a closed session refuses every code
(`classroom.services.session_check_in`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing

STEP_SECONDS = 30
_SALT = "classroom.checkin"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def checkin_code(session_id: int, *, now: float | None = None) -> str:
    return _signer().sign(f"{session_id}.{current_step(now)}")


def seconds_left(now: float | None = None) -> int:
    """Seconds until the code on the screen changes."""
    now = time.time() if now is None else now
    return STEP_SECONDS - int(now % STEP_SECONDS)


class CodeInvalid(ValueError):
    """Not a code this site made (tampered, truncated, or for another site)."""


class CodeExpired(ValueError):
    """A real code, but from an earlier step: scan the screen again."""


@dataclass(frozen=True)
class CheckinCode:
    session_id: int
    step: int


def read_code(code: str, *, now: float | None = None) -> CheckinCode:
    """The session a code names, if its signature holds (CodeInvalid) and its step is the current one
    or the one before (CodeExpired)."""
    try:
        value = _signer().unsign(code)
        session_id, step = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise CodeInvalid(code) from None
    if current_step(now) - step not in (0, 1):
        raise CodeExpired(code)
    return CheckinCode(session_id=session_id, step=step)


# -- printed sheets: one code for one session, for rooms with no screen ---------------------------------

_SHEET_SALT = "classroom.checkin-sheet"


def sheet_code(session_id: int) -> str:
    """The code printed on a session's check-in sheet. It does not change, so it works only for its own
    session and only while that session takes check-ins (from an hour before the start to the end; never
    after it closes: classroom.services). Starts with "s" so it is never read as a screen code."""
    return "s" + signing.Signer(salt=_SHEET_SALT, sep=".").sign(str(session_id))


def read_sheet_code(code: str) -> int | None:
    if not code.startswith("s"):
        return None
    try:
        return int(signing.Signer(salt=_SHEET_SALT, sep=".").unsign(code[1:]))
    except (signing.BadSignature, ValueError):
        return None


# -- passes: a scanned code swapped for a few minutes to sign in and confirm --------------------------

PASS_SECONDS = 300
_PASS_SALT = "classroom.checkin-pass"  # noqa: S105 (a salt, not a secret)


def make_pass(session_id: int) -> str:
    """A pass for one session, good for `PASS_SECONDS`: what a valid scan is swapped for while the
    person signs in and presses "check in" (the code on the screen changes meanwhile). Starts with
    "p" so it is never read as a code."""
    return "p" + signing.TimestampSigner(salt=_PASS_SALT, sep=".").sign(str(session_id))


def read_pass(token: str, *, max_age: int = PASS_SECONDS) -> int | None:
    if not token.startswith("p"):
        return None
    try:
        return int(signing.TimestampSigner(salt=_PASS_SALT, sep=".").unsign(token[1:], max_age=max_age))
    except (signing.BadSignature, ValueError):
        return None
