"""Verification codes: 16 characters from a 32-letter alphabet without look-alikes (no I, O, 0, 1),
drawn with `secrets` — 80 bits, so codes cannot be guessed or enumerated.

Stored bare (``ABCDEFGHJKLMNPQR``), shown in groups of four (``ABCD-EFGH-JKLM-NPQR``). What people
type is forgiving: any case, with or without dashes or spaces, full-width letters from a Chinese
input method.
"""

import secrets
import unicodedata

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 16
GROUP = 4


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(typed: str) -> str:
    """Upper-case letters and digits of what was typed, dashes, spaces and the rest dropped."""
    text = unicodedata.normalize("NFKC", typed or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def code_is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def code_display(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
