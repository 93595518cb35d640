"""A policy's folded AST compiled, once, into Python closures over one enterprise's features.

The semantics are ``sqlexpr.ExprCompiler``'s and ``compile.policy_sql``'s, node by node, with
the SQL's static types (:mod:`.values`): the closures read a dict of the ``base`` relation's
columns for one enterprise (:mod:`.firm`, the same names: ``v_revenue``, ``hmiss_revenue``…)
and return a value or None (unknown). Kleene logic: ``false and unknown`` is false,
``true or unknown`` is true, anything else with an unknown is unknown; an ``if`` on an
unknown condition is unknown, as the SQL's ``CASE WHEN cond IS NULL THEN NULL`` makes it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from ..expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str
from ..vocab import VARIABLES
from . import values as V
from .values import BOOL, FLOAT, INT, TEXT, Typed

Fn = Callable[[dict], Any]
Compiled = tuple[Fn, Typed]

_KIND_TYPES = {"money": INT, "count": INT, "year": INT, "float": FLOAT, "bool": BOOL,
               "text": TEXT}
_CMP = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}


def var_type(name: str) -> Typed:
    return _KIND_TYPES[VARIABLES[name].kind]


def const(value) -> Fn:
    return lambda b: value


def column(name: str) -> Fn:
    return lambda b: b[name]


def cast_fn(fn: Fn, src: Typed, dst: Typed) -> Fn:
    """``fn`` with its known values cast from ``src`` to ``dst``."""
    cast = V.caster(src, dst)
    if cast is None:
        return fn

    def casted(b):
        v = fn(b)
        return None if v is None else cast(v)
    return casted


def compare(op: str, left: Compiled, right: Compiled) -> Fn:
    """A comparison in the common type of its sides (DuckDB casts BIGINT to DOUBLE to
    compare it with a DOUBLE; Python would compare them exactly)."""
    (fa, ta), (fb, tb) = left, right
    typ = V.common([ta, tb]) if ta[0] not in ("bool", "text") else ta
    fa, fb, cmp = cast_fn(fa, ta, typ), cast_fn(fb, tb, typ), _CMP[op]

    def compared(b):
        x, y = fa(b), fb(b)  # both, as DuckDB computes both sides on every row
        if x is None or y is None:
            return None
        return cmp(x, y)
    return compared


def extreme(parts: list[Compiled], largest: bool) -> Compiled:
    """Null-preserving LEAST/GREATEST in the common type."""
    typ = V.common([t for _, t in parts])
    fns = [cast_fn(f, t, typ) for f, t in parts]
    pick = max if largest else min

    def chosen(b):
        vals = [f(b) for f in fns]  # every argument, as DuckDB computes them all
        if any(v is None for v in vals):
            return None
        return pick(vals)
    return chosen, typ


def arith(op: str, left: Compiled, right: Compiled) -> Compiled:
    (fa, ta), (fb, tb) = left, right
    if op == "/":
        # CAST(a AS DOUBLE) / NULLIF(b, 0): division by zero is unknown, never infinity.
        def divided(b):
            x, y = fa(b), fb(b)
            if x is None or y is None or y == 0:
                return None
            with np.errstate(all="ignore"):  # a DOUBLE past range is ±inf, as DuckDB's
                return float(np.float64(V.to_float(x, ta)) / np.float64(V.to_float(y, tb)))
        return divided, FLOAT
    if op == "*":
        if FLOAT[0] in (ta[0], tb[0]):
            fa, fb, typ = cast_fn(fa, ta, FLOAT), cast_fn(fb, tb, FLOAT), FLOAT
        elif ta[0] == tb[0] == "int":
            typ = INT
        else:  # exact: scales add up; DuckDB keeps two literal-width decimals DECIMAL(18)
            narrow = ta[0] == tb[0] == "dec" and getattr(ta, "w", 18) <= 18 \
                and getattr(tb, "w", 18) <= 18
            typ = V.dec(ta[1] + tb[1], 18 if narrow else sum(map(sum, map(V.digits,
                                                                          (ta, tb)))))

        def multiplied(b):
            x, y = fa(b), fb(b)
            if x is None or y is None:
                return None
            return x * y if typ is FLOAT else V.checked(x * y, typ)
        return multiplied, typ
    typ = V.common([ta, tb])
    if typ[0] == "dec":  # one more digit than the wider side
        (da, sa), (db, sb) = V.digits(ta), V.digits(tb)
        typ = V.dec(typ[1], max(da, db) + max(sa, sb) + 1)
    fa, fb = cast_fn(fa, ta, typ), cast_fn(fb, tb, typ)
    sign = 1 if op == "+" else -1

    def added(b):
        x, y = fa(b), fb(b)
        if x is None or y is None:
            return None
        return V.checked(x + sign * y, typ)
    return added, typ



class Compiler:
    """Compile one policy's expressions; ``lets`` and ``assumptions`` are inlined, as the
    SQL inlines them; ``extra`` holds ``cap`` inside a tier's amount."""

    def __init__(self, year: int, lets: Mapping[str, Node], assumptions: Mapping[str, Node],
                 extra: Mapping[str, Compiled] | None = None):
        self.year, self.lets, self.assumptions = year, lets, assumptions
        self.extra = dict(extra or {})

    def with_cap(self, cap: int) -> Compiler:
        value, typ = V.number(Decimal(cap))
        return Compiler(self.year, self.lets, self.assumptions,
                        {**self.extra, "cap": (const(value), typ)})

    def __call__(self, node: Node) -> Compiled:
        c = self
        if isinstance(node, Num):
            value, typ = V.number(node.value)
            return const(value), typ
        if isinstance(node, Str):
            return const(node.value), TEXT
        if isinstance(node, Bool):
            return const(node.value), BOOL
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, Neg):
            f, typ = c(node.operand)
            return (lambda b: None if (v := f(b)) is None else V.checked(-v, typ)), typ
        if isinstance(node, Not):
            f, _ = c(node.operand)
            return (lambda b: None if (v := f(b)) is None else not v), BOOL
        if isinstance(node, Logic):
            return self.logic(node.op, c(node.left)[0], c(node.right)[0]), BOOL
        if isinstance(node, Compare):
            return compare(node.op, c(node.left), c(node.right)), BOOL
        if isinstance(node, Arith):
            return arith(node.op, c(node.left), c(node.right))
        if isinstance(node, If):
            cond, _ = c(node.cond)
            (ft, tt), (fo, to) = c(node.then), c(node.otherwise)
            typ = V.common([tt, to]) if tt[0] not in ("bool", "text") else tt
            ft, fo = cast_fn(ft, tt, typ), cast_fn(fo, to, typ)

            def chosen(b):
                x = cond(b)
                if x is None:
                    return None
                return ft(b) if x else fo(b)
            return chosen, typ
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"cannot compile {node!r}")

    @staticmethod
    def logic(op: str, fa: Fn, fb: Fn) -> Fn:
        # Both sides, always: DuckDB computes both on every row (a value it refuses on the
        # right stops the run even where the left decides).
        if op == "and":
            def both(b):
                x, y = fa(b), fb(b)
                if x is False or y is False:
                    return False
                return None if x is None or y is None else True
            return both

        def either(b):
            x, y = fa(b), fb(b)
            if x is True or y is True:
                return True
            return None if x is None or y is None else False
        return either

    def name(self, name: str) -> Compiled:
        if name in self.extra:
            return self.extra[name]
        if name in self.lets:
            return self(self.lets[name])
        if name in self.assumptions:
            return self(self.assumptions[name])
        return column(f"v_{name}"), var_type(name)

    def call(self, node: Call) -> Compiled:
        f, args, year = node.func, node.args, self.year
        if f in ("newly_designated", "holds", "entered"):
            codes = [a.name if isinstance(a, Name) else a.value  # type: ignore[union-attr]
                     for a in args]
            # No designation row means not designated: absence is the fact, not missing data.
            if f == "holds":
                held = f"dheld_{codes[0]}"
                return (lambda b: b[held] is True), BOOL
            if f == "entered":
                new, prev = f"dnew_{codes[0]}", f"dprev_{codes[0]}"
                return (lambda b: b[new] is True and b[prev] is not True), BOOL
            firsts = [f"dfirst_{code}" for code in codes]

            def newly(b):
                known = [b[k] for k in firsts if b[k] is not None]
                return bool(known) and min(known) == year
            return newly, BOOL
        if f in ("first_time_exceeds", "first_time", "prev", "increase", "has_history"):
            var = args[0].name  # type: ignore[union-attr]
            cur, prev, hmax, hmiss = f"v_{var}", f"p_{var}", f"hmax_{var}", f"hmiss_{var}"
            typ = var_type(var)
            if f == "prev":
                return column(prev), typ
            if f == "increase":
                return arith("-", (column(cur), typ), (column(prev), typ))
            if f == "has_history":
                hcnt = f"hcnt_{var}"
                return (lambda b: (b[hcnt] or 0) > 0), BOOL
            if f == "first_time":
                # Earlier years with an unknown value leave "first" unknown, unless one of
                # them is known to be true already.
                def first_time(b):
                    now = b[cur]
                    if now is None:
                        return None
                    if not now or b[hmax] == 1:
                        return False
                    gap = b[hmiss]
                    return None if gap is None or gap > 0 else True
                return first_time, BOOL
            threshold = self(args[1])
            at_most = compare("<=", (column(cur), typ), threshold)
            beaten = compare(">", (column(hmax), typ), threshold)
            thr = threshold[0]

            def first_time_exceeds(b):
                if thr(b) is None or b[cur] is None:  # the threshold, on every row
                    return None
                if at_most(b) or beaten(b):
                    return False
                gap = b[hmiss]
                return None if gap is None or gap > 0 else True
            return first_time_exceeds, BOOL
        parts = [self(a) for a in args]
        if f == "min":
            return extreme(parts, largest=False)
        if f == "max":
            return extreme(parts, largest=True)
        if f == "clip":
            x, lo, hi = parts
            return extreme([extreme([x, lo], largest=True), hi], largest=False)
        if f == "abs":
            fn, typ = parts[0]
            return (lambda b: None if (v := fn(b)) is None else V.checked(abs(v), typ)), typ
        if f == "round_down":
            return self.round_down(*parts)
        if f == "coalesce":
            (fa, ta), (fb, tb) = parts
            typ = V.common([ta, tb]) if ta[0] not in ("bool", "text") else ta
            fa, fb = cast_fn(fa, ta, typ), cast_fn(fb, tb, typ)
            return (lambda b: v if (v := fa(b)) is not None else fb(b)), typ
        if f == "is_known":
            fn, _ = parts[0]
            return (lambda b: fn(b) is not None), BOOL
        raise TypeError(f"no Python for function {f}")

    @staticmethod
    def round_down(x: Compiled, step: Compiled) -> Compiled:
        """``CAST(FLOOR(x / step) AS BIGINT) * step``; ``/`` is DuckDB's, a DOUBLE."""
        (fx, tx), (fs, ts) = x, step

        def whole(b):
            v, s = fx(b), fs(b)
            if v is None or s is None:
                return None
            with np.errstate(all="ignore"):  # a DOUBLE quotient past range is ±inf
                q = np.float64(V.to_float(v, tx)) / np.float64(V.to_float(s, ts))
            return V.floor_to_int(float(q), FLOAT)
        return arith("*", (whole, INT), step)
