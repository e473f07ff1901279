"""The SCORM run-time data a package stores, read on the server: what a commit may carry, and what
it says about completion, success, score and time. Pure functions, no database.

The package's frame (static/scorm/sco-api.js, put into every page of the package) keeps the data model
and checks every SetValue; the lesson page (static/scorm/runtime.js) saves what the frame posts; the
server checks again what it is sent (names, sizes) and reads the figures that matter from it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scorm.package import VERSION_12

MAX_ELEMENTS = 3000
MAX_NAME = 255
MAX_VALUE = 4096
MAX_SUSPEND = {"1.2": 4096, "2004": 64000}
MAX_TOTAL_CHARS = 400_000
MAX_TOTAL_SECONDS = 10 * 365 * 24 * 3600
NAME = re.compile(r"^(cmi|adl)\.[A-Za-z0-9_.]+$")


class CommitRefused(ValueError):
    pass


def clean_data(raw, version: str) -> dict[str, str]:
    """The run-time data of a commit: element name → string value (CommitRefused if malformed)."""
    if not isinstance(raw, dict) or len(raw) > MAX_ELEMENTS:
        raise CommitRefused(f"data must be an object of at most {MAX_ELEMENTS} elements")
    total = 0
    cleaned: dict[str, str] = {}
    suspend_name = "cmi.suspend_data"
    for name, value in raw.items():
        if not isinstance(name, str) or len(name) > MAX_NAME or not NAME.match(name):
            raise CommitRefused("bad element name")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise CommitRefused(f"bad value for {name}")
        value = str(value)
        limit = MAX_SUSPEND.get(version, 64000) if name == suspend_name else MAX_VALUE
        if len(value) > limit:
            raise CommitRefused(f"value too long for {name}")
        total += len(name) + len(value)
        cleaned[name] = value
    if total > MAX_TOTAL_CHARS:
        raise CommitRefused("data too large")
    return cleaned


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass
class Outcome:
    completion_status: str  # completed | incomplete | not attempted | unknown
    success_status: str  # passed | failed | unknown
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None

    @property
    def done(self) -> bool:
        """Counts as a finished lesson: passed, or completed without having failed."""
        return self.success_status == "passed" or (
            self.completion_status == "completed" and self.success_status != "failed"
        )

    @property
    def passed(self) -> bool:
        return self.success_status == "passed"


def outcome(data: dict[str, str], *, version: str, mastery_score=None, scaled_passing_score=None) -> Outcome:
    """Completion, success and score from the run-time data, with the package's pass rule: a SCORM 1.2
    mastery score (raw score ≥ it passes), a SCORM 2004 scaled passing score (scaled ≥ it passes)."""
    if version == VERSION_12:
        status = data.get("cmi.core.lesson_status", "not attempted")
        completion = {
            "passed": "completed",
            "completed": "completed",
            "failed": "completed",
            "incomplete": "incomplete",
            "browsed": "incomplete",
        }.get(status, "not attempted")
        success = status if status in ("passed", "failed") else "unknown"
        raw = _number(data.get("cmi.core.score.raw"))
        low = _number(data.get("cmi.core.score.min"))
        high = _number(data.get("cmi.core.score.max"))
        scaled = None
        if raw is not None:
            top = high if high not in (None, 0) else 100.0
            bottom = low if low is not None and low < top else 0.0
            scaled = max(-1.0, min(1.0, (raw - bottom) / (top - bottom))) if top > bottom else None
        if mastery_score is not None and raw is not None and status not in ("not attempted",):
            success = "passed" if raw >= mastery_score else "failed"
            completion = "completed" if completion == "completed" or success == "passed" else completion
    else:
        completion = data.get("cmi.completion_status", "unknown")
        if completion not in ("completed", "incomplete", "not attempted", "unknown"):
            completion = "unknown"
        success = data.get("cmi.success_status", "unknown")
        if success not in ("passed", "failed"):
            success = "unknown"
        raw = _number(data.get("cmi.score.raw"))
        low = _number(data.get("cmi.score.min"))
        high = _number(data.get("cmi.score.max"))
        scaled = _number(data.get("cmi.score.scaled"))
        if scaled is not None and not -1 <= scaled <= 1:
            scaled = None
        if scaled_passing_score is not None and scaled is not None:
            success = "passed" if scaled >= scaled_passing_score else "failed"
    return Outcome(completion, success, raw, low, high, scaled)


_TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)


def timespan_seconds(value: str) -> float | None:
    """Seconds in a SCORM 1.2 CMITimespan ("0001:02:03.5") or a SCORM 2004 duration ("PT1H2M3.5S")."""
    match = _TIMESPAN_12.match(value or "")
    if match:
        hours, minutes, seconds, fraction = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)
    match = _DURATION.match(value or "")
    if match and value not in ("P", "PT") and not value.endswith("T"):
        years, months, days, hours, minutes, seconds = match.groups()
        return (
            int(years or 0) * 365 * 86400
            + int(months or 0) * 30 * 86400
            + int(days or 0) * 86400
            + int(hours or 0) * 3600
            + int(minutes or 0) * 60
            + float(seconds or 0)
        )
    return None
