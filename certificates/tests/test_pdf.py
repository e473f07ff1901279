"""The printable certificate: A4 landscape, Chinese text in the shipped font, a QR code that
encodes the verification URL, and a clear mark when it is no longer valid."""

import contextlib
import io
import re

import pypdf
import pytest
from django.utils import timezone, translation
from reportlab.pdfbase.ttfonts import TTFont

from certificates.models import Certificate
from certificates.pdf import FONT_PATH, certificate_pdf, font_runs
from certificates.qr import certificate_qr

URL = "https://learn.example.cn/verify/ABCD-EFGH-JKLM-NPQR/"


def make_certificate(**fields) -> Certificate:
    values = {
        "code": "ABCDEFGHJKLMNPQR",
        "completed_at": timezone.now(),
        "issued_at": timezone.now(),
        "holder_name": "张网格",
        "course_title": "扫码登记：零接触访客登记",
        "organisation_name": "渝中区社区工作培训中心",
    }
    values.update(fields)
    return Certificate(**values)


def render(certificate: Certificate, language="zh-hans") -> pypdf.PdfReader:
    with translation.override(language):
        data = certificate_pdf(certificate, verify_url=URL)
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def fonts_of(reader: pypdf.PdfReader) -> dict[str, dict]:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]): font.get_object() for font in fonts.values()}


def test_one_a4_landscape_page():
    reader = render(make_certificate())
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_chinese_text_is_embedded_and_extractable():
    reader = render(make_certificate(), language="en")
    text = reader.pages[0].extract_text()
    for expected in (
        "张网格",
        "扫码登记：零接触访客登记",
        "渝中区社区工作培训中心",
        "ABCD-EFGH-JKLM-NPQR",
        URL,
    ):
        assert expected in text
    assert "Certificate of completion" in text
    fonts = fonts_of(reader)
    # Only the shipped font, embedded as a subset (a TrueType font file in the PDF), no system font.
    assert list(fonts) and all(name.endswith("+FrontlineCertificateSans-Regular") for name in fonts)
    for font in fonts.values():
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
        assert "/ToUnicode" in font


def test_a_name_outside_the_shipped_font_falls_back_and_still_prints():
    # 䶮 (as in 刘䶮) is not in GB 2312: drawn with the CID font, the rest with the shipped one.
    assert [font for font, _run in font_runs("刘䶮")] == ["FrontlineCertificateSans", "STSong-Light"]
    reader = render(make_certificate(holder_name="刘䶮"))
    fonts = fonts_of(reader)
    assert any("STSong-Light" in name for name in fonts)
    assert any(name.endswith("FrontlineCertificateSans-Regular") for name in fonts)
    assert "刘" in reader.pages[0].extract_text()


def test_characters_no_font_has_are_replaced_not_dropped():
    assert font_runs("王𠀾") == [("FrontlineCertificateSans", "王□")]
    reader = render(make_certificate(holder_name="王𠀾"))
    assert "王□" in reader.pages[0].extract_text()


def test_long_titles_and_names_stay_on_the_page():
    title = "社区网格员如何使用“社区通”小程序完成每日巡查上报、居民信息核对与紧急事件快速处置" * 3
    reader = render(make_certificate(course_title=title, holder_name="阿卜杜热合曼·买买提明" * 3))
    text = reader.pages[0].extract_text()
    assert "社区网格员如何使用" in text and "…" in text


def _qr_matrix_in(reader: pypdf.PdfReader, modules: int) -> list[list[int]]:
    """Rebuild the QR matrix from the filled squares in the page's drawing commands."""
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    rects = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content)]
    module = min(h for _x, _y, _w, h in rects)
    squares = [(x, y, w, h) for x, y, w, h in rects if abs(h - module) < 0.01]
    left = min(x for x, *_ in squares)
    top = max(y + h for _x, y, _w, h in squares)
    matrix = [[0] * modules for _ in range(modules)]
    for x, y, w, h in squares:
        row = round((top - (y + h)) / module)
        for column in range(round((x - left) / module), round((x + w - left) / module)):
            matrix[row][column] = 1
    return matrix


def test_the_qr_code_encodes_the_verification_url():
    expected = certificate_qr(URL)
    assert expected.designator.endswith("M")  # error correction level M: survives a smudge
    reader = render(make_certificate())
    drawn = _qr_matrix_in(reader, len(expected.matrix))
    assert drawn == [list(row) for row in expected.matrix]
    assert drawn != [list(row) for row in certificate_qr(URL.replace("NPQR", "NPQS")).matrix]


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"revoked_at": timezone.now(), "revoke_reason": "发错人"}, "REVOKED"),
        ({"expires_at": timezone.now() - timezone.timedelta(days=1)}, "EXPIRED"),
    ],
)
def test_revoked_and_expired_certificates_say_so(fields, word):
    text = render(make_certificate(**fields), language="en").pages[0].extract_text()
    assert word in text
    assert word not in render(make_certificate(), language="en").pages[0].extract_text()


def test_the_shipped_font_covers_gb2312_and_ascii_and_stays_small():
    assert FONT_PATH.stat().st_size < 2_500_000
    glyphs = TTFont("coverage-check", str(FONT_PATH)).face.charToGlyph
    gb2312 = set()
    for high in range(0xB0, 0xF8):  # the hanzi rows
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.add(bytes((high, low)).decode("gb2312"))
    assert len(gb2312) == 6763
    assert not [ch for ch in gb2312 if ord(ch) not in glyphs]
    assert all(code in glyphs for code in range(0x20, 0x7F))
    assert all(ord(ch) in glyphs for ch in "，。、：；“”（）《》—…·年月日")
    assert (FONT_PATH.parent / "OFL.txt").exists()
