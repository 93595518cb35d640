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

Past DuckDB's range (docs/policy-packs.md, "Numbers past the range"): where DuckDB refuses
a value, this module refuses it too, and where DuckDB computes, it computes the same exact
value, never a wrapped or zeroed one. BIGINT holds ±(2**63 - 1); two literal decimals
multiplied stay DECIMAL(18) (``w``, the width, says which: 10**18 - 1 scaled); any other
DECIMAL holds 38 digits; a DOUBLE overflows to ±inf and is refused only where it becomes
元 (``to_money``, ``round_down``: outside BIGINT, NaN too). A refused value is a *poison*
(``Col.bad``: per row the value, as a float, and the limit passed) that every operation
carries on, except into the rows DuckDB never computes it for (the branch of an ``if`` not
taken, ``coalesce``'s second argument where the first is known, an unknown input);
``rules.Rule`` raises ``errors.RangeError`` where DuckDB would have raised. The check costs
one vectorised comparison, and only where the compile-time ``bound`` can pass the limit.

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
    w: int = 0  # DECIMAL width (digits), as DuckDB types it: 18 for a literal, up to 38
    # Poison: None, or (values, limit): per row the value DuckDB would have refused there
    # (a float; 0 where the row is fine) and the range it passed. See the module's notes.
    bad: Any = None
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
    return Col(np.int64(scaled), TRUE, "dec", scale, abs(float(value)), 18)


# --- booleans (Kleene) ----------------------------------------------------------------------

def and_(a: Col, b: Col) -> Col:
    af, bf = a.k & ~a.v, b.k & ~b.v
    # DuckDB computes both sides of AND and OR on every row (no short cut): both poisons.
    return Col(a.v & b.v, (a.k & b.k) | af | bf, "bool", bad=poisoned(a.bad, b.bad))


def or_(a: Col, b: Col) -> Col:
    v = a.v | b.v
    return Col(v, (a.k & b.k) | v, "bool", bad=poisoned(a.bad, b.bad))


def not_(a: Col) -> Col:
    return Col(a.k & ~a.v, a.k, "bool", bad=a.bad)


def is_false(a: Col):
    return a.k & ~a.v


# --- numbers ------------------------------------------------------------------------------

def _digits(c: Col) -> tuple[int, int]:
    """(digits before the point, scale) of DuckDB's DECIMAL for ``c``; BIGINT is
    DECIMAL(19,0) when it meets a decimal."""
    if c.t == "int":
        return 19, 0
    return (c.w or 18) - c.s, c.s


def _limit(t: str, w: int) -> int:
    """The largest absolute scaled value DuckDB holds in type ``t`` of width ``w``:
    BIGINT's 2**63 - 1; DECIMAL(18) (a literal, or two literal-width decimals multiplied,
    which DuckDB keeps in 64 bits with a check) 10**18 - 1; a wider DECIMAL 10**38 - 1."""
    if t == "int":
        return 2**63 - 1
    return 10**18 - 1 if w <= 18 else 10**38 - 1


def _checked(v: Any, known: Any, limit: int, scale: int, scaled_bound: float
             ) -> tuple[Any, Any]:
    """``v`` with the values past ``limit`` (where known) poisoned: (values, bad), ``bad``
    None when none is. A poisoned value is 0 in ``v`` (an int64 column stays int64) and
    its true value, as a float, in ``bad``: DuckDB raises where it would compute it."""
    if scaled_bound <= limit:
        return v, None
    if not isinstance(v, np.ndarray):  # a constant: every row computes it
        x = int(v)
        if -limit <= x <= limit or not np.any(known):
            return _narrow(v, limit), None
        return np.int64(0) if limit < 2**63 else 0, (np.float64(x / 10 ** scale),
                                                    float(limit) / 10 ** scale)
    if v.dtype == object:
        outside = np.fromiter(((x > limit or x < -limit) for x in v.ravel()), bool,
                              v.size).reshape(v.shape)
    else:
        outside = np.asarray((v > limit) | (v < -limit))
        if not outside.any():
            return v, None
    # Only a known value is refused; under an unknown one the value is anything (0 here).
    kept = np.where(outside, 0, v) if outside.any() else v
    over = outside & np.asarray(known, bool)
    if not over.any():
        return _narrow(kept, limit), None
    bad = np.zeros(v.shape)
    bad[over] = [float(x) / 10 ** scale for x in v[over]]
    return _narrow(kept, limit), (bad, float(limit) / 10 ** scale)


def _narrow(v: Any, limit: int) -> Any:
    """Python integers back to int64 when the type's range fits 64 bits."""
    if limit < 2**63 and isinstance(v, np.ndarray) and v.dtype == object:
        return v.astype(np.int64)
    if limit < 2**63 and not isinstance(v, (np.ndarray, np.generic)):
        return np.int64(v)
    return v


def poisoned(*bads) -> Any:
    """The union of poisons (see :class:`Col`): the first offending value of each row."""
    bads = [b for b in bads if b is not None]
    if not bads:
        return None
    values, limit = bads[0]
    for other, _ in bads[1:]:
        values = np.where(values != 0, values, other)
    return values, limit


def only_where(bad: Any, rows: Any) -> Any:
    """The poison of the rows DuckDB computes a value on (a CASE branch, COALESCE's second
    argument): elsewhere the value is never computed, so it raises nothing."""
    if bad is None:
        return None
    values = np.where(rows, bad[0], 0)
    return (values, bad[1]) if np.any(values != 0) else None


def first_bad(bad: Any) -> tuple[int, float, float] | None:
    """(row, value, limit) of the first poisoned row, or None."""
    if bad is None:
        return None
    values, limit = bad
    rows = np.flatnonzero(np.atleast_1d(values) != 0)
    if not len(rows):
        return None
    return int(rows[0]), float(np.atleast_1d(values)[rows[0]]), limit


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


def _scale_up(c: Col, scale: int) -> Any:
    """Exact values of ``c`` scaled to ``scale`` digits (c is int or dec)."""
    v = c.v
    if scale == c.s:
        return v
    factor = 10 ** (scale - c.s)
    if c.bound * 10 ** scale >= INT64_SAFE and _largest(c) * factor >= INT64_SAFE:
        return _objects(v) * factor
    return v * np.int64(factor)


def as_float(c: Col) -> Any:
    if c.t == "float":
        return c.v
    if "float" not in c.cache:
        c.cache["float"] = _as_float(c)
    return c.cache["float"]


def _as_float(c: Col) -> Any:
    v = c.v
    if c.t == "dec":
        return np.asarray(v, dtype=np.float64) / float(10 ** c.s) if c.s else \
            np.asarray(v, dtype=np.float64)
    return np.asarray(v, dtype=np.float64)[()] if np.ndim(v) == 0 else \
        v.astype(np.float64)


def common(cols: list[Col]) -> tuple[str, int]:
    """The type DuckDB gives a mix of numbers (LEAST, CASE, COALESCE, comparisons)."""
    types = {c.t for c in cols}
    if "float" in types:
        return "float", 0
    if "dec" in types:
        return "dec", max(c.s for c in cols)
    return "int", 0


def _common_width(cols: list[Col]) -> int:
    """DuckDB's width for the common DECIMAL of ``cols`` (digits before the point and
    after, each the largest; at most 38)."""
    parts = [_digits(c) for c in cols if c.t in ("int", "dec")]
    return min(38, max(d for d, _ in parts) + max(s for _, s in parts))


def cast(c: Col, t: str, s: int = 0, w: int = 0) -> Col:
    if t == c.t and s == c.s:
        return c
    if t == "float":
        return Col(as_float(c), c.k, "float", 0, c.bound, bad=c.bad)
    if t == "dec":
        return Col(_scale_up(c, s), c.k, "dec", s, c.bound, w or _common_width([c]), c.bad)
    return c  # bool and text are never cast


def known2(a: Col, b: Col) -> Any:
    return a.k & b.k


def add(a: Col, b: Col, sign: int = 1) -> Col:
    t, s = common([a, b])
    bound = a.bound + b.bound
    bad = poisoned(a.bad, b.bad)
    if t == "float":
        x, y = as_float(a), as_float(b)
        return Col(x + y if sign > 0 else x - y, known2(a, b), t, s, bound, bad=bad)
    w = 0
    if t == "dec":  # DuckDB: one more digit than the wider side, at most 38
        (da, sa), (db, sb) = _digits(a), _digits(b)
        w = min(38, max(da, db) + max(sa, sb) + 1)
    x, y = cast(a, t, s, w), cast(b, t, s, w)
    xv, yv = x.v, y.v
    scaled = bound * 10 ** s
    if scaled >= INT64_SAFE and _largest(x) + _largest(y) >= INT64_SAFE:
        xv, yv = _objects(xv), _objects(yv)  # exact past 64 bits, then checked
    v = xv + yv if sign > 0 else xv - yv
    k = known2(a, b)
    v, over = _checked(v, k, _limit(t, w), s, scaled)
    return Col(v, k, t, s, bound, w, poisoned(bad, over))


def mul(a: Col, b: Col) -> Col:
    bound = a.bound * b.bound
    bad = poisoned(a.bad, b.bad)
    if "float" in (a.t, b.t):  # a DOUBLE overflows to ±inf, as DuckDB's does
        return Col(as_float(a) * as_float(b), known2(a, b), "float", 0, bound, bad=bad)
    # Exact: int * int is BIGINT; two literal-width decimals stay DECIMAL(18) (DuckDB
    # checks they fit); otherwise DECIMAL(widths added, at most 38). Scales add up.
    t = "int" if a.t == b.t == "int" else "dec"
    s = a.s + b.s
    w = 0
    if t == "dec":
        w = 18 if a.t == b.t == "dec" and a.w <= 18 and b.w <= 18 else min(
            38, sum(d + sc for d, sc in (_digits(a), _digits(b))))
    av, bv = a.v, b.v
    scaled = bound * 10 ** s  # a and b are scaled by 10**s already
    if scaled >= INT64_SAFE:
        largest = _largest(a) * _largest(b)
        if largest >= INT64_SAFE:
            av, bv = _objects(av), _objects(bv)
        else:
            bound = scaled = largest
            bound /= 10 ** s
    k = known2(a, b)
    v, over = _checked(av * bv, k, _limit(t, w), s, scaled)
    return Col(v, k, t, s, bound, w, poisoned(bad, over))


def divide(a: Col, b: Col) -> Col:
    """``CAST(a AS DOUBLE) / NULLIF(b, 0)``: a zero divisor gives an unknown value."""
    fb = as_float(b)
    nonzero = fb != 0
    with np.errstate(all="ignore"):
        v = as_float(a) / np.where(nonzero, fb, 1.0)
    return Col(v, a.k & b.k & nonzero, "float", bad=poisoned(a.bad, b.bad))


def _edge(a: Col) -> tuple[Any, Any]:
    """-x and abs(x) of BIGINT's smallest value: DuckDB refuses them (numpy wraps)."""
    if a.t != "int" or a.bound < 2**63:
        return a.v, a.bad
    at_min = np.asarray(a.v == -2**63) & np.asarray(a.k)
    if not at_min.any():
        return a.v, a.bad
    return np.where(at_min, 0, a.v), poisoned(a.bad, (np.where(at_min, 2.0**63, 0.0), 2.0**63))


def neg(a: Col) -> Col:
    v, bad = _edge(a)
    return Col(-v, a.k, a.t, a.s, a.bound, a.w, bad)


def abs_(a: Col) -> Col:
    v, bad = _edge(a)
    return Col(np.abs(v), a.k, a.t, a.s, a.bound, a.w, bad)


def extreme(cols: list[Col], largest: bool) -> Col:
    """Null-preserving LEAST/GREATEST (an unknown argument leaves the result unknown)."""
    t, s = common(cols)
    w = _common_width(cols) if t == "dec" else 0
    xs = [cast(c, t, s, w) for c in cols]
    fn = np.maximum if largest else np.minimum
    v, k = xs[0].v, xs[0].k
    for x in xs[1:]:
        v, k = fn(v, x.v), k & x.k
    return Col(v, k, t, s, max(c.bound for c in cols), w, poisoned(*(c.bad for c in cols)))


def coalesce(a: Col, b: Col) -> Col:
    # DuckDB computes the second argument only where the first is null.
    bad = poisoned(a.bad, only_where(b.bad, ~np.asarray(a.k)))
    if a.t == "text":
        return Col(_text_coalesce(a, b), a.k | b.k, "text", bad=bad)
    if a.t == "bool":
        return Col(np.where(a.k, a.v, b.v), a.k | b.k, "bool", bad=bad)
    t, s = common([a, b])
    w = _common_width([a, b]) if t == "dec" else 0
    x, y = cast(a, t, s, w), cast(b, t, s, w)
    return Col(np.where(a.k, x.v, y.v), a.k | b.k, t, s, max(a.bound, b.bound), w, bad)


def choose(cond: Col, a: Col, b: Col) -> Col:
    """``if cond then a else b``; an unknown condition gives an unknown value. DuckDB's CASE
    computes each branch only on its rows: a branch's poison counts there only."""
    bad = poisoned(cond.bad, only_where(a.bad, cond.k & cond.v),
                   only_where(b.bad, cond.k & ~cond.v)) if a.bad is not None or b.bad is not None else cond.bad
    if a.t == "text":
        k = cond.k & np.where(cond.v, a.k, b.k)
        if np.ndim(cond.v) == 0:
            return Col((a if cond.v else b).v, k, "text", bad=bad)
        return Col(pc.if_else(pa.array(cond.v), _text(a), _text(b)), k, "text", bad=bad)
    if a.t == "bool":
        k = cond.k & np.where(cond.v, a.k, b.k)
        return Col(np.where(cond.v, a.v, b.v) & k, k, "bool", bad=bad)
    t, s = common([a, b])
    w = _common_width([a, b]) if t == "dec" else 0
    x, y = cast(a, t, s, w), cast(b, t, s, w)
    k = cond.k & np.where(cond.v, a.k, b.k)
    return Col(np.where(cond.v, x.v, y.v), k, t, s, max(a.bound, b.bound), w, bad)


def compare(op: str, a: Col, b: Col) -> Col:
    k = a.k & b.k
    bad = poisoned(a.bad, b.bad)
    if a.t == "text":
        return _text_compare(op, a, b, k, bad)
    if a.t == "bool":
        eq = a.v == b.v
        return Col((eq if op == "==" else ~eq) & k, k, "bool", bad=bad)
    t, s = common([a, b])
    x, y = cast(a, t, s), cast(b, t, s)
    v = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
         ">": np.greater, ">=": np.greater_equal}[op](x.v, y.v)
    return Col(np.asarray(v, dtype=bool) & k, k, "bool", bad=bad)


