#!/usr/bin/env python3
"""Compile every .po under locale/ and locale_upstream/ into .mo files with polib (no gettext needed).

locale/ holds the project's own strings (written by `make messages`); locale_upstream/ holds Chinese for
Django's and Wagtail's strings that their own catalogues lack (edited by hand, never by makemessages).

Django's `compilemessages` needs GNU msgfmt, which a fresh machine may not have. polib (a dev
dependency) reads the PO files and writes the .mo files the way msgfmt does: fuzzy, obsolete and
untranslated entries are left out, the header is kept. The .mo files are committed, so `make run`
never needs polib. `--check` fails if a committed .mo differs from what its .po compiles to.
"""

import argparse
import sys
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover - only on a machine without the dev requirements
    sys.exit("polib is missing: install the dev requirements (make install-dev)")

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIRS = ("locale", "locale_upstream")


def compile_po(po_path: Path) -> bytes:
    """The .mo file that `po_path` compiles to (deterministic for a given PO file)."""
    return polib.pofile(str(po_path), encoding="utf-8").to_binary()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a .mo file is out of date")
    args = parser.parse_args()
    stale = []
    catalogues = [po for name in LOCALE_DIRS for po in sorted(ROOT.glob(f"{name}/*/LC_MESSAGES/*.po"))]
    for po in catalogues:
        mo = po.with_suffix(".mo")
        data = compile_po(po)
        if mo.exists() and mo.read_bytes() == data:
            continue
        if args.check:
            stale.append(str(mo.relative_to(ROOT)))
        else:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(ROOT)}")
    if stale:
        print("Out of date (run `make messages`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
