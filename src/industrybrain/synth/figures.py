"""Annual figures (AnnualFigures) derived from the revenue paths, with gaps.

Everything is a matrix (firms x internal years) until the end, where the rows a firm
had (from its founding year, inside first_year..last_year) are cut out into the long
table of the data contract. A gap is a null, never a 0: zeros appear only where zero is
the true answer (no R&D, no invention patent, no tech-upgrade investment that year).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import calibration as cal
from . import contract
from .population import GROUPS, Population
from .revenue import Revenue
from .taxonomy import ABOVE_SCALE_THRESHOLD_YUAN, INDUSTRY_CLASSES

# 元 of revenue per employee, by group (steel and batteries are capital-heavy)
PRODUCTIVITY = {"green_steel": 3.5e6, "nev_auto_parts": 1.5e6, "new_energy": 1.8e6,
                "textile_apparel": 0.45e6, "services": 0.5e6}
TAX_RATE_FACTOR = {"green_steel": 0.7, "biomedicine": 1.3, "services": 1.2, "textile_apparel": 0.9}
# tce per 万元 of revenue before calibration
ENERGY_INTENSITY = {"steel": 1.0, "cement": 2.5, "power": 5.0, "chemical": 0.15,
                    "general": 0.03, "light": 0.01}
# share of values left out (null) per column: the gaps of real statistical returns
GAP_RATE = {"revenue": 0.01, "industrial_output": 0.02, "tax": 0.015, "local_contribution": 0.015,
            "rd_spending": 0.04, "employees": 0.01, "invention_patents": 0.03, "energy_tce": 0.05,
            "tech_upgrade_investment": 0.04}
# columns that are never zero for a firm that exists (zero would read as a stand-in)
POSITIVE = {"revenue", "industrial_output", "tax", "local_contribution", "employees"}


def _per_group(pop: Population, table: dict, default: float) -> np.ndarray:
    return np.array([table.get(g, default) for g in GROUPS])[pop.group]


def money_figures(rng, pop: Population, rev: Revenue, scale: float) -> dict[str, np.ndarray]:
    """Output, tax, local contribution, employees, energy and tech-upgrade matrices."""
    n, ny = rev.value.shape
    a = int(np.flatnonzero(rev.years == cal.CALIBRATION_YEAR)[0])
    r = rev.value
    live = rev.exists
    out = {}
    ratio = rng.uniform(0.9, 1.05, n)[:, None] * np.exp(rng.normal(0, 0.02, (n, ny)))
    out["industrial_output"] = np.where(rev.industrial[:, None], r * ratio, np.nan)

    rate = np.exp(rng.normal(np.log(0.03), 0.35, n)) * _per_group(pop, TAX_RATE_FACTOR, 1.0)
    # taxes swing more than sales (refunds, timing, incentives), so growth is not a given
    tax = r * rate[:, None] * np.exp(rng.normal(0, 0.2, (n, ny)))
    want = cal.TOTAL_TAX_2021_YI * cal.TRACKED_TAX_SHARE * cal.YI * scale
    have = tax[live[:, a], a].sum()
    tax *= want / have if have > 0 else 1.0
    out["tax"] = tax
    out["local_contribution"] = tax * rng.uniform(0.33, 0.45, n)[:, None]

    productivity = _per_group(pop, PRODUCTIVITY, 0.9e6) * np.exp(rng.normal(0, 0.4, n))
    out["employees"] = np.maximum(1.0, np.round(r / productivity[:, None] * np.exp(rng.normal(0, 0.05, (n, ny)))))

    group_of = np.array([c.energy for c in INDUSTRY_CLASSES])[pop.industry]
    base = np.array([ENERGY_INTENSITY[g] for g in group_of]) * np.exp(rng.normal(0, 0.3, n))
    energy = r / 1e4 * base[:, None]
    above = (r[:, a] >= 20_000_000) & rev.industrial & live[:, a]
    target_total = cal.ENERGY_ABOVE_SCALE_2021_TCE * scale
    rest = np.isin(group_of, ["chemical", "general"])
    for grp, share in list(cal.ENERGY_SHARES.items()) + [("rest", 1 - sum(cal.ENERGY_SHARES.values()))]:
        rows = rest if grp == "rest" else group_of == grp
        have = energy[rows & above, a].sum()
        if have > 0:
            energy[rows] *= share * target_total / have
    out["energy_tce"] = np.round(energy, 2)

    invests = rng.random((n, ny)) < np.clip(0.15 + 0.05 * np.log10(np.maximum(r, 1) / 1e6), 0.05, 0.7)
    upgrade = np.where(invests, r * rng.uniform(0.01, 0.06, (n, ny)), 0.0)
    out["tech_upgrade_investment"] = np.where(rev.industrial[:, None], upgrade, np.nan)
    return out


def innovation_figures(rng, pop: Population, rev: Revenue, z: np.ndarray, high_tech_held: np.ndarray,
                       scale: float) -> dict[str, np.ndarray]:
    """R&D spending and invention-patent stocks; high-tech years carry >= 3% R&D, the
    recognition's own floor for firms of over 2亿元 (3% to 5% by size in the rules)."""
    n, ny = rev.value.shape
    r = rev.value
    intensity = np.exp(-4.6 + 0.6 * z)[:, None] * np.exp(rng.normal(0, 0.15, (n, ny)))
    intensity = np.where(high_tech_held, np.maximum(intensity, rng.uniform(0.03, 0.06, (n, 1))), intensity)
    reports_none = (z < -0.3)[:, None] & ~high_tech_held & (r < 5e7)
    rd = np.where(reports_none, 0.0, r * np.minimum(intensity, 0.25))

    # patent stocks: an expected path rising with size and innovation, calibrated in 2021,
    # then drawn as a first Poisson stock plus Poisson increments so a stock never shrinks
    a = int(np.flatnonzero(rev.years == cal.CALIBRATION_YEAR)[0])
    expected = np.exp(-3.0 + 1.0 * z[:, None] + 0.45 * np.log(np.maximum(r, 1e5) / 1e7))
    expected = np.maximum.accumulate(expected, axis=1)
    counted = rev.industrial & rev.exists[:, a]
    total = expected[counted, a].sum()
    if total > 0:
        expected *= cal.INVENTION_PATENTS_2021 * scale / total
    steps = np.diff(expected, axis=1, prepend=0.0)
    patents = np.cumsum(rng.poisson(steps), axis=1).astype(np.float64)
    return {"rd_spending": rd, "invention_patents": patents}


