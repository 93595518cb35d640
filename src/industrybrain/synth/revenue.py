"""Revenue paths: a lognormal body, a Pareto tail and the planted giants, calibrated.

Calibration happens in 2021 (the year the articles report on) and the other years follow
from growth rates by group:
* the body is shifted so that the 2021 count of above-scale industrial firms (>= 2000万元)
  is the target (DESIGN.md: ~6k at the reference size);
* each cluster's total is its 2025 target / GROWTH_TO_2025, "other industry" takes the
  rest of the 1.7万亿元 of industrial sales; planted giants count first, and only the tail
  firms are scaled to fill the remainder, year by year, so the body (and with it the
  above-scale counts) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calibration as cal
from .giants import giant_path_yuan
from .population import GROUPS, Population
from .taxonomy import INDUSTRY_CLASSES

# Year-on-year growth of group totals (ratio to the previous year). The base follows the
# city's industrial cycle (2020 pandemic, the 2021 rebound the articles report); the tilts
# make batteries/NEVs and photovoltaics the fast movers and textiles the slow one.
BASE_GROWTH = {2013: 1.07, 2014: 1.06, 2015: 1.04, 2016: 1.06, 2017: 1.09, 2018: 1.07,
               2019: 1.05, 2020: 1.03, 2021: 1.27, 2022: 1.08}
GROWTH_TILT = {
    "nev_auto_parts": {2019: 1.10, 2020: 1.25, 2021: 1.25, 2022: 1.35},
    "new_energy": {2020: 1.10, 2021: 1.15, 2022: 1.35},
    "green_steel": {2021: 1.05, 2022: 0.92},
    "textile_apparel": {"all": 0.97},
    "electronic_info": {"all": 1.03},
    "biomedicine": {"all": 1.04},
    "building_materials": {"all": 0.98},
    "other_industry": {"all": 0.97},
}
# log-revenue offsets of the body by group, and the share of a group's firms in the tail
BODY_OFFSET = {"green_steel": 0.5, "nev_auto_parts": 0.3, "new_energy": 0.3, "electronic_info": 0.1,
               "textile_apparel": -0.5, "other_industry": -0.1, "services": -0.5}
TAIL_SHARE = {"green_steel": 0.10, "new_energy": 0.08, "nev_auto_parts": 0.06, "high_end_equipment": 0.05,
              "biomedicine": 0.05, "new_materials": 0.05, "energy_saving_env": 0.05, "services": 0.02}
BODY_SIGMA = 1.35
TAIL_MIN_YUAN = 2e8
TAIL_ALPHA = 1.15
CAP_INDUSTRY_YUAN = 80e8  # ordinary firms stay below the 100亿元 threshold and the lists
CAP_SERVICES_YUAN = 30e8
# Small firms ride only part of their group's cycle (the 2021 boom was carried by price
# rises at the large firms), which keeps the yearly count of newly above-scale firms near
# the 600 a year of the 2021-2025 plan rather than doubling in the boom year.
BODY_CYCLE_SHARE = 0.5
ABOVE_SCALE_YUAN = 20_000_000


@dataclass
class Revenue:
    years: np.ndarray  # internal years (history before the window included)
    value: np.ndarray  # float64 元, shape (n, len(years)); meaningful where `exists`
    exists: np.ndarray  # bool, the firm was founded by that year
    tail: np.ndarray  # bool, firm in the Pareto tail
    industrial: np.ndarray  # bool, sections B-D


def soft_cap(x: np.ndarray, cap) -> np.ndarray:
    """Bend values smoothly towards `cap` (about x below cap/2), so no pile forms at it."""
    return x / (1.0 + (x / cap) ** 4) ** 0.25


def _solve_multiplier(raw: np.ndarray, need: float) -> float:
    """The m in [0.2, 5] with sum(soft_cap(raw * m)) closest to `need` (bisection: monotone)."""
    if len(raw) == 0 or need <= 0:
        return 1.0
    lo, hi = 0.2, 5.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if soft_cap(raw * mid, CAP_INDUSTRY_YUAN).sum() < need:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def growth_ratio(group: str, year: int) -> float:
    tilt = GROWTH_TILT.get(group, {})
    return BASE_GROWTH.get(year, 1.06) * tilt.get(year, tilt.get("all", 1.0))


def group_totals(years: np.ndarray, scale: float) -> dict[str, np.ndarray]:
    """Target revenue by group and year (元), 2021 anchored, +27.1% overall in 2021."""
    anchor = {c: cal.cluster_revenue_2021_yuan(c) for c in cal.CLUSTER_TARGETS_2025_YI}
    anchor["other_industry"] = cal.INDUSTRIAL_SALES_2021_YI * cal.YI - sum(anchor.values())
    # one common factor on the 2021 ratios makes the industrial total grow exactly 27.1%
    before = sum(v / growth_ratio(g, 2021) for g, v in anchor.items())
    k = cal.INDUSTRIAL_GROWTH_2021 * before / sum(anchor.values())
    out = {}
    for g, v in anchor.items():
        log_index = np.zeros(len(years))
        for i, y in enumerate(years):
            if y > 2021:
                log_index[i] = sum(np.log(growth_ratio(g, t)) for t in range(2022, y + 1))
            elif y < 2021:
                log_index[i] = -sum(np.log(growth_ratio(g, t)) for t in range(y + 1, 2021))
                log_index[i] -= np.log(growth_ratio(g, 2021) * k)
        out[g] = v * scale * np.exp(log_index)
    return out


def draw_revenue(rng: np.random.Generator, pop: Population, years: np.ndarray, scale: float) -> Revenue:
    n, ny = pop.n, len(years)
    a = int(np.flatnonzero(years == cal.CALIBRATION_YEAR)[0])
    np.array(GROUPS)[pop.group]
    section = np.array([c.code[0] for c in INDUSTRY_CLASSES])[pop.industry]
    industrial = np.isin(section, ["B", "C", "D"])
    is_giant = pop.giant >= 0
    exists = years[None, :] >= pop.founded_year[:, None]

    offset = np.array([BODY_OFFSET.get(g, 0.0) for g in GROUPS])[pop.group]
    log_base = np.log(6e6) + offset + BODY_SIGMA * rng.standard_normal(n)
    tail_p = np.array([TAIL_SHARE.get(g, 0.04) for g in GROUPS])[pop.group]
    tail = (rng.random(n) < tail_p) & ~is_giant & (pop.founded_year < years[0] + 4)
    tail_value = TAIL_MIN_YUAN * rng.random(n) ** (-1.0 / TAIL_ALPHA)
    log_base = np.where(tail, np.log(tail_value), log_base)

    # firm paths around the group index: drift plus a random walk anchored in 2021
    log_index = np.zeros((len(GROUPS), ny))
    for gi, g in enumerate(GROUPS):
        for i, y in enumerate(years):
            if y > 2021:
                log_index[gi, i] = log_index[gi, i - 1] + np.log(growth_ratio(g, y))
        for i in range(a - 1, -1, -1):
            log_index[gi, i] = log_index[gi, i + 1] - np.log(growth_ratio(g, int(years[i + 1])))
    drift = rng.normal(0.0, 0.05, n)
    noise = rng.normal(0.0, 1.0, (n, ny)) * np.where(tail, 0.07, 0.10)[:, None]
    walk = np.zeros((n, ny))
    walk[:, a + 1:] = np.cumsum(noise[:, a + 1:], axis=1)
    walk[:, :a] = np.cumsum(noise[:, :a][:, ::-1], axis=1)[:, ::-1]
    cycle = np.where(tail, 1.0, BODY_CYCLE_SHARE)[:, None]
    log_rev = (log_base[:, None] + cycle * log_index[pop.group] + drift[:, None] * (years - 2021)[None, :] + walk)
    # a firm's founding year is a part year, its second a ramp-up
    age = years[None, :] - pop.founded_year[:, None]
    log_rev += np.where(age == 0, np.log(0.45), 0.0) + np.where(age == 1, np.log(0.8), 0.0)

    # shift the body so the 2021 above-scale industrial count hits its target
    body = industrial & ~tail & ~is_giant & exists[:, a]
    fixed = int(((tail | is_giant) & industrial & exists[:, a]).sum())
    want = int(np.floor(cal.ABOVE_SCALE_INDUSTRIAL_2021 * scale + 0.5)) - fixed
    body_2021 = np.sort(log_rev[body, a])[::-1]
    if 0 < want <= len(body_2021):
        cut = (body_2021[want - 1] + body_2021[want]) / 2 if want < len(body_2021) else body_2021[-1] - 1e-6
        shift = np.log(ABOVE_SCALE_YUAN) - cut
        log_rev[~tail & ~is_giant] += shift
    value = np.exp(log_rev)

    for row in np.flatnonzero(is_giant):
        giant, copy = pop.giants[pop.giant[row]]
        jitter = 1.0 if copy == 0 else 1.0 + 0.03 * rng.random()
        value[row] = giant_path_yuan(giant, years) * jitter
    cap = np.where(industrial, CAP_INDUSTRY_YUAN, CAP_SERVICES_YUAN)[:, None]
    value = np.where(is_giant[:, None], value, soft_cap(value, cap))

    # scale the tail of each group, year by year, to the group's total
    totals = group_totals(years, scale)
    in_cluster = pop.group < len(cal.CLUSTER_TARGETS_2025_YI)
    for gi, g in enumerate(GROUPS):
        if g not in totals:
            continue
        rows = pop.group == gi
        t_rows, fixed_rows = rows & tail, rows & ~tail
        for i in range(ny):
            live = exists[:, i]
            need = totals[g][i] - value[fixed_rows & live, i].sum()
            if g == "other_industry":
                # the 1.7万亿元 is industrial sales; clusters also hold software and
                # environmental-service firms, whose revenue other industry makes up
                need += value[in_cluster & ~industrial & live, i].sum()
            raw = value[t_rows, i]
            m = _solve_multiplier(raw[live[t_rows]], need)
            value[t_rows, i] = soft_cap(raw * m, CAP_INDUSTRY_YUAN)
    return Revenue(years, value, exists, tail, industrial)
