"""Demo illustrations drawn with Pillow alone: course covers, phone-screen mock-ups and diagrams.

Screen titles, buttons, menu items and the labels a learner has to find are drawn in Chinese with the
font the project ships for certificates (certificates/fonts, a GB 2312 subset of Noto Sans CJK SC), so a
learner can match a picture to the real screen; the bodies of the phone screens carry short, realistic
labels and sample values too (always masked: 张**, 138****0000). Course covers keep a few decorative bars.
Everything is deterministic, so the same key always gives the same picture.

    draw("phone-scan-qr")  -> PIL.Image.Image (RGB)
    png_bytes(image)       -> the small palette PNG the loader stores
    title_for("phone-scan-qr") -> "扫码登记：扫描门口二维码"
    KEYS -> every supported key
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import io
import itertools
import random
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = (
    Path(__file__).resolve().parent.parent / "certificates" / "fonts" / "FrontlineCertificateSans-Regular.ttf"
)

# Drawn at twice the size and reduced, so curves and diagonals come out smooth.
SCALE = 2

COVER_SIZE = (1280, 720)
PHONE_SIZE = (720, 1280)

PRIMARY = (10, 79, 148)
PRIMARY_MID = (96, 150, 206)
PRIMARY_LIGHT = (222, 234, 247)
GREEN = (15, 122, 58)
GREEN_MID = (110, 185, 138)
GREEN_LIGHT = (222, 242, 229)
ORANGE = (196, 106, 0)
ORANGE_MID = (235, 165, 80)
ORANGE_LIGHT = (252, 236, 214)
RED = (179, 38, 30)
RED_LIGHT = (250, 226, 224)
WHITE = (255, 255, 255)
PAGE = (243, 245, 248)
LINE = (223, 228, 235)
BAR = (206, 213, 222)
BAR_LIGHT = (228, 232, 238)
BAR_DARK = (120, 132, 148)
INK = (38, 50, 66)
CHAT_BG = (237, 237, 240)
CHAT_GREEN = (149, 222, 120)
MAP_BG = (236, 240, 232)

Box = tuple[float, float, float, float]
PNG_COLOURS = 128  # palette size of the stored PNGs (png_bytes)
PLAIN = "-plain"  # suffix of a key: its screen without the "tap here" ring (see draw)
_tap_hints: contextvars.ContextVar[bool] = contextvars.ContextVar("tap_hints", default=True)
_current_key: contextvars.ContextVar[str] = contextvars.ContextVar("current_key", default="")


@functools.lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


class Canvas:
    """An image with drawing helpers in logical pixels (scaled up internally)."""

    def __init__(self, size: tuple[int, int], background: tuple[int, int, int]):
        self.width, self.height = size
        self.image = Image.new("RGB", (self.width * SCALE, self.height * SCALE), background)
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    # --- primitives -------------------------------------------------------------------------------
    @staticmethod
    def _s(values: Iterable[float]) -> list[int]:
        return [round(v * SCALE) for v in values]

    def rect(self, box: Box, fill=None, outline=None, width: float = 2, radius: float = 0) -> None:
        x0, y0, x1, y1 = box
        radius = min(radius, (x1 - x0) / 2, (y1 - y0) / 2)
        width_px = round(width * SCALE) if outline else 0
        if radius > 0:
            self.draw.rounded_rectangle(
                self._s(box), radius=round(radius * SCALE), fill=fill, outline=outline, width=width_px
            )
        else:
            self.draw.rectangle(self._s(box), fill=fill, outline=outline, width=width_px)

    def circle(self, cx: float, cy: float, r: float, fill=None, outline=None, width: float = 2) -> None:
        width_px = round(width * SCALE) if outline else 0
        self.draw.ellipse(
            self._s((cx - r, cy - r, cx + r, cy + r)), fill=fill, outline=outline, width=width_px
        )

    def ellipse(self, box: Box, fill=None, outline=None, width: float = 2) -> None:
        width_px = round(width * SCALE) if outline else 0
        self.draw.ellipse(self._s(box), fill=fill, outline=outline, width=width_px)

    def line(
        self, points: list[tuple[float, float]], fill, width: float = 4, round_caps: bool = True
    ) -> None:
        flat = self._s(v for point in points for v in point)
        self.draw.line(flat, fill=fill, width=round(width * SCALE), joint="curve")
        if round_caps:
            r = width / 2
            for x, y in (points[0], points[-1]):
                self.circle(x, y, r, fill=fill)

    def polygon(self, points: list[tuple[float, float]], fill=None, outline=None, width: float = 2) -> None:
        flat = self._s(v for point in points for v in point)
        self.draw.polygon(flat, fill=fill, outline=outline, width=round(width * SCALE) if outline else 0)

    def arc(self, box: Box, start: float, end: float, fill, width: float = 4) -> None:
        self.draw.arc(self._s(box), start, end, fill=fill, width=round(width * SCALE))

    def pieslice(self, box: Box, start: float, end: float, fill) -> None:
        self.draw.pieslice(self._s(box), start, end, fill=fill)

    def finish(self) -> Image.Image:
        return self.image.reduce(SCALE)

    def text(self, x: float, y: float, text: str, size: float = 28, color=INK, anchor: str = "la") -> Box:
        """Chinese text at (x, y) in logical pixels (anchor as Pillow's: "la" left-top, "mm" centre)."""
        font = _font(round(size * SCALE))
        self.draw.text((round(x * SCALE), round(y * SCALE)), text, font=font, fill=color, anchor=anchor)
        x0, y0, x1, y1 = self.draw.textbbox(
            (round(x * SCALE), round(y * SCALE)), text, font=font, anchor=anchor
        )
        return (x0 / SCALE, y0 / SCALE, x1 / SCALE, y1 / SCALE)

    # --- building blocks ----------------------------------------------------------------------------
    def bar(self, x: float, y: float, w: float, h: float = 14, color=BAR) -> None:
        """A rounded bar standing for a line of text."""
        self.rect((x, y, x + w, y + h), fill=color, radius=h / 2)

    def lines(self, x: float, y: float, widths: list[float], h: float = 14, gap: float = 14, color=BAR):
        for i, w in enumerate(widths):
            self.bar(x, y + i * (h + gap), w, h, color)

    def words(self, x: float, y: float, text: str, h: float = 14, color=INK, center: bool = False) -> Box:
        """Text standing where a bar of height h at (x, y) would: left-aligned, or centred on x."""
        size = max(18, min(44, round(h * 1.5 + 2)))
        if color in (BAR, BAR_LIGHT):
            color = BAR_DARK  # a light bar stood for secondary text; text needs contrast
        return self.text(x, y + h / 2, text, size, color, "mm" if center else "lm")

    def para(self, x: float, y: float, texts: list[str], h: float = 14, gap: float = 14, color=BAR) -> None:
        for i, text in enumerate(texts):
            self.words(x, y + i * (h + gap), text, h, color)

    def card(self, box: Box, radius: float = 20, fill=WHITE, shadow: bool = True) -> None:
        x0, y0, x1, y1 = box
        if shadow:
            self.rect((x0, y0 + 4, x1, y1 + 4), fill=(20, 40, 70, 18), radius=radius)
        self.rect(box, fill=fill, radius=radius)

    def button(
        self, box: Box, fill=PRIMARY, label=WHITE, outline=None, label_w: float | None = None, text: str = ""
    ):
        x0, y0, x1, y1 = box
        self.rect(box, fill=fill, outline=outline, width=3, radius=(y1 - y0) / 2)
        if text:
            self.text((x0 + x1) / 2, (y0 + y1) / 2, text, min(32, (y1 - y0) * 0.42), label, "mm")
            return
        w = label_w or min(160, (x1 - x0) * 0.4)
        h = 16
        self.bar((x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h, label)

    def field(
        self,
        x0: float,
        y0: float,
        x1: float,
        label: str,
        value: str = "",
        select: bool = False,
        placeholder: str = "",
    ) -> Box:
        """A labelled input field; returns the box of the input itself."""
        self.text(x0, y0 + 7, label, 22, BAR_DARK, "lm")
        box = (x0, y0 + 30, x1, y0 + 106)
        self.rect(box, fill=WHITE, outline=LINE, width=3, radius=14)
        if value:
            self.text(x0 + 24, y0 + 68, value, 28, INK, "lm")
        else:
            self.text(
                x0 + 24, y0 + 68, placeholder or ("请选择" if select else "请输入"), 26, (160, 168, 178), "lm"
            )
        if select:
            self.chevron(x1 - 34, y0 + 68, 10, BAR_DARK, "down")
        return box

    def chevron(self, cx: float, cy: float, size: float, color, direction: str = "right", width=4):
        s = size
        shapes = {
            "right": [(cx - s / 2, cy - s), (cx + s / 2, cy), (cx - s / 2, cy + s)],
            "left": [(cx + s / 2, cy - s), (cx - s / 2, cy), (cx + s / 2, cy + s)],
            "down": [(cx - s, cy - s / 2), (cx, cy + s / 2), (cx + s, cy - s / 2)],
        }
        self.line(shapes[direction], color, width)

    def check(self, cx: float, cy: float, size: float, color=WHITE, width: float = 6) -> None:
        s = size
        self.line([(cx - s, cy), (cx - s * 0.3, cy + s * 0.7), (cx + s, cy - s * 0.7)], color, width)

    def check_badge(self, cx: float, cy: float, r: float, color=GREEN) -> None:
        self.circle(cx, cy, r, fill=color)
        self.check(cx, cy, r * 0.45, WHITE, max(3, r * 0.16))

    def cross(self, cx: float, cy: float, size: float, color, width: float = 5) -> None:
        s = size
        self.line([(cx - s, cy - s), (cx + s, cy + s)], color, width)
        self.line([(cx - s, cy + s), (cx + s, cy - s)], color, width)

    def plus(self, cx: float, cy: float, size: float, color, width: float = 5) -> None:
        self.line([(cx - size, cy), (cx + size, cy)], color, width)
        self.line([(cx, cy - size), (cx, cy + size)], color, width)

    def warning(self, cx: float, cy: float, size: float, color=ORANGE) -> None:
        s = size
        self.polygon([(cx, cy - s), (cx + s * 1.1, cy + s * 0.85), (cx - s * 1.1, cy + s * 0.85)], fill=color)
        self.rect((cx - s * 0.09, cy - s * 0.45, cx + s * 0.09, cy + s * 0.3), fill=WHITE, radius=s * 0.09)
        self.circle(cx, cy + s * 0.56, s * 0.11, fill=WHITE)

    def toggle(self, x: float, y: float, on: bool) -> Box:
        box = (x, y, x + 84, y + 48)
        self.rect(box, fill=GREEN if on else BAR, radius=24)
        self.circle(x + (60 if on else 24), y + 24, 19, fill=WHITE)
        return box

    def checkbox(self, x: float, y: float, checked: bool, size: float = 34) -> None:
        if checked:
            self.rect((x, y, x + size, y + size), fill=GREEN, radius=8)
            self.check(x + size / 2, y + size / 2, size * 0.28, WHITE, 4)
        else:
            self.rect((x, y, x + size, y + size), fill=WHITE, outline=BAR, width=3, radius=8)

    def radio(self, cx: float, cy: float, selected: bool) -> None:
        self.circle(cx, cy, 17, fill=WHITE, outline=PRIMARY if selected else BAR, width=3)
        if selected:
            self.circle(cx, cy, 9, fill=PRIMARY)

    def person(self, cx: float, cy: float, r: float, color, head=None) -> None:
        """A head-and-shoulders figure centred on (cx, cy) within a circle of radius r."""
        self.circle(cx, cy - r * 0.28, r * 0.36, fill=head or color)
        self.pieslice((cx - r * 0.7, cy + r * 0.18, cx + r * 0.7, cy + r * 1.3), 180, 360, fill=color)

    def avatar(self, cx: float, cy: float, r: float, bg, fg=WHITE) -> None:
        self.circle(cx, cy, r, fill=bg)
        self.person(cx, cy + r * 0.12, r * 0.8, fg)

    def pin(self, cx: float, cy: float, r: float, color, inner=WHITE) -> None:
        """A map pin whose point is at (cx, cy)."""
        top = cy - r * 2.6
        self.polygon([(cx - r * 0.86, top + r * 1.5), (cx + r * 0.86, top + r * 1.5), (cx, cy)], fill=color)
        self.circle(cx, top + r, r, fill=color)
        self.circle(cx, top + r, r * 0.42, fill=inner)

    def thermometer(self, cx: float, cy: float, h: float, color=RED, glass=WHITE, level: float = 0.6):
        w = h * 0.22
        top = cy - h / 2
        bulb_r = w * 0.95
        bulb_cy = cy + h / 2 - bulb_r
        self.rect((cx - w / 2, top, cx + w / 2, bulb_cy), fill=glass, outline=BAR_DARK, width=3, radius=w / 2)
        self.circle(cx, bulb_cy, bulb_r, fill=glass, outline=BAR_DARK, width=3)
        self.circle(cx, bulb_cy, bulb_r * 0.7, fill=color)
        mercury_top = bulb_cy - (bulb_cy - top - w * 0.4) * level
        self.rect((cx - w * 0.2, mercury_top, cx + w * 0.2, bulb_cy), fill=color, radius=w * 0.2)
        for i in range(4):
            y = top + w * 0.8 + i * (bulb_cy - top - w) / 4
            self.line([(cx + w / 2 + 6, y), (cx + w / 2 + 18, y)], BAR_DARK, 3)

    def lock(self, cx: float, cy: float, s: float, color=PRIMARY, shackle=None) -> None:
        """A padlock of body width 2s centred on (cx, cy)."""
        shackle = shackle or color
        self.arc((cx - s * 0.62, cy - s * 1.45, cx + s * 0.62, cy - s * 0.1), 180, 360, shackle, s * 0.24)
        self.rect(
            (cx - s * 0.62 - s * 0.12, cy - s * 0.8, cx - s * 0.62 + s * 0.12, cy - s * 0.2), fill=shackle
        )
        self.rect(
            (cx + s * 0.62 - s * 0.12, cy - s * 0.8, cx + s * 0.62 + s * 0.12, cy - s * 0.2), fill=shackle
        )
        self.rect((cx - s, cy - s * 0.3, cx + s, cy + s), fill=color, radius=s * 0.22)
        self.circle(cx, cy + s * 0.25, s * 0.18, fill=WHITE)
        self.rect((cx - s * 0.07, cy + s * 0.3, cx + s * 0.07, cy + s * 0.62), fill=WHITE, radius=s * 0.05)

    def shield(self, cx: float, cy: float, s: float, color=GREEN, tick: bool = True) -> None:
        self.polygon(
            [
                (cx, cy - s),
                (cx + s * 0.85, cy - s * 0.68),
                (cx + s * 0.78, cy + s * 0.15),
                (cx, cy + s),
                (cx - s * 0.78, cy + s * 0.15),
                (cx - s * 0.85, cy - s * 0.68),
            ],
            fill=color,
        )
        if tick:
            self.check(cx, cy - s * 0.02, s * 0.36, WHITE, max(3, s * 0.13))

    def robot(self, cx: float, cy: float, s: float, color=PRIMARY, face=WHITE) -> None:
        """A friendly assistant head, width 2s."""
        self.line([(cx, cy - s * 0.95), (cx, cy - s * 1.25)], color, s * 0.1)
        self.circle(cx, cy - s * 1.3, s * 0.14, fill=ORANGE)
        self.rect((cx - s * 1.12, cy - s * 0.2, cx - s * 0.9, cy + s * 0.35), fill=color, radius=s * 0.08)
        self.rect((cx + s * 0.9, cy - s * 0.2, cx + s * 1.12, cy + s * 0.35), fill=color, radius=s * 0.08)
        self.rect((cx - s, cy - s * 0.95, cx + s, cy + s * 0.8), fill=color, radius=s * 0.38)
        self.rect((cx - s * 0.76, cy - s * 0.62, cx + s * 0.76, cy + s * 0.5), fill=face, radius=s * 0.3)
        self.circle(cx - s * 0.36, cy - s * 0.12, s * 0.14, fill=color)
        self.circle(cx + s * 0.36, cy - s * 0.12, s * 0.14, fill=color)
        self.arc((cx - s * 0.3, cy - s * 0.05, cx + s * 0.3, cy + s * 0.3), 20, 160, color, s * 0.07)

    def bubble(self, box: Box, fill, tail: str = "left", radius: float = 18) -> None:
        x0, y0, x1, y1 = box
        if tail == "left":
            self.polygon([(x0 + 2, y0 + 22), (x0 - 12, y0 + 32), (x0 + 2, y0 + 42)], fill=fill)
        elif tail == "right":
            self.polygon([(x1 - 2, y0 + 22), (x1 + 12, y0 + 32), (x1 - 2, y0 + 42)], fill=fill)
        elif tail == "down":
            self.polygon([(x0 + 50, y1 - 2), (x0 + 86, y1 - 2), (x0 + 48, y1 + 40)], fill=fill)
        self.rect(box, fill=fill, radius=radius)

    def megaphone(self, cx: float, cy: float, s: float, color=ORANGE) -> None:
        self.polygon(
            [
                (cx - s * 0.5, cy - s * 0.3),
                (cx + s * 0.7, cy - s),
                (cx + s * 0.7, cy + s),
                (cx - s * 0.5, cy + s * 0.3),
            ],
            fill=color,
        )
        self.rect((cx - s, cy - s * 0.32, cx - s * 0.4, cy + s * 0.32), fill=color, radius=s * 0.1)
        self.rect((cx - s * 0.75, cy + s * 0.2, cx - s * 0.45, cy + s * 0.85), fill=color, radius=s * 0.1)
        x = cx + s * 0.95
        for slope in (-0.5, 0, 0.5):
            self.line([(x, cy + slope * s * 0.9), (x + s * 0.3, cy + slope * s * 1.5)], color, s * 0.1)

    def id_card(self, box: Box, accent=PRIMARY) -> None:
        x0, y0, x1, y1 = box
        h = y1 - y0
        self.card(box, radius=h * 0.08)
        self.rect((x0, y0, x1, y0 + h * 0.2), fill=accent, radius=h * 0.08)
        self.rect((x0, y0 + h * 0.12, x1, y0 + h * 0.2), fill=accent)
        photo = (x0 + h * 0.1, y0 + h * 0.32, x0 + h * 0.52, y0 + h * 0.86)
        self.rect(photo, fill=PRIMARY_LIGHT, radius=h * 0.04)
        pcx, pcy = (photo[0] + photo[2]) / 2, (photo[1] + photo[3]) / 2
        self.person(pcx, pcy + h * 0.04, h * 0.2, PRIMARY_MID)
        tx = x0 + h * 0.62
        tw = x1 - tx - h * 0.1
        for i, frac in enumerate((0.55, 0.8, 0.7, 0.95)):
            self.bar(tx, y0 + h * (0.34 + i * 0.13), tw * frac, h * 0.06, BAR if i else INK)

    def qr(self, x: float, y: float, size: float, seed: str, color=INK, modules: int = 25) -> Box:
        """A QR-code-like square of deterministic modules with three finder patterns."""
        rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16))
        m = size / modules
        self.rect((x - m, y - m, x + size + m, y + size + m), fill=WHITE)

        def in_finder(i: int, j: int) -> bool:
            return (i < 8 and j < 8) or (i >= modules - 8 and j < 8) or (i < 8 and j >= modules - 8)

        for i in range(modules):
            for j in range(modules):
                if not in_finder(i, j) and rng.random() < 0.48:
                    self.rect((x + i * m, y + j * m, x + (i + 1) * m, y + (j + 1) * m), fill=color)
        for fi, fj in ((0, 0), (modules - 7, 0), (0, modules - 7)):
            fx, fy = x + fi * m, y + fj * m
            self.rect((fx, fy, fx + 7 * m, fy + 7 * m), fill=color)
            self.rect((fx + m, fy + m, fx + 6 * m, fy + 6 * m), fill=WHITE)
            self.rect((fx + 2 * m, fy + 2 * m, fx + 5 * m, fy + 5 * m), fill=color)
        return (x, y, x + size, y + size)

    def tap(self, box: Box, round_: bool = False, finger: str = "br") -> None:
        """The orange "tap here" ring around the element a step is about (none on a plain variant)."""
        if not _tap_hints.get():
            return
        x0, y0, x1, y1 = box
        pad = 12
        outer = (x0 - pad - 8, y0 - pad - 8, x1 + pad + 8, y1 + pad + 8)
        ring = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        if round_:
            self.ellipse(outer, outline=ORANGE + (70,), width=10)
            self.ellipse(ring, outline=ORANGE, width=6)
        else:
            r = min(28, (y1 - y0) / 2 + pad)
            self.rect(outer, outline=ORANGE + (70,), width=10, radius=r + 8)
            self.rect(ring, outline=ORANGE, width=6, radius=r)
        fx = x1 + pad - 6 if "r" in finger else x0 - pad + 6
        fy = y1 + pad - 6 if "b" in finger else y0 - pad + 6
        self.circle(fx, fy, 30, fill=ORANGE + (60,))
        self.circle(fx, fy, 18, fill=ORANGE, outline=WHITE, width=5)


