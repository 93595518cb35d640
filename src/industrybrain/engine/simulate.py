"""Budget simulation: what the pack costs in future years under growth scenarios, and what a
reform (a copy of the pack with changed assumptions) changes, enterprise by enterprise.

Monte Carlo over enterprise growth, seeded: each run draws every enterprise's yearly growth
of its money figures, rolls the last known year forward, and evaluates the pack on the grown
snapshot. Designations cannot be forecast from figures, so future years carry no new
designations: designation-triggered awards appear only in the years already observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .contract import conform
from .evaluate import evaluate
from .model import Pack

MONEY_FIGURES = ("revenue", "industrial_output", "tax", "local_contribution", "rd_spending",
                 "tech_upgrade_investment")


@dataclass(frozen=True)
class Scenario:
    """A growth scenario. Growth is log-normal: factor = exp(normal(mean, sd)) per year."""

    name: str = "baseline"
    growth_mean: float = 0.06  # about the city's recent nominal growth of industrial sales
    growth_sd: float = 0.15  # spread between enterprises
    # 规上工业: main-business revenue of 2000万元 (National Bureau of Statistics rule, 2011).
    above_scale_revenue_yuan: int = 20_000_000


def grow(figures: pa.Table, from_year: int, to_year: int, scenario: Scenario,
         rng: np.random.Generator) -> pa.Table:
    """Figures for ``to_year`` grown from ``from_year``'s (missing values stay missing)."""
    last = figures.filter(pc.equal(figures["year"], from_year))
    n = last.num_rows
    years = to_year - from_year
    # Independent yearly log-growth: over `years` the mean adds up and the spread grows
    # with the square root of time.
    factor = np.exp(rng.normal(scenario.growth_mean * years,
                               scenario.growth_sd * years ** 0.5, n))
    cols = {}
    for name in last.column_names:
        col = last[name]
        if name == "year":
            cols[name] = pa.array(np.full(n, to_year, dtype=np.int16))
        elif name in MONEY_FIGURES or name == "energy_tce":
            values = col.to_numpy(zero_copy_only=False).astype("float64")
            grown = values * factor
            mask = np.isnan(values)
            typ = col.type
            grown = np.where(mask, 0, np.floor(grown) if pa.types.is_integer(typ) else grown)
            cols[name] = pa.array(grown.astype(typ.to_pandas_dtype()), typ, mask=mask)
        else:
            cols[name] = col
    revenue = cols["revenue"]
    cols["above_scale"] = pc.greater_equal(revenue, scenario.above_scale_revenue_yuan)
    return pa.table(cols).cast(last.schema)


def simulate(pack: Pack, tables: tuple[Any, Any, Any], last_year: int, to_year: int,
             scenario: Scenario = Scenario(), runs: int = 10, seed: int = 0,
             data_since: int | None = None) -> pa.Table:
    """Cost of the pack for each year after ``last_year`` up to ``to_year``, per run.

    Returns rows (run, year, policy_id, district, cluster, awards, amount_yuan).
    """
    enterprises = conform(tables[0], "enterprises")
    figures = conform(tables[1], "figures")
    designations = conform(tables[2], "designations")
    keys = enterprises.select(["enterprise_id", "district", "cluster"])
    out = []
    for run in range(runs):
        rng = np.random.default_rng([seed, run])
        history = figures
        for year in range(last_year + 1, to_year + 1):
            history = pa.concat_tables([history, grow(history, year - 1, year, scenario, rng)])
            # Decisions only, no words: the wide backend (same decisions as DuckDB's,
            # engine/tests/test_wide.py) in a fraction of the time and memory.
            result = evaluate(pack, year, enterprises, history, designations, explain="none",
                              data_since=data_since, backend="wide")
            paid = result.filter(pc.greater(pc.fill_null(result["amount_yuan"], 0), 0))
            joined = paid.join(keys, "enterprise_id")
            agg = joined.group_by(["policy_id", "district", "cluster"]).aggregate(
                [("amount_yuan", "sum"), ("amount_yuan", "count")])
            out.append(agg.append_column("run", pa.array([run] * agg.num_rows, pa.int32()))
                          .append_column("year", pa.array([year] * agg.num_rows, pa.int16())))
    if not out:
        return pa.table({"run": pa.array([], pa.int32())})
    table = pa.concat_tables(out)
    return table.rename_columns(["policy_id", "district", "cluster", "amount_yuan", "awards",
                                 "run", "year"]).select(
        ["run", "year", "policy_id", "district", "cluster", "awards", "amount_yuan"])


def summary(simulated: pa.Table, envelope_yuan: int) -> list[dict]:
    """Per year: mean, 5th and 95th percentile of the total cost over runs, and its share
    of the yearly envelope (pack.yaml: 100亿元 a year)."""
    totals = simulated.group_by(["year", "run"]).aggregate([("amount_yuan", "sum")])
    rows = []
    for year in sorted(set(totals["year"].to_pylist())):
        costs = np.array(totals.filter(pc.equal(totals["year"], year))["amount_yuan_sum"]
                         .to_pylist(), dtype="int64")
        rows.append({"year": year, "mean_yuan": int(costs.mean()),
                     "p5_yuan": int(np.percentile(costs, 5)),
                     "p95_yuan": int(np.percentile(costs, 95)),
                     "share_of_envelope": float(costs.mean() / envelope_yuan)})
    return rows


def compare(base: Pack, reform: Pack, year: int, tables: tuple[Any, Any, Any],
            data_since: int | None = None) -> pa.Table:
    """Winners and losers of a reform: one row per enterprise x policy whose amount changes
    (enterprise_id, policy_id, before_yuan, after_yuan, change_yuan)."""
    before = evaluate(base, year, *tables, explain="none", data_since=data_since,
                      backend="wide")
    after = evaluate(reform, year, *tables, explain="none", data_since=data_since,
                     backend="wide")
    b = before.select(["enterprise_id", "policy_id", "amount_yuan"]).rename_columns(
        ["enterprise_id", "policy_id", "before_yuan"])
    a = after.select(["enterprise_id", "policy_id", "amount_yuan"]).rename_columns(
        ["enterprise_id", "policy_id", "after_yuan"])
    joined = b.join(a, ["enterprise_id", "policy_id"], join_type="full outer")
    before_v = pc.fill_null(joined["before_yuan"], 0)
    after_v = pc.fill_null(joined["after_yuan"], 0)
    change = pc.subtract(after_v, before_v)
    joined = joined.append_column("change_yuan", change)
    return joined.filter(pc.not_equal(change, 0)).sort_by(
        [("enterprise_id", "ascending"), ("policy_id", "ascending")])


def envelope(pack: Pack) -> int:
    """The yearly policy-fund envelope from pack.yaml (``funding`` id yearly_policy_funds)."""
    for item in pack.meta.get("funding", []):
        if item.get("id") == "yearly_policy_funds":
            return int(item["amount_yuan"])
    raise KeyError("pack.yaml has no funding item yearly_policy_funds")
