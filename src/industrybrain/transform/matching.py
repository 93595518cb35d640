"""Which providers of the library could deliver a recommended project, and why, in words.

A provider qualifies when it offers the project's capability. Among those, one that serves
the firm's cluster ranks first, then one serving one of the firm's chains, then a provincial
leading provider (省级领军服务商), then the better average rating, then more projects
delivered."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from industrybrain.core.localize import in_english, local

from .config import config
from .models import Provider


@dataclass
class Match:
    provider: Provider
    score: tuple
    reasons: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return ("; " if in_english() else "；").join(self.reasons)


def library():
    """Active providers with their ratings and delivered projects."""
    return (Provider.objects.filter(active=True)
            .annotate(rating=Avg("ratings__score"), ratings_n=Count("ratings", distinct=True),
                      delivered_n=Count("delivered", distinct=True))
            .prefetch_related("clusters", "chains"))


def match(capability: str, enterprise, limit: int = 5, providers=None) -> list[Match]:
    cfg = config()
    cap = cfg.capability(capability)
    if cap is None:
        return []
    chains = set(enterprise.chains.values_list("pk", flat=True))
    out = []
    for p in providers if providers is not None else library():
        if capability not in (p.capabilities or []):
            continue
        reasons = [_("具备“%(c)s”能力") % {"c": local(cap)}]
        clusters = {c.pk: c for c in p.clusters.all()}
        in_cluster = enterprise.cluster_id in clusters
        if in_cluster:
            reasons.append(_("服务%(c)s集群") % {"c": local(clusters[enterprise.cluster_id])})
        served = [c for c in p.chains.all() if c.pk in chains]
        if served:
            reasons.append(_("服务%(c)s") % {"c": "、".join(local(c) for c in served)})
        leader = "provincial_leader" in (p.certifications or [])
        if leader:
            reasons.append(local(cfg.certification("provincial_leader")))
        rating = getattr(p, "rating", None)
        if rating:
            reasons.append(_("平均评分%(r).1f（%(n)s次评价）") % {"r": rating, "n": p.ratings_n})
        delivered = (getattr(p, "delivered_n", 0) or 0) + p.projects_before
        if delivered:
            reasons.append(_("已交付项目%(n)s个") % {"n": delivered})
        out.append(Match(p, (in_cluster, bool(served), leader, rating or 0, delivered), reasons))
    out.sort(key=lambda m: m.score, reverse=True)
    return out[:limit]
