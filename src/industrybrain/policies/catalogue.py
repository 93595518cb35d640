"""The policy pack as the handling system reads it: loaded once per process, with the
facts the workflow needs (which policies carry money, which need an application, the
yearly envelope and its citation)."""

from __future__ import annotations

from django.conf import settings

from industrybrain.core import localize
from industrybrain.engine import Pack, Policy

MONEY_LINE = "policy_funds"


def pack_id() -> str:
    return getattr(settings, "IB_POLICY_PACK", "changzhou_2022")


def pack(pid: str | None = None) -> Pack:
    """The validated pack; a pack that fails validation raises PackError and cannot be run.
    (One cache per process, shared with the labels: core.localize.pack.)"""
    return localize.pack(pid or pack_id())


def policy(policy_id: str, pid: str | None = None) -> Policy | None:
    try:
        return pack(pid).policy(policy_id)
    except KeyError:
        return None


def title(policy_id: str) -> str:
    return localize.policy_title(policy_id)


def carries_money(p: Policy) -> bool:
    """Paid from the yearly policy funds (the others are loans, services, recognition)."""
    return p.budget_line == MONEY_LINE


def by_application(p: Policy) -> bool:
    """快申快享: money the database cannot decide (an organisation award, a reviewed project,
    a prize the vocabulary lacks), so the enterprise applies with evidence."""
    return carries_money(p) and not p.evaluated


def citation(p: Policy) -> dict:
    c = p.citations[0]
    return {"seed": c.seed, "quote": c.quote}


def tier_label(p: Policy, tier_id: str) -> str:
    return localize.tier_label(p.id, tier_id)


def next_tier(p: Policy, tier_id: str | None):
    """The tier above ``tier_id`` (tiers are listed highest first), or the lowest tier when
    none is reached; None at the top or for a policy without tiers."""
    if not p.tiers or p.tier_selection != "highest":
        return None
    ids = [t.id for t in p.tiers]
    if not tier_id:
        return p.tiers[-1]
    if tier_id in ids and ids.index(tier_id) > 0:
        return p.tiers[ids.index(tier_id) - 1]
    return None


def envelope(year: int, pid: str | None = None) -> tuple[int | None, dict]:
    """The yearly policy funds (100亿元) for ``year`` and the clause that promises them."""
    for fund in pack(pid).meta.get("funding", []):
        if fund.get("id") != "yearly_policy_funds":
            continue
        period = fund.get("period", {})
        if period.get("from", year) <= year <= period.get("to", year):
            cites = fund.get("citations") or [fund.get("citation")]
            return int(fund["amount_yuan"]), cites[0] or {}
    return None, {}


def funded_year(year: int, pid: str | None = None) -> int:
    """``year`` clamped into the yearly funds' period (the library shows the envelope even
    after the pack's last year)."""
    for fund in pack(pid).meta.get("funding", []):
        if fund.get("id") == "yearly_policy_funds":
            period = fund.get("period", {})
            return max(period.get("from", year), min(year, period.get("to", year)))
    return year


def group_caps(pid: str | None = None) -> dict[str, list[Policy]]:
    """Policies sharing a cumulative cap across enterprises, by what they are grouped by."""
    out: dict[str, list[Policy]] = {}
    for p in pack(pid).policies:
        if p.group_cap:
            out.setdefault(p.group_cap.get("by", ""), []).append(p)
    return out


def cumulative(p: Policy) -> bool:
    """Whether the pack pays this policy's tiers cumulatively (``tier_selection: all``, e.g.
    ``dengfeng_tier_jump = all``): then each tier set is its own payment, else one per year."""
    return len(p.tiers) > 1 and p.tier_selection == "all"


def slot(p: Policy | None, tier: str) -> str:
    """What may be paid once per enterprise, policy and year (Award.slot, LedgerEntry.slot):
    "" for every policy paid once a year, whichever tier or channel; the tier where tiers add up."""
    return (tier or "") if p is not None and cumulative(p) else ""
