"""The figures of the cockpit (驾驶舱), the first page an official opens.

Everything is scoped like the monitor: a district officer gets the own district's values
and only the own place in the district ranking (赛马), never other districts' figures.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from industrybrain.core.localize import local
from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.models import AnnualFigures, Designation, District, Enterprise
from industrybrain.industry.models import Chain
from industrybrain.policies import summary

from .digest import digest
from .indicators import held_designations
from .models import Assessment, Kind, RefreshRun
from .templatetags.targets_tags import format_measure

# The headline targets of the 2025 plan, in the order the articles list them.
HEADLINES = [
    "industrial_scale_2025", "manufacturing_va_share_gdp_2025", "high_tech_output_share_2025",
    "strategic_emerging_clusters_scale_2025", "high_tech_enterprises_double_2025",
    "listed_companies_2025", "little_giants_2025", "on_cloud_enterprises_2025",
]
CHAIN_TOTALS = ["chains_total_scale_2025_001", "chains_total_scale_2025_002"]


def held_list_url(target, year: int | None) -> str | None:
    """The enterprise list behind a count of designation holders: those holding any of the
    target's designations in ``year`` (the rule indicators._count_held counts by), each
    once; its total is the count."""
    codes = held_designations(target.measure)
    if not codes or year is None:
        return None
    return reverse("enterprises:list") + "?" + urlencode({"designation": ",".join(codes), "year": year})


def _card(a: Assessment) -> dict:
    t = a.target
    return {"list_url": held_list_url(t, a.year), "counted_once": len(held_designations(t.measure)) > 1,
            "raw": "" if a.value is None else str(a.value),
            "code": t.code, "name": local(t), "status": a.status, "status_label": a.get_status_display(),
            "value": format_measure(a.value, t.measure_unit), "goal": format_measure(a.goal, t.measure_unit),
            "share": a.share, "year": a.year,
            "as_written": t.as_written, "url": reverse("targets:detail", args=[t.code]),
            "conflicts": t.conflicts_with}


def _chains(user, year):
    figures = scope_enterprises(user, AnnualFigures.objects.filter(year=year), "enterprise__")
    rows = []
    for chain in Chain.objects.all():
        total = figures.filter(enterprise__chains=chain).aggregate(t=Sum("industrial_output"))["t"]
        leaders = scope_enterprises(user, chain.chainmembership_set.filter(is_leader=True), "enterprise__").count()
        rows.append({"code": chain.code, "name": local(chain), "output": total, "leaders": leaders,
                     "url": reverse("enterprises:list") + f"?chain={chain.code}",
                     "leaders_url": reverse("targets:detail", args=[f"chain_leaders_{chain.code}"])})
    return rows


def _ladder(user, year):
    held = scope_enterprises(user, Designation.objects.held_in(year), "enterprise__")
    rows = list(held.values("type__code", "type__name_zh", "type__name_en")
                .annotate(n=Count("enterprise", distinct=True)).order_by("type__id"))
    for row in rows:
        row["name"] = local(row, "type__name")
    return rows


def district_ranking(run: RefreshRun) -> list[dict]:
    """赛马: districts ranked by the share of their split targets achieved or on track, then
    by the growth of their industrial output in the latest year."""
    rows = []
    year = run.latest_year
    output = dict(AnnualFigures.objects.filter(year=year).values_list("enterprise__district_id")
                  .annotate(t=Sum("industrial_output")))
    before = dict(AnnualFigures.objects.filter(year=year - 1).values_list("enterprise__district_id")
                  .annotate(t=Sum("industrial_output"))) if year else {}
    for district in District.objects.all():
        rows_d = Assessment.objects.filter(run=run, district=district, target__kind=Kind.TARGET)
        total = rows_d.count()
        good = rows_d.filter(status__in=["achieved", "on_track"]).count()
        growth = (output.get(district.pk, 0) / before[district.pk] - 1) * 100 if before.get(district.pk) else None
        rows.append({"district": district, "good": good, "total": total,
                     "score": round(good / total * 100, 1) if total else 0.0,
                     "output": output.get(district.pk), "growth": round(growth, 1) if growth is not None else None,
                     "report": reverse("targets:report", args=["pdf"]) + f"?district={district.code}"})
    rows.sort(key=lambda r: (-r["score"], -(r["growth"] or -1e9)))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def cockpit(user, district: District | None) -> dict:
    data = digest(district)
    run = data["run"]
    if run is None:
        return {"run": None}
    rows = {a.target.code: a for a in data["rows"]}
    headlines = [_card(rows[c]) for c in HEADLINES if c in rows]
    clusters = [_card(a) for code, a in rows.items()
                if code.startswith("cluster_") and code.endswith("_scale_2025")]
    ranking = district_ranking(run)
    if district is not None:
        ranking = [r for r in ranking if r["district"].pk == district.pk]
    return {
        "run": run, "district": district, "headlines": headlines, "clusters": clusters,
        "chains": _chains(user, run.latest_year), "chain_totals": [_card(rows[c]) for c in CHAIN_TOTALS if c in rows],
        "ladder": _ladder(user, run.latest_year), "ranking": ranking, "ranking_size": District.objects.count(),
        "awards": summary.by_status(user, run.latest_year), "awards_year": run.latest_year,
        "changes": data["changes"][:12], "previous": data["previous"], "risks": [_card(a) for a in data["risks"][:10]],
        "counts": data["counts"],
        "enterprise_count": scope_enterprises(user, Enterprise.objects.all()).count(),
        "charts": {"headlines": headlines, "clusters": clusters},
    }
