"""The wide backend: decide first, explain later.

A run without words (``evaluate(..., explain="none", backend="wide")``) needs only each
enterprise's status, tier, amount and cap flag per policy. Held wide, one row per enterprise
and one numpy column per variable and year (:mod:`.columns`), the history functions are
column expressions with no self-join and no sort, and each policy's rule is a few dozen
vectorised numpy operations (:mod:`.rules`) with the SQL path's three-valued logic and
rounding (:mod:`.logic`). Same decisions as the DuckDB backend, enterprise by enterprise
(engine/tests/test_wide.py).

:func:`decide` gives the narrow table (integer policy index, dictionary-encoded status and
tier); :func:`run` the DuckDB backend's columns and order, with null explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..check import Usage
from ..compile import STATUSES, folded, policy_usage
from ..model import Pack
from .columns import Wide, pivot
from .rules import ELIGIBLE, PENDING, Ctx, Decision, Rule

__all__ = ["WidePlan", "columns_read", "compile_pack", "decide", "decisions",
           "decisions_table", "pivot", "run"]
INVALID = STATUSES.index("invalid_data")


@dataclass(frozen=True)
class WidePlan:
    """The pack's policies in force in a year, compiled; policies sorted by id (the order
    of the result rows within an enterprise)."""

    rules: tuple[Rule, ...]
    usage: Usage

    @property
    def policy_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)


def compile_pack(pack: Pack, year: int | None = None) -> WidePlan:
    policies = sorted((p for p in pack.policies if p.entity == "enterprise" and p.has_rule
                       and (year is None or p.in_force(year))), key=lambda p: p.id)
    usage = Usage()
    for p in policies:
        u = policy_usage(pack, folded(pack, p))
        for v in u.variables:
            usage.add(usage.variables, v)
        for h in u.history:
            usage.add(usage.history, h)
        for code in u.codes:
            usage.add(usage.codes, code)
    return WidePlan(tuple(Rule(pack, p) for p in policies), usage)


def columns_read(plan: WidePlan) -> dict[str, list[str]]:
    """The input columns the plan reads, per table (keys included): what to read from
    Parquet. (The input check then sees only these: a bad value in a column no policy
    reads does not make its enterprise invalid_data, as it does when every column is
    handed over.)"""
    from ..vocab import VARIABLES

    used = set(plan.usage.variables) | {v for _, v in plan.usage.history}
    ent = ["enterprise_id"] + sorted(v for v in used if VARIABLES[v].source == "enterprises")
    if "age_years" in used or any(f in ("first_time_exceeds", "first_time", "has_history")
                                  for f, _ in plan.usage.history):
        ent.append("founded_on")
    ent += [c for v, c in (("is_chain_leader", "chain_leader"), ("in_chain", "chains"))
            if v in used]
    fig = ["enterprise_id", "year"] + sorted(v for v in used
                                             if VARIABLES[v].source == "figures")
    return {"enterprises": ent, "figures": fig,
            "designations": ["enterprise_id", "code", "granted_on", "expires_on"]}


def decisions(pack: Pack, year: int, enterprises, figures, designations, *,
              data_since: int | None = None, near_miss: float = 0.2,
              order: str = "policy") -> pa.Table:
    """The narrow result of a whole city (see :func:`decisions_table`), inputs checked as
    by ``evaluate``: an enterprise with a bad value gets invalid_data for every policy."""
    from ..evaluate import checked_inputs, plan_for

    year, tables, bad = checked_inputs(pack, year, enterprises, figures, designations)
    plan = plan_for(pack, year, "wide")
    wide, found = decide(plan, year, tables, data_since, near_miss)
    return decisions_table(plan, wide, found, order,
                           invalid=np.fromiter(bad, np.int64, len(bad)) if bad else None)


def decide(plan: WidePlan, year: int, tables: dict[str, pa.Table],
           data_since: int | None = None, near_miss: float = 0.2,
           wide: Wide | None = None) -> tuple[Wide, list[Decision]]:
    """Every policy's decisions over the wide columns (pivoted here unless given)."""
    if wide is None:
        wide = pivot(tables, plan.usage, year, data_since)
    ctx = Ctx(wide)
    with np.errstate(all="ignore"):  # values under unknowns may be anything (x/0, ...)
        return wide, [rule.decide(ctx, near_miss) for rule in plan.rules]


def _tier_dictionary(plan: WidePlan) -> tuple[list[str], list[np.ndarray]]:
    """One dictionary of tier texts for the whole pack, and per rule the map from its tier
    index to the dictionary's."""
    names: list[str] = []
    maps = []
    for rule in plan.rules:
        local = rule.tier_names or ()
        start = len(names)
        names += local
        maps.append(np.arange(start, start + len(local), dtype=np.int32))
    return names, maps


def _shown(d: Decision) -> tuple[np.ndarray, np.ndarray]:
    """Where the result gives a tier (eligible or pending) and an amount (eligible)."""
    eligible = d.status == ELIGIBLE
    return eligible | (d.status == PENDING), eligible


