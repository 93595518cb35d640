"""Plain Python values with DuckDB's types, and DuckDB's ways of writing them as text.

A value is a Python scalar, ``None`` when unknown (three-valued logic: an unknown input
stays unknown, never zero). Its type is known when the rule is compiled, not carried with
the value, as the SQL's types are: ``int`` (BIGINT, a Python int), ``dec`` (an exact
DECIMAL, a Python int scaled by 10**scale), ``float`` (DOUBLE), ``bool``, ``text``.
The arithmetic is :mod:`..wide.logic`'s, one value instead of a column: exact integers and
decimals, division always a DOUBLE, a decimal meeting a double as ``scaled / 10**scale``.

Text: ``printf('%g')`` for numbers in explanations and DuckDB's ``json_object`` (yyjson)
for the inputs JSON, byte for byte.
"""

from __future__ import annotations

import math
from decimal import Decimal

Typed = tuple[str, int]  # (type, decimal scale)
INT: Typed = ("int", 0)
FLOAT: Typed = ("float", 0)
BOOL: Typed = ("bool", 0)
TEXT: Typed = ("text", 0)
_SCALES = [10 ** s for s in range(40)]


class Dec(tuple):
    """``("dec", scale)`` that also knows DuckDB's DECIMAL width (``w``, in digits), which
    decides where DuckDB refuses a value (wide/logic.py: ``_limit``)."""

    w: int


def dec(scale: int, width: int) -> Typed:
    typ = Dec(("dec", scale))
    typ.w = min(38, width)
    return typ


def digits(typ: Typed) -> tuple[int, int]:
    """(digits before the point, scale) of ``typ`` as a DECIMAL (BIGINT is DECIMAL(19,0))."""
    if typ[0] == "int":
        return 19, 0
    return getattr(typ, "w", 18) - typ[1], typ[1]


class Refused(ArithmeticError):
    """A value DuckDB refuses (see wide/logic.py): ``value`` (a float: what it came to),
    ``limit`` (the range it passed). ``place`` is set by the policy: (part, key, line)."""

    def __init__(self, value: float, limit: float):
        super().__init__(value, limit)
        self.value, self.limit, self.place = value, limit, ("算式", "", 0)


def checked(v, typ: Typed):
    """``v`` if DuckDB holds it in ``typ``, else Refused (BIGINT: ±(2**63 - 1); DECIMAL(18):
    10**18 - 1 scaled; a wider DECIMAL: 10**38 - 1 scaled; a DOUBLE: anything)."""
    t = typ[0]
    if v is None or t not in ("int", "dec"):
        return v
    limit = 2**63 - 1 if t == "int" else (10**18 - 1 if getattr(typ, "w", 18) <= 18
                                           else 10**38 - 1)
    if -limit <= v <= limit:
        return v
    scale = float(_SCALES[typ[1]]) if t == "dec" else 1.0
    raise Refused(float(v) / scale, float(limit) / scale)


def number(value: Decimal) -> tuple[int, Typed]:
    """A literal as ``SqlDialect.number`` types it: whole numbers are BIGINT, others an exact
    DECIMAL(18) with as many digits as written (0.50 has scale 2)."""
    if value == value.to_integral_value():
        return int(value), INT
    scale = -value.as_tuple().exponent
    return int(value.scaleb(scale)), dec(scale, 18)


def common(types: list[Typed]) -> Typed:
    """The type DuckDB gives a mix of numbers (CASE, LEAST, COALESCE, comparisons)."""
    names = {t for t, _ in types}
    if "float" in names:
        return FLOAT
    if "dec" in names:
        parts = [digits(t) for t in types if t[0] in ("int", "dec")]
        return dec(max(s for t, s in types if t == "dec"),
                   max(d for d, _ in parts) + max(s for _, s in parts))
    if names <= {"int"}:
        return INT
    return types[0]  # bool or text: never mixed (the type checker refuses it)


def to_float(v, typ: Typed) -> float:
    t, s = typ
    if t == "float":
        return v
    if t == "dec" and s:
        return float(v) / float(_SCALES[s])
    return float(v)


