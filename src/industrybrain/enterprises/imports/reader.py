"""Read an uploaded .xlsx or .csv into a header row and numbered data rows.

Row numbers are the ones a person sees in Excel: the header is row 1, data start at row 2.

An .xlsx is a zip of XML parts, so a small upload can unpack to gigabytes (a shared-strings
bomb), declare a million columns, or hide an entity-expansion or deeply nested XML. Before
openpyxl reads anything, ``_check_xlsx`` bounds it without unpacking it into memory:

- the zip's central directory and the number of parts;
- each part's declared uncompressed size (zipfile never returns more than the declared
  size: a part that lies fails its CRC check), the shared strings, which openpyxl holds in
  memory, more tightly than the streamed sheets;
- every XML part streamed once through expat: no DTD or entity declarations at all, a
  nesting depth far above any real workbook's and far below a bomb's, and in each sheet
  rows and columns within Excel's own limits (1,048,576 rows, 16,384 columns), checked cell
  by cell so that a million-cell row is refused at its 16,385th cell.

openpyxl then reads with defusedxml (installed as a dependency; openpyxl uses it when
present), in read-only mode, and without padding rows to a declared sheet size.
The sheet read is the workbook's active sheet if it is visible, else its first visible sheet.
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 1_000_000
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_XML_DEPTH = 64  # a worksheet nests about 7 deep
MAX_PARTS = 1_000
MAX_CENTRAL_DIRECTORY = 1 << 20  # 1 MB: about 10,000 parts' names; zipfile reads it whole


class FileError(ValueError):
    """The file as a whole cannot be read: wrong type, too large, unreadable."""


@dataclass
class Table:
    headers: list[str]
    body: list  # (row number, [values])
    sheet: str = ""  # the worksheet read, for an .xlsx


def read_table(name: str, data: bytes) -> Table:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        return _read_csv(data)
    raise FileError(_("只接受 .xlsx 或 .csv 文件"))


def _clean_header(value) -> str:
    return "" if value is None else str(value).strip().replace("\n", "")


def _unreadable(exc) -> FileError:
    return FileError(_("无法读取 Excel 文件：%(error)s") % {"error": exc.__class__.__name__})


def _read_xlsx(data: bytes) -> Table:
    _check_central_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(exc) from None
    with archive:
        _check_xlsx(archive)
    try:
        # read_only streams rows; data_only=False keeps formulas as text so that they are
        # caught and refused instead of silently reading a cached value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise _unreadable(exc) from None
    try:
        sheet = _visible_sheet(workbook)
        # Never pad rows to the size a sheet declares: read the cells that are there.
        sheet.reset_dimensions()
        headers, body = _split(sheet.iter_rows(values_only=True))
        return Table(headers, body, sheet.title)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, FileError):
            raise
        raise _unreadable(exc) from None
    finally:
        workbook.close()


def _visible_sheet(workbook):
    """The active sheet when it is visible; a hidden one may hold anything (old data, lookups)."""
    active = workbook.active
    if active is not None and getattr(active, "sheet_state", "visible") == "visible":
        return active
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            return sheet
    raise FileError(_("工作簿中没有可见的工作表"))


def _check_central_directory(data: bytes) -> None:
    """zipfile reads the whole central directory into objects: bound it from the end record."""
    tail = data[-(22 + 65_535):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise FileError(_("无法读取 Excel 文件：%(error)s") % {"error": "BadZipFile"})
    entries, size = struct.unpack("<HHHHIIH", tail[at + 4:at + 22])[3:5]
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # ZIP64: no real workbook needs it
        raise FileError(_("Excel 文件结构超出上限（ZIP64）"))
    if entries > MAX_PARTS or size > MAX_CENTRAL_DIRECTORY:
        raise FileError(_("Excel 文件包含的部件过多（%(n)s 个）") % {"n": f"{entries:,}"})


def _check_xlsx(archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise FileError(_("Excel 文件包含的部件过多（%(n)s 个）") % {"n": f"{len(parts):,}"})
    total = 0
    for info in parts:
        limit = _part_limit(info.filename)
        if info.file_size > limit:
            raise FileError(_(
                "Excel 文件的部件 %(part)s 解压后有 %(size)s MB，超过上限 %(limit)s MB，已拒绝"
            ) % {"part": info.filename[:80], "size": f"{info.file_size / 2**20:,.0f}",
                 "limit": f"{limit / 2**20:,.0f}"})
        total += info.file_size
    if total > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileError(_("Excel 文件解压后共 %(size)s MB，超过上限 %(limit)s MB，已拒绝") % {
            "size": f"{total / 2**20:,.0f}",
            "limit": f"{settings.IMPORT_MAX_UNPACKED_BYTES / 2**20:,.0f}"})
    for info in parts:
        lower = info.filename.lower()
        if lower.endswith((".xml", ".rels", ".vml")):
            _scan_xml(archive, info, is_sheet="worksheets/" in lower)


def _part_limit(filename: str) -> int:
    lower = filename.lower()
    if "worksheets/" in lower:
        return settings.IMPORT_MAX_SHEET_BYTES  # streamed row by row
    if lower.endswith("sharedstrings.xml"):
        return settings.IMPORT_MAX_SHARED_STRINGS_BYTES  # held in memory whole
    return settings.IMPORT_MAX_OTHER_PART_BYTES  # styles, workbook, rels: parsed whole


_CELL_REF = re.compile(r"([A-Z]{1,7})([0-9]{1,9})", re.ASCII)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _SheetLimits:
    """Expat handlers that count depth, rows and cells and raise FileError past a limit."""

    def __init__(self, part, is_sheet):
        self.part, self.is_sheet = part, is_sheet
        self.depth = 0
        self.row = 0
        self.column = 0

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise FileError(_("Excel 文件的 XML 嵌套过深（%(part)s），已拒绝") % {"part": self.part})
        if not self.is_sheet:
            return
        local = tag.rpartition(":")[2]
        if local == "row":
            self.row = _int(attrs.get("r"), self.row + 1)
            self.column = 0
            self._check(self.row, 1)
        elif local == "c":
            match = _CELL_REF.fullmatch(attrs.get("r", ""))
            self.column = _column_number(match.group(1)) if match else self.column + 1
            self._check(self.row, self.column)
        elif local == "dimension":
            for ref in attrs.get("ref", "").split(":"):
                match = _CELL_REF.fullmatch(ref)
                if match:
                    self._check(int(match.group(2)), _column_number(match.group(1)))

    def end(self, tag):
        self.depth -= 1

    def _check(self, row, column):
        if row > EXCEL_MAX_ROWS or column > EXCEL_MAX_COLUMNS:
            raise FileError(_(
                "工作表超出 Excel 的行列上限（%(rows)s 行 × %(columns)s 列），已拒绝"
            ) % {"rows": f"{EXCEL_MAX_ROWS:,}", "columns": f"{EXCEL_MAX_COLUMNS:,}"})


def _int(text, default):
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else default


def _refuse_dtd(*args):
    raise FileError(_("Excel 文件含有 DTD 或实体声明（可能是 XML 炸弹），已拒绝"))


def _scan_xml(archive, info, is_sheet) -> None:
    limits = _SheetLimits(info.filename[:80], is_sheet)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = limits.start
    parser.EndElementHandler = limits.end
    try:
        with archive.open(info) as part:
            while chunk := part.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise FileError(_("Excel 文件的 XML 格式错误（%(part)s）") % {"part": info.filename[:80]}) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _unreadable(exc) from None


def _read_csv(data: bytes) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("无法识别文件编码（应为 UTF-8 或 GB18030）"))
    try:
        headers, body = _split(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileError(_("CSV 格式错误：%(error)s") % {"error": str(exc)[:80]}) from None
    return Table(headers, body)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _split(rows):
    """The header row and the numbered non-blank data rows, at most MAX_ROWS of them."""
    header = next(rows, None)
    if header is None:
        raise FileError(_("文件是空的"))
    body = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise FileError(_("行数超过上限 %(max)s") % {"max": f"{MAX_ROWS:,}"})
        if row is None or all(_blank(v) for v in row):
            continue
        body.append((number, list(row)))
    return [_clean_header(h) for h in header], body
