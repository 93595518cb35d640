"""The streaming .xlsx writer gives back what it was given, read by openpyxl."""

import datetime
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from industrybrain.core import xlsx

cells = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFFF)),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
)


def _read(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _expected(value):
    if isinstance(value, str):
        value = xlsx._ILLEGAL.sub("", value)
        return value or None  # an empty string is an empty cell
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    return value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=6))
def test_what_is_written_is_read_back(rows):
    buffer = io.BytesIO()
    assert xlsx.write(buffer, rows) == len(rows)
    width = max(len(r) for r in rows)
    back = _read(buffer.getvalue())
    expected = [[_expected(v) for v in r] + [None] * (width - len(r)) for r in rows]
    # openpyxl drops trailing empty rows and pads short ones to the widest.
    while expected and all(v is None for v in expected[-1]):
        expected.pop()
    assert [r + [None] * (width - len(r)) for r in back][:len(expected)] == expected


def test_decimals_dates_and_markup():
    buffer = io.BytesIO()
    xlsx.write(buffer, [["统一社会信用代码", "a < b & c", Decimal("12345.6789"),
                         datetime.date(2022, 6, 30), True, None, 7]])
    assert _read(buffer.getvalue()) == [["统一社会信用代码", "a < b & c", 12345.6789,
                                         datetime.datetime(2022, 6, 30), True, None, 7]]
