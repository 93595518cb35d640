"""Read an uploaded .xlsx or .csv into a header row and numbered data rows.

Row numbers are the ones a person sees in Excel: the header is row 1, data start at row 2.
"""

import csv
import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 1_000_000


class FileError(ValueError):
    """The file as a whole cannot be read: wrong type, too large, unreadable."""


def read_table(name: str, data: bytes):
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        return _read_csv(data)
    raise FileError(_("只接受 .xlsx 或 .csv 文件"))


def _clean_header(value) -> str:
    return "" if value is None else str(value).strip().replace("\n", "")


def _read_xlsx(data: bytes):
    try:
        # read_only streams rows; data_only=False keeps formulas as text so that they are
        # caught and refused instead of silently reading a cached value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(_("无法读取 Excel 文件：%(error)s") % {"error": exc.__class__.__name__}) from None
    try:
        return _split(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _read_csv(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("无法识别文件编码（应为 UTF-8 或 GB18030）"))
    return _split(csv.reader(io.StringIO(text, newline="")))


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
