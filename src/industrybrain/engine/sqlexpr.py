"""Expressions to SQL: the shared base every SQL backend (DuckDB now, Spark SQL next) uses.

A backend subclasses :class:`SqlDialect` and overrides only what its SQL spells differently
(literals, division, formatting, JSON). The compiler reads features of the enterprise from
columns of a ``base`` relation built once per evaluation (see :mod:`.compile`):

    v_<var>     value this year (figures) or now (enterprises)
    p_<var>     value last year
    hmax_<var>  highest value in earlier years; hcnt_<var> earlier years with a known value
    hmiss_<var> years of the enterprise's known history (from its founding year or the data's
                first year, whichever is later) without a known value; NULL: start unknown
    hyears_<var> the years of that history with a known value (for explanations)
    dfirst_<code> year of the first grant; dheld_<code> held this year
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str


class SqlDialect:
    """ANSI-ish SQL; a backend overrides the methods whose spelling differs."""

    name = "ansi"

    def quote_text(self, s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    def number(self, value: Decimal) -> str:
        # Integers stay integers (money is exact integer 元); fractions become exact decimals.
        if value == value.to_integral_value():
            return f"CAST({int(value)} AS BIGINT)"
        digits = -value.as_tuple().exponent
        return f"CAST('{value}' AS DECIMAL(18,{digits}))"

    def divide(self, a: str, b: str) -> str:
        # Division by zero gives a missing value, never infinity (DuckDB) or an error.
        return f"(CAST({a} AS DOUBLE) / NULLIF({b}, 0))"

    def to_money(self, sql: str) -> str:
        """Round a computed amount down to whole 元 (never pay a fraction of a 元 too much)."""
        return f"CAST(FLOOR({sql}) AS BIGINT)"

    def least(self, args: list[str]) -> str:
        return self._null_if_any(args, f"LEAST({', '.join(args)})")

    def greatest(self, args: list[str]) -> str:
        return self._null_if_any(args, f"GREATEST({', '.join(args)})")

    def least_skip_null(self, args: list[str]) -> str:
        """The smallest of the known values (for "nearest tier"); null when none is known."""
        return f"LEAST({', '.join(args)})"

    def _null_if_any(self, args: list[str], sql: str) -> str:
        # LEAST/GREATEST skip nulls in DuckDB and Spark; a missing input must stay missing.
        nulls = " OR ".join(f"{a} IS NULL" for a in args)
        return f"(CASE WHEN {nulls} THEN NULL ELSE {sql} END)"

    def concat(self, parts: list[str]) -> str:
        return "concat(" + ", ".join(parts) + ")"

    def concat_ws(self, sep: str, parts: list[str]) -> str:
        return f"concat_ws({self.quote_text(sep)}, {', '.join(parts)})"

    def fmt_money(self, sql: str, lang: str) -> str:
        raise NotImplementedError

    def fmt_number(self, sql: str, lang: str) -> str:
        raise NotImplementedError

    def json_object(self, pairs: list[tuple[str, str]], doubles: set[str] = frozenset()) -> str:
        """A JSON object text of ``pairs`` (key, SQL); ``doubles`` names the keys whose
        values are DOUBLE (kind "float"), for a backend that must spell their numbers."""
        raise NotImplementedError

    def year_of(self, sql: str) -> str:
        return f"EXTRACT(YEAR FROM {sql})"

    def as_text(self, sql: str) -> str:
        return f"CAST({sql} AS VARCHAR)"

    def null_text(self) -> str:
        return "CAST(NULL AS VARCHAR)"

    def list_not_empty(self, sql: str) -> str:
        return f"(cardinality({sql}) > 0)"

    def bool_or(self, sql: str) -> str:
        return f"BOOL_OR({sql})"

    # Lists of years (for "缺少2019–2021年营业收入"). DuckDB's spelling; Spark overrides.
    def collect_years(self, sql: str) -> str:
        """Aggregate: the sorted non-null values of ``sql`` (BIGINT years) as a list."""
        return f"list_sort(list_filter(list({sql}), lambda y: y IS NOT NULL))"

    def missing_years(self, start: str, stop: str, known: str) -> str:
        """The years ``start`` <= y < ``stop`` not in the list ``known`` (NULL: none known)."""
        return (f"(CASE WHEN {start} < {stop} THEN list_filter(range(CAST({start} AS BIGINT), "
                f"CAST({stop} AS BIGINT)), lambda y: {known} IS NULL OR NOT "
                f"list_contains({known}, y)) END)")

    def list_len(self, sql: str) -> str:
        return f"len({sql})"

    def list_at(self, sql: str, i: int) -> str:
        return f"({sql})[{i}]"

    def list_join(self, sql: str, sep: str) -> str:
        return f"array_to_string({sql}, {self.quote_text(sep)})"

    def years_text(self, sql: str, lang: str) -> str:
        """A list of years as people write them: 2019–2021 when they run on, else
        2015、2019 (2015, 2019); '' for an empty list. Bare years, no 年."""
        n, first, last = self.list_len(sql), self.list_at(sql, 1), self.list_at(sql, -1)
        sep = "、" if lang == "zh" else ", "
        return (f"(CASE WHEN {sql} IS NULL OR {n} = 0 THEN '' "
                f"WHEN {n} = 1 THEN {self.as_text(first)} "
                f"WHEN {last} - {first} + 1 = {n} THEN "
                f"{self.concat([self.as_text(first), self.quote_text('–'), self.as_text(last)])} "
                f"ELSE {self.list_join(sql, sep)} END)")


class ExprCompiler:
    """Compile one policy's expressions; ``lets`` and ``assumptions`` are inlined."""

    def __init__(self, dialect: SqlDialect, lets: Mapping[str, Node],
                 assumptions: Mapping[str, Node], extra: Mapping[str, str] | None = None):
        self.d = dialect
        self.lets = lets
        self.assumptions = assumptions
        self.extra = dict(extra or {})

    def with_extra(self, **extra: str) -> ExprCompiler:
        return ExprCompiler(self.d, self.lets, self.assumptions, {**self.extra, **extra})

    def __call__(self, node: Node) -> str:
        c, d = self, self.d
        if isinstance(node, Num):
            return d.number(node.value)
        if isinstance(node, Str):
            return d.quote_text(node.value)
        if isinstance(node, Bool):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node, Name):
            if node.name in self.extra:
                return self.extra[node.name]
            if node.name in self.lets:
                return f"({c(self.lets[node.name])})"
            if node.name in self.assumptions:
                return c(self.assumptions[node.name])
            return f"v_{node.name}"
        if isinstance(node, Neg):
            return f"(-{c(node.operand)})"
        if isinstance(node, Not):
            return f"(NOT {c(node.operand)})"
        if isinstance(node, Logic):
            return f"({c(node.left)} {node.op.upper()} {c(node.right)})"
        if isinstance(node, Compare):
            op = {"==": "=", "!=": "<>"}.get(node.op, node.op)
            return f"({c(node.left)} {op} {c(node.right)})"
        if isinstance(node, Arith):
            if node.op == "/":
                return d.divide(c(node.left), c(node.right))
            return f"({c(node.left)} {node.op} {c(node.right)})"
        if isinstance(node, If):
            cond = c(node.cond)
            # SQL's CASE sends an unknown condition to ELSE; a missing input must stay missing.
            return (f"(CASE WHEN {cond} IS NULL THEN NULL WHEN {cond} THEN {c(node.then)} "
                    f"ELSE {c(node.otherwise)} END)")
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"cannot compile {node!r}")

    def call(self, node: Call) -> str:
        f, args, c, d = node.func, node.args, self, self.d
        if f in ("newly_designated", "holds", "entered"):
            codes = [a.name if isinstance(a, Name) else a.value  # type: ignore[union-attr]
                     for a in args]
            # No designation row means not designated: absence is the fact, not missing data.
            if f == "holds":
                return f"COALESCE(dheld_{codes[0]}, FALSE)"
            if f == "entered":
                return (f"(COALESCE(dnew_{codes[0]}, FALSE) AND "
                        f"NOT COALESCE(dprev_{codes[0]}, FALSE))")
            first = codes[0] if len(codes) == 1 else None
            first_year = f"dfirst_{first}" if first else d.least_skip_null(
                [f"dfirst_{code}" for code in codes])
            return f"COALESCE({first_year} = {{year}}, FALSE)"
        if f in ("first_time_exceeds", "first_time", "prev", "increase", "has_history"):
            var = args[0].name  # type: ignore[union-attr]
            cur, prev = f"v_{var}", f"p_{var}"
            hmax = f"hmax_{var}"
            # A year of the known history without a row or with a null: unknown, both alike.
            gap = f"(hmiss_{var} IS NULL OR hmiss_{var} > 0)"
            if f == "prev":
                return prev
            if f == "increase":
                return f"({cur} - {prev})"
            if f == "has_history":
                return f"(COALESCE(hcnt_{var}, 0) > 0)"
            if f == "first_time":
                # Earlier years with an unknown value leave "first" unknown, unless one of
                # them is known to be true already.
                return (f"(CASE WHEN {cur} IS NULL THEN NULL WHEN NOT {cur} THEN FALSE "
                        f"WHEN {hmax} = 1 THEN FALSE WHEN {gap} THEN NULL ELSE TRUE END)")
            t = c(args[1])
            return (f"(CASE WHEN {cur} IS NULL OR {t} IS NULL THEN NULL "
                    f"WHEN {cur} <= {t} THEN FALSE WHEN {hmax} > {t} THEN FALSE "
                    f"WHEN {gap} THEN NULL ELSE TRUE END)")
        parts = [c(a) for a in args]
        if f == "min":
            return d.least(parts)
        if f == "max":
            return d.greatest(parts)
        if f == "clip":
            x, lo, hi = parts
            return d.least([d.greatest([x, lo]), hi])
        if f == "abs":
            return f"ABS({parts[0]})"
        if f == "round_down":
            x, step = parts
            return f"(CAST(FLOOR({x} / {step}) AS BIGINT) * {step})"
        if f == "coalesce":
            return f"COALESCE({parts[0]}, {parts[1]})"
        if f == "is_known":
            return f"({parts[0]} IS NOT NULL)"
        raise TypeError(f"no SQL for function {f}")
