"""Draw the installable web app's icons (site/static/img/icons/) with Pillow: the site's brand mark —
three rising bars — in white on the site's blue (#0a4f94), no text, so no font is needed.

    .venv/bin/python scripts/make_icons.py

Writes icon-192.png and icon-512.png (rounded square, "any"), icon-maskable-512.png (full bleed, the
bars inside the central 80 % safe zone that launchers may crop to a circle) and apple-touch-icon.png
(180 px, full bleed: iOS rounds the corners itself). Run again after changing the colours; commit the PNGs.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (10, 79, 148)  # --c-primary in site/static/css/site.css
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "site" / "static" / "img" / "icons"
SCALE = 4  # drawn four times larger, then reduced: smooth edges


def _bars(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """The brand mark of components/header.html — bars at x 8–12, 14–18, 20–24 with tops at y 10, 14, 16,
    all ending at y 22 — centred in the square left after ``inset`` (a fraction of the size) on each side."""
    unit = size * (1 - 2 * inset) / 16  # the mark is 16 units wide, 12 high

    def at(x: float, y: float) -> tuple[float, float]:
        return size * inset + (x - 8) * unit, size / 2 + (y - 16) * unit

    for left, top in ((8, 10), (14, 14), (20, 16)):
        draw.rounded_rectangle([*at(left, top), *at(left + 4, 22)], radius=unit * 0.5, fill=WHITE)


def icon(size: int, *, maskable: bool = False, rounded: bool = True) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable or not rounded:
        draw.rectangle([0, 0, big, big], fill=BLUE)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=BLUE)
    _bars(draw, big, inset=0.25 if maskable else 0.16)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192).save(OUT / "icon-192.png", optimize=True)
    icon(512).save(OUT / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    icon(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parents[3]), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
