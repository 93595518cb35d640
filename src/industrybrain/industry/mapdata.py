"""The data of a chain page (one cluster or one chain): its segment graph, gaps, leaders and
districts. Enterprise-level data pass ``core.scope``; city-wide indicators (LQ, density) are
aggregates, and a district officer sees only the own district's row of them.
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from industrybrain.core.localize import local, punct
from industrybrain.core.money import format_yuan
from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.enterprises.models import AnnualFigures, IndustryCode
from industrybrain.industry import citytables, leaders
from industrybrain.industry.models import Chain, ChainMembership, Cluster, SegmentPlacement
from industrybrain.industry.taxonomy import pack_settings

STAGE_X = {"upstream": 0, "midstream": 1, "downstream": 2, "": 1}


def kind_of(owner) -> str:
    return "chain" if isinstance(owner, Chain) else "cluster"


def owner_url(owner) -> str:
    return reverse(f"industry:{kind_of(owner)}", args=[owner.code])


def sees_city(user) -> bool:
    return role_of(user) in {"city_admin", "reviewer", "analyst"}


def _segment_sums(owner, user, year):
    placements = scope_enterprises(
        user, SegmentPlacement.objects.filter(**{kind_of(owner): owner}), "enterprise__")
    firms = dict(placements.values_list("segment_id").annotate(n=Count("id")).order_by())
    sums = {}
    for segment, y, out in (placements.filter(enterprise__figures__year__in=[year - 1, year])
                            .values_list("segment_id", "enterprise__figures__year")
                            .annotate(out=Sum(citytables.OUTPUT)).order_by()):
        sums[(segment, y)] = out or 0
    return firms, sums


def _profile(segment, chain_median):
    codes = {c.code: local(c) for c in IndustryCode.objects.filter(code__in=segment.industry_codes)}
    return {
        "segment": local(segment),
        "codes": [f"{c} {codes.get(c, '')}".strip() for c in segment.industry_codes],
        "technology": punct("、").join(segment.keywords),
        "size": (_("规上企业，年产出约 %(v)s（本链规上企业中位数）") % {"v": format_yuan(chain_median)}
                 if chain_median else _("规上企业")),
    }


def page_data(owner, user, year: int | None = None, tables=None) -> dict:
    """Everything the chain page draws, as plain data (the JSON island and the .xlsx)."""
    year = year or citytables.latest_year()
    settings = pack_settings()
    gap_rule = settings["gap_rule"]
    segments = list(owner.segments.prefetch_related("feeds"))
    firms, sums = _segment_sums(owner, user, year) if year else ({}, {})
    total = sum(sums.get((s.pk, year), 0) for s in segments) or 0
    tables = tables if tables is not None else (citytables.city_tables(year) if year else None)
    own_district = getattr(getattr(user, "profile", None), "district_id", None)
    rows = []
    by_stage = {}
    for s in segments:
        now, before = sums.get((s.pk, year), 0), sums.get((s.pk, year - 1), 0) if year else 0
        n = firms.get(s.pk, 0)
        share = now / total if total else 0.0
        reasons = []
        if n < gap_rule["few_enterprises"]:
            reasons.append(_("本地企业 %(n)s 家（少于 %(k)s 家）") % {"n": n, "k": gap_rule["few_enterprises"]})
        if share < gap_rule["small_share"]:
            reasons.append(_("占全链产出 %(s)s（不足 %(k)s）") % {
                "s": f"{share * 100:.1f}%", "k": f"{gap_rule['small_share'] * 100:.0f}%"})
        x = STAGE_X.get(s.stage, 1)
        y = by_stage.get(x, 0)
        by_stage[x] = y + 1
        rows.append({
            "id": s.pk, "name": local(s), "stage": s.get_stage_display(), "x": x, "y": y,
            "firms": n, "output": now, "before": before, "share": share,
            "growth": (now / before - 1) * 100 if before else None,
            "gap": bool(reasons), "gap_reasons": reasons,
            "feeds": [f.pk for f in s.feeds.all()], "assumption": s.is_assumption,
            "citation": s.citation, "url": reverse("industry:segment", args=[s.pk]),
        })
    names = {r["id"]: r["name"] for r in rows}
    upstream = {r["id"]: [] for r in rows}
    for r in rows:
        for f in r["feeds"]:
            upstream.setdefault(f, []).append(r["id"])
    firms_of = {r["id"]: r["firms"] for r in rows}
    gaps = []
    for r in rows:
        if not r["gap"]:
            continue
        gap = {**r, "density": None, "best_district": None, "related": [],
               "suppliers": sum(firms_of.get(u, 0) for u in upstream.get(r["id"], [])),
               "customers": sum(firms_of.get(d, 0) for d in r["feeds"])}
        if tables is not None and r["id"] in tables._columns:
            j = tables.column(r["id"])
            rows_allowed = (range(len(tables.districts)) if sees_city(user)
                            else [tables.row(own_district)] if own_district else [])
            if rows_allowed:
                best = max(rows_allowed, key=lambda i: tables.omega[i, j])
                gap["density"] = round(float(tables.omega[best, j]), 3)
                gap["best_district"] = local(tables.districts[best])
                near = [(tables.phi[j, k], pk) for k, pk in enumerate(tables.segments)
                        if k != j and tables.has[best, k] and tables.phi[j, k] > 0]
                gap["related"] = [names.get(pk) or local(_segment(pk)) for _, pk in sorted(near, reverse=True)[:3]]
        gap["explain"] = _explain_gap(gap)
        gaps.append(gap)
    gaps.sort(key=lambda g: (-(g["density"] or 0), -(g["suppliers"] + g["customers"]), g["firms"]))
    for rank, g in enumerate(gaps, 1):
        g["rank"] = rank
    stats = {}
    ranked = leaders.rank(owner, year, members=scope_enterprises(user, leaders.members_of(owner)),
                          stats=stats) if year else []
    for gap in gaps:
        gap["profile"] = _profile(next(s for s in segments if s.pk == gap["id"]), stats.get("median_output"))
    rule = settings["leader_rule"]
    leader_count = (scope_enterprises(user, ChainMembership.objects.filter(chain=owner, is_leader=True),
                                      "enterprise__").count() if kind_of(owner) == "chain" else None)
    districts = []
    if tables is not None and role_of(user) != "enterprise_user":
        districts = citytables.owner_by_district(tables, [s.pk for s in segments])
        if not sees_city(user):
            districts = [d for d in districts if d["district"].pk == own_district]
    return {
        "kind": kind_of(owner), "code": owner.code, "name": local(owner), "year": year,
        "output": total, "target": getattr(owner, "target_2025_yuan", None),
        "segments": rows, "gaps": gaps, "leaders": ranked[:20], "leader_count": leader_count,
        "leader_min": rule["min"], "leader_max": rule["max"],
        "leader_target_url": _target_url(f"chain_leaders_{owner.code}") if kind_of(owner) == "chain" else None,
        "scale_target_url": _target_url(f"cluster_{owner.code}_scale_2025" if kind_of(owner) == "cluster"
                                        else "chains_total_scale_2025_001"),
        "districts": districts,
        "unplaced": _unplaced(owner, user),
        "weights": settings["leader_score"]["weights"],
    }


def _segment(pk):
    from industrybrain.industry.models import ChainSegment

    return ChainSegment.objects.get(pk=pk)


def _explain_gap(g) -> str:
    parts = list(g["gap_reasons"])
    if g["density"] is not None:
        parts.append(_("关联密度 %(d)s（%(district)s 最高）：该区已具备的相近环节 %(related)s") % {
            "d": f"{g['density']:.2f}", "district": g["best_district"],
            "related": punct("、").join(g["related"]) or "—"})
    parts.append(_("本地上游供应商 %(up)s 家、下游客户 %(down)s 家") % {
        "up": g["suppliers"], "down": g["customers"]})
    return punct("；").join(parts)


def unplaced_members(owner, user):
    """The owner's members (scoped) that no segment holds."""
    placed = SegmentPlacement.objects.filter(**{kind_of(owner): owner}).values("enterprise_id")
    return scope_enterprises(user, leaders.members_of(owner)).exclude(pk__in=placed)


