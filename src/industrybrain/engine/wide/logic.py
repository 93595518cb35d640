"""Three-valued values over numpy columns, with the arithmetic of the SQL path to the 元.

A value is a :class:`Col`: ``v`` the values, ``k`` where they are known (Kleene logic: an
unknown input stays unknown through every operation instead of being read as zero). For
booleans ``v`` is true only where known, so "known false" is ``k & ~v``. Either part may be
a numpy scalar (a constant) and broadcasts.

Numbers carry the type DuckDB would give them, because that decides rounding: ``int``
(BIGINT), ``dec`` (exact DECIMAL, held as int64 scaled by 10**scale) and ``float``
(DOUBLE). Integer and decimal arithmetic stays exact; division always gives a float
(``sqlexpr.SqlDialect.divide``); a decimal meets a float as ``scaled / 10**scale``, which is
how DuckDB casts it (checked against DuckDB in tests/test_wide.py). ``bound`` is the largest
absolute value the column can hold, known at compile time from the input contract's ranges:
an exact product that could pass int64 is computed on Python integers instead (never in
this pack; exactness over speed when it happens).

Text values are Arrow arrays or Python strings (compared with Arrow compute).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TRUE, FALSE = np.bool_(True), np.bool_(False)
INT64_SAFE = 2**62


@dataclass(frozen=True)
class Col:
    v: Any
    k: Any
    t: str  # "int" | "dec" | "float" | "bool" | "text"
    s: int = 0  # decimal scale
    bound: float = float("inf")  # largest absolute value (numbers)
    # The values as DOUBLE, once computed (a figure divided in three scores is cast once).
    cache: dict = field(default_factory=dict, compare=False, repr=False)


def const_bool(value: bool) -> Col:
    return Col(np.bool_(value), TRUE, "bool")


def number(value) -> Col:
    """A literal, as ``SqlDialect.number`` types it: whole numbers are BIGINT, others an
    exact DECIMAL with as many digits as written."""
    if value == value.to_integral_value():
        i = int(value)
        return Col(np.int64(i), TRUE, "int", 0, abs(i))
    scale = -value.as_tuple().exponent
    scaled = int(value.scaleb(scale))
    return Col(np.int64(scaled), TRUE, "dec", scale, abs(float(value)))


# --- booleans (Kleene) ----------------------------------------------------------------------

def and_(a: Col, b: Col) -> Col:
    af, bf = a.k & ~a.v, b.k & ~b.v
    return Col(a.v & b.v, (a.k & b.k) | af | bf, "bool")


def or_(a: Col, b: Col) -> Col:
    v = a.v | b.v
    return Col(v, (a.k & b.k) | v, "bool")


def not_(a: Col) -> Col:
    return Col(a.k & ~a.v, a.k, "bool")


def is_false(a: Col):
    return a.k & ~a.v


# --- numbers ------------------------------------------------------------------------------

def _scale_up(c: Col, scale: int) -> Any:
    """Exact values of ``c`` scaled to ``scale`` digits (c is int or dec)."""
    v = c.v
    if scale == c.s:
        return v
    factor = 10 ** (scale - c.s)
    if c.bound * 10 ** scale >= INT64_SAFE and _largest(c) * factor >= INT64_SAFE:
        return _objects(v) * factor
    return v * np.int64(factor)


def _largest(c: Col) -> int:
    """The largest absolute scaled value ``c`` holds where known (one pass: only asked when
    the bound known at compile time is too loose, as for a ratio of two figures)."""
    v = c.v
    if np.ndim(v) == 0:
        return abs(int(v)) if bool(np.all(c.k)) else 0
    if v.dtype == object:
        return max((abs(int(x)) for x in v[np.broadcast_to(c.k, v.shape)]), default=0)
    known = np.where(c.k, v, 0)
    return max(abs(int(known.max(initial=0))), abs(int(known.min(initial=0))))


def _objects(v: Any) -> Any:
    return v.astype(object) if isinstance(v, np.ndarray) else int(v)


def as_float(c: Col) -> Any:
    if c.t == "float":
        return c.v
    if "float" not in c.cache:
        c.cache["float"] = _as_float(c)
    return c.cache["float"]


def _as_float(c: Col) -> Any:
    if c.t == "dec":
        return np.asarray(c.v, dtype=np.float64) / float(10 ** c.s) if c.s else \
            np.asarray(c.v, dtype=np.float64)
    return np.asarray(c.v, dtype=np.float64)[()] if np.ndim(c.v) == 0 else \
        c.v.astype(np.float64)


def common(cols: list[Col]) -> tuple[str, int]:
    """The type DuckDB gives a mix of numbers (LEAST, CASE, COALESCE, comparisons)."""
    types = {c.t for c in cols}
    if "float" in types:
        return "float", 0
    if "dec" in types:
        return "dec", max(c.s for c in cols)
    return "int", 0


def cast(c: Col, t: str, s: int = 0) -> Col:
    if t == c.t and s == c.s:
        return c
    if t == "float":
        return Col(as_float(c), c.k, "float", 0, c.bound)
    if t == "dec":
        return Col(_scale_up(c, s), c.k, "dec", s, c.bound)
    return c  # bool and text are never cast


def known2(a: Col, b: Col) -> Any:
    return a.k & b.k


def add(a: Col, b: Col, sign: int = 1) -> Col:
    t, s = common([a, b])
    x, y = cast(a, t, s), cast(b, t, s)
    v = x.v + y.v if sign > 0 else x.v - y.v
    return Col(v, known2(a, b), t, s, a.bound + b.bound)


def mul(a: Col, b: Col) -> Col:
    bound = a.bound * b.bound
    if "float" in (a.t, b.t):
        return Col(as_float(a) * as_float(b), known2(a, b), "float", 0, bound)
    # Exact: int * int is BIGINT, otherwise a DECIMAL whose scale is the sum of the scales.
    t = "int" if a.t == b.t == "int" else "dec"
    av, bv = a.v, b.v
    if bound * 10 ** (a.s + b.s) >= INT64_SAFE:  # a and b are scaled by 10**s already
        largest = _largest(a) * _largest(b)
        if largest >= INT64_SAFE:
            av, bv = _objects(av), _objects(bv)
        else:
            bound = largest / 10 ** (a.s + b.s)
    return Col(av * bv, known2(a, b), t, a.s + b.s, bound)


def divide(a: Col, b: Col) -> Col:
    """``CAST(a AS DOUBLE) / NULLIF(b, 0)``: a zero divisor gives an unknown value."""
    fb = as_float(b)
    nonzero = fb != 0
    with np.errstate(all="ignore"):
        v = as_float(a) / np.where(nonzero, fb, 1.0)
    return Col(v, a.k & b.k & nonzero, "float")


def neg(a: Col) -> Col:
    return Col(-a.v, a.k, a.t, a.s, a.bound)


def abs_(a: Col) -> Col:
    return Col(np.abs(a.v), a.k, a.t, a.s, a.bound)


def extreme(cols: list[Col], largest: bool) -> Col:
    """Null-preserving LEAST/GREATEST (an unknown argument leaves the result unknown)."""
    t, s = common(cols)
    xs = [cast(c, t, s) for c in cols]
    fn = np.maximum if largest else np.minimum
    v, k = xs[0].v, xs[0].k
    for x in xs[1:]:
        v, k = fn(v, x.v), k & x.k
    return Col(v, k, t, s, max(c.bound for c in cols))


def coalesce(a: Col, b: Col) -> Col:
    if a.t == "text":
        return Col(_text_coalesce(a, b), a.k | b.k, "text")
    if a.t == "bool":
        return Col(np.where(a.k, a.v, b.v), a.k | b.k, "bool")
    t, s = common([a, b])
    x, y = cast(a, t, s), cast(b, t, s)
    return Col(np.where(a.k, x.v, y.v), a.k | b.k, t, s, max(a.bound, b.bound))


def choose(cond: Col, a: Col, b: Col) -> Col:
    """``if cond then a else b``; an unknown condition gives an unknown value."""
    if a.t == "text":
        k = cond.k & np.where(cond.v, a.k, b.k)
        if np.ndim(cond.v) == 0:
            return Col((a if cond.v else b).v, k, "text")
        return Col(pc.if_else(pa.array(cond.v), _text(a), _text(b)), k, "text")
    if a.t == "bool":
        k = cond.k & np.where(cond.v, a.k, b.k)
        return Col(np.where(cond.v, a.v, b.v) & k, k, "bool")
    t, s = common([a, b])
    x, y = cast(a, t, s), cast(b, t, s)
    k = cond.k & np.where(cond.v, a.k, b.k)
    return Col(np.where(cond.v, x.v, y.v), k, t, s, max(a.bound, b.bound))


def compare(op: str, a: Col, b: Col) -> Col:
    k = a.k & b.k
    if a.t == "text":
        return _text_compare(op, a, b, k)
    if a.t == "bool":
        eq = a.v == b.v
        return Col((eq if op == "==" else ~eq) & k, k, "bool")
    t, s = common([a, b])
    x, y = cast(a, t, s), cast(b, t, s)
    v = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
         ">": np.greater, ">=": np.greater_equal}[op](x.v, y.v)
    return Col(np.asarray(v, dtype=bool) & k, k, "bool")


def to_money(c: Col) -> Col:
    """``CAST(FLOOR(x) AS BIGINT)``: whole 元, rounded down."""
    if c.t == "int":
        return c
    if c.t == "dec":
        v = c.v // (10 ** c.s) if c.s else c.v
    else:
        with np.errstate(all="ignore"):
            v = np.floor(c.v)
    v = np.asarray(v)
    if v.dtype != np.int64:
        with np.errstate(all="ignore"):
            v = v.astype(np.int64) if v.dtype != object else np.array(
                [int(x) if -2**63 <= x < 2**63 else 0 for x in np.ravel(v)],
                np.int64).reshape(v.shape)
    return Col(v if v.ndim else v[()], c.k, "int", 0, c.bound)


def round_down(x: Col, step: Col) -> Col:
    """``CAST(FLOOR(x / step) AS BIGINT) * step`` (``/`` here is DuckDB's float division)."""
    with np.errstate(all="ignore"):
        q = np.floor(as_float(x) / as_float(step))
        n = np.asarray(q).astype(np.int64)
    whole = Col(n if n.ndim else n[()], x.k & step.k, "int", 0)
    return mul(whole, step)


# --- text ---------------------------------------------------------------------------------

def _text(c: Col) -> Any:
    return pa.scalar(c.v, pa.string()) if isinstance(c.v, str) else c.v


def _text_coalesce(a: Col, b: Col) -> Any:
    if isinstance(a.v, str):
        return a.v
    return pc.coalesce(a.v, _text(b))


def _text_compare(op: str, a: Col, b: Col, k: Any) -> Col:
    if isinstance(a.v, str) and isinstance(b.v, str):
        eq = np.bool_(a.v == b.v)
    else:
        left, right = (a, b) if not isinstance(a.v, str) else (b, a)
        eq = pc.fill_null(pc.equal(left.v, _text(right)), False).to_numpy(
            zero_copy_only=False)
    return Col((eq if op == "==" else ~eq) & k, k, "bool")
