"""A policy's YAML test cases (like OpenFisca's): load them, turn them into snapshot tables.

    policy: above_scale_award
    cases:
      - name: 新评定规上，地方贡献增加30万元，奖励封顶10万元
        year: 2022
        enterprise: {is_manufacturing: true}
        figures:
          2021: {above_scale: false, local_contribution: 50万元}
          2022: {above_scale: true, local_contribution: 80万元}
        expect: {status: eligible, amount_yuan: 100000, cap_bound: true}

Money may be written with units (80万元); a figure left out is missing (null), never 0.
The enterprise was founded in the case's first figures year unless ``enterprise`` gives
``founded_on``: a year between that and the case's year without a row is unknown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from .errors import ExprError, PackError
from .expr import Neg, Num, parse
from .model import Case
from .vocab import VARIABLES
from .yamlpos import load_located, position

EXPECT_KEYS = {"status", "tier", "amount_yuan", "cap_bound", "explanation_zh_contains",
               "explanation_en_contains"}
CASE_KEYS = {"name", "policy", "year", "enterprise", "figures", "designations", "expect",
             "organisation", "cluster_awarded_before"}


def _value(raw: Any, var: str, file: str, line: int) -> Any:
    """A test value: money with units becomes exact integer 元."""
    if isinstance(raw, str) and VARIABLES.get(var) and VARIABLES[var].type == "number":
        try:
            node = parse(raw)
        except ExprError as exc:
            raise PackError(exc.message, file, line, 0, var) from None
        sign = -1 if isinstance(node, Neg) else 1
        node = node.operand if isinstance(node, Neg) else node
        if not isinstance(node, Num):
            raise PackError(f"{raw!r} is not a number", file, line, 0, var)
        return sign * (int(node.value) if node.value == node.value.to_integral_value()
                       else float(node.value))
    return raw


def load_cases(root: Path, policy_ids: set[str]) -> list[Case]:
    out: list[Case] = []
    for path in sorted((root / "tests").glob("*.yaml")):
        rel = f"tests/{path.name}"
        data = load_located(path.read_text(encoding="utf-8"), rel)
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise PackError("a test file is {policy: <id>, cases: [...]}", rel, 1, 1)
        default_policy = data.get("policy")
        for i, c in enumerate(data["cases"]):
            line = position(data["cases"], i)[0]
            kp = f"cases[{i}]"
            if not isinstance(c, dict):
                raise PackError("a case is a mapping", rel, line, 0, kp)
            for key in c:
                if key not in CASE_KEYS:
                    raise PackError(f"unknown key {key!r}", rel, position(c, key)[0], 0,
                                    f"{kp}.{key}")
            policy = c.get("policy", default_policy)
            if policy not in policy_ids:
                raise PackError(f"unknown policy {policy!r}", rel, line, 0, f"{kp}.policy")
            expect = c.get("expect") or {}
            for key in expect:
                if key not in EXPECT_KEYS:
                    raise PackError(f"unknown expectation {key!r}", rel,
                                    position(expect, key)[0], 0, f"{kp}.expect.{key}")
            figures = {}
            for year, row in (c.get("figures") or {}).items():
                for var in row:
                    if var not in VARIABLES or VARIABLES[var].source != "figures":
                        raise PackError(f"unknown figure {var!r}", rel,
                                        position(row, var)[0], 0, f"{kp}.figures.{year}.{var}")
                figures[int(year)] = {k: _value(v, k, rel, line) for k, v in row.items()}
            prior = c.get("cluster_awarded_before", 0)
            out.append(Case(str(c.get("name", f"case {i}")), policy, int(c["year"]),
                            dict(c.get("enterprise") or {}), figures,
                            tuple(dict(d) for d in c.get("designations") or ()), dict(expect),
                            rel, line, c.get("organisation"),
                            _value(prior, "revenue", rel, line) if prior else 0))
    return out


def case_tables(cases: list[Case]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Snapshot tables (docs/data-contract.md) holding one enterprise per case (id = index+1)."""
    ent: dict[str, list] = {k: [] for k in ("enterprise_id", "uscc", "name", "district",
                                            "industry_code", "ownership", "founded_on",
                                            "is_manufacturing",
                                            "is_listed", "cluster", "chains", "chain_leader")}
    fig: dict[str, list] = {"enterprise_id": [], "year": []}
    fig.update({v: [] for v in VARIABLES if VARIABLES[v].source == "figures"})
    des: dict[str, list] = {"enterprise_id": [], "code": [], "granted_on": [], "expires_on": [],
                            "product": []}
    for i, case in enumerate(cases, start=1):
        e = case.enterprise
        # Unless the case says otherwise, its enterprise was founded in its first year on
        # record, so the years a case lists are its whole known history.
        first = min(case.figures, default=case.year)
        defaults = {"enterprise_id": i, "uscc": "", "name": case.name, "district": "wujin",
                    "industry_code": "C3484", "ownership": "private",
                    "founded_on": f"{first}-01-01", "is_manufacturing": True,
                    "is_listed": False, "cluster": None, "chains": [], "chain_leader": []}
        for key in ent:
            ent[key].append(e.get(key, defaults[key]) if key != "enterprise_id" else i)
        for year, row in sorted(case.figures.items()):
            fig["enterprise_id"].append(i)
            fig["year"].append(year)
            for v in fig:
                if v not in ("enterprise_id", "year"):
                    fig[v].append(row.get(v))
        for d in case.designations:
            des["enterprise_id"].append(i)
            des["code"].append(d["code"])
            des["granted_on"].append(date.fromisoformat(str(d["granted_on"])))
            exp = d.get("expires_on")
            des["expires_on"].append(date.fromisoformat(str(exp)) if exp else None)
            des["product"].append(d.get("product"))
    fig_schema = {"enterprise_id": pa.int64(), "year": pa.int16()}
    for v in fig:
        if v in VARIABLES:
            kind = VARIABLES[v].kind
            fig_schema[v] = {"money": pa.int64(), "count": pa.int32(), "float": pa.float64(),
                             "bool": pa.bool_()}[kind]
    figures = pa.table({k: pa.array(vals, type=fig_schema[k]) for k, vals in fig.items()})
    enterprises = pa.table({
        **{k: pa.array(v) for k, v in ent.items() if k not in ("chains", "chain_leader",
                                                               "cluster", "enterprise_id",
                                                               "founded_on")},
        "enterprise_id": pa.array(ent["enterprise_id"], pa.int64()),
        "founded_on": pa.array([date.fromisoformat(str(d)) for d in ent["founded_on"]],
                               pa.date32()),
        "cluster": pa.array(ent["cluster"], pa.string()),
        "chains": pa.array(ent["chains"], pa.list_(pa.string())),
        "chain_leader": pa.array(ent["chain_leader"], pa.list_(pa.string())),
    })
    designations = pa.table({
        "enterprise_id": pa.array(des["enterprise_id"], pa.int64()),
        "code": pa.array(des["code"], pa.string()),
        "granted_on": pa.array(des["granted_on"], pa.date32()),
        "expires_on": pa.array(des["expires_on"], pa.date32()),
        "product": pa.array(des["product"], pa.string()),
    })
    return enterprises, figures, designations