def above_scale_matrix(pop: Population, rev: Revenue) -> np.ndarray:
    section = np.array([c.code[0] for c in INDUSTRY_CLASSES])[pop.industry]
    threshold = np.array([ABOVE_SCALE_THRESHOLD_YUAN[s] for s in section])
    return rev.value >= threshold[:, None]


def figures_table(rng, pop: Population, rev: Revenue, matrices: dict, first_year: int,
                  last_year: int) -> pa.Table:
    """Cut the firm-year rows out of the matrices, punch the gaps, build the Arrow table."""
    window = (rev.years >= first_year) & (rev.years <= last_year)
    keep = rev.exists & window[None, :]
    rows, cols = np.nonzero(keep)  # row-major: sorted by enterprise, then year
    no_gaps = (pop.giant >= 0)[rows]  # the planted giants report fully: their events stay clean
    columns = {"enterprise_id": pa.array(rows.astype(np.int64) + 1, pa.int64()),
               "year": pa.array(rev.years[cols].astype(np.int16), pa.int16())}
    for name, field in zip(contract.FIGURES.names[2:], list(contract.FIGURES)[2:], strict=True):
        if name == "above_scale":
            columns[name] = pa.array(above_scale_matrix(pop, rev)[rows, cols], pa.bool_())
            continue
        values = (rev.value if name == "revenue" else matrices[name])[rows, cols]
        missing = np.isnan(values) | ((rng.random(len(values)) < GAP_RATE[name]) & ~no_gaps)
        if name == "energy_tce":
            data = np.maximum(np.round(values, 2), 0.01)  # every firm uses some energy
        else:
            data = np.round(np.where(missing, 0, values)).astype(np.int64)
            if name in POSITIVE:
                data = np.maximum(data, 1)
            if pa.types.is_int32(field.type):
                data = data.astype(np.int32)
        columns[name] = pa.array(data, field.type, mask=missing)
    return pa.table(columns, schema=contract.FIGURES)
