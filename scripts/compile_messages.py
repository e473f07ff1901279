#!/usr/bin/env python3
"""Compile locale/*/LC_MESSAGES/*.po into .mo files with no system gettext tools.

Django's `compilemessages` needs GNU msgfmt, which a fresh machine may not have. This is a
small, deterministic implementation of the parts of the PO format Django uses (contexts,
plurals, fuzzy entries skipped). `--check` fails if a committed .mo is out of date.
"""

import argparse
import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_po(text: str) -> dict[str, str]:
    """Return {key: translation}; key is msgid, "ctxt\\x04msgid" or "msgid\\x00plural".

    Fuzzy and untranslated entries are left out (as msgfmt does), except the header.
    """
    catalog: dict[str, str] = {}
    for chunk in text.split("\n\n"):
        fields: dict[str, str] = {}
        plurals: dict[int, str] = {}
        fuzzy = False
        current = None
        for raw in chunk.splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
                continue
            if not line or line.startswith("#"):
                continue
            if line.startswith('"'):
                value = ast.literal_eval(line)
            else:
                keyword, _space, rest = line.partition(" ")
                value = ast.literal_eval(rest)
                if keyword.startswith("msgstr["):
                    current = int(keyword[7:-1])
                    plurals[current] = ""
                elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                    current = keyword
                    fields[current] = ""
                else:
                    raise ValueError(f"Cannot parse PO line: {raw!r}")
            if isinstance(current, int):
                plurals[current] += value
            elif current is not None:
                fields[current] += value
        if "msgid" not in fields:
            continue
        key = fields["msgid"]
        if "msgctxt" in fields:
            key = f"{fields['msgctxt']}\x04{key}"
        if "msgid_plural" in fields:
            key = f"{key}\x00{fields['msgid_plural']}"
            translation = "\x00".join(plurals[i] for i in sorted(plurals))
        else:
            translation = fields.get("msgstr", "")
        is_header = fields["msgid"] == ""
        if is_header or (translation.replace("\x00", "") and not fuzzy):
            catalog[key] = translation
    return catalog


def build_mo(catalog: dict[str, str]) -> bytes:
    keys = sorted(catalog)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), catalog[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return (
        header
        + struct.pack(f"{len(koffsets)}i", *koffsets)
        + struct.pack(f"{len(voffsets)}i", *voffsets)
        + ids
        + strs
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a .mo file is out of date")
    args = parser.parse_args()
    stale = []
    for po in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        data = build_mo(parse_po(po.read_text(encoding="utf-8")))
        if args.check:
            if not mo.exists() or mo.read_bytes() != data:
                stale.append(str(mo.relative_to(ROOT)))
        elif not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(ROOT)}")
    if stale:
        print("Out of date (run `make messages`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
