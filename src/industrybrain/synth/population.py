"""Who the enterprises are: group, industry class, district, ownership, founding date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import giants as giants_mod
from .calibration import REFERENCE_SIZE, cluster_revenue_2021_yuan
from .taxonomy import (
    CLUSTERS,
    DISTRICT_SHARES,
    DISTRICT_TILT,
    GROUP_SHARES,
    INDUSTRY_CLASSES,
    load_districts,
)

GROUPS = CLUSTERS + ("other_industry", "services")
OWNERSHIPS = ("private", "foreign", "hmt", "state", "collective", "other")
OWNERSHIP_SHARES = (0.82, 0.07, 0.04, 0.03, 0.015, 0.025)
EPOCH = dt.date(1970, 1, 1)
# Share of tracked firms founded in each year of the window: the city's count of
# enterprises grows fast (002 plans 20万 new legal persons in five years), but most firms
# a bureau follows are older.
NEW_FIRMS_PER_YEAR = 0.032


@dataclass
class Population:
    group: np.ndarray  # int8 index into GROUPS
    industry: np.ndarray  # int16 index into INDUSTRY_CLASSES
    district: np.ndarray  # int8 index into load_districts()
    ownership: np.ndarray  # int8 index into OWNERSHIPS
    founded_day: np.ndarray  # int32 days since 1970-01-01
    founded_year: np.ndarray  # int16
    giant: np.ndarray  # int16 index into `giants`, -1 for an ordinary firm
    giants: list  # [(Giant, copy number)]

    @property
    def n(self) -> int:
        return len(self.group)


def _days(year: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of January 1 of each year (proleptic Gregorian)."""
    y = year.astype(np.int64) - 1
    return (y * 365 + y // 4 - y // 100 + y // 400 - 719162).astype(np.int32)


def draw_population(rng: np.random.Generator, n: int, first_year: int, last_year: int) -> Population:
    scale = n / REFERENCE_SIZE
    room = {c: cluster_revenue_2021_yuan(c) * scale for c in CLUSTERS}
    chosen = giants_mod.giant_copies(scale, room)
    k = len(chosen)
    regular = n - k

    group_p = np.array([GROUP_SHARES[g] for g in GROUPS])
    group = rng.choice(len(GROUPS), size=regular, p=group_p / group_p.sum()).astype(np.int8)

    # industry class within the group
    code_index = {c.code: i for i, c in enumerate(INDUSTRY_CLASSES)}
    industry = np.empty(regular, dtype=np.int16)
    for gi, gname in enumerate(GROUPS):
        rows = np.flatnonzero(group == gi)
        members = [i for i, c in enumerate(INDUSTRY_CLASSES) if c.group == gname]
        w = np.array([INDUSTRY_CLASSES[i].weight for i in members], dtype=float)
        industry[rows] = np.array(members, dtype=np.int16)[
            rng.choice(len(members), size=len(rows), p=w / w.sum())
        ]

    # district, tilted by group
    districts = load_districts()
    base = np.array([DISTRICT_SHARES[d.code] for d in districts])
    district = np.empty(regular, dtype=np.int8)
    for gi, gname in enumerate(GROUPS):
        rows = np.flatnonzero(group == gi)
        tilt = DISTRICT_TILT.get(gname, {})
        p = base * np.array([tilt.get(d.code, 1.0) for d in districts])
        district[rows] = rng.choice(len(districts), size=len(rows), p=p / p.sum())

    ownership = rng.choice(len(OWNERSHIPS), size=regular, p=OWNERSHIP_SHARES).astype(np.int8)

    window = last_year - first_year + 1
    is_new = rng.random(regular) < NEW_FIRMS_PER_YEAR * window
    founded_year = np.where(
        is_new,
        rng.integers(first_year, last_year + 1, size=regular),
        np.maximum(1978, first_year - 1 - np.floor(rng.exponential(9.0, size=regular))),
    ).astype(np.int16)

    # the giants, appended, then everything shuffled so their ids are not 1..k
    g_group = np.array([GROUPS.index(g.group) for g, _ in chosen], dtype=np.int8)
    g_industry = np.array([code_index[g.industry_code] for g, _ in chosen], dtype=np.int16)
    g_district = rng.choice(len(districts), size=k, p=base / base.sum()).astype(np.int8)
    g_owner = np.array([OWNERSHIPS.index(g.ownership) for g, _ in chosen], dtype=np.int8)
    g_founded = np.array([g.founded_year for g, _ in chosen], dtype=np.int16)

    group = np.concatenate([group, g_group])
    industry = np.concatenate([industry, g_industry])
    district = np.concatenate([district, g_district])
    ownership = np.concatenate([ownership, g_owner])
    founded_year = np.concatenate([founded_year, g_founded])
    giant = np.concatenate([np.full(regular, -1, np.int16), np.arange(k, dtype=np.int16)])

    order = rng.permutation(n)
    group, industry, district = group[order], industry[order], district[order]
    ownership, founded_year, giant = ownership[order], founded_year[order], giant[order]
    year_start = _days(founded_year)
    year_len = _days(founded_year + 1) - year_start
    founded_day = year_start + np.floor(rng.random(n) * year_len).astype(np.int32)
    return Population(group, industry, district, ownership, founded_day, founded_year, giant, chosen)
