"""Reading uploaded tables: CSV (any encoding Chinese offices save) and Excel .xlsx, for every import.

Every bulk import reads its file through here, so every import refuses the same files for the same
reasons and with the same limits:

- **Size**: at most ``MAX_BYTES`` (2 MB) of upload. An .xlsx is a zip, so its unzipped size and member
  count are checked before openpyxl sees it (a zip bomb is refused, not unpacked), and only the first
  ``MAX_COLUMNS`` columns of one worksheet are read, never past Excel's own last row.
- **Text**: a BOM decides (UTF-8, UTF-16, UTF-32); otherwise valid UTF-8 is UTF-8, UTF-16 without a BOM
  is recognised by its NULs, and anything else is told apart among GB18030 (a superset of GBK/GB2312,
  what Chinese Windows saves as "ANSI"), Big5 and Windows-1252 (Western "ANSI", Latin-1's printable
  characters included) by charset-normalizer on a sample — refused with "save it as UTF-8" when none is
  convincing, rather than read as garbage. PDF, images and Office files are named as such. Newlines become
  ``\\n``; control characters and lone surrogates are dropped (they break the spreadsheets we send back).
  Any other file holding NUL bytes is refused as binary.
- **Which format**: content starting like a zip is read as .xlsx whatever the file is called; OLE2 content
  (an old .xls, or an .xlsx saved with a password) and the .xls extension are refused with "save it as
  .xlsx or CSV"; a file named .xlsx that is not a zip is refused; anything else is CSV, split on whichever
  of ``,`` tab ``;`` the header line holds most of.
- **Cells** become stripped text: ``110.0`` → ``110``, Excel booleans ``TRUE``/``FALSE``, dates ISO text.
  Merged cells read as their value on every cell they cover (a category merged down ten rows is the
  category of all ten): read-only openpyxl leaves them empty, so the ranges are read from the sheet's XML.
- **Which sheet**: the first, or (:func:`sheet_open` with a ``header_test``) the first whose row 1 holds
  the expected headers — a workbook may start with an instructions sheet.

Nothing here raises anything but :class:`TabularRefused` on bad input, whose ``code`` says what went wrong
(for callers that word it themselves) and ``message`` says it in the user's language.

Two levels: :func:`sheet_rows` (raw rows, for a format with columns of its own, like the question
spreadsheet) and :func:`records_read` (a header row matched against column aliases, then one
:class:`Record` per non-empty row with its Excel row number), which is what a new import kind wants.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext_lazy as _

__all__ = [
    "MAX_BYTES",
    "Record",
    "Sheet",
    "TabularRefused",
    "cell_text",
    "file_extension",
    "header_fold",
    "is_blank_row",
    "records_read",
    "sheet_open",
    "sheet_rows",
    "size_check",
    "text_decode",
]

MAX_BYTES = 2 * 1024 * 1024
# An .xlsx is a zip of XML: its unzipped size, not the upload size, is what costs memory and time.
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_COLUMNS = 64
# openpyxl fills gaps between rows with empty rows; stopping at Excel's own last row bounds the work a
# crafted file (a cell at row 100,000,000) can cause, and no file Excel wrote goes further.
EXCEL_MAX_ROW = 1_048_576
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx saved with a password
ZIP_SIGNATURE = b"PK\x03\x04"
# Byte order marks, longest first (UTF-32 LE's begins with UTF-16 LE's), and the codec each means.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Text that is neither UTF-8 nor UTF-16 is told apart among these (charset-normalizer's names).
LEGACY_ENCODINGS = ("gb18030", "big5", "cp1252")
_CODEC_NAMES = {"windows_1252": "cp1252", "big5hkscs": "big5"}
LEGACY_SAMPLE_BYTES = 64 * 1024  # enough for charset-normalizer to rank them; decoding checks the rest
UTF16_SAMPLE_BYTES = 4096
BINARY_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

MESSAGES: dict[str, Any] = {
    "not_bytes": _("The upload could not be read."),
    "too_large": _("The file is too large; the limit is %(limit)s MB. Split it and import the parts."),
    "encoding": _(
        "The file's text encoding is not recognised: save it as UTF-8 (in a text editor or in Excel) "
        "and try again."
    ),
    "binary": _("The file is not text (it holds binary data): check that you chose the right file."),
    "not_text": _(
        "This is not a text file (it looks like a %(kind)s file): check that you chose the right file."
    ),
    "office_file": _(
        "This is an Excel or Word file, not a text file: choose the spreadsheet format for an Excel file, "
        "or save the questions as text (.txt) first."
    ),
    "old_office_file": _(
        "This is an old Excel or Word file (.xls or .doc), not a text file: save it as .xlsx, CSV or text "
        "(.txt) first."
    ),
    "old_excel": _(
        "Old .xls files and password-protected Excel files cannot be read. Save the file in Excel as "
        ".xlsx (without a password) or as CSV."
    ),
    "not_xlsx": _("The file is named .xlsx but is not an Excel file."),
    "bad_zip": _("The Excel file cannot be opened: it may be damaged."),
    "not_workbook": _(
        "This is not an Excel .xlsx file. Save spreadsheets from WPS, LibreOffice and other programs as "
        ".xlsx or CSV first."
    ),
    "unzipped_too_large": _(
        "The Excel file is too large once unzipped: delete unneeded sheets, pictures and formatting, and "
        "try again."
    ),
    "unreadable_xlsx": _(
        "The Excel file cannot be read: it may be damaged. Save it again in Excel and try again."
    ),
    "no_sheet": _("The Excel file has no worksheet."),
    "no_matching_sheet": _("None of the worksheets %(sheets)s has the expected column headers in row 1."),
    "csv_error": _("Row %(line)s: the CSV file cannot be read any further (%(detail)s)."),
    # records_read
    "empty": _("The file is empty."),
    "no_header": _("Row 1 must hold the column headers: use the import template."),
    "duplicate_column": _("Row 1: the column “%(header)s” appears twice."),
    "missing_column": _("The column “%(column)s” is missing: use the headers of the import template."),
    "no_rows": _("The file has a header row but no data rows."),
    "too_many_rows": _(
        "The file has more than %(limit)s rows. At most %(limit)s can be imported at once: split the "
        "file and import the parts."
    ),
}


class TabularRefused(ValueError):
    """The file (or, for ``csv_error``, everything from row ``line`` on) cannot be read.

    ``code`` is one of :data:`MESSAGES`' keys; ``line`` the row concerned (0: the whole file);
    ``message`` the explanation in the active language, worded by ``messages`` when the caller gave its own.
    """

    def __init__(
        self,
        code: str,
        *,
        line: int = 0,
        messages: Mapping[str, Any] | None = None,
        more: Sequence[TabularRefused] = (),
        **params,
    ):
        self.code = code
        self.line = line
        self.params = params
        self.more = list(more)
        self._wording = (messages or {}).get(code) or MESSAGES[code]
        super().__init__(code, params)

    @property
    def message(self) -> str:
        return str(self._wording) % {"line": self.line, **self.params}

    @property
    def messages(self) -> list[str]:
        """This problem's message, then those of the others found with it (all of a header's)."""
        return [self.message, *(other.message for other in self.more)]

    def __str__(self) -> str:
        return self.message


# -- bytes to text ---------------------------------------------------------------------------------


def file_extension(filename: str) -> str:
    """``".xlsx"`` for ``"员工.XLSX"``; ``""`` when the name has no extension."""
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def size_check(data: bytes | str, limit: int = MAX_BYTES) -> None:
    """Refuse what is not bytes or text, and more than `limit` bytes (text is counted as UTF-8)."""
    if not isinstance(data, bytes | bytearray | memoryview | str):
        raise TabularRefused("not_bytes")
    if isinstance(data, str):
        # Every character is at least one byte: only text that might fit needs encoding.
        size = len(data) if len(data) > limit else len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > limit:
        raise TabularRefused("too_large", limit=limit // (1024 * 1024))


def control_chars_strip(value: str) -> str:
    """Drop control characters and lone surrogates; keep tabs and newlines."""
    return _CONTROL_CHARS.sub("", value)


def text_decode(data: bytes | str, *, limit: int = MAX_BYTES) -> str:
    """The text of an upload, with Unix newlines, no BOM and no control characters."""
    size_check(data, limit)
    text = data if isinstance(data, str) else _bytes_decode(bytes(data))
    if "\x00" in text:
        raise TabularRefused("binary")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return control_chars_strip(text)


def _bytes_decode(raw: bytes) -> str:
    bom = next((bom for bom in _BOMS if raw.startswith(bom[0])), None)
    if bom is not None:
        try:
            return raw[len(bom[0]) :].decode(bom[1])
        except UnicodeDecodeError:
            raise TabularRefused("encoding") from None
    _binary_check(raw)
    if b"\x00" in raw:
        return _utf16_without_bom(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy_decode(raw)


def _binary_check(raw: bytes) -> None:
    """Files people pick by mistake are named, rather than answered with an encoding message."""
    if raw.startswith(ZIP_SIGNATURE):
        raise TabularRefused("office_file")
    if raw.startswith(OLE2_SIGNATURE):
        raise TabularRefused("old_office_file")
    for signature, kind in BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise TabularRefused("not_text", kind=kind)


def _utf16_without_bom(raw: bytes) -> str:
    """Text saved as UTF-16 without a BOM has most of its NULs on one side of each pair (the high byte of
    every ASCII character, newlines included), and reads as printable text; anything else holding NULs
    is binary."""
    sample = raw[:UTF16_SAMPLE_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = 0.05 * (len(sample) // 2)
    encoding = None
    if odd >= enough and odd > 2 * even:
        encoding = "utf-16-le"
    elif even >= enough and even > 2 * odd:
        encoding = "utf-16-be"
    if encoding is not None and len(raw) % 2 == 0:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            text = ""
        head = text[: UTF16_SAMPLE_BYTES // 2]
        unprintable = sum(1 for char in head if not char.isprintable() and char not in "\t\n\r")
        if head and unprintable <= len(head) // 100:
            return text
    raise TabularRefused("binary")


def _legacy_decode(raw: bytes) -> str:
    """Not UTF-8: Chinese Windows' GB18030 (GBK), Taiwan's and Hong Kong's Big5, or Western Windows-1252
    (which holds every printable Latin-1 character at the same byte). charset-normalizer ranks them on
    a sample (how messy each decoding reads); between the two Chinese ones, the one whose characters are
    the everyday ones of its own standard wins. No convincing candidate: refused, never garbage."""
    cut = raw.rfind(b"\n", 0, LEGACY_SAMPLE_BYTES) if len(raw) > LEGACY_SAMPLE_BYTES else -1
    sample = raw[: cut + 1] if cut > 0 else raw  # whole lines: no character cut in two
    from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for the import

    ranked = [match.encoding for match in from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS))]
    ranked = [_CODEC_NAMES.get(name, name) for name in ranked]
    chinese = [name for name in ranked if name in ("gb18030", "big5")]
    shares = {name: _everyday_share(sample, name) for name in chinese}
    if len(chinese) == 2:
        first = ranked.index(chinese[0])
        ranked = [name for name in ranked if name not in shares]
        # A tie goes to GB18030: the platform's trainers are on the mainland.
        ranked[first:first] = sorted(shares, key=lambda name: (shares[name], name == "gb18030"), reverse=True)
    for encoding in ranked:
        if shares.get(encoding, 1.0) < 0.6:
            continue  # valid bytes, but not text anyone wrote in this encoding
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue  # the sample was fine, the rest of the file is not
    raise TabularRefused("encoding")


def _everyday_share(sample: bytes, encoding: str) -> float:
    """The share of Chinese characters among the first few thousand that are in the first, everyday
    level of `encoding`'s own standard (GB2312 level 1: 3,755 characters; Big5 level 1: 5,401): nearly all
    of real text, a fraction of another encoding's bytes read as this one."""
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return 0.0
    everyday = total = 0
    for char in text[:4000]:
        if char < "\u2e80" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef":
            continue  # Latin, and the punctuation both standards share
        total += 1
        code = char.encode(encoding, "ignore")
        if len(code) != 2:
            continue
        if encoding == "big5":
            everyday += 0xA440 <= int.from_bytes(code, "big") <= 0xC67E
        else:
            everyday += 0xB0 <= code[0] <= 0xD7 and code[1] >= 0xA1
    return everyday / total if total else 1.0