def to_money(c: Col) -> Col:
    """``CAST(FLOOR(x) AS BIGINT)``: whole 元, rounded down. A value outside BIGINT (a
    product past 64 bits, an infinite or NaN DOUBLE) is poisoned, never wrapped or zeroed:
    DuckDB refuses it (ConversionException)."""
    if c.t == "int":
        return c
    if c.t == "dec":
        v = c.v // (10 ** c.s) if c.s else c.v
        v, over = _checked(v, c.k, 2**63 - 1, 0, c.bound)
        v = np.asarray(v)
        if v.dtype != np.int64:
            v = v.astype(np.int64)
        return Col(v if v.ndim else v[()], c.k, "int", 0, c.bound, bad=poisoned(c.bad, over))
    with np.errstate(all="ignore"):
        v = np.asarray(np.floor(c.v))
    over = None
    if c.bound >= 2**63:
        outside = ~((v >= -2.0**63) & (v < 2.0**63)) & np.asarray(c.k)  # NaN is outside
        if outside.any():
            over = (np.where(outside, v, 0.0), 2.0**63)
            v = np.where(outside, 0.0, v)
    with np.errstate(all="ignore"):
        v = v.astype(np.int64)
    return Col(v if v.ndim else v[()], c.k, "int", 0, c.bound, bad=poisoned(c.bad, over))


