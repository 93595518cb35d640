"""The programme's numbers, one definition each (DESIGN §9), for the progress page, the API,
the target monitor and the tests.

- A firm is **diagnosed** by the end of a year when a live diagnosis of it has a report filed
  in or before that year (assigned but not yet reported is **under way**).
- **Coverage** is diagnosed firms ÷ manufacturers (Enterprise.is_manufacturing), and among
  规上 firms ÷ manufacturers above scale in the year (the latest year with figures when the
  year has none yet).
- **Maturity distribution**: the reports filed in a year by overall level.
- **Projects started**: recommended projects whose start date falls in the year, and their
  investment (the actual investment where recorded, else the estimate).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Coalesce

from industrybrain.enterprises.models import AnnualFigures, Enterprise

from .config import config
from .models import Diagnosis, DimensionScore, RecommendedProject, Report

LIVE = ~Q(status=Diagnosis.Status.CANCELLED)


def diagnosed_ids(year: int | None = None) -> set[int]:
    qs = Diagnosis.objects.filter(LIVE, reported_on__isnull=False)
    if year is not None:
        qs = qs.filter(reported_on__year__lte=year)
    return set(qs.values_list("enterprise_id", flat=True))


def report_years() -> list[int]:
    """The years in which reports were filed, in order."""
    return sorted(set(Diagnosis.objects.filter(LIVE, reported_on__isnull=False)
                      .values_list("reported_on__year", flat=True).order_by()))


def figures_year(year: int) -> int | None:
    """The year whose 规上 flags apply to ``year``: itself, else the latest before it."""
    return (AnnualFigures.objects.filter(year__lte=year).order_by("-year")
            .values_list("year", flat=True).first())


def above_scale_ids(year: int) -> set[int]:
    fy = figures_year(year)
    if fy is None:
        return set()
    return set(AnnualFigures.objects.filter(year=fy, above_scale=True,
                                            enterprise__is_manufacturing=True)
               .values_list("enterprise_id", flat=True))


@dataclass
class Coverage:
    key: object  # a district or cluster id, or None for the city
    manufacturers: int
    diagnosed: int
    above_scale: int
    above_scale_diagnosed: int

    @property
    def share(self):
        return _pct(self.diagnosed, self.manufacturers)

    @property
    def above_scale_share(self):
        return _pct(self.above_scale_diagnosed, self.above_scale)


def _pct(a: int, b: int):
    return None if not b else round(100 * a / b, 1)


def coverage(year: int, by: str = "district", enterprises=None) -> dict[object, Coverage]:
    """Coverage by ``district`` or ``cluster`` (key None: the whole of ``enterprises``, by
    default every enterprise; a district officer passes the district's)."""
    enterprises = Enterprise.objects.all() if enterprises is None else enterprises
    field = {"district": "district_id", "cluster": "cluster_id"}[by]
    firms = dict(enterprises.filter(is_manufacturing=True).values_list("pk", field))
    done, above = diagnosed_ids(year), above_scale_ids(year)
    out: dict[object, Coverage] = {}
    for pk, key in firms.items():
        for k in (key, None):
            c = out.setdefault(k, Coverage(k, 0, 0, 0, 0))
            c.manufacturers += 1
            c.diagnosed += pk in done
            c.above_scale += pk in above
            c.above_scale_diagnosed += pk in done and pk in above
    return out


def maturity_by_year(enterprises=None) -> dict[int, Counter]:
    """Reports filed per year by overall level."""
    qs = Report.objects.filter(diagnosis__status__in=["reported", "accepted"])
    if enterprises is not None:
        qs = qs.filter(diagnosis__enterprise__in=enterprises)
    out: dict[int, Counter] = defaultdict(Counter)
    for year, level, n in (qs.values_list("filed_on__year", "overall_level")
                           .annotate(n=Count("id")).order_by()):
        out[year][level] += n
    return dict(sorted(out.items()))


def projects_by_year(enterprises=None) -> dict[int, dict]:
    qs = RecommendedProject.objects.filter(started_on__isnull=False)
    if enterprises is not None:
        qs = qs.filter(report__diagnosis__enterprise__in=enterprises)
    rows = (qs.values("started_on__year").order_by()
            .annotate(n=Count("id"), invested=Sum(Coalesce("invested_yuan", "cost_yuan"))))
    return {r["started_on__year"]: {"projects": r["n"], "invested_yuan": r["invested"] or 0}
            for r in sorted(rows, key=lambda r: r["started_on__year"])}


def latest_report(enterprise_id: int) -> Report | None:
    return (Report.objects.filter(diagnosis__enterprise_id=enterprise_id,
                                  diagnosis__status__in=["reported", "accepted"])
            .order_by("-filed_on", "-id").first())


def peers_of(enterprise: Enterprise):
    """The firm's peers and how they were chosen, in words: firms placed in the same chain
    segment, else firms of the same industry (GB/T 4754 大类, the first three characters)."""
    placement = enterprise.placements.select_related("segment").first()
    if placement is not None:
        ids = enterprise.placements.model.objects.filter(segment=placement.segment).values("enterprise_id")
        return Enterprise.objects.filter(pk__in=ids), placement.segment
    return Enterprise.objects.filter(industry_code__startswith=enterprise.industry_code[:3]), None


def benchmark(enterprise: Enterprise) -> dict | None:
    """The firm's latest levels per dimension beside its peers' mean (each peer's latest
    report), or None without a report."""
    own = latest_report(enterprise.pk)
    if own is None:
        return None
    peers, segment = peers_of(enterprise)
    latest = {}
    for report_id, firm in (Report.objects.filter(diagnosis__enterprise__in=peers,
                                                  diagnosis__status__in=["reported", "accepted"])
                            .exclude(diagnosis__enterprise=enterprise)
                            .order_by("filed_on", "id")
                            .values_list("id", "diagnosis__enterprise_id")):
        latest[firm] = report_id
    means = dict(DimensionScore.objects.filter(report_id__in=latest.values())
                 .values_list("dimension").annotate(m=Avg("level")).order_by())
    mine = dict(own.scores.values_list("dimension", "level"))
    rows = [{"dimension": d, "level": mine.get(d.id),
             "peers": None if d.id not in means else round(float(means[d.id]), 1)}
            for d in config().dimensions]
    return {"report": own, "rows": rows, "peers": len(latest), "segment": segment,
            "industry": enterprise.industry_code[:3]}
