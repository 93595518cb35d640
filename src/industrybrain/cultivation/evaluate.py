"""Evaluate every pool's entry, exit and criteria, and every rung, over a columnar snapshot.

No Django: pools + the engine's three Arrow tables in, one Arrow table out, one row per
enterprise. The SQL is the engine's: ``compile.base_sql`` builds the per-year ``base``
relation for exactly the variables the pools read, and ``sqlexpr.ExprCompiler`` compiles
every expression, so a pool criterion means what the same text means in a policy (missing
data stays missing, a designation held follows the data contract's rule).

Columns (``<p>`` a pool id, ``<l>`` a ladder id, ``<r>`` a rung id, ``<c>`` a criterion):
  enterprise_id
  rung__<l>__<r>   bool: stands on the rung this year
  <p>__entry       bool: meets the pool's entry rule
  <p>__exit__<x>   bool: an exit condition holds (promoted, shrank, …)
  <p>__met__<c>    bool: the criterion is met (null: data missing)
  <p>__lhs__<c>    double: the criterion's left side (研发费用占比 0.026)
  <p>__rhs__<c>    double: its threshold (0.03)
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from industrybrain.engine.backends.duckdb import DuckDBDialect
from industrybrain.engine.compile import base_sql
from industrybrain.engine.contract import conform
from industrybrain.engine.sqlexpr import ExprCompiler

from .rules import Pool, Pools

_DIALECT = DuckDBDialect()


def _compiler() -> ExprCompiler:
    return ExprCompiler(_DIALECT, {}, {})


def columns_sql(pools: Pools, only: list[Pool] | None = None, rungs: bool = True) -> list[str]:
    """The SELECT list over ``base``: one column per rule part (see the module doc)."""
    c = _compiler()
    cols = ["enterprise_id"]
    if rungs:
        for lad in pools.ladders:
            for r in lad.rungs:
                cols.append(f"COALESCE({c(r.holds)}, FALSE) AS rung__{lad.id}__{r.id}")
    for p in only if only is not None else pools.pools:
        cols.append(f"{c(p.entry)} AS {p.id}__entry")
        for x in p.exits:
            cols.append(f"{c(x.node)} AS {p.id}__exit__{x.id}")
        for k in p.criteria:
            cmp = k.compare
            cols.append(f"{c(k.node)} AS {p.id}__met__{k.id}")
            cols.append(f"CAST({c(cmp.left)} AS DOUBLE) AS {p.id}__lhs__{k.id}")
            cols.append(f"CAST({c(cmp.right)} AS DOUBLE) AS {p.id}__rhs__{k.id}")
    return cols


def plain_sql(pools: Pools, only: list[Pool] | None = None) -> list[str]:
    """The same criteria as one true/false per pool (all met), nothing else: the baseline
    the benchmark sets the margins against."""
    c = _compiler()
    cols = ["enterprise_id"]
    for p in only if only is not None else pools.pools:
        both = " AND ".join(f"({c(k.node)})" for k in p.criteria)
        cols.append(f"{both} AS {p.id}__all")
    return cols


def _connect(enterprises, figures, designations, threads: int | None):
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for name, table in (("enterprises", enterprises), ("figures", figures),
                        ("designations", designations)):
        con.register(name, conform(table, name))
    return con


def candidates(pools: Pools, year: int, enterprises, figures, designations, *,
               threads: int | None = None) -> dict[str, pa.Table]:
    """Per pool, the criteria columns of the enterprises meeting its entry rule only: the
    batch behind the closest-to-next-rung lists. The base is built once; each pool's
    criteria are computed for its candidates alone (a tenth of the city or less)."""
    con = _connect(enterprises, figures, designations, threads)
    try:
        y = str(int(year))
        con.execute("CREATE TEMP TABLE base AS " + base_sql(_DIALECT, pools.usage).replace("{year}", y))
        c = _compiler()
        out = {}
        for p in pools.pools:
            cols = [x for x in columns_sql(pools, [p], rungs=False)
                    if not x.endswith(f"AS {p.id}__entry") and f"AS {p.id}__exit__" not in x]
            sql = f"SELECT {', '.join(cols)} FROM base WHERE COALESCE({c(p.entry)}, FALSE)"
            out[p.id] = con.sql(sql.replace("{year}", y)).to_arrow_table()
        return out
    finally:
        con.close()


def run(pools: Pools, year: int, enterprises, figures, designations, *,
        only: list[Pool] | None = None, rungs: bool = True, plain: bool = False,
        threads: int | None = None) -> pa.Table:
    """One row per enterprise with every pool's rule parts for ``year`` (see module doc)."""
    tables = {"enterprises": conform(enterprises, "enterprises"),
              "figures": conform(figures, "figures"),
              "designations": conform(designations, "designations")}
    base = base_sql(_DIALECT, pools.usage).replace("{year}", str(int(year)))
    cols = plain_sql(pools, only) if plain else columns_sql(pools, only, rungs)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for name, table in tables.items():
            con.register(name, table)
        con.execute("CREATE TEMP TABLE base AS " + base)
        sql = f"SELECT {', '.join(cols)} FROM base ORDER BY enterprise_id"
        return con.sql(sql.replace("{year}", str(int(year)))).to_arrow_table()
    finally:
        con.close()
