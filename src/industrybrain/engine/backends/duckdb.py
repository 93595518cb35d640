"""The DuckDB backend: the dialect's spellings, and running a compiled plan on Arrow tables."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ..compile import Plan
from ..sqlexpr import SqlDialect
from . import duckdb_small

RESULT_SCHEMA = pa.schema([
    ("enterprise_id", pa.int64()),
    ("policy_id", pa.string()),
    ("year", pa.int16()),
    ("status", pa.string()),
    ("tier", pa.string()),
    ("amount_yuan", pa.int64()),
    ("cap_bound", pa.bool_()),
    ("explanation_zh", pa.string()),
    ("explanation_en", pa.string()),
    ("inputs", pa.string()),
])


class DuckDBDialect(SqlDialect):
    name = "duckdb"

    def fmt_money(self, sql: str, lang: str) -> str:
        x = f"CAST({sql} AS DOUBLE)"
        if lang == "zh":
            steps = [(1e8, "亿元"), (1e4, "万元")]
            missing, last = "缺失", f"printf('%g元', {x})"
            fmt = "printf('%g{unit}', {x} / {div})"
        else:
            steps = [(1e9, " bn"), (1e6, " m")]
            missing, last = "missing", f"printf('CNY %g', {x})"
            fmt = "printf('CNY %g{unit}', {x} / {div})"
        whens = " ".join(f"WHEN abs({x}) >= {div:.0f} THEN " + fmt.format(unit=unit, x=x,
                                                                            div=f"{div:.0f}")
                         for div, unit in steps)
        return f"(CASE WHEN {sql} IS NULL THEN '{missing}' {whens} ELSE {last} END)"

    def fmt_number(self, sql: str, lang: str) -> str:
        missing = "缺失" if lang == "zh" else "missing"
        return (f"(CASE WHEN {sql} IS NULL THEN '{missing}' "
                f"ELSE printf('%g', CAST({sql} AS DOUBLE)) END)")

    def json_object(self, pairs: list[tuple[str, str]], doubles: set[str] = frozenset()) -> str:
        if not pairs:
            return "'{}'"
        args = ", ".join(f"{self.quote_text(k)}, {v}" for k, v in pairs)
        return f"CAST(json_object({args}) AS VARCHAR)"


def result_sql(plan: Plan, year: int, explain: str, near_miss: float,
               worded: frozenset[str] | None = None) -> str:
    """The result query over ``base``: every policy's rows, in the result's order; words
    only for the policies in ``worded`` (None: all)."""
    body = "\nUNION ALL\n".join(plan.body(explain, worded))
    return (f"SELECT enterprise_id, policy_id, CAST({int(year)} AS SMALLINT) AS year, status, "
            f"tier, amount_yuan, cap_bound, explanation_zh, explanation_en, inputs "
            f"FROM ({plan.fill(body, year, explain, near_miss)}) "
            f"ORDER BY enterprise_id, policy_id")


def run(plan: Plan, year: int, tables: dict[str, pa.Table], explain: str = "relevant",
        near_miss: float = 0.2, threads: int | None = None,
        small: bool | None = None, data_since: int | None = None,
        worded: frozenset[str] | None = None) -> pa.Table:
    """Evaluate ``plan`` for ``year``; ``tables`` maps names (enterprises, figures,
    designations; or organisations) to Arrow tables in the data contract's shape;
    ``data_since`` is the first year the data cover (see :func:`..compile.base_sql`);
    ``worded``: the policies whose rows carry words (None: every policy, as ``explain`` says).

    ``small`` (default: decided by size) runs a snapshot of a few enterprises through a
    prepared statement kept per thread (:mod:`.duckdb_small`); the same SQL, the same bytes.
    """
    if not plan.policy_ids:
        return RESULT_SCHEMA.empty_table()
    plan.fill("", year, explain, near_miss)  # validates explain before either path
    if small is None:
        small = duckdb_small.is_small(tables)
    if small:
        table = duckdb_small.run_small(
            plan, year, tables, explain, near_miss,
            lambda p, y, e, n: result_sql(p, y, e, n, worded), data_since, variant=worded)
        return table.cast(RESULT_SCHEMA)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for name, table in tables.items():
            con.register(name, table)
        # The base is materialised once; every policy's SELECT reads it.
        con.execute("CREATE TEMP TABLE base AS " + plan.fill(plan.base(explain), year,
                                                            data_since=data_since))
        table = con.sql(result_sql(plan, year, explain, near_miss, worded)).to_arrow_table()
        return table.cast(RESULT_SCHEMA)
    finally:
        con.close()