# -- rows ------------------------------------------------------------------------------------------


HeaderTest = Callable[[Sequence[object]], bool]


@dataclass
class Sheet:
    """The rows of an upload's sheet (a lazy iterator: close the sheet when done, which releases the
    workbook). `name` is the worksheet's name ("" for CSV), `names` every worksheet's name in order."""

    rows: Iterator[Sequence[object]]
    name: str = ""
    names: tuple[str, ...] = ()

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


def sheet_rows(
    data: bytes | str, filename: str = "", *, limit: int = MAX_BYTES
) -> Iterator[Sequence[object]]:
    """The rows of a CSV or .xlsx upload (the first worksheet), as the values the file holds.

    A generator: the format is recognised (and refused) at the first ``next()``; close it when stopping
    early, which releases the workbook. `filename` only helps tell the formats apart.
    """
    sheet = sheet_open(data, filename, limit=limit)
    try:
        yield from sheet.rows
    finally:
        sheet.close()


def sheet_open(
    data: bytes | str, filename: str = "", *, limit: int = MAX_BYTES, header_test: HeaderTest | None = None
) -> Sheet:
    """The sheet of a CSV or .xlsx upload to read: the first worksheet, or with `header_test` the first
    whose first row passes it (none does: ``no_matching_sheet``, naming every sheet). Raises
    :class:`TabularRefused` when the file cannot be read; a damaged row further down raises it while
    the rows are read."""
    size_check(data, limit)
    extension = file_extension(filename)
    head = data[:8].encode() if isinstance(data, str) else bytes(data[:8])
    if head.startswith(OLE2_SIGNATURE) or extension == ".xls":
        raise TabularRefused("old_excel")
    if not isinstance(data, str) and head.startswith(ZIP_SIGNATURE):
        return _xlsx_sheet(bytes(data), header_test)
    if extension in XLSX_EXTENSIONS:
        raise TabularRefused("not_xlsx")
    return Sheet(rows=_csv_rows(text_decode(data, limit=limit)))