# --- phone screens --------------------------------------------------------------------------------------


def _status_bar(c: Canvas, fg=INK, bg=WHITE) -> None:
    c.rect((0, 0, c.width, 48), fill=bg)
    c.text(32, 25, "9:41", 22, fg, "lm")
    for i in range(4):
        h = 6 + i * 4
        c.rect((580 + i * 10, 32 - h, 586 + i * 10, 32), fill=fg, radius=2)
    c.rect((630, 16, 672, 32), outline=fg, width=2.5, radius=4)
    c.rect((634, 20, 660, 28), fill=fg, radius=2)
    c.rect((673, 21, 677, 27), fill=fg, radius=1)


def _nav_bar(c: Canvas, title_w: float = 190, bg=WHITE, fg=INK, back: bool = True) -> None:
    """Title bar with a back arrow and the mini-program capsule on the right."""
    c.rect((0, 48, c.width, 136), fill=bg)
    if back:
        c.chevron(40, 92, 14, fg, "left", 5)
    title = SCREEN_TITLES.get(_current_key.get())
    if title:
        c.text(c.width / 2 - 40, 92, title, 30, fg, "mm")
    else:
        c.bar((c.width - title_w) / 2, 83, title_w, 20, fg)
    capsule = (530, 70, 700, 114)
    c.rect(
        capsule,
        fill=(255, 255, 255, 40) if bg != WHITE else WHITE,
        outline=LINE if bg == WHITE else WHITE,
        width=2,
        radius=22,
    )
    for i in range(3):
        c.circle(563 + i * 14, 92, 4.5, fill=fg)
    c.line([(615, 80), (615, 104)], LINE if bg == WHITE else WHITE, 2, round_caps=False)
    c.circle(657, 92, 12, outline=fg, width=3.5)
    c.circle(657, 92, 4, fill=fg)
    if bg == WHITE:
        c.line([(0, 136), (c.width, 136)], LINE, 2, round_caps=False)


def _phone(title_w: float = 190, page=PAGE, header=WHITE, back: bool = True) -> Canvas:
    c = Canvas(PHONE_SIZE, page)
    fg = INK if header == WHITE else WHITE
    _status_bar(c, fg, header)
    _nav_bar(c, title_w, header, fg, back)
    return c


def _home_indicator(c: Canvas, color=INK) -> None:
    c.bar(260, 1254, 200, 8, color)


TAB_LABELS = ("首页", "消息", "工作台", "我的")


def _tab_bar(c: Canvas, active: int = 0, tabs: int = 4) -> None:
    c.rect((0, 1140, c.width, 1280), fill=WHITE)
    c.line([(0, 1140), (c.width, 1140)], LINE, 2, round_caps=False)
    step = c.width / tabs
    for i in range(tabs):
        cx = step * i + step / 2
        color = PRIMARY if i == active else BAR_DARK
        c.rect((cx - 20, 1164, cx + 20, 1200), outline=color, width=4, radius=9)
        c.text(cx, 1218, TAB_LABELS[i % len(TAB_LABELS)], 20, color, "mm")
    _home_indicator(c)


def _list_row(
    c: Canvas,
    y: float,
    icon_bg=PRIMARY_LIGHT,
    icon_fg=PRIMARY,
    widths=(220, 320),
    pill=None,
    chevron: bool = True,
    avatar: bool = True,
    x0: float = 32,
    x1: float = 688,
    title: str = "",
    sub: str = "",
    tag: str = "",
) -> Box:
    box = (x0, y, x1, y + 116)
    c.rect(box, fill=WHITE, radius=18)
    if avatar:
        c.avatar(x0 + 60, y + 58, 34, icon_bg, icon_fg)
    tx = x0 + (116 if avatar else 32)
    c.text(tx, y + 43, title, 28, INK, "lm")
    c.text(tx, y + 76, sub, 21, BAR_DARK, "lm")
    if pill:
        fill, fg = pill
        px1 = x1 - 58 if chevron else x1 - 28
        c.rect((x1 - 150, y + 38, px1, y + 78), fill=fill, radius=20)
        c.text((x1 - 150 + px1) / 2, y + 58, tag, 20, fg, "mm")
    if chevron:
        c.chevron(x1 - 30, y + 58, 10, BAR, "right", 4)
    return box


TILE_LABELS = {
    "qr": "访客登记",
    "temp": "体温登记",
    "trace": "流调轨迹",
    "notice": "社区通知",
    "list": "登记名单",
    "people": "居民管理",
    "chat": "消息",
    "shield": "隐私设置",
}


def _icon_tile(c: Canvas, cx: float, cy: float, bg, fg, icon: str) -> Box:
    box = (cx - 64, cy - 64, cx + 64, cy + 64)
    c.rect((cx - 48, cy - 62, cx + 48, cy + 34), fill=bg, radius=26)
    ix, iy = cx, cy - 14
    if icon == "qr":
        c.rect((ix - 22, iy - 22, ix - 4, iy - 4), outline=fg, width=5, radius=3)
        c.rect((ix + 4, iy - 22, ix + 22, iy - 4), outline=fg, width=5, radius=3)
        c.rect((ix - 22, iy + 4, ix - 4, iy + 22), outline=fg, width=5, radius=3)
        c.rect((ix + 6, iy + 6, ix + 20, iy + 20), fill=fg, radius=2)
    elif icon == "temp":
        c.thermometer(ix - 4, iy, 50, fg, bg, 0.7)
    elif icon == "trace":
        c.pin(ix, iy + 24, 15, fg, bg)
    elif icon == "notice":
        c.megaphone(ix, iy, 20, fg)
    elif icon == "people":
        c.person(ix - 10, iy + 2, 24, fg)
        c.person(ix + 14, iy + 6, 20, fg)
    elif icon == "list":
        for k in range(3):
            c.circle(ix - 18, iy - 14 + k * 14, 4, fill=fg)
            c.bar(ix - 8, iy - 18 + k * 14, 30, 8, fg)
    elif icon == "chat":
        c.bubble((ix - 24, iy - 18, ix + 24, iy + 14), fg, "down", 10)
    elif icon == "shield":
        c.shield(ix, iy, 24, fg)
    c.text(cx, cy + 53, TILE_LABELS[icon], 24, INK, "mm")
    return box


