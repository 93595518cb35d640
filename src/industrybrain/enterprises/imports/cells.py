"""Parsers for one cell each. A parser returns the clean value or raises CellError(reason);
the reason is written for the person who filled in the spreadsheet, in Chinese."""

import datetime as dt
import functools
import math
import re
from decimal import Decimal, DecimalException

from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from industrybrain.core import bounds
from industrybrain.core.money import wan_to_yuan

# A text cell that starts with one of these is run as a formula by Excel (CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    pass


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value, max_length=128) -> str:
    value = str(value).strip()
    if value.startswith(FORMULA_LEADS):
        raise CellError(_("不能以 = + - @ 等公式字符开头"))
    if len(value) > max_length:
        raise CellError(_("超过%(n)s个字符") % {"n": max_length})
    if any(ord(c) < 32 for c in value):
        raise CellError(_("含有控制字符"))
    return value


def uscc(value) -> str:
    _ascii_digits(str(value))
    return _checked_uscc(str(value).strip().upper().replace(" ", ""))


@functools.lru_cache(maxsize=200_000)  # a figures file repeats each code once a year
def _checked_uscc(code: str) -> str:
    try:
        return uscc_std.validate(code)
    except InvalidLength:
        raise CellError(_("统一社会信用代码应为18位")) from None
    except InvalidChecksum:
        raise CellError(_("统一社会信用代码校验位错误")) from None
    except InvalidFormat:
        raise CellError(_("统一社会信用代码格式错误（只能含数字和除I、O、Z、S、V外的大写字母）")) from None


# A number as a spreadsheet writes it: ASCII digits only (Python's Decimal and int() would
# also read full-width １２３ and Arabic-Indic ١٢٣, which no statistics export contains and
# which hide typing mistakes), an optional sign, decimals, a short exponent (1.5E+12).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,9})?", re.ASCII)
_MAX_NUMBER_CHARS = 40


def _ascii_digits(raw: str) -> None:
    if any(c.isdigit() and not c.isascii() for c in raw):
        raise CellError(_("只能使用半角阿拉伯数字 0-9（不接受全角或其他文字的数字）"))


def _decimal(value) -> Decimal:
    """The cell as an exact, finite Decimal. Every decimal exception becomes a CellError."""
    if isinstance(value, bool):
        raise CellError(_("应为数字"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("不是有限数字"))
        value = repr(value)
    raw = str(value).strip().replace(",", "")
    if len(raw) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(raw):
        _ascii_digits(raw)
        raise CellError(_("“%(value)s”不是数字") % {"value": str(value)[:20]})
    try:
        return Decimal(raw)
    except DecimalException:
        raise CellError(_("“%(value)s”不是数字") % {"value": str(value)[:20]}) from None


def _within(number: Decimal, bound: bounds.Bound, unit_shown=None) -> Decimal:
    """Refuse a number outside its documented range before any arithmetic touches it."""
    if number < 0 <= bound.low:
        raise CellError(_("不能为负数"))
    high = bound.high
    if unit_shown == "万元" and bound.unit == "元":
        high = Decimal(high) / bounds.YUAN_PER_WAN
    if not bound.low <= number <= high:
        raise CellError(bounds.out_of_range_message(bound, unit_shown))
    return number


def money_wan(value) -> int:
    """An amount in 万元 (the unit statistical tables use) to exact integer 元."""
    number = _within(_decimal(value), bounds.MONEY_YUAN, "万元")
    try:
        return wan_to_yuan(number)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _integer(value) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("应为整数"))
    return number


def count_within(bound: bounds.Bound):
    """A parser for a whole count (people, patents) inside ``bound``."""

    def count(value) -> int:
        return int(_within(_integer(value), bound))

    return count


def tce(value) -> Decimal:
    number = _within(_decimal(value), bounds.ENERGY_TCE)
    # Compared after the range check: quantizing 1e30 would raise decimal.InvalidOperation.
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("最多保留2位小数"))
    return number


def year(value) -> int:
    number = _integer(value)
    latest = dt.date.today().year + 1
    if not 1949 <= number <= latest:
        raise CellError(_("年份应在1949至%(latest)s之间") % {"latest": latest})
    return int(number)


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("应填“是”或“否”"))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$", re.ASCII),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", re.ASCII),
]


def date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    _ascii_digits(raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                parsed = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
            if parsed.year < 1900 or parsed > dt.date.today() + dt.timedelta(days=366):
                raise CellError(_("日期超出合理范围"))
            return parsed
    raise CellError(_("日期格式应为 2022-02-07 或 2022年2月7日"))
