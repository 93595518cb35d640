"""Money is stored as integer 元 and shown in 万元 or 亿元, the units Chinese officials read;
on an English page in CNY with "million" and "bn", the units English readers count in."""

from decimal import ROUND_HALF_UP, Decimal, DecimalException

from django.utils.translation import gettext as _

from industrybrain.core.bounds import MONEY_MAX_WAN, OUT_OF_RANGE
from industrybrain.core.localize import in_english

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000
YUAN_PER_MILLION = 1_000_000
YUAN_PER_BN = 1_000_000_000


def format_yuan(value, unit: str | None = None, places: int = 2) -> str:
    """Format an amount in 元 with its unit: 亿元 from 1亿 up, else 万元; '—' when missing.

    On an English page: 'CNY 1.24 bn', 'CNY 286.50 million', 'CNY 5,000'. A column that
    asks for one unit keeps one English unit too, as exact as the Chinese one: 亿元 (to
    0.01亿, one million 元) as 'CNY 1,235 million', 万元 as whole yuan 'CNY 2,865,000'."""
    if value is None or value == "":
        return "—"
    amount = Decimal(int(value))
    if in_english():
        return _format_english(amount, unit, places)
    if unit is None:
        unit = "亿元" if abs(amount) >= YUAN_PER_YI else "万元"
    divisor = {"亿元": YUAN_PER_YI, "万元": YUAN_PER_WAN, "元": 1}[unit]
    shown = (amount / divisor).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:,} {unit}"


def _format_english(amount: Decimal, unit: str | None, places: int) -> str:
    if unit == "亿元":
        divisor, word, places = YUAN_PER_MILLION, " million", max(places - 2, 0)
    elif unit in ("万元", "元"):
        divisor, word, places = 1, "", 0
    elif abs(amount) >= YUAN_PER_BN:
        divisor, word = YUAN_PER_BN, " bn"
    elif abs(amount) >= YUAN_PER_MILLION:
        divisor, word = YUAN_PER_MILLION, " million"
    else:
        divisor, word, places = 1, "", 0
    shown = (amount / divisor).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"CNY {shown:,}{word}"


def wan_to_yuan(text) -> int:
    """Parse an amount written in 万元 (at most 4 decimals, so it is exact in 元).

    Raises ValueError with a reason a person can read: not a number, not finite, more than
    4 decimals, or beyond the plausible range of any stored amount (core/bounds.py). Digits
    must be ASCII: Python's Decimal would read full-width or Arabic-Indic digits too."""
    raw = str(text).strip().replace(",", "")
    if not raw.isascii() or len(raw) > 40:
        raise ValueError(_("不是数字"))
    try:
        amount = Decimal(raw)
    except DecimalException as exc:
        raise ValueError(_("不是数字")) from exc
    if not amount.is_finite():
        raise ValueError(_("不是有限数字"))
    # Compare before any arithmetic: 1e999999 * 10000 raises decimal.Overflow.
    if abs(amount) > MONEY_MAX_WAN:
        raise ValueError(str(OUT_OF_RANGE))
    # Inside the range a quantize cannot overflow; a tiny 1e-999999999 is refused, not rounded to 0.
    if amount != amount.quantize(Decimal("0.0001")):
        raise ValueError(_("万元最多保留4位小数"))
    return int(amount * YUAN_PER_WAN)


def yuan_to_wan(value) -> Decimal | None:
    """元 to 万元 as a Decimal without trailing zeros or exponent (100000 -> Decimal('10'))."""
    if value is None:
        return None
    wan = (Decimal(int(value)) / YUAN_PER_WAN).normalize()
    return wan.quantize(Decimal(1)) if wan.as_tuple().exponent > 0 else wan
