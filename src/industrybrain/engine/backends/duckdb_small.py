"""The small-input path of the DuckDB backend: one enterprise (the web calculator, explain_one)
in ~15 ms instead of ~250 ms.

Why a separate path: for a snapshot of one enterprise almost all the time of a plain run is
DuckDB parsing, binding and optimising the ~110 KB compiled SQL, on every call. A SQL
``PREPARE`` keeps the optimised plan only when it reads no catalog table and no registered
view (DuckDB re-plans those on every ``EXECUTE`` so that it sees new rows): so the prepared
statement reads its inputs through Python replacement scans of :class:`_Input` holders,
which hand DuckDB whatever Arrow table they hold when the statement *runs*. Swapping the
table in the holder swaps the input; the plan stays. The SQL is the plan's own text, with
``base`` as a materialised CTE instead of a temp table, so results are the same bytes.

Thread safety: DuckDB prepared statements belong to one connection, and a connection must not
be used from two threads at once; each thread has its own connections and holders
(``threading.local``), one per (plan, year, explain, near_miss), a few per thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import duckdb
import pyarrow as pa

from ..compile import Plan
from ..contract import CONTRACT

# Inputs up to this many enterprises (or organisations) take this path; above it a plain run
# is as fast, since binding is then a small part of the work (and it scans Arrow zero-copy
# on all cores).
SMALL_ROWS = 64
# Prepared plans kept per thread (each is one connection, a few MB).
_PER_THREAD = 8
_INPUTS = ("enterprises", "figures", "designations", "organisations")

_local = threading.local()


class _Input:
    """An Arrow-stream holder that DuckDB reads at execution time (PyCapsule interface)."""

    def __init__(self, name: str):
        self.table = pa.schema(CONTRACT[name]).empty_table()

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


class _Prepared:
    def __init__(self, sql: str, names: tuple[str, ...]):
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET enable_progress_bar = false")
        # One enterprise is one row: worker threads would only add hand-over cost.
        self.con.execute("SET threads = 1")
        self.names = names
        self.inputs = {n: _Input(n) for n in _INPUTS}
        ctes = ", ".join(f"{n} AS (SELECT * FROM ib_in_{n})" for n in names)
        self._call(f"PREPARE q AS WITH {ctes}, {sql}")

    def _call(self, statement: str) -> pa.Table | None:
        # DuckDB resolves the ib_in_* names in this frame's locals, when it prepares and
        # again if it ever has to re-plan: both happen here, so they always find the holders.
        ib_in_enterprises = self.inputs["enterprises"]  # noqa: F841
        ib_in_figures = self.inputs["figures"]  # noqa: F841
        ib_in_designations = self.inputs["designations"]  # noqa: F841
        ib_in_organisations = self.inputs["organisations"]  # noqa: F841
        if statement.startswith("PREPARE"):
            self.con.execute(statement)
            return None
        return self.con.sql(statement).to_arrow_table()

    def run(self, tables: dict[str, pa.Table]) -> pa.Table:
        try:
            for name, table in tables.items():
                self.inputs[name].table = table
            return self._call("EXECUTE q")
        finally:
            # Do not keep the caller's tables alive between calls.
            for name in tables:
                self.inputs[name].table = pa.schema(CONTRACT[name]).empty_table()


def is_small(tables: dict[str, pa.Table]) -> bool:
    main = tables.get("enterprises", tables.get("organisations"))
    return (main is not None and main.num_rows <= SMALL_ROWS
            and set(tables) <= set(_INPUTS)
            and all(t.schema == pa.schema(CONTRACT[n]) for n, t in tables.items()))


def run_small(plan: Plan, year: int, tables: dict[str, pa.Table], explain: str,
              near_miss: float, final_sql, data_since: int | None = None,
              variant: object = None) -> pa.Table:
    """Run ``plan`` through a per-thread prepared statement; ``final_sql(plan, year,
    explain, near_miss)`` is the result query of the plain run (reading ``base``);
    ``variant`` tells apart final queries that differ otherwise (which policies get words)."""
    cache: OrderedDict | None = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = OrderedDict()
    names = tuple(sorted(tables))
    key = (plan, year, explain, near_miss, names, data_since, variant)
    prepared = cache.get(key)
    if prepared is None:
        sql = (f"base AS MATERIALIZED ({plan.fill(plan.base(explain), year, data_since=data_since)}) "
               f"{final_sql(plan, year, explain, near_miss)}")
        prepared = cache[key] = _Prepared(sql, names)
        while len(cache) > _PER_THREAD:
            _, old = cache.popitem(last=False)
            old.con.close()
    else:
        cache.move_to_end(key)
    return prepared.run(tables)
