"""Designations (荣誉、名单、认定): drawn year by year from ladder_rules, lists by revenue."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import contract
from .giants import list_threshold_yuan
from .ladder_rules import LIST_DATE, LIST_RULES, RULES, Rule
from .population import GROUPS, OWNERSHIPS, Population
from .revenue import Revenue
from .taxonomy import CHAMPION_PRODUCTS, INDUSTRY_CLASSES

NEVER = -10_000


@dataclass
class Context:
    """What the eligibility and weight functions of a rule may look at."""

    pop: Population
    rev: Revenue
    tax: np.ndarray  # (n, years) 元
    innovation: np.ndarray  # latent innovation score z
    manufacturing: np.ndarray
    tech_section: np.ndarray  # sections C, I, M: where 高新技术企业 come from

    def t(self, year: int) -> int:
        return int(np.clip(year - self.rev.years[0], 0, len(self.rev.years) - 1))

    def revenue(self, year: int) -> np.ndarray:
        return self.rev.value[:, self.t(year)]

    # eligibility masks
    def any_firm(self, y):
        return self.pop.founded_year <= y

    def older_firms(self, y):
        return self.pop.founded_year < y

    def small_firms(self, y):
        return self.older_firms(y) & (self.revenue(y) < 2e8)

    def tech_firms(self, y):
        return self.older_firms(y) & self.tech_section & (self.revenue(y) >= 3e6)

    def specialised(self, y):
        r = self.revenue(y)
        return (self.pop.founded_year <= y - 2) & self.manufacturing & (r >= 2e7) & (r <= 2e9)

    def champion(self, y):
        return (self.pop.founded_year <= y - 3) & self.manufacturing & (self.revenue(y) >= 5e8)

    def listable(self, y):
        return (self.pop.founded_year <= y - 3) & (self.revenue(y) >= 3e8)

    def reserve(self, y):
        return (self.pop.founded_year <= y - 2) & (self.revenue(y) >= 5e7)

    def large_makers(self, y):
        return self.older_firms(y) & self.rev.industrial & (self.revenue(y) >= 1e9)

    def mid_makers(self, y):
        return self.older_firms(y) & self.rev.industrial & (self.revenue(y) >= 1e8)

    # log selection weights
    def _size(self, y, unit):
        return np.log(np.maximum(self.revenue(y), 1.0) / unit)

    def innovative(self, y):
        return 1.5 * self.innovation

    def innovative_sized(self, y):
        return 1.5 * self.innovation + 0.4 * self._size(y, 1e7)

    def fast_growing(self, y):
        growth = np.log(self.revenue(y) / self.revenue(y - 3))
        return 3.0 * growth + self.innovation

    def large_innovative(self, y):
        return 0.8 * self._size(y, 1e8) + self.innovation

    def large(self, y):
        return self._size(y, 1e8)

    def sized(self, y):
        return 0.6 * self._size(y, 1e7)

    def sized_light(self, y):
        return 0.3 * self._size(y, 1e7) + 0.2 * self.innovation

    def taxpayer(self, y):
        # star enterprises granted in February of y are the top taxpayers of y-1
        return 1.2 * np.log(np.maximum(self.tax[:, self.t(y - 1)], 1.0))


def _pick(rng, eligible: np.ndarray, log_weight: np.ndarray, k: int) -> np.ndarray:
    """k eligible rows drawn without replacement with probability ~ exp(log_weight):
    the Gumbel-top-k trick, one vectorised pass instead of k sequential draws."""
    rows = np.flatnonzero(eligible)
    if k <= 0 or len(rows) == 0:
        return rows[:0]
    keys = log_weight[rows] + rng.gumbel(size=len(rows))
    if k >= len(rows):
        return rows
    return np.sort(rows[np.argpartition(-keys, k - 1)[:k]])


def _count(schedule: dict, year: int, scale: float) -> int:
    if year in schedule:
        value = schedule[year]
    elif year > max(schedule):
        value = schedule[max(schedule)]  # the last year's pace continues
    else:
        return 0
    return int(np.floor(value * scale + 0.5))


def draw_designations(rng, ctx: Context, scale: float, last_year: int):
    """Draw every designation; returns (table, {code: first grant year per firm})."""
    n = ctx.pop.n
    first = {r.code: np.full(n, NEVER, np.int32) for r in RULES}
    last = {r.code: np.full(n, NEVER, np.int32) for r in RULES}
    grants: list[tuple[str, np.ndarray, int]] = []
    start = min(min(r.schedule) for r in RULES)
    for y in range(start, last_year + 1):
        for rule in RULES:
            new_rows = _grants_for_year(rng, ctx, rule, y, scale, first, last)
            if len(new_rows):
                first[rule.code][new_rows] = np.where(first[rule.code][new_rows] == NEVER, y,
                                                      first[rule.code][new_rows])
                last[rule.code][new_rows] = y
                grants.append((rule.code, new_rows, y))
    for code, eligible in LIST_RULES.items():
        mask = {"any_firm": np.ones(n, bool), "manufacturing": ctx.manufacturing,
                "private": ctx.pop.ownership == OWNERSHIPS.index("private")}[eligible]
        first[code] = np.full(n, NEVER, np.int32)
        for y in range(int(ctx.rev.years[0]) + 1, last_year + 1):
            i = y - 1 - int(ctx.rev.years[0])
            on = mask & ctx.rev.exists[:, i] & (ctx.rev.value[:, i] >= list_threshold_yuan(code, y))
            rows = np.flatnonzero(on)
            if len(rows):
                first[code][rows] = np.where(first[code][rows] == NEVER, y, first[code][rows])
                grants.append((code, rows, y))
    return _table(rng, ctx, grants), first


def _grants_for_year(rng, ctx, rule: Rule, y, scale, first, last) -> np.ndarray:
    exists = ctx.pop.founded_year <= y
    holding = np.zeros(ctx.pop.n, bool)
    renewed = np.zeros(0, np.int64)
    if rule.validity:
        due = np.flatnonzero((last[rule.code] == y - rule.validity) & exists)
        renewed = due[rng.random(len(due)) < rule.renew]
        holding = last[rule.code] >= y - rule.validity
    else:
        holding = first[rule.code] != NEVER
    if rule.mode == "held":
        k = _count(rule.schedule, y, scale) - int(holding.sum())
    else:
        k = _count(rule.schedule, y, scale)
    if k > 0:
        eligible = getattr(ctx, rule.eligible)(y) & ~holding
        if rule.requires:
            had = np.zeros(ctx.pop.n, bool)
            for code in rule.requires:
                had |= (first[code] != NEVER) & (first[code] <= y)
            eligible &= had
        picked = _pick(rng, eligible, getattr(ctx, rule.weight)(y), k)
    else:
        picked = np.zeros(0, np.int64)
    return np.union1d(renewed, picked).astype(np.int64)


def _jan1(year: int) -> int:
    return int((np.datetime64(f"{year:04d}-01-01") - np.datetime64("1970-01-01")).astype(int))


def _table(rng, ctx: Context, grants) -> pa.Table:
    rules = {r.code: r for r in RULES}
    ids, codes, granted, expires, products = [], [], [], [], []
    for code, rows, y in grants:
        rule = rules.get(code)
        k = len(rows)
        if rule is None:  # a 500 list: published in September, for one year
            day = np.full(k, _jan1(y) + (np.datetime64(f"{y}-{LIST_DATE[0]:02d}-{LIST_DATE[1]:02d}")
                                         - np.datetime64(f"{y}-01-01")).astype(int))
            validity = 1
        else:
            spec = rule.date
            if spec[0] == "md":
                doy = int((np.datetime64(f"{y}-{spec[1]:02d}-{spec[2]:02d}") - np.datetime64(f"{y}-01-01")).astype(int))
                day = np.full(k, _jan1(y) + doy)
            elif spec[0] == "window":
                day = _jan1(y) + rng.integers(spec[1], spec[2] + 1, size=k)
            else:
                day = _jan1(y) + rng.integers(0, 365, size=k)
            validity = rule.validity
        day = np.maximum(day, ctx.pop.founded_day[rows])  # never before the firm existed
        ids.append(rows + 1)
        codes.append(np.full(k, code, dtype=object))
        granted.append(day)
        expires.append(_add_years(day, validity) if validity else np.full(k, -1))
        if code == "single_champion_product":
            names = [CHAMPION_PRODUCTS[GROUPS[g]] for g in ctx.pop.group[rows]]
            choice = rng.integers(0, 1000, size=k)
            products.append(np.array([p[c % len(p)] for p, c in zip(names, choice, strict=True)], dtype=object))
        else:
            products.append(np.full(k, None, dtype=object))
    if not ids:
        return contract.DESIGNATIONS.empty_table()
    ids, codes = np.concatenate(ids), np.concatenate(codes)
    granted, expires, products = np.concatenate(granted), np.concatenate(expires), np.concatenate(products)
    code_rank = {c: i for i, c in enumerate(sorted(set(codes.tolist())))}
    rank = np.array([code_rank[c] for c in codes])
    order = np.lexsort((rank, granted, ids))
    return pa.table(
        [
            pa.array(ids[order], pa.int64()),
            pa.array(codes[order], pa.string()),
            pa.array(granted[order].astype(np.int32), pa.date32()),
            pa.array(expires[order].astype(np.int32), pa.date32(), mask=expires[order] < 0),
            pa.array(products[order], pa.string()),
        ],
        schema=contract.DESIGNATIONS,
    )


def _add_years(day: np.ndarray, years: int) -> np.ndarray:
    """The day before the same calendar date `years` later (a certificate's last day)."""
    d = day.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    later = (month + 12 * years).astype("datetime64[D]") + offset - np.timedelta64(1, "D")
    return later.astype(np.int64)


def manufacturing_mask(pop: Population) -> np.ndarray:
    section = np.array([c.code[0] for c in INDUSTRY_CLASSES])[pop.industry]
    return section == "C"
