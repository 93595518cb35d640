"""Budgets: the yearly envelope (100亿元, cited from the pack), per-policy lines, and the
caps shared across enterprises (a cluster's cumulative 2000万元). Each check says why it
refuses, in words a reviewer can pass on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from industrybrain.core.localize import local
from industrybrain.core.money import format_yuan
from industrybrain.policies import catalogue
from industrybrain.policies.models import Award, Budget, LedgerEntry


class Refused(Exception):
    """An action the rules do not allow; ``str(exc)`` is the reason shown to the user."""


@dataclass
class Line:
    policy_id: str
    title: str
    year: int
    budget: int | None
    paid: int
    committed: int
    proposed: int

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.paid - self.committed

    @property
    def used_share(self) -> float | None:
        if not self.budget:
            return None
        return (self.paid + self.committed) / self.budget


def ensure_envelope(year: int) -> Budget:
    """The envelope row of ``year``, created from the pack on first use."""
    amount, cite = catalogue.envelope(year)
    budget, _created = Budget.objects.get_or_create(
        policy_id="", year=year,
        defaults={"amount_yuan": amount, "note": cite.get("quote", "")[:255]})
    return budget


def _sum(qs) -> int:
    return qs.aggregate(s=Sum("amount_yuan"))["s"] or 0


def paid(year: int, policy_id: str | None = None) -> int:
    qs = LedgerEntry.objects.filter(year=year, budget_line=catalogue.MONEY_LINE)
    return _sum(qs.filter(policy_id=policy_id) if policy_id else qs)


def committed(year: int, policy_id: str | None = None, exclude=None) -> int:
    """Approved once and waiting for the second approver: money already spoken for."""
    qs = Award.objects.filter(year=year, status=Award.Status.SECOND,
                              budget_line=catalogue.MONEY_LINE)
    if policy_id:
        qs = qs.filter(policy_id=policy_id)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return _sum(qs)


def check(award: Award, envelope: Budget) -> None:
    """Refuse ``award`` if paying it would pass the envelope, its policy's budget or a
    shared cap. Call it holding the envelope's row lock (ledger.approve does)."""
    amount = award.amount_yuan or 0
    if award.budget_line != catalogue.MONEY_LINE:
        return
    if envelope.amount_yuan is not None:
        used = paid(award.year) + committed(award.year, exclude=award.pk)
        if used + amount > envelope.amount_yuan:
            raise Refused(_("超出%(year)s年度政策性资金总额%(total)s：已用%(used)s，本笔%(amount)s") % {
                "year": award.year, "total": format_yuan(envelope.amount_yuan),
                "used": format_yuan(used), "amount": format_yuan(amount)})
    line = Budget.objects.filter(policy_id=award.policy_id, year=award.year).first()
    if line is not None and line.amount_yuan is not None:
        used = paid(award.year, award.policy_id) + committed(award.year, award.policy_id,
                                                             exclude=award.pk)
        if used + amount > line.amount_yuan:
            raise Refused(_("超出该政策%(year)s年度预算%(total)s：已用%(used)s，本笔%(amount)s") % {
                "year": award.year, "total": format_yuan(line.amount_yuan),
                "used": format_yuan(used), "amount": format_yuan(amount)})
    _check_group_cap(award)


def _check_group_cap(award: Award) -> None:
    p = catalogue.policy(award.policy_id)
    if p is None or not p.group_cap:
        return
    by, cap = p.group_cap.get("by"), int(p.group_cap["cap_yuan"])
    if by != "cluster":
        return
    if not award.cluster_code:
        raise Refused(_("该政策按集群累计封顶，但未指明所属集群"))
    sharing = [q.id for q in catalogue.group_caps().get(by, [])]
    qs = LedgerEntry.objects.filter(policy_id__in=sharing, cluster_code=award.cluster_code)
    pending = Award.objects.filter(policy_id__in=sharing, cluster_code=award.cluster_code,
                                   status=Award.Status.SECOND).exclude(pk=award.pk)
    if not p.group_cap.get("cumulative", True):
        qs, pending = qs.filter(year=award.year), pending.filter(year=award.year)
    used = _sum(qs) + _sum(pending)
    if used + (award.amount_yuan or 0) > cap:
        quote = p.group_cap.get("citation", {}).get("quote", "")
        raise Refused(_("超出单个集群累计奖励上限%(cap)s（%(quote)s）：该集群已用%(used)s，本笔%(amount)s") % {
            "cap": format_yuan(cap), "quote": quote, "used": format_yuan(used),
            "amount": format_yuan(award.amount_yuan)})


def lines(year: int) -> list[Line]:
    """The envelope first, then every money policy with paid/committed/proposed amounts.
    Reading never writes: an envelope not yet stored is shown from the pack."""
    stored = Budget.objects.filter(policy_id="", year=year).first()
    envelope_amount = stored.amount_yuan if stored else catalogue.envelope(year)[0]
    budgets = dict(Budget.objects.filter(year=year).values_list("policy_id", "amount_yuan"))
    paid_by = dict(LedgerEntry.objects.filter(year=year).values("policy_id")
                   .annotate(s=Sum("amount_yuan")).values_list("policy_id", "s"))
    by_status = {}
    for pid, status, s in (Award.objects.filter(year=year).values("policy_id", "status")
                           .annotate(s=Sum("amount_yuan")).values_list("policy_id", "status", "s")):
        by_status[(pid, status)] = s or 0
    out = [Line("", _("年度政策性资金总额"), year, envelope_amount, paid(year),
                committed(year), sum(v for (p, s), v in by_status.items()
                                     if s in ("proposed", "held")))]
    for p in catalogue.pack().policies:
        if not catalogue.carries_money(p):
            continue
        out.append(Line(p.id, local(p, "title"), year, budgets.get(p.id), paid_by.get(p.id, 0),
                        by_status.get((p.id, "awaiting_second"), 0),
                        by_status.get((p.id, "proposed"), 0) + by_status.get((p.id, "held"), 0)))
    return out


def by_district(year: int, payments, awards) -> list[dict]:
    """Spending of ``year`` per district, in one grouped query each for what was paid and
    what is proposed (``payments`` and ``awards`` already scoped to the reader)."""
    from industrybrain.enterprises.models import District

    paid_rows = {r["enterprise__district"]: r for r in payments.filter(year=year)
                 .values("enterprise__district").annotate(s=Sum("amount_yuan"), n=Count("id"))}
    proposed_rows = {r["enterprise__district"]: r["s"] for r in awards.filter(
        year=year, status=Award.Status.PROPOSED).values("enterprise__district")
        .annotate(s=Sum("amount_yuan"))}
    out = []
    for d in District.objects.all():
        row = paid_rows.get(d.pk, {})
        out.append({"district": d, "paid": row.get("s") or 0, "n": row.get("n") or 0,
                    "proposed": proposed_rows.get(d.pk) or 0})
    return out
