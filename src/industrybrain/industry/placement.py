"""Place enterprises in the segments (产业链环节) of their clusters and chains.

The rule is the pack's (taxonomy.yaml ``segment_placement``): an officer's override first,
then a keyword in the product of one of the enterprise's honours, then a keyword in its name,
then the longest GB/T 4754 prefix among the segments' codes. An enterprise is placed only
inside a cluster it belongs to or a chain it is a member of. Rule placements are derived
data: ``place_all`` recomputes them in bulk (no history rows); an override is saved one by
one with the officer and the reason in its history, and survives every recomputation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from industrybrain.core import dataversion
from industrybrain.enterprises.models import Designation, Enterprise
from industrybrain.industry.models import (
    Chain,
    ChainMembership,
    ChainSegment,
    Cluster,
    PlacementRule,
    SegmentPlacement,
)

BATCH = 5000


class PlacementRefused(ValueError):
    """An override the rule does not allow; the message names the enterprise and why."""


@dataclass
class PlacementReport:
    """What one run placed: counts per rule and the enterprises left out, with the reason."""

    counts: Counter = field(default_factory=Counter)
    unplaced: list[tuple[str, int, str]] = field(default_factory=list)  # (owner, enterprise, why)

    @property
    def placed(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class SegmentRule:
    pk: int
    keywords: tuple[str, ...]
    codes: tuple[str, ...]


def _rules(segments) -> list[SegmentRule]:
    return [SegmentRule(s.pk, tuple(s.keywords), tuple(s.industry_codes)) for s in segments]


def _by_keyword(rules, text: str):
    for rule in rules:
        for word in rule.keywords:
            if word in text:
                return rule.pk, word
    return None


def _by_code(rules, code: str):
    best, length = None, 0
    for rule in rules:
        for prefix in rule.codes:
            if len(prefix) > length and code.startswith(prefix):
                best, length = (rule.pk, prefix), len(prefix)
    return best


def decide(rules, name: str, code: str, products: list[str]):
    """(rule, segment id, evidence) for one enterprise, or (None, None, why)."""
    for product in products:
        hit = _by_keyword(rules, product)
        if hit:
            return PlacementRule.DESIGNATION, hit[0], f"{product}（{hit[1]}）"
    hit = _by_keyword(rules, name)
    if hit:
        return PlacementRule.KEYWORD, hit[0], hit[1]
    hit = _by_code(rules, code)
    if hit:
        return PlacementRule.CODE, hit[0], f"{code}（{hit[1]}）"
    return None, None, _("行业代码 %(code)s 没有环节认领，名称和荣誉产品中也没有环节关键词") % {"code": code}


def _owners():
    for cluster in Cluster.objects.prefetch_related("segments"):
        members = Enterprise.objects.filter(cluster=cluster).values_list("pk", flat=True)
        yield "cluster", cluster, list(cluster.segments.all()), members
    for chain in Chain.objects.prefetch_related("segments"):
        members = ChainMembership.objects.filter(chain=chain).values_list("enterprise_id", flat=True)
        yield "chain", chain, list(chain.segments.all()), members


@transaction.atomic
def place_all() -> PlacementReport:
    """Recompute every rule placement; overrides are kept. Returns the counts per rule."""
    report = PlacementReport()
    names = dict(Enterprise.objects.values_list("pk", "name"))
    codes = dict(Enterprise.objects.values_list("pk", "industry_code"))
    products = defaultdict(list)
    for pk, product in Designation.objects.exclude(product="").values_list("enterprise_id", "product"):
        products[pk].append(product)
    SegmentPlacement.objects.exclude(rule=PlacementRule.OVERRIDE).delete()
    overridden = set(SegmentPlacement.objects.values_list("enterprise_id", "cluster_id", "chain_id"))
    new = []
    for kind, owner, segments, members in _owners():
        rules = _rules(segments)
        for pk in members.iterator(chunk_size=BATCH):
            key = (pk, owner.pk, None) if kind == "cluster" else (pk, None, owner.pk)
            if key in overridden:
                report.counts[PlacementRule.OVERRIDE] += 1
                continue
            rule, segment, evidence = decide(rules, names[pk], codes[pk], products.get(pk, []))
            if rule is None:
                report.unplaced.append((owner.name_zh, pk, evidence))
                continue
            report.counts[rule] += 1
            new.append(SegmentPlacement(enterprise_id=pk, segment_id=segment, rule=rule,
                                        evidence=evidence[:128], **{kind: owner}))
    SegmentPlacement.objects.bulk_create(new, batch_size=BATCH)
    dataversion.bump(dataversion.ENTERPRISES)
    return report


def check_override(enterprise: Enterprise, segment: ChainSegment) -> None:
    """Refuse a segment outside the enterprise's cluster, or a chain that neither counts it as
    a member nor relates to its cluster (PlacementRefused names the enterprise and why)."""
    if segment.cluster_id is not None:
        if enterprise.cluster_id != segment.cluster_id:
            own = enterprise.cluster.name_zh if enterprise.cluster else _("无集群")
            raise PlacementRefused(
                _("%(name)s 属于“%(own)s”，不能归入“%(other)s”集群的环节“%(segment)s”")
                % {"name": enterprise.name, "own": own, "other": segment.cluster.name_zh,
                   "segment": segment.name_zh})
        return
    chain = segment.chain
    member = ChainMembership.objects.filter(chain=chain, enterprise=enterprise).exists()
    related = enterprise.cluster is not None and enterprise.cluster.code in chain.related_clusters
    if not (member or related):
        own = enterprise.cluster.name_zh if enterprise.cluster else _("无集群")
        raise PlacementRefused(
            _("%(name)s（%(own)s）不是“%(chain)s”产业链的成员，其集群也不在该链对应的集群之中，"
              "不能归入环节“%(segment)s”")
            % {"name": enterprise.name, "own": own, "chain": chain.name_zh, "segment": segment.name_zh})


@transaction.atomic
def override(enterprise: Enterprise, segment: ChainSegment, reason: str, user=None) -> SegmentPlacement:
    """Place ``enterprise`` in ``segment`` by an officer's decision, kept in the history with
    the officer and the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PlacementRefused(_("调整环节必须写明理由"))
    check_override(enterprise, segment)
    owner = {"cluster": segment.cluster} if segment.cluster_id else {"chain": segment.chain}
    if segment.chain_id:
        ChainMembership.objects.get_or_create(chain=segment.chain, enterprise=enterprise)
    placement = SegmentPlacement.objects.filter(enterprise=enterprise, **owner).first()
    placement = placement or SegmentPlacement(enterprise=enterprise, **owner)
    placement.segment = segment
    placement.rule = PlacementRule.OVERRIDE
    placement.evidence = ""
    placement.reason = reason[:500]
    placement._change_reason = reason[:100]
    if user is not None and user.is_authenticated:
        placement._history_user = user
    placement.save()
    dataversion.bump(dataversion.ENTERPRISES)
    return placement


def summary_lines(report: PlacementReport) -> list[str]:
    """The report in words, for the CLI and the docs."""
    labels = dict(PlacementRule.choices)
    lines = [f"{labels[rule]}：{report.counts.get(rule, 0):,} 家次" for rule in PlacementRule.values]
    lines.append(_("未归入环节：%(n)s 家次") % {"n": f"{len(report.unplaced):,}"})
    return lines
