"""The ladder view's numbers: counts per rung and year, flows between rungs, and each rung's
gap to its 2025 target.

One number, one definition: a rung's count is its measure computed by the target monitor's
own function (``targets.indicators.compute``, whose designation counts use
``Designation.objects.held_in``), and the gap to a target uses that target's measure and
goal exactly as the target monitor computes them (``targets.refresh.goal_of`` at the
monitor's scale), so the two pages show the same numbers for the same year.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from industrybrain.core import dataversion
from industrybrain.targets import indicators
from industrybrain.targets.models import RefreshRun, Target
from industrybrain.targets.refresh import demo_scale, district_goal, goal_of

from .models import Flow, Forecast, Membership
from .rules import Ladder, Rung, pools


def monitor_scale() -> float:
    """The scale the target monitor last assessed at (a demo sample's share of the city)."""
    run = RefreshRun.objects.first()
    return run.scale if run is not None and run.scale else demo_scale()


def pool_members_by_year(pool_id: str, years: list[int], district_id=None) -> dict[int, int]:
    """Members at the end of each year: entered by 31 December, not exited by then."""
    rows = Membership.objects.filter(pool=pool_id)
    if district_id is not None:
        rows = rows.filter(enterprise__district_id=district_id)
    spans = list(rows.values_list("entered_on", "exited_on"))
    return {y: sum(1 for e, x in spans if e.year <= y and (x is None or x.year > y)) for y in years}


class Counter:
    """Caches indicators.compute per measure for one request."""

    def __init__(self, years: list[int]):
        self.years = years
        self.cache: dict[tuple[str, str], dict] = {}

    def values(self, measure: str, unit: str = "家") -> dict:
        key = (measure, unit)
        if key not in self.cache:
            scale = monitor_scale()

            def compute():
                try:
                    return indicators.compute(measure, unit, self.years, scale)
                except indicators.NoData:
                    return {}

            # Kept per data version (core.dataversion): the same numbers until the data or
            # the targets change, computed once for every reader in between.
            self.cache[key] = dataversion.remember(
                "ladder-measure", [dataversion.ENTERPRISES, dataversion.TARGETS],
                hashlib.sha1(f"{measure}|{unit}|{self.years}|{scale}".encode()).hexdigest(),
                compute)  # hashed: a cache key holds no spaces
        return self.cache[key]


def _feeder(ladder: Ladder, rung: Rung):
    """The pool that leads to the rung after ``rung`` (a "pool" rung counts its members)."""
    i = ladder.index(rung.id)
    if i + 1 < len(ladder.rungs):
        nxt = ladder.rungs[i + 1].id
        for p in pools().pools_of(ladder.id):
            if p.rung == nxt:
                return p
    return None


def rung_counts(ladder: Ladder, rung: Rung, counter: Counter, district_id=None) -> dict[int, int | None]:
    if rung.measure == "pool":
        feeder = _feeder(ladder, rung)
        return pool_members_by_year(feeder.id, counter.years, district_id) if feeder else {}
    if rung.measure == "chain_leaders":
        out: dict[int, int | None] = {}
        for t in Target.objects.filter(code__in=rung.targets):
            for (y, d), v in counter.values(t.measure, t.measure_unit).items():
                if d == district_id:
                    out[y] = (out.get(y) or 0) + int(v)
        return out
    return {y: int(v) for (y, d), v in counter.values(rung.measure).items() if d == district_id}


def target_rows(rung: Rung, counter: Counter, year: int, district_id=None) -> list[dict]:
    """Each target the rung answers to: its value in ``year`` and its goal, as the target
    monitor computes them, and the gap between them."""
    scale = monitor_scale()
    by_code = {t.code: t for t in Target.objects.all()}
    out = []
    for code in rung.targets:
        t = by_code.get(code)
        if t is None:
            continue
        values = counter.values(t.measure, t.measure_unit)
        value = values.get((year, district_id))
        goal = goal_of(t, by_code, scale)
        if district_id is not None and goal is not None:
            series = defaultdict(dict)
            for (y, d), v in values.items():
                series[d][y] = float(v)
            goal = district_goal(t, goal, series, district_id)
        gap = None
        if goal is not None and value is not None:
            gap = max(Decimal(goal) - Decimal(value), Decimal(0))
        out.append({"target": t, "value": value, "goal": goal, "gap": gap, "year": year})
    return out


def funnel(ladder: Ladder, years: list[int], year: int, district_id=None,
           counter: Counter | None = None) -> list[dict]:
    """Rows per rung: counts per year, target gaps, the pools leading to it and their
    expected promotions next year. Pass one ``counter`` for several ladders of a page."""
    counter = counter or Counter(years)
    expected = {f.pool: f.expected for f in Forecast.objects.filter(year=year)}
    rows = []
    for rung in ladder.rungs:
        counts = rung_counts(ladder, rung, counter, district_id)
        feeders = [p for p in pools().pools_of(ladder.id) if p.rung == rung.id]
        rows.append({
            "rung": rung, "counts": counts, "count": counts.get(year),
            "targets": target_rows(rung, counter, year, district_id),
            "pools": feeders,
            "expected": sum(expected.get(p.id, 0.0) for p in feeders) if feeders else None,
        })
    return rows


def sankey(ladder: Ladder, year: int, district_id=None) -> dict:
    """ECharts sankey data for the flows from ``year - 1`` to ``year`` (nodes are named with
    their year so the graph has no cycle)."""
    flows = Flow.objects.filter(ladder=ladder.id, year=year).filter(
        Q(district_id=district_id) if district_id is not None else Q(district__isnull=True))
    names = {r.id: r.name_zh for r in ladder.rungs} | {"": "梯队外"}
    nodes, links = set(), []
    for f in flows:
        a = f"{year - 1}年 {names.get(f.source, f.source)}"
        b = f"{year}年 {names.get(f.target, f.target)}"
        nodes |= {a, b}
        links.append({"source": a, "target": b, "value": f.count})
    return {"nodes": [{"name": n} for n in sorted(nodes)], "links": links}
