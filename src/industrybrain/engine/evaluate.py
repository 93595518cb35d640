"""Evaluate a pack over a snapshot: pack + Arrow tables in, one row per enterprise x policy out.

Result columns (documented in docs/policy-packs.md): enterprise_id, policy_id, year,
status (eligible / not_eligible / insufficient_data), tier, amount_yuan (exact integer 元),
cap_bound, explanation_zh, explanation_en, inputs (JSON of the values used).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from .backends import duckdb as duckdb_backend
from .compile import Plan, compile_pack
from .contract import conform
from .model import Pack

BACKENDS = ("duckdb", "spark")


def _backend(name: str):
    """The backend module; Spark's is imported only when asked for (it needs pyspark)."""
    if name == "duckdb":
        return duckdb_backend
    if name == "spark":
        from .backends import spark

        return spark
    raise ValueError(f"unknown backend {name!r}; available: {', '.join(BACKENDS)}")


def plan_for(pack: Pack, year: int, backend: str = "duckdb",
             entity: str = "enterprise") -> Plan:
    """The compiled plan for the policies in force in ``year`` (compiled once, then cached)."""
    key = (backend, entity, tuple(p.id for p in pack.policies if p.in_force(year)))
    plan = pack._compiled.get(key)
    if plan is None:
        module = _backend(backend)
        dialect = (module.DuckDBDialect() if backend == "duckdb"
                   else module.SparkDialect())
        plan = compile_pack(pack, dialect, year, entity)
        pack._compiled[key] = plan
    return plan


def evaluate(pack: Pack, year: int, enterprises: Any, figures: Any, designations: Any,
             *, explain: str = "relevant", near_miss: float = 0.2,
             backend: str = "duckdb") -> pa.Table:
    """Evaluate every enterprise-level policy of ``pack`` in force in ``year``.

    Returns one row per enterprise and evaluated policy. A missing input is never read as
    zero: a rule that needs it gives ``insufficient_data``.

    ``explain`` says which rows carry explanation_zh/explanation_en/inputs: ``"relevant"``
    (default) those eligible, with insufficient data, or a near miss — within ``near_miss``
    (a share of the threshold, 0.2 = 20%) of a tier; ``"all"`` every row; ``"none"`` no row.

    ``backend`` is ``"duckdb"`` (embedded, the default) or ``"spark"`` (PySpark; see
    :mod:`.backends.spark`): the same compiled plan, the same table, row for row.
    Rows are sorted by enterprise_id, then policy_id.
    """
    plan = plan_for(pack, year, backend)
    tables = {"enterprises": conform(enterprises, "enterprises"),
              "figures": conform(figures, "figures"),
              "designations": conform(designations, "designations")}
    return _backend(backend).run(plan, year, tables, explain=explain, near_miss=near_miss)


def explain_one(pack: Pack, year: int, tables: tuple[Any, Any, Any],
                enterprise_id: int) -> list[dict[str, Any]]:
    """Every policy's result for one enterprise, as dicts (inputs decoded from JSON)."""
    import pyarrow.compute as pc

    enterprises, figures, designations = (
        conform(t, k) for t, k in zip(tables, ("enterprises", "figures", "designations"),
                                      strict=True))
    keep = lambda t: t.filter(pc.equal(t["enterprise_id"], enterprise_id))  # noqa: E731
    result = evaluate(pack, year, keep(enterprises), keep(figures), keep(designations),
                      explain="all")
    rows = result.to_pylist()
    for row in rows:
        row["inputs"] = json.loads(row["inputs"]) if row["inputs"] else {}
    return rows
