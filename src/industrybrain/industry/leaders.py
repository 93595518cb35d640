"""链主 (chain leaders) and their candidates, ranked by the pack's documented score.

Score = sum of weight x percentile over the owner's above-scale members (taxonomy.yaml
``chain_leader_score``): output, growth, R&D intensity, honours held (by level) and the
number of local enterprises in the segments that supply the member's segment or that it
supplies. A member without a figure ranks last on that part, and its reasons say so.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from industrybrain.core.localize import local
from industrybrain.core.money import format_yuan
from industrybrain.enterprises.models import AnnualFigures, Designation, Enterprise
from industrybrain.industry.models import Chain, ChainMembership, SegmentPlacement
from industrybrain.industry.taxonomy import pack_settings

PARTS = ("output", "links", "growth", "rd_intensity", "designations")


def part_labels() -> dict[str, str]:
    return {"output": _("产出"), "links": _("本地上下游配套"), "growth": _("增长"),
            "rd_intensity": _("研发强度"), "designations": _("荣誉认定")}


def percentile(values: np.ndarray) -> np.ndarray:
    """Each value's share of members it beats or ties (0-1]; NaN (missing) gives 0."""
    out = np.zeros(len(values))
    ok = ~np.isnan(values)
    if ok.any():
        v = values[ok]
        order = np.sort(v)
        out[ok] = np.searchsorted(order, v, side="right") / len(v)
    return out


def members_of(owner):
    if isinstance(owner, Chain):
        return Enterprise.objects.filter(chainmembership__chain=owner)
    return Enterprise.objects.filter(cluster=owner)


def _links(owner, placements):
    """Local partners per segment: enterprises placed in its supplying and supplied segments."""
    counts = defaultdict(int)
    for segment_id in placements.values():
        counts[segment_id] += 1
    links = {}
    for segment in owner.segments.prefetch_related("feeds", "fed_by"):
        up = sum(counts[s.pk] for s in segment.fed_by.all())
        down = sum(counts[s.pk] for s in segment.feeds.all())
        links[segment.pk] = (up, down)
    return links


def rank(owner, year: int, members=None, settings: dict | None = None, stats: dict | None = None) -> list[dict]:
    """Above-scale members of ``owner`` (a Chain or a Cluster) ranked by score, best first,
    each with its parts, its reasons and whether it is a designated 链主. ``stats``, when
    given, receives the members' median output (the size band of a 招商 target)."""
    settings = settings or pack_settings()["leader_score"]
    weights = {k: float(settings["weights"].get(k, 0)) for k in PARTS}
    levels = settings["designation_levels"]
    members = members_of(owner) if members is None else members
    figures = {}
    for pk, y, out, rev, rd in (AnnualFigures.objects
                                .filter(enterprise__in=members, year__in=[year - 1, year])
                                .values_list("enterprise_id", "year",
                                             Coalesce("industrial_output", "revenue"), "revenue",
                                             "rd_spending", named=False)
                                .filter(Q(year=year - 1) | Q(year=year, above_scale=True))):
        figures.setdefault(pk, {})[y] = (out, rev, rd)
    ids = [pk for pk, f in figures.items() if year in f]
    if not ids:
        return []
    kind = "chain" if isinstance(owner, Chain) else "cluster"
    placements = dict(SegmentPlacement.objects.filter(**{kind: owner})
                      .values_list("enterprise_id", "segment_id"))
    links = _links(owner, placements)
    honours = defaultdict(list)
    for pk, level, zh, en in (Designation.objects.held_in(year).filter(enterprise_id__in=ids)
                              .values_list("enterprise_id", "type__level", "type__name_zh",
                                           "type__name_en")):
        honours[pk].append((levels.get(level, 1), local({"name_zh": zh, "name_en": en})))
    leaders = set()
    if kind == "chain":
        leaders = set(ChainMembership.objects.filter(chain=owner, is_leader=True)
                      .values_list("enterprise_id", flat=True))

    def num(v):
        return np.nan if v is None else float(v)

    out = np.array([num(figures[pk][year][0]) for pk in ids])
    if stats is not None and (~np.isnan(out)).any():
        stats["median_output"] = float(np.nanmedian(out))
    before = np.array([num(figures[pk].get(year - 1, (None,))[0]) for pk in ids])
    rev = np.array([num(figures[pk][year][1]) for pk in ids])
    rd = np.array([num(figures[pk][year][2]) for pk in ids])
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(before > 0, out / before - 1, np.nan)
        intensity = np.where(rev > 0, rd / rev, np.nan)
    link = np.array([float(sum(links.get(placements.get(pk), (0, 0)))) if pk in placements
                     else np.nan for pk in ids])
    honour = np.array([float(sum(w for w, _ in honours.get(pk, []))) for pk in ids])
    parts = {"output": out, "growth": growth, "rd_intensity": intensity,
             "designations": honour, "links": link}
    pct = {k: percentile(v) for k, v in parts.items()}
    score = sum(weights[k] * pct[k] for k in PARTS) / (sum(weights.values()) or 1)
    order = np.argsort(-score, kind="stable")
    by_output = {pk: r for r, pk in enumerate(np.array(ids)[np.argsort(-np.nan_to_num(out, nan=-1),
                                                                       kind="stable")], 1)}
    names = Enterprise.objects.in_bulk([ids[i] for i in order[:60]])
    rows = []
    for place, i in enumerate(order[:60], 1):
        pk = ids[i]
        up_down = links.get(placements.get(pk), (0, 0))
        reasons = [
            _("产出 %(v)s（第%(r)s位）") % {"v": format_yuan(out[i]), "r": by_output[pk]},
            _("增长 %(v)s") % {"v": "—" if np.isnan(growth[i]) else f"{growth[i] * 100:.1f}%"},
            _("研发强度 %(v)s") % {"v": "—" if np.isnan(intensity[i]) else f"{intensity[i] * 100:.1f}%"},
            (_("本地上游 %(up)s 家、下游 %(down)s 家") % {"up": up_down[0], "down": up_down[1]}
             if pk in placements else _("未归入环节，无配套数")),
        ]
        if honours.get(pk):
            reasons.append("、".join(sorted({n for _, n in honours[pk]})))
        rows.append({
            "enterprise": names[pk], "rank": place, "score": round(float(score[i]) * 100, 1),
            "is_leader": pk in leaders, "output": out[i], "reasons": reasons,
            "parts": {k: round(float(pct[k][i]) * 100) for k in PARTS},
        })
    return rows


def chain_leaders(chain: Chain) -> list[Enterprise]:
    """The designated 链主 of a chain (ChainMembership.is_leader), largest output first.
    Other apps (talent pools, cultivation) read leaders through this function."""
    ids = list(ChainMembership.objects.filter(chain=chain, is_leader=True)
               .values_list("enterprise_id", flat=True))
    by_id = Enterprise.objects.in_bulk(ids)
    year = AnnualFigures.objects.filter(enterprise_id__in=ids).order_by("-year").values_list(
        "year", flat=True).first()
    output = dict(AnnualFigures.objects.filter(enterprise_id__in=ids, year=year)
                  .values_list("enterprise_id", "industrial_output")) if year else {}
    return sorted(by_id.values(), key=lambda e: (-(output.get(e.pk) or 0), e.pk))
