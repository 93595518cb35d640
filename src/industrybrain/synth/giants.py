"""The planted large enterprises (龙头企业) of the synthetic city.

A heavy-tailed draw alone would put the 100亿元 crossings in random years or none at
all; the policies of issue 4 (登峰计划: first time above 100/500/1000亿元; newly entering a
500 list) need them in known years with history before. So the largest firms follow
written revenue paths (亿元, 2016-2022), chosen to reproduce the shape the articles
describe: one steel works near 1000亿元, one photovoltaic maker first above 500亿元 in
2022, about a dozen firms in 100-500亿元 (the 2025 goal is 24), three first crossings of
100亿元 in 2021 and three in 2022, and one firm that dips below 100亿元 and recovers (not
a "first time"). Paths are kept at least 2% away from the thresholds so the per-copy
jitter (x1.00-1.03) cannot move a crossing year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PATH_YEARS = (2016, 2017, 2018, 2019, 2020, 2021, 2022)


@dataclass(frozen=True)
class Giant:
    key: str
    group: str
    industry_code: str
    ownership: str
    founded_year: int
    path: tuple[float, ...]  # revenue in 亿元 for PATH_YEARS


G = Giant
# Listed in priority order: when the city is smaller than the reference size, the first
# ones (which carry the policy events of 2021-2022) are kept first.
ROSTER: tuple[Giant, ...] = (
    G("nev_maker", "nev_auto_parts", "C3612", "private", 2012, (20, 35, 60, 90, 150, 290, 420)),
    G("battery_a", "nev_auto_parts", "C3841", "state", 2009, (12, 18, 27, 41, 68, 140, 265)),
    G("pv_leader", "new_energy", "C3825", "private", 1997, (230, 262, 250, 233, 294, 452, 850)),
    G("battery_b", "nev_auto_parts", "C3841", "private", 2016, (2, 9, 22, 38, 62, 92, 142)),
    G("grid_equipment", "high_end_equipment", "C3821", "private", 1993, (61, 66, 72, 79, 88, 104, 116)),
    G("pcb_maker", "electronic_info", "C3982", "foreign", 2002, (70, 76, 82, 88, 95, 109, 112)),
    G("fibre_maker", "new_materials", "C2659", "private", 2001, (55, 60, 63, 66, 74, 92, 123)),
    G("pv_second", "new_energy", "C3825", "private", 2006, (20, 28, 36, 45, 58, 82, 126)),
    G("steel_works", "green_steel", "C3120", "private", 1990, (560, 610, 690, 745, 790, 905, 955)),
    G("rolling_mill", "green_steel", "C3130", "private", 1998, (84, 93, 112, 118, 122, 148, 156)),
    G("auto_parts_group", "nev_auto_parts", "C3670", "hmt", 1995, (78, 86, 93, 106, 112, 124, 131)),
    G("tractor_group", "high_end_equipment", "C3571", "private", 1992, (85, 88, 92, 95, 108, 125, 131)),
    G("excavator_group", "high_end_equipment", "C3514", "private", 1994, (150, 158, 170, 182, 200, 270, 292)),
    G("textile_group", "textile_apparel", "C1751", "private", 1988, (104, 108, 112, 111, 96, 108, 113)),
    G("cement_group", "building_materials", "C3011", "state", 1985, (40, 43, 47, 50, 52, 58, 62)),
    G("pharma_group", "biomedicine", "C2720", "private", 1996, (30, 33, 37, 41, 44, 52, 58)),
    G("chip_maker", "electronic_info", "C3973", "private", 2008, (18, 22, 28, 35, 42, 58, 70)),
    G("env_equipment", "energy_saving_env", "C3591", "private", 2000, (22, 25, 27, 30, 33, 40, 45)),
)
del G

# Thresholds of the national 500 lists in 亿元 of the previous year's revenue, by list
# year. The articles give none; these are approximations of the published entry
# thresholds (an assumption, see docs/calibration.md). fortune_global_500 is absent on
# purpose: the articles' goal is "零的突破" (the first local member) by 2025.
LIST_THRESHOLDS_YI = {
    "china_top_500": {2012: 175, 2013: 201, 2014: 228, 2015: 243, 2016: 243, 2017: 283,
                      2018: 306, 2019: 323, 2020: 360, 2021: 393, 2022: 446},
    "china_manufacturing_500": {2012: 58, 2013: 63, 2014: 72, 2015: 80, 2016: 85, 2017: 88,
                                2018: 96, 2019: 104, 2020: 110, 2021: 118, 2022: 135},
    "china_private_500": {2012: 66, 2013: 76, 2014: 84, 2015: 89, 2016: 101, 2017: 120,
                          2018: 157, 2019: 185, 2020: 202, 2021: 235, 2022: 263},
}


def list_threshold_yuan(code: str, year: int) -> float:
    """Entry threshold of a 500 list in 元; years outside the table grow 8% a year."""
    table = LIST_THRESHOLDS_YI[code]
    first, last = min(table), max(table)
    if year < first:
        value = table[first] / 1.08 ** (first - year)
    elif year > last:
        value = table[last] * 1.08 ** (year - last)
    else:
        value = table[year]
    return value * 1e8


def giant_path_yuan(giant: Giant, years: np.ndarray) -> np.ndarray:
    """Revenue in 元 for the given years; outside 2016-2022 the end growth rates continue."""
    path = np.asarray(giant.path, dtype=np.float64)
    early = float(np.clip(path[1] / path[0], 1.02, 1.15))
    late = float(np.clip(path[-1] / path[-2], 1.00, 1.15))
    out = np.empty(len(years))
    for i, year in enumerate(years):
        if year < PATH_YEARS[0]:
            out[i] = path[0] / early ** (PATH_YEARS[0] - year)
        elif year > PATH_YEARS[-1]:
            out[i] = path[-1] * late ** (year - PATH_YEARS[-1])
        else:
            out[i] = path[year - PATH_YEARS[0]]
    return out * 1e8


def giant_copies(scale: float, cluster_room_yuan: dict[str, float]) -> list[tuple[Giant, int]]:
    """Which giants the city gets, as (giant, copy number), for a city `scale` times the
    reference size.

    Each giant appears floor(scale) times, plus once more for the first
    round(frac(scale) * len(ROSTER)) of the roster. A giant is then left out when its
    cluster's giants would exceed 60% of the cluster's 2021 total (`cluster_room_yuan`),
    so that a small city is not one steel works with a few workshops around it.
    """
    whole = int(np.floor(scale))
    extra = int(np.floor((scale - whole) * len(ROSTER) + 0.5))
    chosen: list[tuple[Giant, int]] = []
    used: dict[str, float] = {}
    for rank, giant in enumerate(ROSTER):
        copies = whole + (1 if rank < extra else 0)
        size = giant_path_yuan(giant, np.array([2021]))[0]
        for copy in range(copies):
            room = cluster_room_yuan.get(giant.group, 0.0)
            if used.get(giant.group, 0.0) + size > 0.6 * room:
                break
            used[giant.group] = used.get(giant.group, 0.0) + size
            chosen.append((giant, copy))
    return chosen
