"""Passwords: the initial ones we make up, how they are shown, and Django's validators in Chinese.

**Initial passwords** (staff import, an administrator adding someone, the demo) are read aloud or
copied from a sheet and typed on a phone, once: :func:`initial_password` makes three groups of five
lowercase letters and digits, without the look-alikes 0/o, 1/l/i, e.g. ``k7mqx 3xtpa 9hzab``. The
spaces are only for reading: the password is the 15 characters, and sign-in and the first password
change accept it typed with or without spaces or dashes (:func:`initial_password_matches`).

**Validators**: Django 5.1 changed the msgid of "This password is too short…" to ``%d``, and Django's
own zh_Hans catalogue still translates only the old ``%(min_length)d`` one, so the first page every new
staff member sees showed that one message in English among Chinese ones. :class:`MinimumLengthValidator`
asks for the same msgid from the project's own source, so ``makemessages`` keeps its Chinese in
``locale/`` (accounts.tests.test_passwords checks every configured validator's message in zh-hans).
"""

import math
import re
import secrets

from django.contrib.auth import password_validation
from django.utils.translation import ngettext

# No 0/o, 1/l/i: nothing to misread on a phone screen or mishear when read aloud.
INITIAL_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (symbols, not a password)
INITIAL_PASSWORD_GROUPS = 3
INITIAL_PASSWORD_GROUP_LENGTH = 5
INITIAL_PASSWORD_LENGTH = INITIAL_PASSWORD_GROUPS * INITIAL_PASSWORD_GROUP_LENGTH
# 31 symbols, 15 of them: 15 × log2(31) ≈ 74.3 bits. Requiring at least one letter and one digit drops
# the all-letter strings ((23/31)**15 ≈ 1.1 %) and all-digit ones (negligible): about 74.3 bits still.
# (The 12-character passwords before were 12 × log2(31) ≈ 59.5 bits.)
INITIAL_PASSWORD_BITS = INITIAL_PASSWORD_LENGTH * math.log2(len(INITIAL_PASSWORD_ALPHABET))

_SEPARATORS = re.compile(r"[\s\-‐‑–—_·.]+")
_INITIAL = re.compile(f"[{INITIAL_PASSWORD_ALPHABET}]{{{INITIAL_PASSWORD_LENGTH}}}")


def initial_password() -> str:
    """A random initial password: 15 characters from a 31-symbol alphabet (≈ 74 bits), with at least
    one letter and one digit. Show it with :func:`initial_password_display`."""
    while True:
        password = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def initial_password_display(password: str) -> str:
    """``k7mqx3xtpa9hzab`` → ``k7mqx 3xtpa 9hzab``: groups of five to read aloud and type."""
    size = INITIAL_PASSWORD_GROUP_LENGTH
    return " ".join(password[start : start + size] for start in range(0, len(password), size))


def initial_password_compact(password: str) -> str:
    """An initial password typed in its groups (``k7mqx 3xtpa 9hzab``), without the spaces; any other
    password as it is."""
    compact = _SEPARATORS.sub("", password)
    return compact if _INITIAL.fullmatch(compact) and compact != password else password


def initial_password_matches(user, typed: str) -> bool:
    """The typed password is the user's, or — while they still have to choose their own — their
    initial password typed in its groups (with spaces or dashes between them)."""
    if user.check_password(typed):
        return True
    compact = _SEPARATORS.sub("", typed)
    return bool(user.must_change_password and compact and compact != typed and user.check_password(compact))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message translated by the project's catalogue (see the module docstring)."""

    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )
