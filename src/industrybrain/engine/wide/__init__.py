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
from ..compile import STATUSES, folded, pack_usage
from ..model import Pack
from .columns import Wide, pivot
from .rules import ELIGIBLE, INSUFFICIENT, PENDING, Ctx, Decision, Rule

__all__ = ["WidePlan", "columns_read", "compile_pack", "decide", "decisions",
           "decisions_table", "pivot", "read_rows", "run"]
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
    usage = pack_usage(pack, [folded(pack, p) for p in policies])
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


def _tier_dictionary(plan: WidePlan, decisions: list[Decision]
                     ) -> tuple[list[str], list[np.ndarray]]:
    """One dictionary of tier texts for the whole pack, and per rule the map from its tier
    index to the dictionary's."""
    names: list[str] = []
    maps = []
    for rule, d in zip(plan.rules, decisions, strict=True):
        local = rule.tier_names
        if local is None:  # 'all' over many tiers: only the combinations that occur
            local = [""] * (int(d.tier.max(initial=-1)) + 1)
            for code in np.unique(d.tier[d.tier >= 0]):
                local[code] = "+".join(t for j, t in enumerate(rule.tier_ids)
                                       if (int(code) + 1) >> j & 1)
        maps.append(np.arange(len(names), len(names) + len(local), dtype=np.int16))
        names += local
    return names, maps


@dataclass
class _Part:
    """One policy's columns for the narrow table, as numpy (masks: True = null)."""

    status: np.ndarray
    tier: np.ndarray
    tier_null: np.ndarray
    amount: np.ndarray | None
    amount_null: np.ndarray
    bound: np.ndarray
    near: np.ndarray


def _parts(plan: WidePlan, wide: Wide, decisions: list[Decision],
           invalid: np.ndarray | None):
    names, maps = _tier_dictionary(plan, decisions)
    n = wide.n
    bad = None
    if invalid is not None and len(invalid) and n:
        rows = np.searchsorted(wide.ids, invalid)
        bad = rows[(rows < n) & (wide.ids[np.minimum(rows, n - 1)] == invalid)]
    parts = []
    for rule, d, tiers in zip(plan.rules, decisions, maps, strict=True):
        status = d.status
        if bad is not None and len(bad):
            status = status.copy()
            status[bad] = INVALID
        eligible = status == ELIGIBLE
        tiered = eligible | (status == PENDING)
        tier_null = ~tiered | (d.tier < 0)
        tier = tiers[np.maximum(d.tier, 0)] if len(tiers) else np.zeros(n, np.int16)
        near = d.near
        if bad is not None and len(bad):
            near = near.copy()
            near[bad] = False
        parts.append(_Part(status, tier, tier_null, d.amount if rule.whens else None,
                           ~eligible, d.cap_bound & eligible, near))
    return names, parts


def read_rows(plan: WidePlan, wide: Wide, decisions: list[Decision],
              policies: set[str] | None = None) -> np.ndarray:
    """Per policy (of ``policies``, default all), whether each enterprise's row is one a run
    stores or messages and a reviewer reads: eligible with an amount above zero, unpriced
    (amount pending, insufficient data) or a near miss; shape (policies, enterprises), in
    ``plan.policy_ids`` order, straight from the decisions (no narrow table, no text). An
    enterprise with invalid data is not left out here: its caller knows them."""
    out = np.zeros((len(plan.rules), wide.n), bool)
    for i, (rule, d) in enumerate(zip(plan.rules, decisions, strict=True)):
        if policies is not None and rule.id not in policies:
            continue
        row = out[i]
        np.logical_or(d.status == PENDING, d.status == INSUFFICIENT, out=row)
        row |= d.near
        if rule.whens:
            row |= (d.status == ELIGIBLE) & (d.amount > 0)
    return out


def decisions_table(plan: WidePlan, wide: Wide, decisions: list[Decision],
                    order: str = "policy", invalid: np.ndarray | None = None) -> pa.Table:
    """The narrow result: enterprise_id, policy_id, status and tier (dictionaries),
    amount_yuan, cap_bound, near_miss. ``order`` "policy": one record batch per policy, each
    in enterprise order, sharing one enterprise_id column (no sort, next to no copying);
    "enterprise": enterprise by enterprise, policies by id (the DuckDB backend's order).
    ``invalid``: ids of enterprises whose input has a defect (status invalid_data only)."""
    if order not in ("policy", "enterprise"):
        raise ValueError("order is 'policy' or 'enterprise'")
    n, p = wide.n, len(plan.rules)
    names, parts = _parts(plan, wide, decisions, invalid)
    dictionaries = (pa.array(plan.policy_ids, pa.string()), pa.array(STATUSES, pa.string()),
                    pa.array(names, pa.string()))
    index = np.int8 if p < 128 else np.int16
    if order == "policy":
        ids = pa.array(wide.ids, pa.int64())
        no_amount = pa.nulls(n, pa.int64())
        batches = [_batch(ids, np.full(n, i, index), part.status, part.tier, part.tier_null,
                          part.amount, part.amount_null, part.bound, part.amount_null,
                          part.near, dictionaries, no_amount)
                   for i, part in enumerate(parts)]
        return pa.Table.from_batches(batches, schema=_schema(p))

    def flat(get, dtype) -> np.ndarray:
        out = np.empty((n, p), dtype)
        for i, part in enumerate(parts):
            out[:, i] = get(part)
        return out.reshape(-1)
    amount = flat(lambda x: 0 if x.amount is None else x.amount, np.int64)
    return pa.Table.from_batches([_batch(
        pa.array(np.repeat(wide.ids, p), pa.int64()), np.tile(np.arange(p, dtype=index), n),
        flat(lambda x: x.status, np.int8), flat(lambda x: x.tier, np.int16),
        flat(lambda x: x.tier_null, bool), amount,
        flat(lambda x: x.amount_null | (x.amount is None), bool), flat(lambda x: x.bound, bool),
        flat(lambda x: x.amount_null, bool), flat(lambda x: x.near, bool), dictionaries, None)],
        schema=_schema(p))


def _schema(policies: int) -> pa.Schema:
    return pa.schema([
        ("enterprise_id", pa.int64()),
        ("policy_id", pa.dictionary(pa.int8() if policies < 128 else pa.int16(), pa.string())),
        ("status", pa.dictionary(pa.int8(), pa.string())),
        ("tier", pa.dictionary(pa.int16(), pa.string())),
        ("amount_yuan", pa.int64()), ("cap_bound", pa.bool_()), ("near_miss", pa.bool_())])


def _batch(ids, policy, status, tier, tier_null, amount, amount_null, bound, bound_null,
           near, dictionaries, no_amount) -> pa.RecordBatch:
    policies, statuses, tiers = dictionaries
    return pa.record_batch([
        ids,
        pa.DictionaryArray.from_arrays(pa.array(policy), policies),
        pa.DictionaryArray.from_arrays(pa.array(status), statuses),
        pa.DictionaryArray.from_arrays(pa.array(tier, pa.int16(), mask=tier_null), tiers),
        no_amount if amount is None else pa.array(amount, pa.int64(), mask=amount_null),
        pa.array(bound, pa.bool_(), mask=bound_null),
        pa.array(near, pa.bool_()),
    ], schema=_schema(len(policies)))


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