def phone_app_home(key: str) -> Image.Image:
    c = _phone(header=PRIMARY, back=False, title_w=120)
    c.rect((0, 136, 720, 330), fill=PRIMARY)
    c.card((32, 200, 688, 420), radius=24)
    c.avatar(110, 290, 46, PRIMARY_LIGHT, PRIMARY)
    c.words(180, 260, "张** 网格员", 22, INK)
    c.words(180, 302, "民生路社区 · 第3网格", 14, BAR)
    c.rect((520, 266, 656, 314), fill=GREEN_LIGHT, radius=24)
    c.text(588, 290, "今日在岗", 22, GREEN, "mm")
    c.card((32, 450, 688, 920), radius=24)
    c.words(64, 486, "常用功能", 20, INK)
    tiles = [
        (PRIMARY_LIGHT, PRIMARY, "qr"),
        (RED_LIGHT, RED, "temp"),
        (ORANGE_LIGHT, ORANGE, "trace"),
        (GREEN_LIGHT, GREEN, "notice"),
        (PRIMARY_LIGHT, PRIMARY, "list"),
        (GREEN_LIGHT, GREEN, "people"),
        (ORANGE_LIGHT, ORANGE, "chat"),
        (PRIMARY_LIGHT, PRIMARY, "shield"),
    ]
    boxes = []
    for n, (bg, fg, icon) in enumerate(tiles):
        cx = 124 + (n % 4) * 158
        cy = 620 + (n // 4) * 190
        boxes.append(_icon_tile(c, cx, cy, bg, fg, icon))
    c.card((32, 950, 688, 1110), radius=24)
    c.rect((64, 982, 176, 1078), fill=ORANGE_LIGHT, radius=16)
    c.megaphone(120, 1030, 26, ORANGE)
    c.words(204, 992, "【通知】周六东门临时关闭", 18, INK)
    c.words(204, 1030, "进出请走南门，南门设登记点", 14, BAR)
    c.words(204, 1062, "12月7日 · 幸福小区居委会", 14, BAR)
    _tab_bar(c, 0)
    target = {"phone-app-home": 0, "phone-app-home-temp": 1}.get(key, 0)
    c.tap(boxes[target], round_=False)
    return c.finish()


def phone_scan_qr(key: str) -> Image.Image:
    c = Canvas(PHONE_SIZE, (28, 34, 42))
    _status_bar(c, WHITE, (28, 34, 42))
    c.chevron(40, 92, 14, WHITE, "left", 5)
    c.text(360, 92, "扫一扫", 30, WHITE, "mm")
    frame = (130, 330, 590, 790)
    x0, y0, x1, y1 = frame
    c.qr(190, 390, 340, key)
    for cx, cy, dx, dy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x0, y1, 1, -1), (x1, y1, -1, -1)):
        c.line([(cx, cy + dy * 70), (cx, cy), (cx + dx * 70, cy)], GREEN_MID, 10)
    c.rect((x0 + 24, 560, x1 - 24, 566), fill=GREEN_MID + (220,), radius=3)
    c.rect((x0 + 24, 566, x1 - 24, 600), fill=GREEN_MID + (40,))
    c.text(360, 858, "将二维码放入框内，即可自动扫描", 26, (220, 224, 230), "mm")
    c.text(360, 898, "请对准门口张贴的登记码", 22, (150, 158, 170), "mm")
    for cx, filled in ((200, False), (520, False)):
        c.circle(cx, 1060, 52, fill=(60, 68, 80) if not filled else WHITE)
    c.rect((176, 1040, 224, 1080), outline=WHITE, width=4, radius=6)
    c.circle(192, 1054, 5, fill=WHITE)
    c.polygon([(180, 1076), (198, 1058), (212, 1070), (220, 1064), (222, 1076)], fill=WHITE)
    c.circle(520, 1042, 12, fill=WHITE)
    c.rect((512, 1054, 528, 1080), fill=WHITE, radius=4)
    c.text(200, 1136, "相册", 22, (190, 196, 206), "mm")
    c.text(520, 1136, "手电筒", 22, (190, 196, 206), "mm")
    _home_indicator(c, WHITE)
    c.tap(frame, finger="br")
    return c.finish()


def phone_code_poster(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((56, 176, 664, 960), radius=28)
    c.rect((56, 176, 664, 300), fill=PRIMARY, radius=28)
    c.rect((56, 260, 664, 300), fill=PRIMARY)
    c.text(360, 226, "幸福小区访客登记", 36, WHITE, "mm")
    c.text(360, 268, "东门 · 进出请扫码", 22, PRIMARY_LIGHT, "mm")
    c.qr(200, 350, 320, key)
    c.text(360, 732, "微信扫一扫 登记进出", 32, INK, "mm")
    c.text(360, 782, "填写姓名、手机号和来访事由", 22, BAR_DARK, "mm")
    c.text(360, 812, "登记成功后向门岗出示页面", 22, BAR_DARK, "mm")
    c.text(360, 842, "不会扫码可请工作人员代登记", 22, BAR_DARK, "mm")
    c.rect((140, 880, 580, 928), fill=GREEN_LIGHT, radius=24)
    c.text(360, 904, "长期有效 · 东门专用", 22, GREEN, "mm")
    c.button((56, 1010, 352, 1100), fill=WHITE, label=PRIMARY, outline=PRIMARY, label_w=120, text="分享")
    save = (368, 1010, 664, 1100)
    c.button(save, label_w=120, text="保存图片")
    _home_indicator(c)
    c.tap(save)
    return c.finish()


def phone_visitor_form(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.rect((0, 136, 720, 260), fill=PRIMARY_LIGHT)
    c.circle(92, 198, 34, fill=PRIMARY)
    c.person(92, 202, 26, WHITE)
    c.words(146, 180, "幸福小区 东门", 20, PRIMARY)
    c.words(146, 214, "信息仅用于本小区出入登记", 13, PRIMARY)
    c.card((32, 290, 688, 1010), radius=24)
    c.field(64, 320, 656, "姓名", "张**")
    c.field(64, 450, 656, "手机号", "138****0000")
    c.field(64, 580, 656, "来访事由", "探亲访友", select=True)
    c.field(64, 710, 656, "拜访楼栋", select=True)
    c.checkbox(64, 860, True)
    c.para(116, 860, ["我已阅读并同意《个人信息处理说明》", "登记信息只用于本小区出入管理"], 13, 12)
    c.rect((64, 924, 656, 980), fill=ORANGE_LIGHT, radius=14)
    c.warning(98, 951, 14, ORANGE)
    c.words(130, 945, "请如实填写，门岗会核对登记成功页面", 12, ORANGE)
    submit = (32, 1060, 688, 1160)
    c.button(submit, label_w=150, text="提交登记")
    _home_indicator(c)
    c.tap(submit)
    return c.finish()


def phone_proxy_register(key: str) -> Image.Image:
    c = _phone(title_w=220)
    seg = (32, 168, 688, 248)
    c.rect(seg, fill=BAR_LIGHT, radius=40)
    c.rect((364, 176, 680, 240), fill=WHITE, radius=32)
    c.text(198, 208, "本人登记", 26, BAR_DARK, "mm")
    c.text(522, 208, "代他人登记", 26, PRIMARY, "mm")
    c.card((32, 280, 688, 420), radius=24)
    c.rect((64, 306, 152, 394), fill=ORANGE_LIGHT, radius=18)
    c.person(108, 352, 36, ORANGE)
    c.para(
        180,
        318,
        ["替老人、孩子等不方便扫码的人登记", "请当面询问，只填必要的信息", "登记人：张**（志愿者）"],
        13,
        14,
    )
    c.card((32, 450, 688, 1010), radius=24)
    c.field(64, 480, 656, "被登记人姓名", "李**")
    box = c.field(64, 610, 656, "手机号", placeholder="没有手机可不填")
    c.rect((box[2] - 150, box[1] + 14, box[2] - 16, box[3] - 14), fill=PRIMARY_LIGHT, radius=24)
    c.rect((box[2] - 126, box[1] + 28, box[2] - 92, box[3] - 28), outline=PRIMARY, width=3, radius=5)
    c.text(box[2] - 56, box[1] + 38, "无手机", 20, PRIMARY, "mm")
    c.field(64, 740, 656, "住址楼栋", "3栋2单元")
    c.checkbox(64, 890, True)
    c.para(116, 892, ["已当面告诉本人登记的用途", "并征得本人或家属同意"], 13, 12)
    c.button((32, 1060, 688, 1160), label_w=150, text="提交登记")
    _home_indicator(c)
    c.tap((364, 176, 680, 240))
    return c.finish()


def phone_visitor_success(key: str) -> Image.Image:
    c = _phone(title_w=160)
    c.card((32, 170, 688, 720), radius=28)
    c.circle(360, 300, 86, fill=GREEN_LIGHT)
    c.check_badge(360, 300, 62, GREEN)
    c.text(360, 427, "登记成功", 40, INK, "mm")
    c.text(360, 467, "请向门岗工作人员出示本页面", 24, BAR_DARK, "mm")
    c.rect((150, 510, 570, 680), fill=GREEN_LIGHT, radius=20)
    c.text(360, 562, "12:06:38", 48, GREEN, "mm")
    c.text(360, 617, "12月7日 · 幸福小区东门", 24, GREEN, "mm")
    c.text(360, 650, "时间实时走动，截图无效", 20, GREEN, "mm")
    c.card((32, 750, 688, 1040), radius=24)
    rows = (
        ("姓名", "张**"),
        ("手机号", "138****0000"),
        ("来访事由", "探亲访友"),
        ("登记地点", "幸福小区东门"),
    )
    for i, (label, value) in enumerate(rows):
        y = 786 + i * 62
        c.text(64, y + 7, label, 24, BAR_DARK, "lm")
        c.text(656, y + 8, value, 26, INK, "rm")
        if i < 3:
            c.line([(64, y + 40), (656, y + 40)], BAR_LIGHT, 2, round_caps=False)
    c.button((32, 1080, 688, 1170), fill=WHITE, label=PRIMARY, outline=PRIMARY, label_w=120, text="返回首页")
    _home_indicator(c)
    c.tap((150, 510, 570, 680))
    return c.finish()


def phone_visitor_list(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.rect((0, 136, 720, 236), fill=WHITE)
    for i in range(4):
        x = 48 + i * 168
        active = i == 0
        c.rect((x, 160, x + 144, 212), fill=PRIMARY if active else PAGE, radius=26)
        c.text(x + 72, 186, ("今天", "昨天", "近7天", "全部")[i], 24, WHITE if active else BAR_DARK, "mm")
    c.card((32, 260, 688, 400), radius=22)
    for i, (color, value, label) in enumerate(
        ((PRIMARY, "128", "登记总数"), (GREEN, "96", "已离开"), (ORANGE, "7", "待确认"))
    ):
        cx = 142 + i * 218
        c.text(cx, 308, value, 44, color, "mm")
        c.text(cx, 352, label, 22, BAR_DARK, "mm")
    ok, check = (GREEN_LIGHT, GREEN), (ORANGE_LIGHT, ORANGE)
    rows = [
        ((PRIMARY_LIGHT, PRIMARY), "张** 138****0000", "08:12 · 东门 · 探亲访友", ok, "已登记"),
        ((ORANGE_LIGHT, ORANGE), "李** 139****0000", "08:30 · 东门 · 快递外卖", ok, "已登记"),
        ((PRIMARY_LIGHT, PRIMARY), "王** 139****0000", "08:47 · 东门 · 楼栋未选", check, "待确认"),
        ((GREEN_LIGHT, GREEN), "刘** 137****0000", "09:05 · 南门 · 维修施工", ok, "已登记"),
        ((PRIMARY_LIGHT, PRIMARY), "陈** 136****0000", "09:18 · 东门 · 探亲访友", ok, "已登记"),
    ]
    boxes = []
    for i, (icon, title, sub, pill, tag) in enumerate(rows):
        boxes.append(_list_row(c, 430 + i * 136, icon[0], icon[1], pill=pill, title=title, sub=sub, tag=tag))
    c.button((32, 1120, 688, 1210), fill=WHITE, label=PRIMARY, outline=PRIMARY, label_w=160, text="导出名单")
    _home_indicator(c)
    c.tap(boxes[2])
    return c.finish()


def phone_health_code(key: str) -> Image.Image:
    c = _phone(title_w=160, header=GREEN, page=GREEN_LIGHT)
    c.rect((0, 136, 720, 360), fill=GREEN)
    c.card((56, 190, 664, 1060), radius=28)
    c.avatar(136, 270, 44, GREEN_LIGHT, GREEN)
    c.words(200, 246, "张**", 22, INK)
    c.words(200, 284, "手机 138****0000", 14, BAR)
    code = c.qr(170, 360, 380, key, GREEN)
    c.rect((250, 800, 470, 860), fill=GREEN, radius=30)
    c.text(360, 830, "绿码 可通行", 28, WHITE, "mm")
    c.text(360, 912, "凭此码在本社区出入", 24, BAR_DARK, "mm")
    c.text(360, 946, "请配合门岗工作人员核验", 24, BAR_DARK, "mm")
    c.text(360, 994, "有效期至 12月31日 · 08:30更新", 22, BAR_DARK, "mm")
    c.button((56, 1100, 664, 1190), fill=WHITE, label=GREEN, outline=GREEN, label_w=140, text="刷新")
    _home_indicator(c)
    c.tap(code)
    return c.finish()


def phone_temp_entry(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 300), radius=22)
    c.avatar(100, 234, 36, PRIMARY_LIGHT, PRIMARY)
    c.words(160, 208, "李** · 3栋2单元", 20, INK)
    c.words(160, 244, "12月7日 早班 · 东门", 13, BAR)
    c.card((32, 326, 688, 700), radius=22)
    c.words(64, 356, "体温（℃）", 16, BAR_DARK)
    entry = (64, 396, 656, 520)
    c.rect(entry, fill=WHITE, outline=PRIMARY, width=4, radius=18)
    c.text(340, 458, "36.5", 80, INK, "mm")
    c.text(500, 462, "℃", 56, BAR_DARK, "mm")
    c.words(64, 552, "测量方式", 14, BAR_DARK)
    for i in range(3):
        x = 64 + i * 200
        sel = i == 0
        c.rect(
            (x, 584, x + 180, 648),
            fill=PRIMARY_LIGHT if sel else PAGE,
            outline=PRIMARY if sel else None,
            width=3,
            radius=32,
        )
        c.text(x + 90, 616, ("额温", "耳温", "腋温")[i], 24, PRIMARY if sel else BAR_DARK, "mm")
    keypad_top = 740
    c.rect((0, keypad_top, 720, 1280), fill=(214, 218, 224))
    for row in range(4):
        for col in range(3):
            x = 16 + col * 232
            y = keypad_top + 20 + row * 112
            c.rect((x, y, x + 220, y + 96), fill=WHITE, radius=14)
            c.text(
                x + 110,
                y + 48,
                ("1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "0", "删除")[row * 3 + col],
                40,
                INK,
                "mm",
            )
    c.button((32, 1212 - 10, 688, 1270), label_w=140, text="保存")
    c.tap(entry)
    return c.finish()


def phone_temp_list(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 320), radius=22)
    stats = ((PRIMARY, "127", "今日已测"), (GREEN, "126", "正常"), (RED, "1", "异常"))
    for i, (color, value, label) in enumerate(stats):
        cx = 142 + i * 218
        c.text(cx, 220, value, 44, color, "mm")
        c.text(cx, 270, label, 22, BAR_DARK, "mm")
    rows = [
        (GREEN, "张**", "3栋2单元 · 07:52", "36.5℃"),
        (GREEN, "李**", "3栋1单元 · 08:03", "36.3℃"),
        (RED, "王**", "5栋1单元 · 08:15", "37.8℃"),
        (GREEN, "刘**", "2栋4单元 · 08:21", "36.6℃"),
        (GREEN, "陈**", "6栋2单元 · 08:40", "36.4℃"),
        (BAR_DARK, "赵**", "2栋3单元 · 外出", "未测"),
    ]
    boxes = []
    for i, (color, name, sub, value) in enumerate(rows):
        y = 348 + i * 128
        box = (32, y, 688, y + 112)
        c.rect(box, fill=WHITE, radius=18)
        c.avatar(90, y + 56, 32, PRIMARY_LIGHT, PRIMARY)
        c.words(144, y + 32, name, 18, INK)
        c.words(144, y + 66, sub, 12, BAR)
        light = {GREEN: GREEN_LIGHT, RED: RED_LIGHT}.get(color, BAR_LIGHT)
        c.rect((510, y + 32, 660, y + 80), fill=light, radius=24)
        c.thermometer(540, y + 56, 32, color, light, 0.8 if color == RED else 0.5)
        c.text(602, y + 56, value, 22, color, "mm")
        boxes.append(box)
    c.button((32, 1136, 688, 1220), label_w=160, text="查看汇总")
    _home_indicator(c)
    c.tap(boxes[2])
    return c.finish()


def phone_temp_alert(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 520), radius=22)
    c.words(64, 200, "体温（℃）", 16, BAR_DARK)
    c.rect((64, 240, 656, 360), fill=RED_LIGHT, outline=RED, width=4, radius=18)
    c.rect((260, 266, 460, 334), fill=RED, radius=12)
    c.text(360, 300, "37.8℃", 44, WHITE, "mm")
    c.para(64, 400, ["王** · 5栋1单元", "测量时间 08:15 · 东门", "测量方式 额温枪"], 14, 16)
    c.card((32, 550, 688, 900), radius=22)
    c.para(
        64,
        590,
        [
            "处置步骤",
            "1. 请对方到阴凉处休息几分钟",
            "2. 换腋下体温计复测一次",
            "3. 仍然偏高，立即报告带班人员",
        ],
        14,
        18,
    )
    # Dim the screen, then the dialog on top.
    c.rect((0, 0, 720, 1280), fill=(10, 20, 35, 130))
    dialog = (72, 360, 648, 960)
    c.rect(dialog, fill=WHITE, radius=30)
    c.circle(360, 470, 70, fill=ORANGE_LIGHT)
    c.warning(360, 466, 42, ORANGE)
    c.text(360, 582, "体温异常", 36, INK, "mm")
    for i, line in enumerate(
        ("王** 体温 37.8℃，超过 37.3℃", "请安排复测，先不要让对方离开", "复测仍偏高，立即上报社区")
    ):
        c.text(360, 636 + i * 34, line, 23, BAR_DARK, "mm")
    c.line([(72, 780), (648, 780)], LINE, 2, round_caps=False)
    c.button((104, 808, 344, 900), fill=PAGE, label=BAR_DARK, label_w=100, text="稍后处理")
    report = (376, 808, 616, 900)
    c.button(report, fill=RED, label_w=100, text="立即上报")
    c.tap(report)
    return c.finish()


def phone_temp_summary(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 300), radius=22)
    for i, (color, value, label) in enumerate(
        ((PRIMARY, "128", "应测"), (GREEN, "126", "正常"), (RED, "1", "异常"), (ORANGE, "1", "未测"))
    ):
        cx = 114 + i * 164
        c.text(cx, 214, value, 40, color, "mm")
        c.text(cx, 258, label, 22, BAR_DARK, "mm")
    c.card((32, 326, 688, 720), radius=22)
    c.words(64, 356, "近7天测温人数", 18, INK)
    base = 660
    values = [0.62, 0.74, 0.58, 0.8, 0.9, 0.7, 0.95]
    for i, v in enumerate(values):
        x = 84 + i * 84
        top = base - v * 230
        c.rect((x, top, x + 44, base), fill=PRIMARY if i == 6 else PRIMARY_MID, radius=10)
        c.rect((x, base - 12, x + 44, base), fill=PRIMARY if i == 6 else PRIMARY_MID)
    c.line([(64, base), (656, base)], LINE, 3, round_caps=False)
    for i, day in enumerate(("1日", "2日", "3日", "4日", "5日", "6日", "今天")):
        c.text(106 + i * 84, base + 26, day, 18, PRIMARY if i == 6 else BAR_DARK, "mm")
    c.card((32, 746, 688, 960), radius=22)
    c.warning(86, 800, 20, ORANGE)
    c.words(124, 790, "今日需跟进 2 人", 18, INK)
    for i, (who, what) in enumerate((("王** 5栋1单元", "37.8℃ 已复测"), ("赵** 2栋3单元", "未测 外出"))):
        y = 850 + i * 50
        c.avatar(86, y + 10, 18, ORANGE_LIGHT, ORANGE)
        c.words(124, y + 2, who, 14, BAR_DARK)
        c.text(656, y + 9, what, 21, ORANGE, "rm")
    submit = (32, 1000, 688, 1090)
    c.button(submit, fill=GREEN, label_w=160, text="提交汇总")
    c.text(360, 1126, "汇总报送民生路社区居委会", 20, BAR_DARK, "mm")
    _home_indicator(c)
    c.tap(submit)
    return c.finish()


