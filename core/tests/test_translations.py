"""Chinese is complete, compiled, and keeps every placeholder of the English source."""

import gettext
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

sys.path.insert(0, str(ROOT / "scripts"))
import compile_messages  # noqa: E402


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not missing, f"{len(missing)} strings are untranslated or fuzzy: {missing[:5]}"


def test_translations_keep_placeholders():
    for entry in polib.pofile(str(PO)).translated_entries():
        source = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translated in translations:
            assert set(PLACEHOLDER.findall(translated)) == source, entry.msgid


def test_compiled_catalogue_is_what_django_reads():
    translations = gettext.GNUTranslations(io.BytesIO(compile_messages.compile_po(PO)))
    assert translations.gettext("Accounts") == "账号"
    assert translations.plural(5) == 0  # zh-hans has one plural form
    assert translations.info()["content-type"] == "text/plain; charset=UTF-8"


def test_compiled_catalogues_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_messages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_stale_catalogue(tmp_path, monkeypatch, capsys):
    messages = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copy(PO, messages / "django.po")
    shutil.copy(PO.with_suffix(".mo"), messages / "django.mo")
    monkeypatch.setattr(compile_messages, "ROOT", tmp_path)
    monkeypatch.setattr(sys, "argv", ["compile_messages.py", "--check"])
    assert compile_messages.main() == 0

    with (messages / "django.po").open("a", encoding="utf-8") as po:
        po.write('\nmsgid "A string added after compiling"\nmsgstr "编译后新增的字符串"\n')
    assert compile_messages.main() == 1
    assert "locale/zh_Hans/LC_MESSAGES/django.mo" in capsys.readouterr().err

    monkeypatch.setattr(sys, "argv", ["compile_messages.py"])
    assert compile_messages.main() == 0
    monkeypatch.setattr(sys, "argv", ["compile_messages.py", "--check"])
    assert compile_messages.main() == 0