def _workbook_open(data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError for exotic zip versions, …
        raise TabularRefused("bad_zip") from exc
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise TabularRefused("not_workbook")
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise TabularRefused("unzipped_too_large")

    # openpyxl raises many kinds of exception on a damaged file; all of them mean the same to a person.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import openpyxl  # parses with defusedxml when it is installed (it is: Wagtail needs it)

            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise TabularRefused("unreadable_xlsx") from exc


def _xlsx_sheet(data: bytes, header_test: HeaderTest | None) -> Sheet:
    workbook = _workbook_open(data)
    try:
        worksheets = workbook.worksheets
        if not worksheets:
            raise TabularRefused("no_sheet")
        names = tuple(worksheet.title for worksheet in worksheets)
        chosen = worksheets[0]
        if header_test is not None:
            chosen = next((ws for ws in worksheets if header_test(_first_row(ws))), None)
            if chosen is None and len(worksheets) == 1:
                chosen = worksheets[0]  # the caller says what its header lacks
            elif chosen is None:
                raise TabularRefused("no_matching_sheet", sheets="".join(f"「{name}」" for name in names))
        merges = _merged_ranges(workbook, chosen)
    except BaseException:
        workbook.close()
        raise
    return Sheet(rows=_xlsx_rows(workbook, chosen, merges), name=chosen.title, names=names)


def _first_row(worksheet) -> Sequence[object]:
    try:
        return next(worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=1), ())
    except Exception as exc:
        raise TabularRefused("unreadable_xlsx") from exc


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}):([A-Z]{1,3}[0-9]{1,7})\"")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")