def phone_trace_list(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.rect((32, 160, 688, 228), fill=WHITE, radius=34)
    c.circle(80, 194, 14, outline=BAR_DARK, width=4)
    c.line([(90, 204), (102, 216)], BAR_DARK, 4)
    c.words(120, 187, "搜索姓名或楼栋", 14, BAR)
    for i, (bg, fg) in enumerate(((PRIMARY, WHITE), (WHITE, BAR_DARK), (WHITE, BAR_DARK))):
        x = 32 + i * 156
        c.rect((x, 252, x + 140, 300), fill=bg, radius=24)
        c.text(x + 70, 276, ("全部", "密接", "次密接")[i], 22, fg, "mm")
    red, orange, green = (RED_LIGHT, RED), (ORANGE_LIGHT, ORANGE), (GREEN_LIGHT, GREEN)
    rows = [
        (red, "密接", "王** 5栋1单元", "12-05 惠民超市 同时段"),
        (red, "密接", "刘** 2栋4单元", "12-05 民生路菜市场"),
        (orange, "次密接", "陈** 6栋2单元", "12-04 社区卫生服务中心"),
        (orange, "次密接", "周** 1栋1单元", "12-04 公交站 同车"),
        (green, "已排除", "吴** 3栋2单元", "12-03 惠民超市"),
        (orange, "次密接", "郑** 4栋3单元", "12-05 小区东门"),
    ]
    boxes = []
    for i, (pill, tag, title, sub) in enumerate(rows):
        y = 330 + i * 134
        icon = (RED_LIGHT, RED) if pill[1] == RED else (PRIMARY_LIGHT, PRIMARY)
        boxes.append(_list_row(c, y, icon[0], icon[1], pill=pill, title=title, sub=sub, tag=tag))
    c.circle(620, 1150, 50, fill=PRIMARY)
    c.plus(620, 1150, 20, WHITE, 7)
    _home_indicator(c)
    c.tap(boxes[1])
    return c.finish()


def _map(c: Canvas, box: Box, seed: str) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    c.rect(box, fill=MAP_BG)
    rng = random.Random(seed)
    c.rect((x0 + 60, y0 + 40, x0 + 220, y0 + 170), fill=(208, 228, 206), radius=20)
    c.rect((x1 - 240, y1 - 200, x1 - 60, y1 - 60), fill=(208, 228, 206), radius=20)
    c.ellipse((x1 - 260, y0 + 30, x1 - 80, y0 + 150), fill=(200, 222, 240))
    for i in range(5):
        y = y0 + 90 + i * (y1 - y0 - 120) / 4 + rng.uniform(-10, 10)
        c.line([(x0, y), (x1, y + rng.uniform(-30, 30))], WHITE, 16 if i % 2 else 10, round_caps=False)
    for i in range(4):
        x = x0 + 100 + i * (x1 - x0 - 160) / 3
        c.line([(x, y0), (x + rng.uniform(-40, 40), y1)], WHITE, 14 if i % 2 else 9, round_caps=False)
    for _ in range(14):
        bx = rng.uniform(x0 + 20, x1 - 80)
        by = rng.uniform(y0 + 20, y1 - 60)
        c.rect((bx, by, bx + rng.uniform(30, 60), by + rng.uniform(24, 44)), fill=(222, 226, 218), radius=6)
    return [
        (x0 + (x1 - x0) * fx, y0 + (y1 - y0) * fy)
        for fx, fy in ((0.18, 0.72), (0.38, 0.42), (0.62, 0.58), (0.8, 0.28))
    ]


def _dashed(c: Canvas, points, color, width: float = 6, dash: float = 18, gap: float = 12) -> None:
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        n = max(1, int(length // (dash + gap)))
        for k in range(n):
            t0 = k * (dash + gap) / length
            t1 = min(1, (k * (dash + gap) + dash) / length)
            c.line(
                [(ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)],
                color,
                width,
            )


def phone_trace_map(key: str) -> Image.Image:
    c = _phone(title_w=200)
    points = _map(c, (0, 137, 720, 780), key)
    _dashed(c, points, PRIMARY, 7)
    for i, (x, y) in enumerate(points):
        c.pin(x, y, 24, RED if i == 2 else PRIMARY)
    sheet = (0, 740, 720, 1280)
    c.rect(sheet, fill=WHITE, radius=36)
    c.bar(320, 758, 80, 8, BAR)
    c.words(40, 792, "12月5日 活动轨迹", 22, INK)
    stops = (
        ("08:10", "幸福小区3栋", "步行出门"),
        ("09:30", "惠民超市", "停留约40分钟"),
        ("12:15", "民生路菜市场", "与确诊者同时段"),
        ("14:00", "社区卫生服务中心", "已电话核实"),
    )
    for i, (time, place, note) in enumerate(stops):
        y = 850 + i * 92
        color = RED if i == 2 else PRIMARY
        c.circle(62, y + 20, 12, fill=color)
        if i < 3:
            c.line([(62, y + 36), (62, y + 96)], BAR_LIGHT, 4, round_caps=False)
        c.words(96, y + 6, time, 14, BAR_DARK)
        c.words(190, y + 6, place, 16, RED if i == 2 else INK)
        c.words(96, y + 40, note, 12, BAR)
    _home_indicator(c)
    x, y = points[2]
    c.tap((x - 34, y - 74, x + 34, y - 6), round_=True)
    return c.finish()


def phone_trace_form(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 300), radius=22)
    c.avatar(100, 234, 36, RED_LIGHT, RED)
    c.words(160, 208, "王** · 5栋1单元", 20, INK)
    c.words(160, 244, "电话流调 · 12月6日 10:20", 13, BAR)
    c.rect((540, 212, 656, 256), fill=RED_LIGHT, radius=22)
    c.text(598, 234, "待核实", 22, RED, "mm")
    c.card((32, 326, 688, 880), radius=22)
    c.words(64, 356, "12月5日 行程", 18, INK)
    stops = (("08:10—09:20", "幸福小区3栋"), ("09:30—10:10", "惠民超市"), ("12:15—12:50", "民生路菜市场"))
    for i in range(4):
        y = 410 + i * 112
        c.circle(86, y + 24, 12, fill=PRIMARY if i < 3 else BAR)
        if i < 3:
            c.line([(86, y + 40), (86, y + 110)], BAR_LIGHT, 4, round_caps=False)
        c.rect((120, y, 656, y + 92), fill=PAGE, radius=14)
        time, place = stops[i] if i < 3 else ("时间", "地点待补充")
        c.words(144, y + 18, time, 14, PRIMARY if i < 3 else BAR)
        c.words(144, y + 52, place, 16, INK if i < 3 else BAR)
        c.pin(620, y + 66, 11, PRIMARY_MID)
    add = (64, 900, 656, 990)
    c.rect(add, fill=PRIMARY_LIGHT, outline=PRIMARY, width=3, radius=20)
    c.plus(280, 945, 16, PRIMARY, 5)
    c.text(312, 945, "添加地点", 26, PRIMARY, "lm")
    c.button((32, 1080, 344, 1170), fill=WHITE, label=PRIMARY, outline=PRIMARY, label_w=100, text="保存草稿")
    c.button((376, 1080, 688, 1170), label_w=100, text="提交")
    _home_indicator(c)
    c.tap(add)
    return c.finish()


def _chat_screen(c: Canvas, top: float) -> None:
    rng = random.Random(7)
    y = top
    colours = [PRIMARY_MID, GREEN_MID, ORANGE_MID, PRIMARY_MID]
    senders = ("3栋王阿姨", "李师傅", "", "5栋小陈")
    texts = (
        ["南门晚上几点关？", "我下班比较晚"],
        ["收到，谢谢提醒"],
        ["南门全天开放", "晚归请扫码登记"],
        ["好的，知道了"],
    )
    for i in range(4):
        right = i == 2
        w = rng.choice((300, 360, 420))
        h = 70 if i % 2 else 104
        if right:
            c.rect((628, y, 688, y + 60), fill=PRIMARY, radius=12)
            c.person(658, y + 34, 24, WHITE)
            c.bubble((612 - w, y, 600, y + h), CHAT_GREEN, "right")
            c.para(612 - w + 24, y + 24, texts[i], 14, 18, INK)
        else:
            c.rect((32, y, 92, y + 60), fill=colours[i], radius=12)
            c.person(62, y + 34, 24, WHITE)
            c.text(120, y, senders[i], 18, BAR_DARK, "lm")
            c.bubble((120, y + 14, 120 + w, y + 14 + h), WHITE, "left")
            c.para(144, y + 38, texts[i], 14, 18, INK)
        y += h + 56


def _chat_input(c: Canvas) -> Box:
    c.rect((0, 1130, 720, 1280), fill=(246, 246, 247))
    c.line([(0, 1130), (720, 1130)], LINE, 2, round_caps=False)
    c.circle(52, 1180, 24, outline=INK, width=3)
    box = (92, 1152, 560, 1208)
    c.rect(box, fill=WHITE, radius=10)
    c.circle(600, 1180, 24, outline=INK, width=3)
    c.circle(666, 1180, 24, outline=INK, width=3)
    c.plus(666, 1180, 11, INK, 3)
    _home_indicator(c)
    return box


def phone_group_notice(key: str) -> Image.Image:
    c = _phone(title_w=240, page=CHAT_BG)
    notice = (32, 164, 688, 330)
    c.card(notice, radius=18)
    c.rect((56, 190, 112, 246), fill=ORANGE_LIGHT, radius=12)
    c.megaphone(84, 218, 18, ORANGE)
    c.words(132, 196, "群公告", 18, INK)
    c.para(
        132,
        232,
        ["【通知】本周六9:00—17:00东门临时关闭", "进出请走南门，南门设扫码登记点", "—— 幸福小区居委会"],
        12,
        14,
        BAR,
    )
    _chat_screen(c, 380)
    # An @-mention message highlighted for the group.
    y = 900
    c.rect((32, y, 92, y + 60), fill=GREEN, radius=12)
    c.person(62, y + 34, 24, WHITE)
    c.bubble((120, y + 14, 600, y + 150), WHITE, "left")
    c.words(144, y + 38, "@所有人", 16, PRIMARY)
    c.words(250, y + 38, "请大家相互转告", 16, INK)
    c.para(144, y + 76, ["家里老人不会扫码的，", "可到南门请志愿者代登记"], 14, 18, INK)
    _chat_input(c)
    c.tap(notice)
    return c.finish()


def phone_group_settings(key: str) -> Image.Image:
    c = _phone(title_w=220)
    c.card((0, 152, 720, 420), radius=0, shadow=False)
    colours = [PRIMARY_MID, GREEN_MID, ORANGE_MID, PRIMARY, GREEN]
    for i in range(10):
        cx = 86 + (i % 5) * 137
        cy = 214 + (i // 5) * 124
        if i == 9:
            c.rect((cx - 40, cy - 40, cx + 40, cy + 40), outline=BAR, width=3, radius=12)
            c.plus(cx, cy, 16, BAR_DARK, 4)
        else:
            c.rect((cx - 40, cy - 40, cx + 40, cy + 40), fill=colours[i % 5], radius=12)
            c.person(cx, cy + 6, 30, WHITE)
        names = ("李姐", "王阿姨", "李师傅", "小陈", "刘叔", "赵姐", "周阿姨", "吴老师", "网格员", "添加")
        c.text(cx, cy + 58, names[i], 18, BAR_DARK, "mm")
    rows = []
    y = 444
    settings = (
        ("text", "群聊名称", "幸福小区3栋居民群"),
        ("notice", "群公告", ""),
        ("text", "群管理", "仅群主和管理员"),
        ("toggle", "群聊邀请确认", ""),
        ("toggle", "置顶聊天", ""),
        ("toggle", "消息免打扰", ""),
    )
    for i, (kind, label, value) in enumerate(settings):
        box = (0, y, 720, y + 100)
        c.rect(box, fill=WHITE)
        c.words(40, y + 40, label, 18, INK)
        if kind == "toggle":
            c.toggle(596, y + 26, on=i != 5)
        elif kind == "notice":
            c.para(240, y + 30, ["周六9:00起东门临时关闭，", "进出请走南门……"], 12, 14, BAR)
            c.chevron(688, y + 50, 9, BAR, "right", 4)
        else:
            c.text(660, y + 50, value, 22, BAR_DARK, "rm")
            c.chevron(688, y + 50, 9, BAR, "right", 4)
        if i not in (2, 5):
            c.line([(40, y + 100), (720, y + 100)], LINE, 2, round_caps=False)
        rows.append(box)
        y += 100 if i != 2 else 124
    c.button((32, 1130, 688, 1214), fill=WHITE, label=RED, outline=LINE, label_w=140, text="退出群聊")
    _home_indicator(c)
    c.tap((16, rows[1][1] + 8, 704, rows[1][3] - 8))
    return c.finish()


def phone_official_account(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 1010), radius=22)
    cover = (64, 200, 656, 470)
    c.rect(cover, fill=PRIMARY_LIGHT, radius=16)
    c.circle(180, 300, 40, fill=ORANGE_MID)
    c.polygon([(64, 470), (260, 320), (420, 470)], fill=PRIMARY_MID)
    c.polygon([(320, 470), (500, 290), (656, 430), (656, 470)], fill=PRIMARY)
    c.rect((64, 440, 656, 470), fill=PRIMARY)
    c.text(64, 514, "关于幸福小区东门临时关闭的", 34, INK, "lm")
    c.text(64, 562, "通知（12月12日）", 34, INK, "lm")
    c.avatar(84, 618, 20, GREEN_LIGHT, GREEN)
    c.words(116, 610, "幸福小区居委会", 14, BAR_DARK)
    c.words(300, 610, "12月7日", 14, BAR)
    c.para(
        64,
        668,
        [
            "各位居民：因管道维修，12月12日9:00至",
            "17:00东门临时关闭，请从南门进出。",
            "南门设扫码登记点，不会扫码的居民",
            "可请志愿者代为登记。",
        ],
        14,
        18,
        INK,
    )
    c.rect((64, 810, 656, 890), fill=ORANGE_LIGHT, radius=12)
    c.rect((64, 810, 74, 890), fill=ORANGE)
    c.para(96, 828, ["如有疑问，请联系本楼网格员", "或到社区居委会咨询"], 13, 14, ORANGE)
    c.para(64, 918, ["感谢大家的理解与配合！", "幸福小区居委会  2026年12月7日"], 14, 18, BAR)
    c.button((32, 1060, 250, 1150), fill=WHITE, label=BAR_DARK, outline=LINE, label_w=90, text="保存")
    c.button((266, 1060, 470, 1150), fill=WHITE, label=PRIMARY, outline=PRIMARY, label_w=90, text="预览")
    publish = (486, 1060, 688, 1150)
    c.button(publish, fill=GREEN, label_w=90, text="发表")
    _home_indicator(c)
    c.tap(publish)
    return c.finish()


def phone_ai_chat(key: str) -> Image.Image:
    c = _phone(title_w=180, page=PAGE)
    c.rect((32, 156, 688, 216), fill=GREEN_LIGHT, radius=16)
    c.shield(68, 186, 18, GREEN)
    c.words(98, 180, "不要输入姓名、身份证号、住址等个人信息", 13, GREEN)
    # Robot answer
    c.circle(72, 290, 34, fill=PRIMARY_LIGHT)
    c.robot(72, 294, 20, PRIMARY)
    c.bubble((124, 256, 600, 356), WHITE, "left")
    c.para(150, 282, ["您好，我可以帮您起草通知。", "请只说要点，不写居民信息。"], 14, 18, INK)
    # User prompt with placeholders instead of names
    c.rect((632, 390, 688, 446), fill=PRIMARY, radius=12)
    c.person(660, 422, 22, WHITE)
    prompt = (150, 390, 610, 640)
    c.bubble(prompt, CHAT_GREEN, "right")
    c.para(
        176, 416, ["帮我写一条居民群通知：", "周六东门关闭，走南门，", "不会扫码的找志愿者。"], 14, 18, INK
    )
    c.rect((176, 512, 290, 546), fill=WHITE, radius=10)
    c.text(233, 529, "居民A", 20, ORANGE, "mm")
    c.words(302, 522, "代替真实姓名", 14, INK)
    c.para(176, 566, ["语气亲切，100字以内。"], 14, 18, INK)
    # Robot draft
    c.circle(72, 710, 34, fill=PRIMARY_LIGHT)
    c.robot(72, 714, 20, PRIMARY)
    c.bubble((124, 676, 640, 1060), WHITE, "left")
    c.words(150, 702, "【温馨提示】东门临时关闭", 18, INK)
    c.para(
        150,
        742,
        [
            "各位邻居：本周六9:00至17:00东门",
            "临时关闭，请从南门进出。南门设",
            "扫码登记点，家里老人不会扫码的，",
            "可请志愿者代为登记。感谢配合！",
        ],
        13,
        16,
        INK,
    )
    for i, tip in enumerate(("发出前核对日期和时间", "确认没有居民个人信息", "按社区口径修改后再发")):
        c.circle(160, 920 + i * 36, 6, fill=PRIMARY_MID)
        c.words(178, 914 + i * 36, tip, 12, BAR)
    c.rect((150, 1020, 250, 1050), fill=PAGE, radius=15)
    c.text(200, 1035, "复制", 18, BAR_DARK, "mm")
    c.rect((262, 1020, 362, 1050), fill=PAGE, radius=15)
    c.text(312, 1035, "重新生成", 18, BAR_DARK, "mm")
    box = _chat_input(c)
    c.words(116, 1173, "输入要点，不含个人信息", 14, BAR)
    c.tap(box)
    return c.finish()


def phone_ai_settings(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 360), radius=22)
    c.circle(120, 264, 56, fill=GREEN_LIGHT)
    c.shield(120, 264, 36, GREEN)
    c.words(200, 226, "隐私与数据", 22, INK)
    c.para(200, 268, ["关掉用不到的功能，", "别让对话被拿去训练模型"], 13, 14, BAR)
    y = 392
    target = None
    settings = (
        ("用对话改进模型", ["开启后，对话内容可能", "被用于训练模型"]),
        ("定期清除对话记录", ["每30天自动删除历史对话"]),
        ("发送前提醒敏感信息", ["发现手机号、身份证号", "时先提醒再发送"]),
        ("允许获取位置信息", ["写通知用不到位置"]),
    )
    for i, on in enumerate((False, True, True, False)):
        box = (32, y, 688, y + 130)
        c.rect(box, fill=WHITE, radius=18)
        c.words(64, y + 34, settings[i][0], 18, INK)
        c.para(64, y + 70, settings[i][1], 12, 10, BAR)
        tbox = c.toggle(572, y + 42, on)
        if i == 0:
            target = tbox
        y += 150
    c.card((32, 1000, 688, 1100), radius=18)
    c.words(64, 1040, "清除全部对话记录", 18, RED)
    c.chevron(656, 1050, 9, BAR, "right", 4)
    _home_indicator(c)
    c.tap(target, round_=False)
    return c.finish()


def phone_privacy_mask(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.rect((32, 160, 688, 228), fill=WHITE, radius=34)
    c.circle(80, 194, 14, outline=BAR_DARK, width=4)
    c.line([(90, 204), (102, 216)], BAR_DARK, 4)
    c.words(120, 187, "搜索姓名或楼栋", 14, BAR)
    c.card((32, 252, 688, 340), radius=18)
    c.shield(76, 296, 20, GREEN)
    c.words(112, 288, "已开启脱敏显示", 16, GREEN)
    eye = (576, 268, 656, 324)
    c.ellipse((588, 280, 644, 312), outline=BAR_DARK, width=4)
    c.circle(616, 296, 8, fill=BAR_DARK)
    c.line([(590, 318), (642, 274)], BAR_DARK, 4)
    y = 364
    for i in range(5):
        box = (32, y, 688, y + 150)
        c.rect(box, fill=WHITE, radius=18)
        c.avatar(92, y + 56, 30, PRIMARY_LIGHT, PRIMARY)
        name, phone, card = (
            ("张**", "138****0000", "3201**********0012"),
            ("李*", "139****0000", "3201**********003X"),
            ("王**", "137****0000", "3201**********0047"),
            ("刘*", "136****0000", "3201**********0005"),
            ("陈**", "135****0000", "3201**********0081"),
        )[i]
        c.words(140, y + 32, name, 18, INK)
        c.words(140, y + 74, "证件", 12, BAR_DARK)
        c.words(196, y + 72, card, 16, INK)
        c.words(140, y + 108, "手机", 12, BAR_DARK)
        c.words(196, y + 106, phone, 16, INK)
        c.rect((560, y + 40, 656, y + 80), fill=BAR_LIGHT, radius=20)
        c.text(608, y + 60, ("3栋", "5栋", "2栋", "6栋", "1栋")[i], 20, BAR_DARK, "mm")
        y += 166
    _home_indicator(c)
    c.tap(eye, round_=True)
    return c.finish()


def phone_privacy_permission(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 480), radius=22)
    c.para(
        64,
        200,
        ["访客登记", "幸福小区东门", "请如实填写以下信息", "姓名  张**", "手机号  138****0000"],
        14,
        22,
        INK,
    )
    c.card((32, 504, 688, 820), radius=22)
    c.para(64, 540, ["来访事由", "探亲访友", "到访楼栋", "3栋2单元"], 14, 22, INK)
    c.rect((0, 0, 720, 1280), fill=(10, 20, 35, 130))
    sheet = (0, 640, 720, 1280)
    c.rect(sheet, fill=WHITE, radius=36)
    c.rect((0, 1200, 720, 1280), fill=WHITE)
    c.circle(110, 730, 44, fill=PRIMARY_LIGHT)
    c.pin(110, 758, 18, PRIMARY, PRIMARY_LIGHT)
    c.words(176, 706, "“社区通”申请获取你的位置", 22, INK)
    c.words(176, 744, "用于确认你在登记点附近", 14, BAR)
    c.para(
        64, 808, ["位置信息只在登记时使用，", "不会记录你的行动轨迹，", "可以随时在设置里关闭。"], 14, 16, BAR
    )
    options = [
        (940, PAGE, BAR_DARK, None, "仅在使用期间允许"),
        (1040, PAGE, BAR_DARK, None, "本次允许"),
        (1140, WHITE, RED, LINE, "不允许"),
    ]
    boxes = []
    for y, fill, label, outline, text in options:
        box = (48, y - 20, 672, y + 64)
        c.button(box, fill=fill, label=label, outline=outline, label_w=180, text=text)
        boxes.append(box)
    c.tap(boxes[0])
    return c.finish()


def phone_share_settings(key: str) -> Image.Image:
    c = _phone(title_w=200)
    c.card((32, 168, 688, 300), radius=22)
    c.rect((64, 196, 140, 272), fill=GREEN_LIGHT, radius=14)
    for r in range(3):
        for col in range(3):
            c.rect((76 + col * 20, 208 + r * 20, 92 + col * 20, 222 + r * 20), fill=GREEN, radius=2)
    c.words(164, 208, "东门访客登记表", 20, INK)
    c.words(164, 246, "共128行 · 12月7日更新", 13, BAR)
    c.card((32, 326, 688, 770), radius=22)
    c.words(64, 356, "谁可以查看", 16, BAR_DARK)
    choice = None
    for i in range(4):
        y = 400 + i * 88
        selected = i == 1
        c.radio(88, y + 30, selected)
        title, sub = (
            ("仅我自己", "只有你能打开"),
            ("仅指定人可查看", "只有带班人员和网格员能看"),
            ("本群成员", "群里所有人都能看"),
            ("获得链接的任何人", "不建议：链接可能被转发"),
        )[i]
        c.words(126, y + 14, title, 16, INK)
        c.words(126, y + 46, sub, 11, BAR)
        if i == 0:
            c.lock(620, y + 30, 14, BAR_DARK)
        if selected:
            choice = (56, y - 6, 664, y + 70)
    c.card((32, 796, 688, 1040), radius=22)
    for i, on in enumerate((True, True)):
        y = 820 + i * 110
        title, sub = (("显示水印", "页面上显示查看人和时间"), ("设置有效期", "7天后链接自动失效"))[i]
        c.words(64, y + 24, title, 18, INK)
        c.words(64, y + 58, sub, 12, BAR)
        c.toggle(572, y + 26, on)
        if i == 0:
            c.line([(64, y + 100), (656, y + 100)], LINE, 2, round_caps=False)
    c.button((32, 1080, 688, 1170), label_w=140, text="保存设置")
    _home_indicator(c)
    c.tap(choice)
    return c.finish()


# --- covers -----------------------------------------------------------------------------------------


def _cover(bg, blob, seed: str) -> Canvas:
    c = Canvas(COVER_SIZE, bg)
    rng = random.Random(seed)
    c.circle(1120, 110, 230, fill=blob)
    c.circle(150, 650, 190, fill=blob)
    c.circle(1010, 640, 70, fill=WHITE + (120,))
    for row in range(5):
        for col in range(6):
            c.circle(70 + col * 30, 70 + row * 30, 4, fill=WHITE + (200,))
    for _ in range(5):
        x, y = rng.uniform(300, 1200), rng.uniform(40, 680)
        if 380 < x < 1000 and 120 < y < 620:
            continue
        c.plus(x, y, 10, WHITE, 5)
    return c


def _phone_device(c: Canvas, box: Box, screen=WHITE) -> Box:
    x0, y0, x1, y1 = box
    c.rect((x0 + 10, y0 + 16, x1 + 10, y1 + 16), fill=(20, 40, 70, 35), radius=46)
    c.rect(box, fill=INK, radius=46)
    inner = (x0 + 14, y0 + 14, x1 - 14, y1 - 14)
    c.rect(inner, fill=screen, radius=34)
    c.rect(((x0 + x1) / 2 - 40, y0 + 24, (x0 + x1) / 2 + 40, y0 + 36), fill=INK, radius=6)
    return inner


def cover_qr(key: str) -> Image.Image:
    c = _cover((226, 237, 250), (205, 223, 244), key)
    # A standee with the code, then the phone scanning it.
    c.rect((300, 220, 560, 560), fill=WHITE, radius=24)
    c.rect((300, 220, 560, 280), fill=PRIMARY, radius=24)
    c.rect((300, 256, 560, 280), fill=PRIMARY)
    c.bar(360, 244, 140, 14, WHITE)
    c.qr(350, 310, 160, key + "-standee", PRIMARY)
    c.bar(360, 500, 140, 14, BAR)
    c.rect((410, 560, 450, 640), fill=BAR_DARK)
    c.rect((350, 630, 510, 650), fill=BAR_DARK, radius=10)
    screen = _phone_device(c, (660, 150, 900, 620))
    x0, y0, x1, y1 = screen
    c.rect((x0, y0, x1, y0 + 70), fill=PRIMARY)
    c.qr(x0 + 40, y0 + 110, x1 - x0 - 80, key)
    c.button((x0 + 30, y1 - 90, x1 - 30, y1 - 40), fill=GREEN, label_w=80)
    c.polygon([(520, 310), (694, 300), (694, 500), (520, 470)], fill=PRIMARY_MID + (50,))
    for y in (330, 400, 470):
        _dashed(c, [(575, y - (y - 400) * 0.1), (650, y - (y - 400) * 0.05)], PRIMARY_MID, 5, 12, 10)
    c.check_badge(900, 190, 46, GREEN)
    return c.finish()


def cover_temperature(key: str) -> Image.Image:
    c = _cover((226, 243, 232), (204, 232, 214), key)
    c.circle(400, 360, 190, fill=WHITE + (150,))
    c.thermometer(400, 370, 380, RED, WHITE, 0.55)
    card = (600, 190, 1010, 540)
    c.card(card, radius=28)
    c.bar(640, 226, 160, 18, INK)
    c.bar(640, 258, 100, 12, BAR)
    base = 500
    for i in range(6):
        c.line([(640, base - i * 40), (970, base - i * 40)], BAR_LIGHT, 2, round_caps=False)
    pts = [(660, 430), (715, 400), (770, 420), (825, 380), (880, 395), (940, 330)]
    c.line(pts, GREEN, 7)
    for i, (x, y) in enumerate(pts):
        last = i == len(pts) - 1
        c.circle(
            x, y, 11 if last else 9, fill=ORANGE if last else WHITE, outline=None if last else GREEN, width=4
        )
    c.rect((640, 300, 970, 304), fill=ORANGE + (120,))
    c.check_badge(1010, 190, 44, GREEN)
    return c.finish()


def cover_tracing(key: str) -> Image.Image:
    c = _cover((228, 236, 248), (208, 220, 240), key)
    card = (280, 130, 1000, 590)
    c.card(card, radius=30)
    inner = (300, 150, 980, 570)
    c.rect(inner, fill=MAP_BG, radius=20)
    for i in range(4):
        y = 190 + i * 110
        c.line([(300, y), (980, y + 20)], WHITE, 14, round_caps=False)
    for i in range(5):
        x = 360 + i * 150
        c.line([(x, 150), (x - 30, 570)], WHITE, 12, round_caps=False)
    c.rect((300, 150, 310, 570), fill=MAP_BG)
    nodes = [(400, 470), (520, 300), (690, 410), (820, 250), (880, 470)]
    edges = [(0, 1), (1, 2), (2, 3), (2, 4), (1, 3)]
    for a, b in edges:
        _dashed(c, [nodes[a], nodes[b]], PRIMARY, 6)
    for i, (x, y) in enumerate(nodes):
        color = RED if i == 2 else (ORANGE if i in (1, 4) else PRIMARY)
        c.circle(x, y, 34, fill=WHITE)
        c.circle(x, y, 26, fill=color)
        c.person(x, y + 4, 20, WHITE)
    c.pin(690, 360, 20, RED)
    return c.finish()


def cover_notice(key: str) -> Image.Image:
    c = _cover((250, 240, 226), (246, 226, 196), key)
    c.bubble((300, 170, 700, 300), WHITE, "left", 26)
    c.lines(340, 205, [300, 220], 18, 22, BAR)
    c.bubble((520, 340, 960, 480), CHAT_GREEN, "right", 26)
    c.lines(560, 375, [340, 260], 18, 22, (90, 150, 70))
    c.bubble((300, 520, 620, 620), WHITE, "left", 26)
    c.bar(340, 560, 240, 18, BAR)
    c.circle(252, 200, 34, fill=PRIMARY)
    c.person(252, 206, 26, WHITE)
    c.circle(1008, 370, 34, fill=GREEN)
    c.person(1008, 376, 26, WHITE)
    c.circle(252, 550, 34, fill=ORANGE)
    c.person(252, 556, 26, WHITE)
    c.circle(860, 200, 80, fill=WHITE)
    c.megaphone(850, 200, 46, ORANGE)
    return c.finish()


def cover_ai(key: str) -> Image.Image:
    c = _cover((230, 238, 248), (210, 224, 242), key)
    c.circle(520, 380, 200, fill=WHITE + (150,))
    c.robot(520, 400, 130, PRIMARY)
    c.shield(760, 480, 110, GREEN)
    c.bubble((760, 150, 1020, 270), WHITE, "left", 24)
    c.lines(792, 180, [190, 140], 16, 22, BAR)
    c.circle(300, 220, 10, fill=ORANGE)
    c.circle(750, 330, 8, fill=ORANGE_MID)
    return c.finish()


def cover_privacy(key: str) -> Image.Image:
    c = _cover((234, 240, 247), (214, 225, 240), key)
    c.circle(880, 470, 130, fill=WHITE + (170,))
    c.id_card((300, 190, 860, 530), PRIMARY)
    # The ID number on the card, masked.
    c.rect((500, 470, 784, 508), fill=PRIMARY_LIGHT, radius=19)
    c.bar(516, 481, 50, 16, INK)
    for k in range(6):
        c.circle(586 + k * 22, 489, 6, fill=BAR_DARK)
    c.bar(716, 481, 50, 16, INK)
    c.lock(880, 500, 90, ORANGE, BAR_DARK)
    c.shield(330, 560, 50, GREEN)
    return c.finish()


# --- diagrams -------------------------------------------------------------------------------------------


def _arrow(
    c: Canvas,
    a: tuple[float, float],
    b: tuple[float, float],
    color=BAR_DARK,
    width: float = 6,
    via: tuple[tuple[float, float], ...] = (),
):
    """An arrow from a to b, optionally bending through the points in via."""
    if via:
        c.line([a, *via], color, width)
        a = via[-1]
    (ax, ay), (bx, by) = a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
    ux, uy = (bx - ax) / length, (by - ay) / length
    head = 22
    c.line([(ax, ay), (bx - ux * head * 0.8, by - uy * head * 0.8)], color, width)
    c.polygon(
        [
            (bx, by),
            (bx - ux * head - uy * head * 0.6, by - uy * head + ux * head * 0.6),
            (bx - ux * head + uy * head * 0.6, by - uy * head - ux * head * 0.6),
        ],
        fill=color,
    )


def _icon(c: Canvas, name: str, cx: float, cy: float, color, bg=WHITE) -> None:
    drawers: dict[str, Callable[[], None]] = {
        "qr": lambda: c.qr(cx - 40, cy - 40, 80, "icon", color, 21),
        "phone": lambda: (
            c.rect((cx - 28, cy - 48, cx + 28, cy + 48), fill=color, radius=10),
            c.rect((cx - 22, cy - 38, cx + 22, cy + 34), fill=bg, radius=4),
        ),
        "form": lambda: (
            c.rect((cx - 36, cy - 46, cx + 36, cy + 46), fill=bg, outline=color, width=5, radius=8),
            c.lines(cx - 22, cy - 28, [44, 34, 44, 24], 8, 10, color),
        ),
        "check": lambda: c.check_badge(cx, cy, 42, color),
        "temp": lambda: c.thermometer(cx - 6, cy, 96, color, bg, 0.6),
        "lock": lambda: c.lock(cx, cy + 8, 34, color),
        "warning": lambda: c.warning(cx, cy, 44, color),
        "people": lambda: (c.person(cx - 18, cy, 44, color), c.person(cx + 24, cy + 8, 36, color)),
        "report": lambda: c.megaphone(cx, cy, 40, color),
        "shield": lambda: c.shield(cx, cy, 46, color),
        "search": lambda: (
            c.circle(cx - 8, cy - 8, 28, outline=color, width=8),
            c.line([(cx + 14, cy + 14), (cx + 38, cy + 38)], color, 10),
        ),
    }
    drawers[name]()


def _flow(key: str, icons: list[tuple[str, tuple]], bg=(246, 248, 251)) -> Image.Image:
    c = Canvas(COVER_SIZE, bg)
    n = len(icons)
    w, gap = 220, (1280 - 80 - len(icons) * 220) / (n - 1)
    boxes = []
    for i, (icon, (fg, light)) in enumerate(icons):
        x = 40 + i * (w + gap)
        box = (x, 190, x + w, 530)
        c.card(box, radius=28)
        c.circle(x + w / 2, 300, 78, fill=light)
        _icon(c, icon, x + w / 2, 300, fg, light)
        c.circle(x + 40, 230, 26, fill=fg)
        for k in range(i + 1):
            c.circle(x + 40 + (k - i / 2) * 9, 230, 3.5, fill=WHITE)
        c.bar(x + 40, 410, w - 80, 18, INK)
        c.lines(x + 30, 450, [w - 60, w - 100], 12, 14, BAR)
        boxes.append(box)
    for a, b in itertools.pairwise(boxes):
        _arrow(c, (a[2] + 10, 360), (b[0] - 10, 360), BAR_DARK, 6)
    c.bar(440, 90, 400, 26, INK)
    c.bar(520, 620, 240, 14, BAR)
    return c.finish()


def diagram_flow(key: str) -> Image.Image:
    return _flow(
        key,
        [
            ("qr", (PRIMARY, PRIMARY_LIGHT)),
            ("form", (PRIMARY, PRIMARY_LIGHT)),
            ("check", (GREEN, GREEN_LIGHT)),
            ("search", (ORANGE, ORANGE_LIGHT)),
        ],
    )


def diagram_leak_response(key: str) -> Image.Image:
    return _flow(
        key,
        [
            ("lock", (RED, RED_LIGHT)),
            ("search", (ORANGE, ORANGE_LIGHT)),
            ("report", (PRIMARY, PRIMARY_LIGHT)),
            ("people", (PRIMARY, PRIMARY_LIGHT)),
            ("shield", (GREEN, GREEN_LIGHT)),
        ],
    )


def _figure(c: Canvas, cx: float, floor: float, h: float, color, head=(241, 205, 170), phone=False) -> None:
    """A standing person, feet on the floor line."""
    r = h * 0.1
    c.rect((cx - h * 0.1, floor - h * 0.42, cx - h * 0.02, floor), fill=INK, radius=h * 0.03)
    c.rect((cx + h * 0.02, floor - h * 0.42, cx + h * 0.1, floor), fill=INK, radius=h * 0.03)
    c.rect((cx - h * 0.16, floor - h * 0.78, cx + h * 0.16, floor - h * 0.36), fill=color, radius=h * 0.08)
    c.circle(cx, floor - h * 0.88, r, fill=head)
    c.pieslice((cx - r, floor - h * 0.88 - r, cx + r, floor - h * 0.88 + r * 0.4), 180, 360, fill=INK)
    if phone:
        c.rect((cx + h * 0.1, floor - h * 0.66, cx + h * 0.2, floor - h * 0.5), fill=INK, radius=4)


def diagram_register_desk(key: str) -> Image.Image:
    c = Canvas(COVER_SIZE, (238, 244, 250))
    floor = 600
    c.rect((0, floor, 1280, 720), fill=(222, 228, 236))
    # Gate: two pillars and a barrier arm.
    c.rect((60, 200, 130, floor), fill=(200, 208, 220), radius=8)
    c.rect((260, 200, 330, floor), fill=(200, 208, 220), radius=8)
    c.rect((40, 170, 350, 214), fill=PRIMARY, radius=10)
    c.bar(130, 185, 130, 14, WHITE)
    c.rect((130, 430, 260, 450), fill=ORANGE, radius=8)
    for k in range(3):
        c.rect((150 + k * 40, 430, 170 + k * 40, 450), fill=WHITE)
    # Canopy and desk with a staff member.
    c.polygon([(380, 180), (720, 180), (760, 240), (340, 240)], fill=PRIMARY_MID)
    c.rect((360, 240, 372, floor), fill=BAR_DARK)
    c.rect((728, 240, 740, floor), fill=BAR_DARK)
    _figure(c, 560, floor - 40, 260, GREEN)
    c.rect((400, 460, 720, 480), fill=(160, 120, 80), radius=6)
    c.rect((420, 480, 700, floor), fill=(190, 150, 105), radius=6)
    # The code on a standee on the desk, a thermometer and a paper book for proxy registration.
    c.rect((430, 330, 520, 440), fill=WHITE, outline=PRIMARY, width=4, radius=8)
    c.qr(445, 350, 60, key, PRIMARY, 21)
    c.rect((468, 440, 482, 460), fill=BAR_DARK)
    c.rect((620, 436, 690, 460), fill=WHITE, outline=BAR_DARK, width=3, radius=4)
    c.line([(655, 436), (655, 460)], BAR_DARK, 3, round_caps=False)
    # Queue with one-metre floor marks.
    for i, (x, colour, phone) in enumerate(
        ((860, ORANGE, True), (1010, PRIMARY, False), (1160, PRIMARY_MID, True))
    ):
        c.rect((x - 50, floor + 20, x + 50, floor + 34), fill=ORANGE_MID, radius=7)
        _figure(c, x, floor + 20, 230 - i * 8, colour, phone=phone)
    _arrow(c, (1200, 660), (820, 660), BAR_DARK, 5)
    c.check_badge(580, 150, 36, GREEN)
    return c.finish()


def _diamond(c: Canvas, cx: float, cy: float, w: float, h: float, fill) -> None:
    c.polygon([(cx, cy - h / 2), (cx + w / 2, cy), (cx, cy + h / 2), (cx - w / 2, cy)], fill=fill)


def _node(c: Canvas, box: Box, icon: str, fg, light) -> None:
    x0, y0, x1, y1 = box
    c.card(box, radius=24)
    c.circle(x0 + 70, (y0 + y1) / 2, 46, fill=light)
    _icon(c, icon, x0 + 70, (y0 + y1) / 2, fg, light)
    c.bar(x0 + 130, (y0 + y1) / 2 - 20, x1 - x0 - 170, 16, INK)
    c.bar(x0 + 130, (y0 + y1) / 2 + 8, (x1 - x0 - 170) * 0.7, 12, BAR)


def diagram_temp_decision(key: str) -> Image.Image:
    c = Canvas(COVER_SIZE, (246, 248, 251))
    _node(c, (40, 300, 330, 420), "temp", PRIMARY, PRIMARY_LIGHT)
    _diamond(c, 500, 360, 180, 150, ORANGE_LIGHT)
    c.warning(500, 356, 30, ORANGE)
    _arrow(c, (334, 360), (402, 360))
    _node(c, (630, 90, 930, 210), "check", GREEN, GREEN_LIGHT)
    _arrow(c, (500, 280), (620, 150), GREEN, via=((500, 150),))
    _node(c, (630, 300, 930, 420), "temp", ORANGE, ORANGE_LIGHT)
    _arrow(c, (594, 360), (620, 360), ORANGE)
    _diamond(c, 1070, 360, 160, 140, RED_LIGHT)
    c.warning(1070, 356, 28, RED)
    _arrow(c, (934, 360), (986, 360), ORANGE)
    _arrow(c, (1070, 286), (940, 150), GREEN, via=((1070, 150),))
    _node(c, (880, 520, 1240, 640), "report", RED, RED_LIGHT)
    _arrow(c, (1070, 434), (1070, 510), RED)
    for x in (500, 1070):
        c.check_badge(x + 34, 240, 16, GREEN)
    c.circle(600, 330, 14, fill=ORANGE)
    c.cross(600, 330, 5, WHITE, 3)
    c.circle(1104, 470, 14, fill=RED)
    c.cross(1104, 470, 5, WHITE, 3)
    return c.finish()


def diagram_notice_channels(key: str) -> Image.Image:
    c = Canvas(COVER_SIZE, (246, 248, 251))
    doc = (80, 190, 340, 530)
    c.card(doc, radius=24)
    c.rect((80, 190, 340, 250), fill=ORANGE, radius=24)
    c.rect((80, 226, 340, 250), fill=ORANGE)
    c.megaphone(210, 220, 18, WHITE)
    c.lines(110, 280, [200, 180, 200, 150, 190, 120], 14, 18, BAR)
    c.check_badge(320, 520, 30, GREEN)
    channels = [
        (150, "chat", GREEN, GREEN_LIGHT),
        (360, "phone", PRIMARY, PRIMARY_LIGHT),
        (570, "form", ORANGE, ORANGE_LIGHT),
    ]
    for y, icon, fg, light in channels:
        box = (500, y - 60, 800, y + 60)
        c.card(box, radius=24)
        c.circle(570, y, 44, fill=light)
        if icon == "chat":
            c.bubble((540, y - 24, 600, y + 16), fg, "down", 10)
        else:
            _icon(c, icon, 570, y, fg, light)
        c.bar(640, y - 18, 130, 16, INK)
        c.bar(640, y + 10, 90, 12, BAR)
        _arrow(c, (350, 360), (490, y), BAR_DARK, 5)
        _arrow(c, (810, y), (960, y), BAR_DARK, 5)
        for k in range(3):
            c.avatar(1010 + k * 80, y, 32, light, fg)
    return c.finish()


def diagram_data_minimum(key: str) -> Image.Image:
    c = Canvas(COVER_SIZE, (246, 248, 251))
    left = (100, 110, 480, 630)
    c.card(left, radius=26)
    c.bar(140, 146, 180, 20, INK)
    keep = {0, 2, 5}
    for i in range(8):
        y = 196 + i * 52
        c.bar(140, y, 90, 14, BAR_DARK)
        c.rect((250, y - 10, 440, y + 24), fill=PAGE, radius=8)
        if i not in keep:
            c.line([(130, y + 7), (450, y + 7)], RED + (200,), 5)
    _arrow(c, (520, 370), (720, 370), BAR_DARK, 8)
    c.circle(620, 300, 40, fill=ORANGE_LIGHT)
    c.circle(608, 294, 16, outline=ORANGE, width=6)
    c.line([(620, 306), (636, 322)], ORANGE, 7)
    right = (780, 200, 1160, 540)
    c.card(right, radius=26)
    c.bar(820, 236, 180, 20, INK)
    for i in range(3):
        y = 296 + i * 70
        c.bar(820, y, 90, 14, BAR_DARK)
        c.rect((930, y - 10, 1120, y + 24), fill=GREEN_LIGHT, radius=8)
        c.check(1096, y + 7, 9, GREEN, 4)
    c.shield(1150, 210, 46, GREEN)
    return c.finish()


# --- registry ---------------------------------------------------------------------------------------------


# --- screens with their words written out (the later courses) ---------------------------------------

SCREEN_TITLES = {
    "phone-app-home": "社区通",
    "phone-app-home-temp": "社区通",
    "phone-app-home-plain": "社区通",
    "phone-code-poster": "登记码海报",
    "phone-visitor-form": "访客登记",
    "phone-proxy-register": "代他人登记",
    "phone-visitor-success": "登记成功",
    "phone-visitor-list": "登记名单",
    "phone-health-code": "居民通行码",
    "phone-temp-entry": "体温录入",
    "phone-temp-list": "体温记录",
    "phone-temp-alert": "体温录入",
    "phone-temp-summary": "每日汇总",
    "phone-trace-list": "流调名单",
    "phone-trace-map": "活动轨迹",
    "phone-trace-form": "轨迹录入",
    "phone-group-notice": "幸福小区3栋居民群",
    "phone-group-settings": "聊天信息",
    "phone-official-account": "文章预览",
    "phone-ai-chat": "AI 助手",
    "phone-ai-settings": "隐私设置",
    "phone-privacy-mask": "居民信息",
    "phone-privacy-permission": "社区通",
    "phone-share-settings": "分享设置",
    "phone-font-size": "字体大小",
    "phone-report-dashboard": "培训报表",
}


def phone_wechat_menu(key: str) -> Image.Image:
    c = Canvas(PHONE_SIZE, WHITE)
    _status_bar(c)
    c.rect((0, 48, 720, 136), fill=PAGE)
    c.text(360, 92, "微信", 32, INK, "mm")
    c.circle(668, 92, 22, outline=INK, width=4)
    c.plus(668, 92, 10, INK, 4)
    for i, (name, colour) in enumerate(
        [
            ("社区工作群", GREEN),
            ("网格员李姐", PRIMARY),
            ("幸福小区3栋居民群", ORANGE),
            ("社区通", PRIMARY_MID),
        ]
    ):
        y = 150 + i * 130
        c.avatar(84, y + 60, 44, colour)
        c.text(150, y + 30, name, 30, INK)
        c.bar(150, y + 80, 300 - i * 30, 14, BAR)
        c.line([(150, y + 128), (720, y + 128)], LINE, 2, round_caps=False)
    c.rect((0, 136, 720, 1280), fill=(10, 20, 35, 60))
    menu = (360, 132, 700, 404)
    c.polygon([(650, 118), (670, 132), (630, 132)], fill=(60, 64, 72))
    c.rect(menu, fill=(60, 64, 72), radius=14)
    boxes = []
    for i, item in enumerate(["发起群聊", "添加朋友", "扫一扫", "收付款"]):
        box = (368, 140 + i * 64, 684, 204 + i * 64)
        c.rect((388, box[1] + 18, 416, box[1] + 46), outline=WHITE, width=3, radius=5)
        c.text(440, box[1] + 32, item, 28, WHITE, "lm")
        boxes.append(box)
    _home_indicator(c)
    c.tap(boxes[2])
    return c.finish()


def phone_font_size(key: str) -> Image.Image:
    c = _phone()
    c.card((32, 170, 688, 600), radius=22)
    c.text(64, 200, "预览", 26, BAR_DARK)
    c.bubble((64, 250, 560, 340), CHAT_GREEN, "right")
    c.text(84, 295, "您好，请用微信扫一下这个码登记。", 26, INK, "lm")
    c.bubble((120, 370, 656, 460), WHITE, "left")
    c.rect((120, 370, 656, 460), outline=LINE, width=2, radius=18)
    c.text(140, 415, "好的，登记好了给您看。", 30, INK, "lm")
    c.text(64, 520, "拖动下面的滑块，预览文字的大小", 24, BAR_DARK)
    c.card((32, 640, 688, 1000), radius=22)
    c.text(64, 680, "字体大小", 30, INK)
    slider = (50, 858, 670, 947)
    c.text(80, 800, "小", 24, INK, "mm")
    c.text(360, 800, "标准", 28, INK, "mm")
    c.text(640, 800, "大", 40, INK, "mm")
    c.rect((80, 898, 640, 906), fill=BAR, radius=4)
    for i in range(6):
        x = 80 + i * 112
        c.rect((x - 2, 890, x + 2, 914), fill=BAR_DARK)
    c.rect((80, 898, 472, 906), fill=PRIMARY, radius=4)
    c.circle(472, 902, 26, fill=WHITE, outline=PRIMARY, width=4)
    c.text(360, 1060, "调大以后，聊天、文章和按钮的字都会变大", 24, BAR_DARK, "mm")
    _home_indicator(c)
    c.tap(slider)
    return c.finish()


def phone_report_dashboard(key: str) -> Image.Image:
    c = _phone()
    c.card((32, 160, 688, 430), radius=22)
    c.text(64, 190, "完成情况 · 民生路街道", 26, BAR_DARK)
    c.text(64, 240, "扫码登记：零接触访客登记", 30, INK)
    for i, (label, value, colour) in enumerate(
        [("已指派", "48", INK), ("已完成", "26", GREEN), ("学习中", "12", PRIMARY), ("已逾期", "7", RED)]
    ):
        x = 100 + i * 160
        c.text(x, 330, value, 40, colour, "mm")
        c.text(x, 385, label, 22, BAR_DARK, "mm")
    rows = [
        ("民生路社区", 14, 3, 1, 78),
        ("解放西路社区", 5, 5, 5, 33),
        ("大阳沟社区", 7, 4, 1, 58),
    ]
    boxes = []
    for i, (name, done, doing, late, pct) in enumerate(rows):
        y = 450 + i * 203
        box = (36, y + 3, 684, y + 195)
        c.rect(box, fill=WHITE, radius=18)
        c.text(64, y + 40, name, 30, PRIMARY, "lm")
        c.chevron(650, y + 40, 10, BAR, "right", 4)
        c.text(64, y + 95, f"已完成 {done}", 24, GREEN, "lm")
        c.text(240, y + 95, f"学习中 {doing}", 24, PRIMARY, "lm")
        c.text(420, y + 95, f"已逾期 {late}", 24, RED if late > 2 else INK, "lm")
        c.rect((64, y + 140, 560, y + 158), fill=BAR_LIGHT, radius=9)
        c.rect((64, y + 140, 64 + 496 * pct / 100, y + 158), fill=GREEN if pct >= 50 else ORANGE, radius=9)
        c.text(620, y + 149, f"{pct}%", 24, INK, "mm")
        boxes.append(box)
    c.button((32, 1100, 344, 1190), fill=WHITE, label=PRIMARY, outline=PRIMARY, text="下载 XLSX")
    c.button((376, 1100, 688, 1190), fill=WHITE, label=PRIMARY, outline=PRIMARY, text="下载 CSV")
    _home_indicator(c)
    c.tap(boxes[1])
    return c.finish()


def diagram_contacts(key: str) -> Image.Image:
    c = Canvas(COVER_SIZE, (246, 248, 251))
    c.card((140, 60, 1140, 660), radius=30)
    c.rect((140, 60, 1140, 160), fill=PRIMARY, radius=30)
    c.rect((140, 120, 1140, 160), fill=PRIMARY)
    c.text(640, 110, "门岗联系卡：遇到情况找谁", 40, WHITE, "mm")
    rows = [
        ("1", "带班人员", "（值班表上的姓名和电话）", PRIMARY),
        ("2", "社区值班电话", "（写在这里）", PRIMARY),
        ("!", "急救 120　报警 110　火警 119", "有人受伤、闯入、起火：先打电话", RED),
        ("?", "政务服务便民热线 12345", "居民的诉求，解决不了时", GREEN),
    ]
    for i, (mark, title, note, colour) in enumerate(rows):
        y = 210 + i * 110
        c.circle(230, y + 30, 32, fill=colour)
        c.text(230, y + 30, mark, 34, WHITE, "mm")
        c.text(290, y + 12, title, 36, INK)
        c.text(290, y + 62, note, 24, BAR_DARK)
    return c.finish()


def _cover_people(c: Canvas, colour) -> None:
    for i, x in enumerate((470, 640, 810)):
        h = 330 - (i % 2) * 40
        c.circle(x, 560 - h, 58, fill=(241, 205, 170))
        c.rect((x - 80, 560 - h + 70, x + 80, 600), fill=colour if i != 1 else PRIMARY, radius=50)


def cover_volunteer(key: str) -> Image.Image:
    c = _cover((252, 238, 222), (246, 222, 196), key)
    _cover_people(c, ORANGE)
    c.rect((560, 330, 720, 372), fill=RED, radius=10)
    c.text(640, 351, "志愿者", 28, WHITE, "mm")
    c.check_badge(900, 200, 46, GREEN)
    return c.finish()


def cover_managers(key: str) -> Image.Image:
    c = _cover((226, 237, 250), (205, 223, 244), key)
    c.card((360, 170, 920, 600), radius=28)
    for i, (pct, colour) in enumerate(((0.78, GREEN), (0.33, ORANGE), (0.58, GREEN), (0.9, GREEN))):
        y = 230 + i * 90
        c.rect((420, y, 860, y + 36), fill=BAR_LIGHT, radius=18)
        c.rect((420, y, 420 + 440 * pct, y + 36), fill=colour, radius=18)
    c.text(640, 570, "培训报表", 30, INK, "mm")
    c.check_badge(930, 190, 46, GREEN)
    return c.finish()


def cover_phone(key: str) -> Image.Image:
    c = _cover((226, 243, 232), (204, 232, 214), key)
    screen = _phone_device(c, (520, 110, 760, 640))
    x0, y0, x1, _y1 = screen
    c.text((x0 + x1) / 2, y0 + 90, "大字", 64, INK, "mm")
    c.qr(x0 + 40, y0 + 170, x1 - x0 - 80, key)
    c.lock(400, 360, 60, PRIMARY)
    c.bubble((820, 300, 1000, 390), CHAT_GREEN, "left")
    c.text(910, 345, "语音输入", 28, INK, "mm")
    return c.finish()


_REGISTRY: dict[str, tuple[Callable[[str], Image.Image], str]] = {
    "cover-qr": (cover_qr, "课程封面：扫码登记"),
    "cover-temperature": (cover_temperature, "课程封面：体温记录"),
    "cover-tracing": (cover_tracing, "课程封面：流调追踪"),
    "cover-notice": (cover_notice, "课程封面：社区通知"),
    "cover-ai": (cover_ai, "课程封面：安全使用 AI 助手"),
    "cover-privacy": (cover_privacy, "课程封面：个人信息保护"),
    "phone-app-home": (phone_app_home, "社区通首页：访客登记入口"),
    "phone-app-home-temp": (phone_app_home, "社区通首页：体温登记入口"),
    "phone-app-home-plain": (phone_app_home, "社区通首页（无提示）"),
    "phone-code-poster": (phone_code_poster, "生成的门岗登记码海报"),
    "phone-scan-qr": (phone_scan_qr, "扫码登记手机界面"),
    "phone-visitor-form": (phone_visitor_form, "访客登记表填写界面"),
    "phone-proxy-register": (phone_proxy_register, "代他人登记界面"),
    "phone-visitor-success": (phone_visitor_success, "登记成功界面"),
    "phone-visitor-list": (phone_visitor_list, "访客登记名单界面"),
    "phone-health-code": (phone_health_code, "通行码展示界面"),
    "phone-temp-entry": (phone_temp_entry, "体温录入界面"),
    "phone-temp-list": (phone_temp_list, "体温记录列表界面"),
    "phone-temp-alert": (phone_temp_alert, "体温异常提醒弹窗"),
    "phone-temp-summary": (phone_temp_summary, "体温每日汇总界面"),
    "phone-trace-list": (phone_trace_list, "流调人员名单界面"),
    "phone-trace-map": (phone_trace_map, "活动轨迹地图界面"),
    "phone-trace-form": (phone_trace_form, "活动轨迹录入界面"),
    "phone-group-notice": (phone_group_notice, "微信群公告界面"),
    "phone-group-settings": (phone_group_settings, "微信群设置界面"),
    "phone-official-account": (phone_official_account, "公众号文章预览与发布界面"),
    "phone-ai-chat": (phone_ai_chat, "AI 助手对话界面"),
    "phone-ai-settings": (phone_ai_settings, "AI 助手隐私设置界面"),
    "phone-privacy-mask": (phone_privacy_mask, "居民信息脱敏显示界面"),
    "phone-privacy-permission": (phone_privacy_permission, "小程序权限申请弹窗"),
    "phone-share-settings": (phone_share_settings, "表格分享权限设置界面"),
    "diagram-flow": (diagram_flow, "扫码登记流程示意图"),
    "diagram-register-desk": (diagram_register_desk, "小区门岗登记点布置示意图"),
    "diagram-temp-decision": (diagram_temp_decision, "体温异常处置流程图"),
    "diagram-notice-channels": (diagram_notice_channels, "社区通知发布渠道示意图"),
    "diagram-data-minimum": (diagram_data_minimum, "最少必要收集示意图"),
    "diagram-leak-response": (diagram_leak_response, "信息泄露处置步骤示意图"),
    "diagram-contacts": (diagram_contacts, "门岗联系卡示意图"),
    "cover-volunteer": (cover_volunteer, "课程封面：志愿者上岗"),
    "cover-managers": (cover_managers, "课程封面：培训管理员"),
    "cover-phone": (cover_phone, "课程封面：一线手机基本功"),
    "phone-wechat-menu": (phone_wechat_menu, "微信右上角“＋”菜单"),
    "phone-font-size": (phone_font_size, "手机字体大小设置界面"),
    "phone-report-dashboard": (phone_report_dashboard, "培训报表完成情况界面"),
}

KEYS: tuple[str, ...] = tuple(_REGISTRY)


def _base(key: str) -> str:
    if key.endswith(PLAIN) and key.removesuffix(PLAIN) in _REGISTRY:
        return key.removesuffix(PLAIN)
    return key


def draw(key: str) -> Image.Image:
    """The illustration for key, as an RGB image. Raises KeyError for an unknown key.

    ``<key>-plain`` is the same screen without the orange "tap here" ring: for guided practice
    and quiz questions, where the learner has to find the spot."""
    base = _base(key)
    painter, _title = _REGISTRY[base]
    token = _tap_hints.set(base == key)
    key_token = _current_key.set(base)
    try:
        return painter(base)
    finally:
        _tap_hints.reset(token)
        _current_key.reset(key_token)


def png_bytes(image: Image.Image, colors: int = PNG_COLOURS) -> bytes:
    """The picture as a small PNG: flat screens lose nothing visible in a palette of `colors` colours
    (no dithering, so text edges stay clean) and weigh about 40 % of the full-colour file."""
    buffer = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def title_for(key: str) -> str:
    """A short Chinese title for the image library. Raises KeyError for an unknown key."""
    if key in _REGISTRY:
        return _REGISTRY[key][1]
    base = _base(key)
    return f"{_REGISTRY[base][1]}（无提示）" if base != key else _REGISTRY[key][1]


@functools.cache
def stored_png(key: str) -> bytes:
    """png_bytes(draw(key)), drawn once per process: the pictures depend on nothing but the key, and
    tests load the demo many times (about 5 s of drawing each time)."""
    return png_bytes(draw(key))
