"""The input contract for a snapshot of a few enterprises, checked in plain Python on its rows:
:func:`..inputs.check`'s Arrow compute costs ~6 ms for one enterprise, three times the whole
interpretation, and almost all of it is fixed cost per column.

Only the usual case takes this path: Arrow tables already in the contract's types (what
``policies.snapshot`` hands over). It finds the same per-enterprise defects, in the same
order, and sets the same values to null; for a defect of the whole input (a missing or
duplicate key, a year outside 1949–2100, an unknown designation code) it steps aside, and
the Arrow check raises its precise error.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pyarrow as pa

from ..contract import CONTRACT
from ..inputs import RANGES, YEARS, Defect, _show
from ..vocab import designations

# Above this many enterprises the Arrow check is as fast (its cost is per column, not row).
SMALL = 64
_SCHEMAS = {kind: pa.schema(CONTRACT[kind]) for kind in ("enterprises", "figures",
                                                         "designations")}


def _value_checks() -> list[tuple[str, bool, float, float]]:
    """(column, floating, lo, hi) of the figures the check reads, in the contract's order."""
    out = []
    for name, typ in CONTRACT["figures"].items():
        if name in ("enterprise_id", "year"):
            continue
        if pa.types.is_integer(typ) or pa.types.is_floating(typ):
            lo, hi = RANGES.get(name, (-math.inf, math.inf))
            out.append((name, pa.types.is_floating(typ), lo, hi))
    return out


_CHECKS = _value_checks()


def _problems(value, floating: bool, lo, hi) -> str | None:
    """The problem of one value, named as :func:`..inputs._numeric` names it (one at most)."""
    if floating:
        if value != value:
            return "nan"
        if value in (math.inf, -math.inf):
            return "infinite"
    f = float(value)
    if f < lo:
        return "negative" if lo == 0 else "too_large"
    if f > hi:
        return "too_large"
    return None


_ORDER = {"nan": 0, "infinite": 1, "negative": 2, "too_large": 3}


def small_rows(tables: tuple[Any, Any, Any], up_to_year: int):
    """(enterprise rows, figure rows, designation rows, defects) of a small snapshot in the
    contract's types, bad values set to null; None to take the Arrow check instead."""
    if len(tables) != 3:
        return None
    for table, schema in zip(tables, _SCHEMAS.values(), strict=True):
        if not isinstance(table, pa.Table) or table.schema != schema:
            return None
    ent, fig, des = tables
    if ent.num_rows > SMALL or fig.num_rows > SMALL * 200 or des.num_rows > SMALL * 200:
        return None
    ents, figs, dess = ent.to_pylist(), fig.to_pylist(), des.to_pylist()
    ids = [r["enterprise_id"] for r in ents]
    if None in ids or len(set(ids)) != len(ids):
        return None
    keys = {(r["enterprise_id"], r["year"]) for r in figs}
    if len(keys) != len(figs) or any(e is None or y is None or not YEARS[0] <= y <= YEARS[1]
                                     for e, y in keys):
        return None
    known = designations()
    if any(r["enterprise_id"] is None or r["code"] not in known for r in dess):
        return None
    defects: list[Defect] = []
    for name, floating, lo, hi in _CHECKS:
        found = []
        for i, row in enumerate(figs):
            value = row[name]
            if value is None:
                continue
            problem = _problems(value, floating, lo, hi)
            if problem is not None:
                found.append((_ORDER[problem], i, problem, value))
                row[name] = None
        for _, i, problem, value in sorted(found):
            row = figs[i]
            if row["year"] <= up_to_year:
                defects.append(Defect(row["enterprise_id"], "figures", name, row["year"],
                                      _show(value), problem))
    for problem, column in (("missing", "granted_on"), ("order", "expires_on")):
        for row in dess:
            granted, expires = row["granted_on"], row["expires_on"]
            if problem == "missing" and granted is None or (
                    problem == "order" and granted is not None and expires is not None
                    and expires < granted):
                value = row[column]
                defects.append(Defect(row["enterprise_id"], "designations", column, None,
                                      value.isoformat() if isinstance(value, date) else value,
                                      problem))
    return ents, figs, dess, defects
