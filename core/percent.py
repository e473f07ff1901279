"""The one way a share is shown as a percentage: quiz scores, the review, My learning, question
statistics (and reports, certificates, exports that show a share should call it too).

Rounded half up to ``DECIMALS`` places (2 of 3 is 66.7%, not 66% or 67%), trailing zeros dropped
(50%, not 50.0%), and never 100% for less than all nor 0% for more than nothing.
"""

from decimal import ROUND_HALF_UP, Decimal

DECIMALS = 1
_STEP = Decimal(1).scaleb(-DECIMALS)


def percent_value(part: float | int | None, whole: float | int | None) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded as this module says; None when there is no whole."""
    if part is None or not whole:
        return None
    exact = Decimal(str(part)) * 100 / Decimal(str(whole))
    value = exact.quantize(_STEP, rounding=ROUND_HALF_UP)
    if value >= 100 and part < whole:
        return 100 - _STEP
    if value <= 0 < part:
        return _STEP
    return value


def format_percent(part: float | int | None, whole: float | int | None) -> str:
    """ "66.7%", "50%", "100%"; "" when there is no whole to share."""
    value = percent_value(part, whole)
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