def round_down(x: Col, step: Col) -> Col:
    """``CAST(FLOOR(x / step) AS BIGINT) * step`` (``/`` here is DuckDB's float division)."""
    with np.errstate(all="ignore"):
        q = np.floor(as_float(x) / as_float(step))
    whole = to_money(Col(q, x.k & step.k, "float", 0, float("inf"),
                         bad=poisoned(x.bad, step.bad)))
    return mul(whole, step)


# --- text ---------------------------------------------------------------------------------

def _text(c: Col) -> Any:
    return pa.scalar(c.v, pa.string()) if isinstance(c.v, str) else c.v


def _text_coalesce(a: Col, b: Col) -> Any:
    if isinstance(a.v, str):
        return a.v
    return pc.coalesce(a.v, _text(b))


def _text_compare(op: str, a: Col, b: Col, k: Any, bad: Any = None) -> Col:
    if isinstance(a.v, str) and isinstance(b.v, str):
        eq = np.bool_(a.v == b.v)
    else:
        left, right = (a, b) if not isinstance(a.v, str) else (b, a)
        eq = pc.fill_null(pc.equal(left.v, _text(right)), False).to_numpy(
            zero_copy_only=False)
    return Col((eq if op == "==" else ~eq) & k, k, "bool", bad=bad)
