"""Hand-written enterprises for regression tests: a few firms as the three contract tables.

    firm(1, founded=2010, figures={2021: {"revenue": 95 * YI}, 2022: {...}})

Figures not given are missing (null); ``founded=None`` leaves the founding date unknown.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from industrybrain.engine.contract import CONTRACT

YI, WAN = 10**8, 10**4
# Complete score inputs for 登峰 at 100亿元+ revenue: every score at its benchmark.
FULL_SCORE = {"rd_spending": 4 * YI, "energy_tce": 1000.0, "local_contribution": 4 * YI}


def firm(eid: int, founded: int | None = 2010, figures: dict | None = None,
         designations: list | None = None, **columns) -> dict:
    return {"enterprise_id": eid, "founded": founded, "figures": figures or {},
            "designations": designations or [], "columns": columns}


def tables(*firms: dict, raw: bool = False):
    """The three tables; ``raw`` gives dicts of Python lists (values as written, for
    malformed input), else Arrow tables in the contract's types."""
    ent = {k: [] for k in CONTRACT["enterprises"]}
    fig = {k: [] for k in CONTRACT["figures"]}
    des = {k: [] for k in CONTRACT["designations"]}
    for f in firms:
        row = {"enterprise_id": f["enterprise_id"], "uscc": "", "name": f"企业{f['enterprise_id']}",
               "district": "wujin", "industry_code": "C3484", "ownership": "private",
               "founded_on": date(f["founded"], 1, 1) if f["founded"] else None,
               "is_manufacturing": True, "is_listed": False, "cluster": None, "chains": [],
               "chain_leader": [], **f["columns"]}
        for k in ent:
            ent[k].append(row[k])
        for year, values in f["figures"].items():
            for k in fig:
                fig[k].append({"enterprise_id": f["enterprise_id"], "year": year,
                               **values}.get(k))
        for d in f["designations"]:
            for k in des:
                des[k].append({"enterprise_id": f["enterprise_id"], "expires_on": None,
                               "product": None, **d}.get(k))
    if raw:
        return ent, fig, des
    return tuple(pa.table({k: pa.array(v, CONTRACT[kind][k]) for k, v in cols.items()})
                 for kind, cols in (("enterprises", ent), ("figures", fig),
                                    ("designations", des)))


def rows(result: pa.Table, policy: str) -> dict[int, dict]:
    """The result rows of one policy by enterprise id."""
    return {r["enterprise_id"]: r for r in result.to_pylist() if r["policy_id"] == policy}