def _unplaced(owner, user) -> int:
    return unplaced_members(owner, user).count()


def unplaced_rows(owner, user, limit: int = 500):
    """Unplaced members with the reason the rule gives, largest first (at most ``limit``)."""
    from industrybrain.enterprises.models import Designation
    from industrybrain.industry.placement import _rules, decide

    year = citytables.latest_year()
    members = unplaced_members(owner, user).select_related("district")
    output = dict(AnnualFigures.objects.filter(enterprise__in=members, year=year).values_list(
        "enterprise_id", Coalesce("industrial_output", "revenue"))) if year else {}
    chosen = sorted(members, key=lambda e: (-(output.get(e.pk) or 0), e.pk))[:limit]
    products = {}
    for pk, product in Designation.objects.filter(enterprise__in=[e.pk for e in chosen]).exclude(
            product="").values_list("enterprise_id", "product"):
        products.setdefault(pk, []).append(product)
    rules = _rules(owner.segments.all())
    return [{"enterprise": e, "output": output.get(e.pk),
             "why": decide(rules, e.name, e.industry_code, products.get(e.pk, []))[2]} for e in chosen]


def _target_url(code: str) -> str | None:
    try:
        return reverse("targets:detail", args=[code])
    except NoReverseMatch:
        return None


def segment_enterprises(segment, user, year):
    """The enterprises of one segment (scoped), largest output first, with figures and honours."""
    kind = "cluster" if segment.cluster_id else "chain"
    placements = scope_enterprises(user, SegmentPlacement.objects.filter(segment=segment), "enterprise__")
    rows = list(placements.select_related("enterprise__district").order_by("enterprise_id")[:2000])
    ids = [p.enterprise_id for p in rows]
    figures = {pk: (out, rd, rev) for pk, out, rd, rev in AnnualFigures.objects.filter(
        enterprise_id__in=ids, year=year).values_list(
        "enterprise_id", Coalesce("industrial_output", "revenue"), "rd_spending", "revenue")}
    honours = {}
    for pk, zh, en in _honours(ids, year):
        honours.setdefault(pk, []).append(local({"name_zh": zh, "name_en": en}))
    out = []
    for p in rows:
        output, rd, rev = figures.get(p.enterprise_id, (None, None, None))
        out.append({"enterprise": p.enterprise, "placement": p, "output": output,
                    "rd_intensity": (rd / rev * 100) if rd is not None and rev else None,
                    "honours": honours.get(p.enterprise_id, []), "kind": kind})
    out.sort(key=lambda r: -(r["output"] or 0))
    return out


def _honours(ids, year):
    from industrybrain.enterprises.models import Designation

    return Designation.objects.held_in(year).filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "type__name_zh", "type__name_en")


def project_hook(lead) -> str | None:
    """The URL that turns a 招商 lead into a major project, once the projects app offers it."""
    try:
        return reverse("projects:create_from_lead", args=[lead.pk])
    except NoReverseMatch:
        return None


def all_owners():
    return list(Cluster.objects.all()) + list(Chain.objects.all())
