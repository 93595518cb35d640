"""Hostile .xlsx files are refused before they are parsed, with little memory (issue 11).

Each bomb is written here: a shared-strings bomb, a million-cell header row, a sheet that
declares or reaches past Excel's 1,048,576 rows, an entity-expansion ("billion laughs") XML
and a deeply nested XML. The tests measure the parser's peak memory with tracemalloc (never
its time: bench/bench_import.py prints how long each refusal takes).
"""

import io
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from industrybrain.core.models import ImportBatch
from industrybrain.enterprises.imports import import_bytes
from industrybrain.enterprises.imports.reader import FileError, read_table

HEADERS = ["统一社会信用代码", "年份", "营业收入（万元）"]
MEMORY_LIMIT = 200 * 2**20
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook_bytes(rows=(("913204120000000001", 2022, "x"),)):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(xlsx: bytes, parts: dict) -> bytes:
    """The workbook with some parts replaced; a part is bytes or an iterable of byte chunks."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            with target.open(name, "w") as part:
                for chunk in ([content] if isinstance(content, bytes) else content):
                    part.write(chunk)
    return out.getvalue()


def shared_strings_bomb():
    """300 MB of shared strings (openpyxl would hold them all in memory) in a small file."""
    string = b"<si><t>" + b"A" * (1 << 20) + b"</t></si>"
    yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    for _ in range(300):
        yield string
    yield b"</sst>"


def million_cell_row():
    yield SHEET_HEAD + b'<sheetData><row r="1">'
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
    for _ in range(1000):
        yield cell * 1000
    yield b"</row></sheetData></worksheet>"


def declared_too_big():
    return SHEET_HEAD + b'<dimension ref="A1:XFD1048577"/><sheetData/></worksheet>'


def row_past_excel():
    return SHEET_HEAD + b'<sheetData><row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData></worksheet>'


def billion_laughs():
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(entities)}]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
            '</sheetData></worksheet>').encode()


def deeply_nested():
    depth = 200_000
    return SHEET_HEAD + b"<sheetData>" + b"<x>" * depth + b"</x>" * depth + b"</sheetData></worksheet>"


BOMBS = {  # name: (part, what writes it, the words of the refusal)
    "shared strings": ("xl/sharedStrings.xml", shared_strings_bomb, "解压后"),
    "a million-cell header row": (SHEET, million_cell_row, "行列上限"),
    "a declared 1,048,577-row sheet": (SHEET, declared_too_big, "行列上限"),
    "a row past Excel's last": (SHEET, row_past_excel, "行列上限"),
    "entity expansion": (SHEET, billion_laughs, "DTD"),
    "entity expansion in the workbook part": ("xl/workbook.xml", billion_laughs, "DTD"),
    "deeply nested XML": (SHEET, deeply_nested, "嵌套过深"),
}


@pytest.fixture(scope="module")
def bombs():
    base = workbook_bytes()
    return {name: (with_parts(base, {part: write()}), reason)
            for name, (part, write, reason) in BOMBS.items()}


@pytest.fixture(autouse=True)
def in_chinese():
    with translation.override("zh-hans"):
        yield


def peak_memory_of(function, *args):
    tracemalloc.start()
    try:
        function(*args)
    except FileError as exc:
        return tracemalloc.get_traced_memory()[1], str(exc)
    finally:
        tracemalloc.stop()
    raise AssertionError("the file was read, not refused")


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_refused_with_little_memory(bombs, name):
    data, reason = bombs[name]
    assert len(data) < 2 * 2**20  # each is small as uploaded
    peak, message = peak_memory_of(read_table, "bomb.xlsx", data)
    assert reason in message, message
    assert peak < MEMORY_LIMIT, f"{name}: {peak / 2**20:.0f} MB"


@pytest.mark.django_db
def test_a_bomb_through_the_import_is_a_file_reject_with_a_record(bombs, users):
    data, _ = bombs["shared strings"]
    report = import_bytes("figures", "炸弹.xlsx", data, users["admin"])
    assert not report.applied and report.rejects[0].row == 0
    assert "已拒绝" in report.rejects[0].reason
    assert ImportBatch.objects.filter(filename="炸弹.xlsx", applied=False).exists()


def test_a_file_at_the_limits_of_a_real_upload_is_still_read():
    rows = [(f"91320412MA{i:07d}", 2022, i) for i in range(20_000)]
    table = read_table("大文件.xlsx", workbook_bytes(rows))
    assert len(table.body) == 20_000 and table.headers == HEADERS


def book_with_hidden_first_sheet(active_index, uscc="913204120000000001"):
    book = Workbook()
    hidden = book.active
    hidden.title = "旧数据"
    hidden.append(["别的表头"])
    hidden.append(["不该读到"])
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("2022年")
    shown.append(HEADERS)
    shown.append([uscc, 2022, 5])
    book.active = active_index
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("active_index", [0, 1])
def test_the_visible_sheet_is_read_never_a_hidden_first_one(active_index):
    table = read_table("年度.xlsx", book_with_hidden_first_sheet(active_index))
    assert table.sheet == "2022年" and table.headers == HEADERS
    assert table.body == [(2, ["913204120000000001", 2022, 5])]


@pytest.mark.django_db
def test_the_report_names_the_sheet_it_read(city, users):
    data = book_with_hidden_first_sheet(0, city["a"].uscc)
    report = import_bytes("figures", "年度.xlsx", data, users["admin"])
    assert report.sheet == "2022年" and "读取的工作表：2022年" in report.summary()
