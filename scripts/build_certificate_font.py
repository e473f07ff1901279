"""Build the font that certificate PDFs embed: a subset of Noto Sans CJK SC Regular.

    .venv/bin/python scripts/build_certificate_font.py [--source PATH]

Certificates must render Chinese on a machine with no fonts installed and without fetching
anything, so the project ships this font. It keeps what certificates show (names, course titles,
organisation names, dates): every character of GB 2312 (6,763 hanzi plus its punctuation, full-width
forms, Greek, Cyrillic and kana), printable ASCII, a few typographic marks and a short list of
given-name characters that GB 2312 lacks. Anything else falls back to a CID font at render time
(certificates/pdf.py).

ReportLab embeds TrueType outlines only, so the CFF outlines of the source are converted to
quadratic curves (cu2qu, within one unit of 1000 per em). The result is renamed, as a modified
version, and keeps the source's copyright and licence (SIL OFL 1.1, certificates/fonts/OFL.txt).

Needs fontTools (requirements-dev.txt) and Debian's fonts-noto-cjk for the source; the output is
committed, so neither is needed to run the site.
"""

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
OUTPUT = ROOT / "certificates" / "fonts" / "FrontlineCertificateSans-Regular.ttf"
FAMILY = "Frontline Certificate Sans"
POSTSCRIPT_NAME = "FrontlineCertificateSans-Regular"
MAX_CURVE_ERROR = 1.0  # font units (1000 per em)

# Given-name characters in common use that GB 2312 does not have.
EXTRA_NAME_CHARACTERS = (
    "堃喆昇玥珺婧琰赟犇淏暐旻昶晟珏瑄璟琛婕娅娴钰钊锴骞彧翀禛祎祺颢劼炜烨焘熠熹垚鑫淼焱"
    "镕昀晞玙琬瑜瑾璇璐琦琳瑛珩珂玹昕晗煜炅燚桢栩梓楠槿榕芮苡茜萱蓁蕊蔚薇莘菡蓓"
)
TYPOGRAPHY = "\u00a0·–—‘’“”…•‧※℃№→←↑↓√✓©®™€¥"


def gb2312_characters() -> set[str]:
    characters = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def wanted_characters() -> set[str]:
    ascii_printable = {chr(code) for code in range(0x20, 0x7F)}
    return gb2312_characters() | ascii_printable | set(EXTRA_NAME_CHARACTERS) | set(TYPOGRAPHY)


def open_source(path: Path) -> TTFont:
    if path.suffix.lower() == ".ttc":
        index = 0
        while True:
            font = TTFont(path, fontNumber=index, lazy=False, recalcTimestamp=False)
            if font["name"].getDebugName(1) == SOURCE_FAMILY:
                return font
            index += 1  # TTFont raises once past the last font of the collection
    return TTFont(path, recalcTimestamp=False)


def subset_font(font: TTFont, characters: set[str]) -> TTFont:
    options = subset.Options()
    options.layout_features = []  # ReportLab does no shaping; certificates need no ligatures
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GDEF", "GPOS", "GSUB", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in characters])
    subsetter.subset(font)
    return font


def cff_to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with TrueType ones (glyf/loca), as ReportLab needs."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run anticlockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    metrics = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            metrics[name] = (metrics[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    """A modified version carries its own name (SIL OFL 1.1, condition 3)."""
    names = font["name"]
    version = names.getDebugName(5) or ""
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{POSTSCRIPT_NAME};{version.split(';')[0]}"),
        (4, FAMILY),
        (6, POSTSCRIPT_NAME),
        (10, f"Subset of {SOURCE_FAMILY} Regular for Frontline Academy certificates."),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def build(source: Path, output: Path) -> Path:
    font = open_source(source)
    characters = wanted_characters()
    missing = sorted(ch for ch in characters if ord(ch) not in font.getBestCmap())
    subset_font(font, characters)
    cff_to_truetype(font)
    rename(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(output)
    covered = len(characters) - len(missing)
    hanzi = sum(1 for ch in characters if "\u4e00" <= ch <= "\u9fff" and ch not in missing)
    print(f"{output.relative_to(ROOT)}: {output.stat().st_size / 1024:.0f} KiB")
    print(f"{covered} characters ({hanzi} hanzi); not in the source: {''.join(missing) or 'none'}")
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help=f"default: {SOURCE}")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    build(args.source, args.output.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
