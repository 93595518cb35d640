"""Awards to organisations that are not enterprises (``entity: organisation``), and caps
across them (``group_cap``): a national cluster's promotion body and its public-service
platform projects share "单个集群累计奖励最高可2000万元".

Input: ``organisations`` (org_id, name, kind, cluster, national_cluster_on, reviewed; see
docs/policy-packs.md) and optionally ``prior_awards`` (cluster, amount_yuan: what each
cluster's organisations were paid in earlier years, from the award ledger).
"""

from __future__ import annotations

import re
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
    cluster_of = dict(zip(orgs["org_id"].to_pylist(), orgs["cluster"].to_pylist(), strict=True))
    rows = _apply_group_caps(pack, rows, _prior(prior_awards), cluster_of)
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


def _apply_group_caps(pack: Pack, rows: list[dict], prior: dict[str, int],
                      cluster_of: dict[int, str | None]) -> list[dict]:
    # Within a pool, lower group_cap.priority is paid first, then lower org_id.
    order = {p.id: (p.group_cap or {}).get("priority", 100) for p in pack.policies}
    caps = {p.id: p.group_cap for p in pack.policies if p.group_cap}
    used: dict[tuple, int] = defaultdict(int)
    for row in sorted(rows, key=lambda r: (order[r["policy_id"]], r["enterprise_id"])):
        cap = caps.get(row["policy_id"])
        if cap is None or row["status"] != "eligible" or not row["amount_yuan"]:
            continue
        # From the organisations themselves: the inputs JSON is absent with explain="none"
        # or "relevant", and the cap must bind whatever is explained.
        group = cluster_of.get(row["enterprise_id"])
        if group is None:
            continue
        pool = (cap["by"], cap["cap_yuan"], group)
        before = prior.get(group, 0) + used[pool]
        room = max(cap["cap_yuan"] - before, 0)
        if row["amount_yuan"] > room:
            cut = row["amount_yuan"]
            row["amount_yuan"] = room
            row["cap_bound"] = True  # the cluster's cap bound it (the note below names it)
            if row["explanation_zh"] is not None:
                for lang, key in (("zh", "explanation_zh"), ("en", "explanation_en")):
                    row[key] = _cut_note(lang, cap["cap_yuan"], before, cut, room) + \
                        _restate_award(row[key], lang, cap["cap_yuan"], cut, room)
        used[pool] += row["amount_yuan"]
    return rows


def _cut_note(lang: str, cap: int, before: int, cut: int, paid: int) -> str:
    """The sentence the explanation starts with when the cluster's cap cut an award."""
    m = lambda y: format_money(y, lang)  # noqa: E731
    if lang == "zh":
        return (f"受单个集群累计上限 {m(cap)} 约束：此前累计 {m(before)}，"
                f"由 {m(cut)} 核减为 {m(paid)}。")
    return (f"Bound by the cluster's cumulative cap of {m(cap)}: {m(before)} already "
            f"awarded, cut from {m(cut)} to {m(paid)}. ")


# The award clause explain.py writes for an eligible row with tiers: "」，奖励 X（上限 Y）。" or
# "（计算值 R，受上限 Y 约束）"; in English "\u201d, award X (cap Y). " or "(computed R, bound
# by the cap of Y)". The rules ran before the cluster's cap, so X there is the uncut amount.
_AWARD = {"zh": re.compile(r"」，奖励 [^（]*（([^）]*)）。"),
          "en": re.compile(r"\u201d, award [^(]* \(([^)]*)\)\. ")}


def _restate_award(text: str, lang: str, cap: int, cut: int, paid: int) -> str:
    """``text`` with its award clause saying the amount paid, that the cluster's cumulative
    cap bound it, and the amount before the cut; the rule's own cap is kept after it."""
    m = lambda y: format_money(y, lang)  # noqa: E731

    def clause(match: re.Match) -> str:
        rule_cap = match.group(1)
        if lang == "zh":
            return (f"」，奖励 {m(paid)}（受单个集群累计上限 {m(cap)} 约束，核减前 {m(cut)}；"
                    f"{rule_cap}）。")
        return (f"\u201d, award {m(paid)} (bound by the cluster's cumulative cap of {m(cap)}, "
                f"{m(cut)} before the cut; {rule_cap}). ")
    # The clause is written once per explanation; if explain.py ever changes its wording
    # this fails loudly rather than leave the uncut amount in place as the award.
    new, n = _AWARD[lang].subn(clause, text, count=1)
    if n != 1:
        raise AssertionError(f"award clause not found in explanation: {text!r}")
    return new
