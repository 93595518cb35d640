"""Awards to organisations that are not enterprises (``entity: organisation``), and caps
across them (``group_cap``): a national cluster's promotion body and its public-service
platform projects share "单个集群累计奖励最高可2000万元".

Input: ``organisations`` (org_id, name, kind, cluster, national_cluster_on, reviewed; see
docs/policy-packs.md) and optionally ``prior_awards`` (cluster, amount_yuan: what each
cluster's organisations were paid in earlier years, from the award ledger).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyarrow as pa

from .contract import conform
from .evaluate import _backend, plan_for
from .model import Pack
from .vocab import format_money


def evaluate_organisations(pack: Pack, year: int, organisations: Any,
                           prior_awards: Any = None, explain: str = "all",
                           backend: str = "duckdb") -> pa.Table:
    """One row per organisation x organisation policy in force in ``year``; the same
    columns as :func:`~industrybrain.engine.evaluate` with ``org_id`` for ``enterprise_id``.

    Group caps are applied after the rules, in a fixed order (policy order in the pack, then
    org_id), so that re-running gives the same cuts.
    """
    plan = plan_for(pack, year, backend, entity="organisation")
    orgs = conform(organisations, "organisations")
    result = _backend(backend).run(plan, year, {"organisations": orgs}, explain=explain)
    rows = result.to_pylist()
    rows = _apply_group_caps(pack, rows, _prior(prior_awards))
    table = pa.Table.from_pylist(rows, schema=result.schema) if rows else result
    return table.rename_columns(["org_id", *table.column_names[1:]])


def _prior(prior_awards: Any) -> dict[str, int]:
    if prior_awards is None:
        return {}
    table = prior_awards if isinstance(prior_awards, pa.Table) else pa.table(prior_awards)
    totals: dict[str, int] = defaultdict(int)
    for row in table.to_pylist():
        totals[row["cluster"]] += int(row["amount_yuan"])
    return totals


def _apply_group_caps(pack: Pack, rows: list[dict], prior: dict[str, int]) -> list[dict]:
    # Within a pool, lower group_cap.priority is paid first, then lower org_id.
    order = {p.id: (p.group_cap or {}).get("priority", 100) for p in pack.policies}
    caps = {p.id: p.group_cap for p in pack.policies if p.group_cap}
    clusters = {}
    for row in rows:
        # The cluster is one of the rule's inputs; the JSON holds it when the rule reads it.
        clusters[id(row)] = json.loads(row["inputs"]).get("cluster") if row["inputs"] else None
    used: dict[tuple, int] = defaultdict(int)
    for row in sorted(rows, key=lambda r: (order[r["policy_id"]], r["enterprise_id"])):
        cap = caps.get(row["policy_id"])
        if cap is None or row["status"] != "eligible" or not row["amount_yuan"]:
            continue
        group = clusters[id(row)]
        if group is None:
            continue
        pool = (cap["by"], cap["cap_yuan"], group)
        before = prior.get(group, 0) + used[pool]
        room = max(cap["cap_yuan"] - before, 0)
        if row["amount_yuan"] > room:
            cut = row["amount_yuan"]
            row["amount_yuan"] = room
            row["cap_bound"] = True
            note_zh = (f"受单个集群累计上限 {format_money(cap['cap_yuan'])} 约束：此前累计 "
                       f"{format_money(before)}，由 {format_money(cut)} 核减为 "
                       f"{format_money(room)}。")
            note_en = (f"Bound by the cluster's cumulative cap of "
                       f"{format_money(cap['cap_yuan'], 'en')}: {format_money(before, 'en')} "
                       f"already awarded, cut from {format_money(cut, 'en')} to "
                       f"{format_money(room, 'en')}. ")
            if row["explanation_zh"] is not None:
                row["explanation_zh"] = note_zh + row["explanation_zh"]
                row["explanation_en"] = note_en + row["explanation_en"]
        used[pool] += row["amount_yuan"]
    return rows