def _merged_ranges(workbook, worksheet) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a worksheet as (first row, last row, first column, last column), 1-based.

    Read-only openpyxl does not read them; they are a list at the end of the sheet's XML, found without
    parsing the rest again. Only the part within ``MAX_COLUMNS`` columns matters."""
    from openpyxl.utils import column_index_from_string

    try:
        xml = workbook._archive.read(worksheet._worksheet_path)
    except Exception:  # an openpyxl without these internals: merged cells read as before, top-left only
        return []
    ranges = []
    for match in _MERGE.finditer(xml, max(0, xml.rfind(b"</sheetData>"))):
        (left, top), (right, bottom) = (_CELL.fullmatch(part.decode()).groups() for part in match.groups())
        first_col, last_col = column_index_from_string(left), column_index_from_string(right)
        if first_col > MAX_COLUMNS:
            continue
        ranges.append((int(top), int(bottom), first_col, min(last_col, MAX_COLUMNS)))
    return sorted(ranges)


def _xlsx_rows(workbook, worksheet, merges) -> Iterator[Sequence[object]]:
    try:
        rows = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=EXCEL_MAX_ROW)
        pending = iter(merges)
        upcoming = next(pending, None)
        active: list[list] = []  # [first row, last row, first col, last col, value]
        for number in itertools.count(1):
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise TabularRefused("unreadable_xlsx") from exc
            while upcoming is not None and upcoming[0] <= number:
                top, bottom, left, right = upcoming
                value = row[left - 1] if upcoming[0] == number and left <= len(row) else None
                active.append([top, bottom, left, right, value])
                upcoming = next(pending, None)
            if active:
                row = _merged_fill(row, active, number)
                active = [merge for merge in active if merge[1] > number]
            end = len(row)
            while end and row[end - 1] is None:  # read-only sheets pad every row to the widest
                end -= 1
            yield row[:end]
    finally:
        workbook.close()


def _merged_fill(row: Sequence[object], active: list[list], number: int) -> Sequence[object]:
    """A merged range's value (its top-left cell's) on every cell it covers, as a person reads it."""
    cells = list(row)
    for _top, _bottom, left, right, value in active:
        if value is None:
            continue
        if len(cells) < right:
            cells.extend([None] * (right - len(cells)))
        cells[left - 1 : right] = [value] * (right - left + 1)
    return cells


def _csv_rows(text: str) -> Iterator[Sequence[object]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over 128 KB
            raise TabularRefused("csv_error", line=number + 1, detail=str(exc)) from exc
        number += 1
        yield row


def cell_text(value: object) -> str:
    """A cell as the text a person typed: numbers without a trailing ``.0``, stripped, no control chars."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return control_chars_strip(str(value)).strip()


