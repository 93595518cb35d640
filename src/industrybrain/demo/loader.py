"""Load the synthetic city into the database.

Rows are written with bulk inserts and without per-row history: the generator is the
author of every row, and one ImportBatch records the run. The data are flagged
``is_synthetic`` and every name ends with （合成）.
"""

import time
from decimal import Decimal

from django.db import transaction

from industrybrain.core import dataversion
from industrybrain.core.models import ImportBatch
from industrybrain.enterprises.models import (
    AnnualFigures,
    Designation,
    DesignationType,
    District,
    Enterprise,
)
from industrybrain.industry.models import Chain, ChainMembership, Cluster, SegmentPlacement

BATCH = 5000


def foreign_data(foreign_users) -> list[str]:
    """What in the database ``demo-data`` did not make: accounts, real enterprises, imports
    by a person. Empty for a new or a demo-only database."""
    found = []
    users = list(foreign_users.values_list("username", flat=True)[:5])
    if users:
        found.append("账户 " + "、".join(users))
    real = Enterprise.objects.filter(is_synthetic=False).count()
    if real:
        found.append(f"非合成企业 {real:,} 家")
    imports = ImportBatch.objects.exclude(filename__startswith="synthetic city").count()
    if imports:
        found.append(f"导入记录 {imports:,} 条")
    return found


def synthetic_count() -> int:
    return Enterprise.objects.filter(is_synthetic=True).count()


def clear_synthetic() -> None:
    with transaction.atomic():
        synthetic = Enterprise.objects.filter(is_synthetic=True)
        for model in (SegmentPlacement, ChainMembership, Designation, AnnualFigures):
            model.objects.filter(enterprise__in=synthetic).delete()
        synthetic.delete()
        dataversion.bump(dataversion.ENTERPRISES)


def load_city(city, progress=print) -> dict:
    """Write a ``industrybrain.synth.City`` into the database in one transaction."""
    started = time.perf_counter()
    enterprises = city.enterprises.to_pylist()
    districts = dict(District.objects.values_list("code", "pk"))
    clusters = dict(Cluster.objects.values_list("code", "pk"))
    chains = dict(Chain.objects.values_list("code", "pk"))
    types = dict(DesignationType.objects.values_list("code", "pk"))
    with transaction.atomic():
        objs = [
            Enterprise(
                uscc=e["uscc"], name=e["name"], district_id=districts[e["district"]],
                industry_code=e["industry_code"], ownership=e["ownership"],
                founded_on=e["founded_on"], is_manufacturing=e["is_manufacturing"],
                is_listed=e["is_listed"], cluster_id=clusters.get(e["cluster"]),
                is_synthetic=True,
            )
            for e in enterprises
        ]
        Enterprise.objects.bulk_create(objs, batch_size=BATCH)
        ids = dict(Enterprise.objects.filter(is_synthetic=True).values_list("uscc", "pk"))
        to_db = {e["enterprise_id"]: ids[e["uscc"]] for e in enterprises}
        progress(f"  企业 {len(objs):,} 家")

        members = []
        for e in enterprises:
            leaders = set(e.get("chain_leader") or [])
            for code in e.get("chains") or []:
                members.append(ChainMembership(
                    chain_id=chains[code], enterprise_id=to_db[e["enterprise_id"]],
                    is_leader=code in leaders,
                ))
        ChainMembership.objects.bulk_create(members, batch_size=BATCH)
        progress(f"  产业链成员 {len(members):,} 条")

        count = 0
        for batch in city.figures.to_batches(max_chunksize=BATCH):
            rows = batch.to_pylist()
            AnnualFigures.objects.bulk_create([
                AnnualFigures(
                    enterprise_id=to_db[r["enterprise_id"]], year=r["year"],
                    revenue=r["revenue"], industrial_output=r["industrial_output"], tax=r["tax"],
                    local_contribution=r["local_contribution"], rd_spending=r["rd_spending"],
                    employees=r["employees"], invention_patents=r["invention_patents"],
                    energy_tce=None if r["energy_tce"] is None else Decimal(f"{r['energy_tce']:.2f}"),
                    tech_upgrade_investment=r["tech_upgrade_investment"],
                    above_scale=r["above_scale"],
                )
                for r in rows
            ])
            count += len(rows)
        progress(f"  年度数据 {count:,} 条")

        designations = [
            Designation(
                enterprise_id=to_db[d["enterprise_id"]], type_id=types[d["code"]],
                granted_on=d["granted_on"], expires_on=d["expires_on"], product=d["product"] or "",
            )
            for d in city.designations.to_pylist()
        ]
        Designation.objects.bulk_create(designations, batch_size=BATCH)
        progress(f"  荣誉认定 {len(designations):,} 条")
        dataversion.bump(dataversion.ENTERPRISES)
        from industrybrain.industry.placement import place_all

        placed = place_all()
        progress(f"  产业链环节归属 {placed.placed:,} 条，未归入 {len(placed.unplaced):,} 家次")
        ImportBatch.objects.create(
            kind="enterprises", filename=f"synthetic city n={len(objs)}", sha256="",
            rows=len(objs), created=len(objs), applied=True,
        )
    return {
        "enterprises": len(objs), "figures": count, "designations": len(designations),
        "chain_members": len(members), "placements": placed.placed, "seconds": round(time.perf_counter() - started, 1),
    }


# Revenue milestones of the 登峰计划 (100/500/1000亿元): crossing one is what makes an
# enterprise's page tell the whole story of an award.
MILESTONES = (100 * 10**8, 500 * 10**8, 1000 * 10**8)


def showcase_enterprises():
    """The two enterprises the demo's enterprise users belong to: (1) the largest that passed
    a revenue milestone for the first time in the latest year, so that a policy run gives it
    an award to see; (2) the largest enterprise of all, the one nearest a milestone above."""
    from django.db.models import Max

    latest = AnnualFigures.objects.order_by("-year").values_list("year", flat=True).first()
    big = list(AnnualFigures.objects.filter(year=latest, revenue__gt=MILESTONES[0])
               .order_by("-revenue").values_list("enterprise_id", "revenue"))
    before = dict(AnnualFigures.objects.filter(enterprise_id__in=[e for e, _ in big],
                                               year__lt=latest)
                  .values_list("enterprise_id").annotate(m=Max("revenue")))
    crossed = [e for e, revenue in big
               if any((before.get(e) or 0) <= m < revenue for m in MILESTONES)]
    chosen = crossed[:1] + [e for e, _ in big if e not in crossed[:1]][:1]
    if len(chosen) < 2:  # a small city without giants: its two largest enterprises
        chosen = list(AnnualFigures.objects.filter(year=latest, revenue__isnull=False)
                      .order_by("-revenue").values_list("enterprise_id", flat=True)[:2])
    by_id = Enterprise.objects.in_bulk(chosen)
    return [by_id[pk] for pk in chosen]
