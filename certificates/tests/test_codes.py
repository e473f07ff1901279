from collections import Counter

import pytest

from certificates import codes
from certificates.codes import (
    ALPHABET,
    code_display,
    code_generate,
    code_is_well_formed,
    code_normalize,
)


def test_the_alphabet_has_32_unambiguous_characters():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("IO01") & set(ALPHABET)


def test_codes_are_16_characters_from_the_alphabet_and_all_different():
    generated = [code_generate() for _ in range(5000)]
    assert all(len(code) == 16 and set(code) <= set(ALPHABET) for code in generated)
    assert len(set(generated)) == len(generated)


def test_codes_use_the_whole_alphabet_evenly():
    counts = Counter("".join(code_generate() for _ in range(4000)))  # 64,000 characters, 2,000 each
    assert set(counts) == set(ALPHABET)
    assert min(counts.values()) > 1700 and max(counts.values()) < 2300


def test_codes_come_from_the_secrets_module(monkeypatch):
    calls = []
    monkeypatch.setattr(codes.secrets, "choice", lambda seq: calls.append(seq) or seq[0])
    assert code_generate() == "A" * 16
    assert len(calls) == 16


def test_codes_are_shown_in_groups_of_four():
    assert code_display("ABCDEFGHJKLMNPQR") == "ABCD-EFGH-JKLM-NPQR"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKLM-NPQR",
        "abcd-efgh-jklm-npqr",
        "abcdefghjklmnpqr",
        " ABCD EFGH JKLM NPQR ",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫＬＭ－ＮＰＱＲ",  # full-width, from a Chinese input method
        "abcd—efgh—jklm—npqr",
    ],
)
def test_typed_codes_are_normalised(typed):
    assert code_normalize(typed) == "ABCDEFGHJKLMNPQR"
    assert code_is_well_formed(code_normalize(typed))


@pytest.mark.parametrize(
    "code", ["", "ABCDEFGHJKLMNPQ", "ABCDEFGHJKLMNPQRS", "ABCDEFGHJKLMNPQ0", "ABCDEFGHIKLMNPQR"]
)
def test_malformed_codes_are_recognised(code):
    assert not code_is_well_formed(code)
