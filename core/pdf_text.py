"""Chinese text in generated PDFs (certificates, invitation posters).

The font the project ships (certificates/fonts, a GB 2312 subset of Noto Sans CJK SC) draws almost
everything; the CID font PDF readers supply draws the rest of the Basic Multilingual Plane, and a
character outside it prints as a box. Nothing is downloaded and no system font is used.
"""

import threading

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONT_PATH = settings.BASE_DIR / "certificates" / "fonts" / "FrontlineCertificateSans-Regular.ttf"
FONT = "FrontlineCertificateSans"
FALLBACK_FONT = "STSong-Light"
UNDRAWABLE = "□"  # for characters no font can show (outside the Basic Multilingual Plane)

_fonts_lock = threading.Lock()
_glyphs: dict[int, int] = {}


def register_fonts() -> dict[int, int]:
    """Load the fonts once per process (parsing the TrueType file takes most of a second)."""
    if _glyphs:
        return _glyphs
    with _fonts_lock:
        if not _glyphs:
            font = TTFont(FONT, str(FONT_PATH))
            pdfmetrics.registerFont(font)
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
            _glyphs.update(font.face.charToGlyph)
    return _glyphs


def font_runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs: the shipped font where it has the character, the
    CID fallback where it does not."""
    glyphs = register_fonts()
    runs: list[tuple[str, str]] = []
    for ch in text:
        if ord(ch) in glyphs:
            font = FONT
        elif ord(ch) <= 0xFFFF:
            font = FALLBACK_FONT
        else:
            font, ch = FONT, UNDRAWABLE
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def text_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text))


NO_LINE_START = "，。、；：！？）》」』”’…"


def draw_string(canvas, text: str, x: float, y: float, size: float, colour=None) -> None:
    """Text at (x, y) (baseline, left), each character in a font that has it."""
    canvas.saveState()
    if colour is not None:
        canvas.setFillColor(colour)
    line = canvas.beginText(x, y)
    for font, run in font_runs(text):
        line.setFont(font, size)
        line.textOut(run)
    canvas.drawText(line)
    canvas.restoreState()


def wrap_text(text: str, size: float, max_width: float) -> list[str]:
    """Break text into lines no wider than max_width, between characters (as Chinese is set), preferring
    spaces in Latin text."""
    lines: list[str] = []
    rest = " ".join(text.split())
    while rest:
        end = len(rest)
        while end > 1 and text_width(rest[:end], size) > max_width:
            end -= 1
        if end < len(rest):
            space = rest.rfind(" ", 0, end)
            if space > end // 2:
                end = space
            # Chinese line breaking: a closing mark never starts a line; take one character down with it.
            while end > 1 and rest[end] in NO_LINE_START:
                end -= 1
        lines.append(rest[:end].strip())
        rest = rest[end:].strip()
    return lines
