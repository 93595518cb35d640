"""Load the synthetic city's 智改数转 programme (synth/diagnoses.py) into the database, and
keep this year's lot open for enterprises' requests, with the demo provider as its supplier.

Written in bulk, flagged is_synthetic; names end with （合成）. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from industrybrain.core import audit
from industrybrain.enterprises.models import AnnualFigures, Enterprise
from industrybrain.industry.models import Cluster
from industrybrain.synth import diagnoses as synth

from .config import config
from .models import (
    Diagnosis,
    DimensionScore,
    ProcurementLot,
    Provider,
    ProviderRating,
    RecommendedProject,
    Report,
)

BATCH = 2000


def synthetic_count() -> int:
    return Diagnosis.objects.filter(is_synthetic=True).count()


def clear() -> None:
    with transaction.atomic():
        Diagnosis.objects.filter(is_synthetic=True).delete()
        ProcurementLot.objects.filter(is_synthetic=True).delete()
        Provider.objects.filter(is_synthetic=True).delete()


def _firms() -> list[dict]:
    latest = AnnualFigures.objects.order_by("-year").values_list("year", flat=True).first()
    figures = {e: (a, r) for e, a, r in AnnualFigures.objects.filter(year=latest)
               .values_list("enterprise_id", "above_scale", "revenue")}
    return [{"id": pk, "is_manufacturing": m, "cluster": c,
             "above_scale": bool(figures.get(pk, (False, None))[0]),
             "revenue": figures.get(pk, (False, None))[1]}
            for pk, m, c in Enterprise.objects.filter(is_synthetic=True).order_by("pk")
            .values_list("pk", "is_manufacturing", "cluster__code")]


def load(seed: int = 2022, progress=print) -> dict:
    cfg = config()
    demo = cfg.raw["demo"]
    today = timezone.localdate()
    years = [y for y in demo["years"] if y < today.year]
    clusters = dict(Cluster.objects.values_list("code", "pk"))
    plan = synth.generate(_firms(), sorted(clusters), years, seed, demo)
    with transaction.atomic():
        providers = Provider.objects.bulk_create([
            Provider(name=p["name"], capabilities=p["capabilities"], certifications=p["certifications"],
                     projects_before=p["projects_before"], joined_on=p["joined_on"], is_synthetic=True)
            for p in plan.providers])
        Through = Provider.clusters.through
        Through.objects.bulk_create([Through(provider_id=providers[i].pk, cluster_id=clusters[c])
                                     for i, p in enumerate(plan.providers) for c in p["clusters"]])
        lots = ProcurementLot.objects.bulk_create([
            ProcurementLot(code=lot["code"], name=lot["name"], period_start=lot["period_start"],
                           period_end=lot["period_end"], budget_yuan=lot["budget_yuan"],
                           price_yuan=lot["price_yuan"], is_synthetic=True) for lot in plan.lots])
        LotThrough = ProcurementLot.providers.through
        LotThrough.objects.bulk_create([
            LotThrough(procurementlot_id=lots[i].pk, provider_id=providers[j].pk)
            for i, lot in enumerate(plan.lots) for j in lot["providers"]])
        counts = _diagnoses(plan, lots, providers)
        current = current_lot(providers[0], today, int(demo["price_per_diagnosis_yuan"]))
    progress(f"  智改数转：服务商 {len(providers)} 家，采购批次 {len(lots) + 1} 个，"
             f"诊断 {counts['diagnoses']:,} 家次，报告 {counts['reports']:,} 份，"
             f"建议项目 {counts['projects']:,} 个（已开工 {counts['started']:,} 个）")
    audit.record(None, "transform_demo", current, detail=counts)
    return counts


def current_lot(provider: Provider, today: dt.date, price: int) -> ProcurementLot:
    """This year's lot for enterprises' requests; the demo provider user's firm supplies it."""
    lot = ProcurementLot.objects.create(
        code=f"{today.year}-REQ", name=f"{today.year}年企业申请诊断服务采购（合成）",
        period_start=dt.date(today.year, 1, 1), period_end=dt.date(today.year, 12, 31),
        budget_yuan=price * 500, price_yuan=price, is_synthetic=True)
    lot.providers.add(provider)
    return lot


def _diagnoses(plan, lots, providers) -> dict:
    S = Diagnosis.Status
    rows = []
    for d in plan.diagnoses:
        status = S.ACCEPTED if d["accepted_on"] else S.REPORTED if d["reported_on"] else S.ASSIGNED
        rows.append(Diagnosis(
            enterprise_id=d["firm_id"], origin=d["origin"], status=status, lot=lots[d["lot"]],
            provider=providers[d["provider"]], requested_on=d["requested_on"],
            assigned_on=d["assigned_on"], visited_on=d["reported_on"], reported_on=d["reported_on"],
            accepted_on=d["accepted_on"], is_synthetic=True))
    made = Diagnosis.objects.bulk_create(rows, batch_size=BATCH)
    cfg = config()
    reported = [(obj, d) for obj, d in zip(made, plan.diagnoses, strict=True) if d["levels"]]
    reports = Report.objects.bulk_create([
        Report(diagnosis=obj, overall_level=cfg.overall(list(d["levels"].values())),
               findings=d["findings"], filed_on=d["reported_on"]) for obj, d in reported],
        batch_size=BATCH)
    DimensionScore.objects.bulk_create([
        DimensionScore(report=r, dimension=k, level=v)
        for r, (_, d) in zip(reports, reported, strict=True) for k, v in d["levels"].items()],
        batch_size=BATCH)
    P = RecommendedProject.Status
    projects = RecommendedProject.objects.bulk_create([
        RecommendedProject(
            report=r, title=p["title"], capability=p["capability"], cost_yuan=p["cost_yuan"],
            annual_gain_yuan=p["annual_gain_yuan"], expected_gains=p["expected_gains"],
            payback_years=Decimal(str(p["payback_years"])),
            status=P.STARTED if p["started_on"] else P.RECOMMENDED, started_on=p["started_on"],
            invested_yuan=p["invested_yuan"],
            provider=providers[p["provider"]] if p["provider"] is not None else None)
        for r, (_, d) in zip(reports, reported, strict=True) for p in d["projects"]],
        batch_size=BATCH)
    ProviderRating.objects.bulk_create([
        ProviderRating(provider=obj.provider, diagnosis=obj, score=d["rating"],
                       rated_on=d["accepted_on"])
        for obj, d in reported if d["rating"]], batch_size=BATCH)
    return {"diagnoses": len(made), "reports": len(reports), "projects": len(projects),
            "started": sum(1 for p in projects if p.started_on)}


def link_demo_provider(username: str = "fuwushang") -> None:
    """The demo provider user works for the supplier of this year's request lot."""
    from django.contrib.auth import get_user_model

    from .models import ProviderMember

    user = get_user_model().objects.filter(username=username).first()
    lot = ProcurementLot.objects.filter(code=f"{timezone.localdate().year}-REQ").first()
    if user is None or lot is None or not lot.providers.exists():
        return
    ProviderMember.objects.update_or_create(user=user, defaults={"provider": lot.providers.first()})
