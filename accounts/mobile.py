"""The one reading of a mainland mobile number, for sign-in, the staff import and every form with a
mobile field: what people type (spaces, dashes, brackets, full-width digits, +86 / 0086 / 86) becomes
the 11 digits that are stored and looked up."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NOISE = re.compile(r"[\s\-‐‑–—()]")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")

MOBILE_INVALID = _(
    "“%(value)s” is not a mainland mobile number. Type the 11 digits, e.g. 138 0013 8000 (+86 may be left "
    "in front)."
)


def mobile_normalise(value: str | None) -> str | None:
    """An 11-digit mainland mobile number (1[3-9]…) from what people type: spaces, dashes, brackets,
    full-width digits (NFKC) and a +86, 0086 or 86 prefix are allowed. None when it is not one."""
    if not value:
        return None
    value = _NOISE.sub("", unicodedata.normalize("NFKC", value))
    match = _MOBILE.fullmatch(value)
    return match.group(1) if match else None


_PHONE_LIKE = re.compile(r"[+\d\s\-‐‑–—()]+")


def looks_like_a_mobile_number(value: str | None) -> bool:
    """Typed as a phone number (digits, with spaces, dashes, brackets or +; at least 7 digits) but not
    one we read: sign-in says what is wrong with the number instead of "wrong username or password"."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    return bool(
        _PHONE_LIKE.fullmatch(value)
        and sum(c.isdigit() for c in value) >= 7
        and mobile_normalise(value) is None
    )


class MobileNumberField(forms.CharField):
    """A form field for a mobile number: accepts it however it is typed, cleans to the 11 digits (or
    None when left empty), and refuses anything else with one message."""

    default_error_messages = {"invalid_mobile": MOBILE_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)  # room for spaces, dashes and +86 while typing
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        mobile = mobile_normalise(value)
        if mobile is None:
            raise ValidationError(
                self.error_messages["invalid_mobile"], code="invalid_mobile", params={"value": value}
            )
        return mobile
