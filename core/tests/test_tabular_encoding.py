"""Which encoding an uploaded text file is in, and which files are not text at all (core.tabular)."""

import codecs
import random
import time

import pytest

from core.tabular import TabularRefused, text_decode


@pytest.fixture(autouse=True)
def _clear_caches():
    """Pure tests: shadow the root conftest's Django fixtures."""


@pytest.fixture(autouse=True)
def _media_root():
    """See `_clear_caches`."""


CHINESE = """::扫码登记:: 访客进入小区时，应请访客扫描哪个二维码完成登记？{
=小区门口张贴的登记二维码
~访客自己的付款码
~工作人员的个人微信二维码
}

::通知:: 在业主微信群发布重要通知后，还应在公告栏张贴纸质通知。{T}
"""
TRADITIONAL = """訪客進入社區時，應請訪客掃描哪個二維碼完成登記？
A. 社區門口張貼的登記二維碼
B. 訪客自己的付款碼
C. 工作人員的個人微信二維碼
ANSWER: A
"""
GERMAN = """Grüße aus München: Welches Café liegt am Marienplatz?
A. Café Müller
B. Bäckerei Größe
ANSWER: A
"""
FRENCH = "Quelle réponse est naïve ? {=Un élève très sûr de lui ~Ça dépend ~Où est-il ?} // déjà vu\n"
SPANISH_LATIN1 = "¿Cuántos años tiene el niño? {=Seis ~Siete}\n"
QUOTES_1252 = "It’s “smart” — what does €5 buy? {=a coffee ~a car}\n"


def decode(raw: bytes) -> str:
    return text_decode(raw)


def refused(raw: bytes) -> TabularRefused:
    with pytest.raises(TabularRefused) as caught:
        text_decode(raw)
    return caught.value


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk", "gb18030"]
)
@pytest.mark.parametrize("text", [CHINESE, "访客需要出示健康码吗？{T}", "扫码登记"])
def test_chinese_files_in_every_encoding_chinese_offices_save(encoding, text):
    if encoding in ("utf-16-le", "utf-16-be") and text == "扫码登记":
        pytest.skip("UTF-16 without a BOM is told by the NULs of its ASCII characters; this has none")
    assert decode(text.encode(encoding)) == text


@pytest.mark.parametrize("text", [TRADITIONAL, "掃碼登記", "訪客需要出示健康碼嗎？"])
def test_big5_is_told_apart_from_gbk(text):
    assert decode(text.encode("big5")) == text


@pytest.mark.parametrize("text", ["扫码登记", "网格员", "访客需要出示健康码吗？", "居民"])
def test_short_gbk_is_not_taken_for_big5(text):
    assert decode(text.encode("gbk")) == text


@pytest.mark.parametrize(
    "text", [GERMAN, FRENCH, SPANISH_LATIN1, QUOTES_1252, "Grüße", "café", "naïve", "Größe {T}"]
)
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_windows_files_are_not_read_as_chinese(text, encoding):
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip("not in this code page")
    assert decode(raw) == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", "cp1252"])
def test_european_text_in_unicode_and_windows_encodings(encoding):
    assert decode(GERMAN.encode(encoding)) == GERMAN


def test_a_bom_wins_and_windows_newlines_become_unix_ones():
    assert decode(codecs.BOM_UTF8 + "甲\r\n乙".encode()) == "甲\n乙"
    assert decode(codecs.BOM_UTF16_BE + "甲\r\n乙".encode("utf-16-be")) == "甲\n乙"
    assert decode(codecs.BOM_UTF32_LE + "Grüße".encode("utf-32-le")) == "Grüße"
    assert refused(codecs.BOM_UTF8 + b"\xff\xfe\xfa").code == "encoding"


@pytest.mark.parametrize(
    ("raw", "code", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "not_text", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not_text", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)), "not_text", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "not_text", "GIF"),
        (b"GIF87a\x01\x00\x01\x00", "not_text", "GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "office_file", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old_office_file", None),
        (bytes(range(256)) * 4, "binary", None),
        (b"\x00\x01\x02\x03", "binary", None),
    ],
)
def test_files_that_are_not_text_are_named(raw, code, kind):
    problem = refused(raw)
    assert problem.code == code
    assert problem.params.get("kind") == kind


def test_the_message_names_the_kind_of_file():
    from django.utils import translation

    with translation.override("en"):
        assert "looks like a PDF file" in refused(b"%PDF-1.4\n").message


def test_garbage_is_refused_rather_than_imported():
    rng = random.Random(15)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
    assert refused(noise).code == "encoding"
    # A UTF-8 file with a Windows-1252 line pasted in the middle is neither.
    assert refused(CHINESE.encode() + "Grüße\n".encode("cp1252") + CHINESE.encode() * 3).code == "encoding"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(CHINESE, "utf-8"), (CHINESE, "gbk"), (TRADITIONAL, "big5"), (GERMAN, "cp1252"), (CHINESE, "utf-16")],
)
def test_a_two_megabyte_file_decodes_quickly(text, encoding):
    raw = text.encode(encoding)
    raw = raw * (2_000_000 // len(raw))
    started = time.perf_counter()
    decoded = decode(raw)
    seconds = time.perf_counter() - started
    assert decoded.startswith(text.replace("\r\n", "\n"))
    assert seconds < 0.5, f"{encoding}: {seconds:.2f} s"


def test_utf16_without_a_bom_with_windows_newlines():
    text = CHINESE.replace("\n", "\r\n")
    assert decode(text.encode("utf-16-le")) == CHINESE
    assert decode(text.encode("utf-16-be")) == CHINESE
