"""Text folding for matching what people type against what is stored.

An input method may type "ＡＩ" (full-width) where a lesson says "AI", or "Ai" where it says "ai":
NFKC turns full-width letters, digits and punctuation into their ordinary forms, casefold turns
every case into one. Search folds both sides with :func:`fold` — the query and the indexed text
(``search_text`` of courses and lessons) — so every variant finds the same pages.
"""

import unicodedata


def fold(text: str) -> str:
    """The matching form of ``text``: NFKC-normalised and casefolded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def fold_find(text: str, term: str) -> int:
    """Where ``term`` (already folded) starts in ``text`` (not folded), or -1.

    For excerpts shown as written: the text is folded one character at a time, keeping where each
    folded character came from, so the position found maps back onto the original."""
    if not term:
        return -1
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    found = "".join(folded).find(term)
    return origin[found] if found >= 0 else -1