def caster(src: Typed, dst: Typed):
    """A function taking a known value of type ``src`` to ``dst`` (None: nothing to do)."""
    if src == dst or dst[0] in ("bool", "text"):
        return None
    if dst[0] == "float":
        if src[0] == "float":
            return None
        if src[0] == "dec" and src[1]:
            div = float(_SCALES[src[1]])
            return lambda v: float(v) / div
        return float
    # to a decimal of scale dst[1], from int or a decimal of smaller scale
    factor = _SCALES[dst[1] - (src[1] if src[0] == "dec" else 0)]
    if factor == 1:
        return None
    return lambda v: v * factor


def floor_to_int(v, typ: Typed) -> int:
    """``CAST(FLOOR(x) AS BIGINT)``; Refused outside BIGINT (an infinite or NaN DOUBLE too),
    as DuckDB refuses the cast."""
    t, s = typ
    if t == "int":
        return v
    if t == "dec":
        return checked(v // _SCALES[s], INT)
    if not -2.0**63 <= v < 2.0**63:  # NaN fails both
        raise Refused(v, 2.0**63)
    return math.floor(v)


# --- text ---------------------------------------------------------------------------------

def g(x: float) -> str:
    """``printf('%g', x)`` of a DOUBLE."""
    return f"{x:g}"


def money_text(v, typ: Typed, lang: str) -> str:
    """``DuckDBDialect.fmt_money``: 亿元 / 万元 / 元 (zh), CNY bn / m (en)."""
    if v is None:
        return "缺失" if lang == "zh" else "missing"
    x = to_float(v, typ)
    if lang == "zh":
        if abs(x) >= 100000000:
            return g(x / 100000000) + "亿元"
        if abs(x) >= 10000:
            return g(x / 10000) + "万元"
        return g(x) + "元"
    if abs(x) >= 1000000000:
        return "CNY " + g(x / 1000000000) + " bn"
    if abs(x) >= 1000000:
        return "CNY " + g(x / 1000000) + " m"
    return "CNY " + g(x)


def number_text(v, typ: Typed, lang: str) -> str:
    """``DuckDBDialect.fmt_number``."""
    if v is None:
        return "缺失" if lang == "zh" else "missing"
    return g(to_float(v, typ))


def years_text(years: list[int] | None, lang: str) -> str:
    """``SqlDialect.years_text``: 2019–2021 when the years run on, else 2015、2019."""
    if not years:
        return ""
    n, first, last = len(years), years[0], years[-1]
    if n == 1:
        return str(first)
    if last - first + 1 == n:
        return f"{first}–{last}"
    return ("、" if lang == "zh" else ", ").join(str(y) for y in years)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
            "\t": "\\t"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in range(32) if chr(c) not in _ESCAPES})
_NEEDS = str.maketrans(_ESCAPES)


def json_text(s: str) -> str:
    """A JSON string as DuckDB's json_object writes it (yyjson: no escape for / or non-ASCII;
    control characters as upper-case \\u00XX)."""
    return '"' + s.translate(_NEEDS) + '"'


def json_double(x: float) -> str:
    """A DOUBLE as DuckDB's json_object writes it: the shortest digits that read back as the
    same double, in plain notation from 1e-6 up to 1e21 and an exponent outside (no '+'),
    with '.0' on a whole number."""
    if x != x or x in (math.inf, -math.inf):
        return "null"  # not reached: the input check refuses NaN and infinity
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign, digits, exp = Decimal(repr(x)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp += len(digits) - len(ds)
    k, n = len(ds), len(ds) + exp  # value = 0.ds * 10**n
    head = "-" if sign else ""
    if k <= n <= 21:
        return head + ds + "0" * (n - k) + ".0"
    if 0 < n <= 21:
        return head + ds[:n] + "." + ds[n:]
    if -6 < n <= 0:
        return head + "0." + "0" * -n + ds
    e = n - 1
    mant = ds if k == 1 else ds[0] + "." + ds[1:]
    return f"{head}{mant}e{e}"


def json_value(v, kind: str) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if kind == "float":
        return json_double(float(v))
    if isinstance(v, str):
        return json_text(v)
    return str(v)
