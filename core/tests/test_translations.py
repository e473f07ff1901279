"""Chinese is complete, compiled, and keeps every placeholder of the English source."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

sys.path.insert(0, str(ROOT / "scripts"))
from compile_messages import parse_po  # noqa: E402


def test_every_string_has_a_chinese_translation():
    text = PO.read_text(encoding="utf-8")
    catalog = parse_po(text)  # leaves out fuzzy and empty entries
    declared = len(re.findall(r"^msgid ", text, re.M))
    assert len(catalog) == declared, f"{declared - len(catalog)} strings are untranslated or fuzzy"


def test_translations_keep_placeholders():
    for key, value in parse_po(PO.read_text(encoding="utf-8")).items():
        source = set(PLACEHOLDER.findall(key))
        for translated in value.split("\x00"):
            assert set(PLACEHOLDER.findall(translated)) == source, key


def test_compiled_catalogues_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_messages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