def header_fold(value: str) -> str:
    """For matching names: NFKC, casefold, no spaces, underscores, hyphens, ``*``, ``:`` or bracketed
    notes — so ``手机号码（必填）``, ``Mobile_Number`` and ``ＭＯＢＩＬＥ`` all match their alias."""
    value = unicodedata.normalize("NFKC", value).casefold()
    value = re.sub(r"[(\[【].*?[)\]】]", "", value)
    return re.sub(r"[\s_\-*:]+", "", value)


def is_blank_row(values: Sequence[object]) -> bool:
    """Cheap first test: a sheet formatted down to row 1,048,576 yields a million empty rows."""
    return values.count(None) + values.count("") == len(values)


# -- records: a header row, then one record per row ----------------------------------------------


@dataclass(frozen=True)
class Record:
    """One non-empty row: ``line`` is the row number Excel shows (the header is row 1); ``cells`` maps
    each known column's key to the stripped text of its cell ("" when empty or missing)."""

    line: int
    cells: dict[str, str]


def records_read(
    data: bytes | str,
    filename: str = "",
    *,
    aliases: Mapping[str, str],
    required: Mapping[str, str],
    max_rows: int,
    messages: Mapping[str, Any] | None = None,
) -> list[Record]:
    """The rows of a table whose first row holds column headers.

    `aliases` maps folded header names (:func:`header_fold`) to column keys; other columns (notes, 序号)
    are ignored. `required` maps the keys that must be present to the label named when one is missing.
    Rows that are empty, or hold only ignored columns, are skipped (their numbers still count). More
    than `max_rows` records refuse the whole file. `messages` rewords :data:`MESSAGES` for one import
    (say "staff" rather than "rows"). Raises :class:`TabularRefused`, nothing else.
    """
    rows = sheet_rows(data, filename)
    try:
        return _records(rows, aliases=aliases, required=required, max_rows=max_rows, messages=messages)
    except TabularRefused as refused:
        if messages and refused.code in messages and not refused.more:
            raise TabularRefused(
                refused.code, line=refused.line, messages=messages, **refused.params
            ) from None
        raise
    finally:
        rows.close()  # releases the workbook even when reading stopped early


def _records(rows, *, aliases, required, max_rows, messages) -> list[Record]:
    header = next(rows, None)
    if header is None:
        raise TabularRefused("empty", messages=messages)
    headers = [cell_text(value) for value in header]
    if not any(headers):
        raise TabularRefused("no_header", line=1, messages=messages)
    columns: dict[str, int] = {}
    problems: list[TabularRefused] = []  # every problem of the header at once: one round of fixing
    for index, text in enumerate(headers):
        key = aliases.get(header_fold(text))
        if key is None:
            continue
        if key in columns:
            problems.append(TabularRefused("duplicate_column", line=1, messages=messages, header=text))
            continue
        columns[key] = index
    problems += [
        TabularRefused("missing_column", line=1, messages=messages, column=label)
        for key, label in required.items()
        if key not in columns
    ]
    if problems:
        first, *more = problems
        raise TabularRefused(first.code, line=1, messages=messages, more=more, **first.params)

    records: list[Record] = []
    for number, values in enumerate(rows, start=2):
        if is_blank_row(values):
            continue
        cells = {key: cell_text(values[i]) if i < len(values) else "" for key, i in columns.items()}
        if not any(cells.values()):
            continue  # only notes in columns that are not imported
        if len(records) >= max_rows:
            raise TabularRefused("too_many_rows", messages=messages, limit=max_rows)
        records.append(Record(line=number, cells=cells))
    if not records:
        raise TabularRefused("no_rows", messages=messages)
    return records