def decisions_table(plan: WidePlan, wide: Wide, decisions: list[Decision],
                    order: str = "policy", invalid: np.ndarray | None = None) -> pa.Table:
    """The narrow result: enterprise_id, policy (dictionary of policy ids), status and tier
    (dictionaries), amount_yuan, cap_bound, near_miss. ``order`` "policy": policy by policy,
    each in enterprise order (no sort at all); "enterprise": enterprise by enterprise,
    policies by id (the DuckDB backend's order). ``invalid``: ids of enterprises whose
    input has a defect (status invalid_data, nothing else)."""
    p, n = len(plan.rules), wide.n
    names, maps = _tier_dictionary(plan)
    has_amount = np.array([bool(r.whens) for r in plan.rules])
    status = np.stack([d.status for d in decisions]) if p else np.zeros((0, n), np.int8)
    tier = np.full((p, n), -1, np.int32)
    amount = np.zeros((p, n), np.int64)
    amount_valid = np.zeros((p, n), bool)
    bound = np.zeros((p, n), bool)
    bound_valid = np.zeros((p, n), bool)
    near = np.zeros((p, n), bool)
    for i, d in enumerate(decisions):
        tiered, eligible = _shown(d)
        if len(maps[i]):
            t = np.where(tiered & (d.tier >= 0), d.tier, -1)
            tier[i] = np.where(t >= 0, maps[i][np.maximum(t, 0)], -1)
        amount[i] = d.amount
        amount_valid[i] = eligible & has_amount[i]
        bound[i] = d.cap_bound & eligible
        bound_valid[i] = eligible
        near[i] = d.near
    if invalid is not None and len(invalid):
        rows = np.searchsorted(wide.ids, invalid)
        rows = rows[(rows < n) & (wide.ids[np.minimum(rows, n - 1)] == invalid)]
        status[:, rows] = INVALID
        tier[:, rows] = -1
        for a in (amount_valid, bound_valid, bound, near):
            a[:, rows] = False
    if order == "enterprise":
        arrange = lambda a: np.ascontiguousarray(a.T).reshape(-1)  # noqa: E731
        ids = np.repeat(wide.ids, p)
        policy = np.tile(np.arange(p, dtype=np.int8 if p < 128 else np.int16), n)
    elif order == "policy":
        arrange = lambda a: a.reshape(-1)  # noqa: E731
        ids = np.tile(wide.ids, p)
        policy = np.repeat(np.arange(p, dtype=np.int8 if p < 128 else np.int16), n)
    else:
        raise ValueError("order is 'policy' or 'enterprise'")
    tier_flat = arrange(tier)
    return pa.table({
        "enterprise_id": pa.array(ids, pa.int64()),
        "policy_id": pa.DictionaryArray.from_arrays(policy, pa.array(plan.policy_ids)),
        "status": pa.DictionaryArray.from_arrays(arrange(status),
                                                 pa.array(STATUSES, pa.string())),
        "tier": pa.DictionaryArray.from_arrays(
            pa.array(tier_flat, pa.int32(), mask=tier_flat < 0), pa.array(names, pa.string())),
        "amount_yuan": pa.array(arrange(amount), pa.int64(), mask=~arrange(amount_valid)),
        "cap_bound": pa.array(arrange(bound), pa.bool_(), mask=~arrange(bound_valid)),
        "near_miss": pa.array(arrange(near), pa.bool_()),
    })


def run(plan: WidePlan, year: int, tables: dict[str, pa.Table], explain: str = "none",
        near_miss: float = 0.2, data_since: int | None = None,
        worded: frozenset[str] | None = None, **_ignored) -> pa.Table:
    """The DuckDB backend's result (``backends.duckdb.RESULT_SCHEMA``, rows by enterprise id
    then policy id) with null explanations: the wide backend decides, it does not explain."""
    from ..backends.duckdb import RESULT_SCHEMA

    if explain != "none":
        raise ValueError("the wide backend decides without words: use explain='none' "
                         "(or the duckdb backend for explanations)")
    if not plan.rules:
        return RESULT_SCHEMA.empty_table()
    wide, decisions = decide(plan, year, tables, data_since, near_miss)
    narrow = decisions_table(plan, wide, decisions, order="enterprise")
    rows = narrow.num_rows
    nothing = pa.nulls(rows, pa.string())
    return pa.table({
        "enterprise_id": narrow["enterprise_id"],
        "policy_id": narrow["policy_id"].cast(pa.string()),
        "year": pa.array(np.full(rows, year, np.int16)),
        "status": narrow["status"].cast(pa.string()),
        "tier": narrow["tier"].cast(pa.string()),
        "amount_yuan": narrow["amount_yuan"],
        "cap_bound": narrow["cap_bound"],
        "explanation_zh": nothing,
        "explanation_en": nothing,
        "inputs": nothing,
    }, schema=RESULT_SCHEMA)
