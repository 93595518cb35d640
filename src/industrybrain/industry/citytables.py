"""The city's districts x segments tables: output, location quotients, relatedness density
and shift-share, for every segment of every cluster and chain at once.

One GROUP BY over placements and figures gives the matrices; the rest is numpy
(industry.complexity). The result is cached per data version (core.dataversion) because every chain page ranks its gaps against it.

Definitions (shown on the pages): output is 工业总产值, or 营业收入 where an enterprise reports
no output (services); the location quotient of district d in segment s is
(x_ds / x_d) / (x_s / x) over all segments of the clusters and chains (an enterprise placed in
a cluster's and a chain's segment counts in both); a district "has" a segment when its LQ is
at least 1; relatedness density is Hidalgo-Hausmann's omega.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce

from industrybrain.core import dataversion
from industrybrain.enterprises.models import AnnualFigures, District
from industrybrain.industry.complexity import (
    density,
    location_quotients,
    presence,
    proximity_with_links,
    shift_share,
)
from industrybrain.industry.models import ChainSegment, SegmentPlacement

CACHE_SECONDS = 600


@dataclass
class CityTables:
    year: int
    districts: list  # District, in matrix row order
    segments: list  # ChainSegment ids, in matrix column order
    output: np.ndarray  # districts x segments, 元, latest year
    before: np.ndarray  # the same, the year before
    firms: np.ndarray  # placed enterprises
    lq: np.ndarray
    has: np.ndarray  # M: LQ >= 1
    phi: np.ndarray  # segments x segments proximity
    omega: np.ndarray  # relatedness density
    shift: dict  # trend, mix, local, change (districts x segments)

    def column(self, segment_id: int) -> int:
        return self._columns[segment_id]

    def __post_init__(self):
        self._columns = {pk: j for j, pk in enumerate(self.segments)}
        self._rows = {d.pk: i for i, d in enumerate(self.districts)}

    def row(self, district_id: int) -> int:
        return self._rows[district_id]


def latest_year() -> int | None:
    return AnnualFigures.objects.aggregate(y=Max("year"))["y"]


OUTPUT = Coalesce("enterprise__figures__industrial_output", "enterprise__figures__revenue")


def matrices(year: int, placements=None):
    """(districts, segment ids, output now, output before, firm counts) from the database."""
    placements = SegmentPlacement.objects.all() if placements is None else placements
    districts = list(District.objects.order_by("id"))
    segments = list(ChainSegment.objects.order_by("id").values_list("id", flat=True))
    rows = {d.pk: i for i, d in enumerate(districts)}
    cols = {pk: j for j, pk in enumerate(segments)}
    shape = (len(districts), len(segments))
    now, before, firms = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    sums = (placements.filter(enterprise__figures__year__in=[year - 1, year])
            .values_list("segment_id", "enterprise__district_id", "enterprise__figures__year")
            .annotate(out=Sum(OUTPUT)).order_by())
    for segment, district, y, out in sums:
        (now if y == year else before)[rows[district], cols[segment]] = out or 0
    counts = (placements.values_list("segment_id", "enterprise__district_id")
              .annotate(n=Count("id")).order_by())
    for segment, district, n in counts:
        firms[rows[district], cols[segment]] = n
    return districts, segments, now, before, firms


def supply_links(segments: list[int]) -> list[tuple[int, int]]:
    cols = {pk: j for j, pk in enumerate(segments)}
    through = ChainSegment.feeds.through.objects.values_list("from_chainsegment_id", "to_chainsegment_id")
    return [(cols[a], cols[b]) for a, b in through if a in cols and b in cols]


def compute(year: int, placements=None) -> CityTables:
    districts, segments, now, before, firms = matrices(year, placements)
    lq = location_quotients(now)
    has = presence(lq)
    phi = proximity_with_links(has, supply_links(segments))
    return CityTables(year, districts, segments, now, before, firms, lq, has, phi,
                      density(has, phi), shift_share(before, now))


def data_version() -> str:
    """Placements and figures are enterprise data: every import, placement run and override
    bumps core.dataversion's ENTERPRISES counter in its own transaction."""
    return dataversion.current([dataversion.ENTERPRISES])


def city_tables(year: int | None = None) -> CityTables | None:
    """The cached city tables for ``year`` (default: the latest year with figures)."""
    year = year or latest_year()
    if year is None:
        return None
    key = f"industry-city-tables:{year}:{data_version()}"
    tables = cache.get(key)
    if tables is None:
        tables = compute(year)
        cache.set(key, tables, CACHE_SECONDS)
    return tables


def explain_lq(t: CityTables, i: int, j: int) -> str:
    """The LQ of one cell in words and numbers, for the hover text."""
    x, xd, xs, total = t.output[i, j], t.output[i].sum(), t.output[:, j].sum(), t.output.sum()
    return (f"区位熵 = (本区该环节产出 / 本区全部环节产出) ÷ (全市该环节产出 / 全市全部环节产出)"
            f" = ({x / 1e8:.2f} / {xd / 1e8:.2f}) ÷ ({xs / 1e8:.2f} / {total / 1e8:.2f}) 亿元"
            f" = {t.lq[i, j]:.2f}；≥1 表示本区在该环节有比较优势")


def owner_columns(t: CityTables, segment_ids) -> list[int]:
    return [t.column(pk) for pk in segment_ids if pk in t._columns]


def owner_by_district(t: CityTables, segment_ids) -> list[dict]:
    """One cluster's or chain's output, growth, LQ and shift-share per district."""
    cols = owner_columns(t, segment_ids)
    total_d = t.output.sum(axis=1)
    total = t.output.sum()
    owner_total = t.output[:, cols].sum()
    out = []
    for i, district in enumerate(t.districts):
        now = t.output[i, cols].sum()
        before = t.before[i, cols].sum()
        share_d = now / total_d[i] if total_d[i] else 0.0
        share = owner_total / total if total else 0.0
        out.append({
            "district": district, "output": now, "before": before,
            "growth": (now / before - 1) * 100 if before else None,
            "lq": share_d / share if share else 0.0,
            "firms": int(t.firms[i, cols].sum()),
            "trend": float(t.shift["trend"][i, cols].sum()),
            "mix": float(t.shift["mix"][i, cols].sum()),
            "local": float(t.shift["local"][i, cols].sum()),
        })
    return out

