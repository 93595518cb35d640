"""快申快享: where the database cannot decide (an organisation award, a prize or a review
the data lack), the enterprise applies with evidence; the reviewer decides before a
deadline, and an approval enters the same award table and ledger as a run's proposals.

One payment per enterprise, policy and year across both channels: an application's award
takes the same slot as a run's (``Award.slot``, a unique constraint), so an application for
a policy already proposed, approved or paid is refused with that award named. An award the
run could not price (insufficient data, withdrawn) is taken over by the approval instead:
the enterprise brought the evidence the data lacked."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit, dataversion
from industrybrain.policies import catalogue, ledger, push
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Application, Attachment, Award, Message

S = Award.Status
# A run's award an approved application may take over: it carries no decision and no money.
TAKEOVER = (S.WITHDRAWN, S.INSUFFICIENT, S.AMOUNT_PENDING, S.INVALID)


def holding(enterprise_id: int, policy_id: str, year: int, tier: str = "", lock=False):
    """The award that already holds this payment, or None. For a policy paid once a year
    that is the award of the slot ""; where tiers add up, any award covering the tier."""
    p = catalogue.policy(policy_id)
    qs = Award.objects.filter(enterprise_id=enterprise_id, policy_id=policy_id, year=year)
    if lock:
        qs = qs.select_for_update()
    for award in qs.order_by("id"):
        if catalogue.cumulative(p) and tier and award.slot and tier not in award.slot.split("+"):
            continue
        if award.source == Award.Source.RUN and award.status in TAKEOVER:
            continue
        return award
    return None


def _held_refusal(award) -> Refused:
    return Refused(_("该企业本年度此项政策已有奖励 %(award)s，不能重复申请或重复拨付") % {
        "award": ledger.describe(award)})


def open_to_application():
    """The 快申快享 policies: money the data cannot decide, so the enterprise applies with
    evidence. 免申即享 policies need no application (the yearly run proposes them)."""
    return [p for p in catalogue.pack().policies if catalogue.by_application(p)]


def default_year(enterprise_id: int | None) -> int:
    """The year an application is most likely for: the enterprise's latest year with
    figures, else last year (awards are for a year that has ended)."""
    from industrybrain.policies.calculator import latest_year

    return latest_year(enterprise_id) or timezone.localdate().year - 1


def deadline(start: dt.date) -> dt.date:
    return start + dt.timedelta(days=settings.IB_APPLICATION_DECISION_DAYS)


def submit(user, enterprise_id: int, policy_id: str, year: int, statement: str, uploads):
    p = catalogue.policy(policy_id)
    if p is None or not catalogue.carries_money(p):
        raise Refused(_("该政策不接受申请"))
    tier = p.tiers[-1].id if len(p.tiers) == 1 else ""
    held = holding(enterprise_id, policy_id, year, tier)
    if held is not None:
        raise _held_refusal(held)
    try:
        with transaction.atomic():
            app = Application.objects.create(
                enterprise_id=enterprise_id, policy_id=policy_id, year=year, tier=tier,
                statement=statement, submitted_by=user,
                decide_by=deadline(timezone.localdate()))
            for f in uploads:
                Attachment.objects.create(application=app, file=f, name=f.name[:255],
                                          size=f.size, content_type=f.content_type or "")
    except IntegrityError:
        raise Refused(_("本年度已申请过该政策")) from None
    audit.record(user, "application_submit", app, detail={"files": len(uploads)})
    return app


def decide(app_id: int, user, approve: bool, amount_yuan: int | None, reason: str) -> str:
    """Approve (with the amount) or reject (with a reason); returns the ledger outcome."""
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app_id)
        if app.status != Application.Status.SUBMITTED:
            raise Refused(_("该申请已办结"))
        if not approve:
            if not reason.strip():
                raise Refused(_("请填写理由"))
            app.status, app.reason = Application.Status.REJECTED, reason.strip()
        else:
            p = catalogue.policy(app.policy_id)
            caps = [t.cap for t in p.tiers if t.id == app.tier] or [t.cap for t in p.tiers]
            cap = max(caps, default=None)
            if not amount_yuan or amount_yuan <= 0:
                raise Refused(_("请填写核定金额"))
            if cap is not None and amount_yuan > cap:
                raise Refused(_("核定金额超过政策上限"))
            award = _award_for(app, p, amount_yuan, reason.strip())
            app.status, app.award, app.reason = Application.Status.APPROVED, award, reason.strip()
            dataversion.bump(dataversion.AWARDS)
        app.decided_by, app.decided_at = user, timezone.now()
        app.save()
        audit.record(user, "application_" + app.status, app, detail={"amount_yuan": amount_yuan})
        # The outbox: the decision's message commits with the decision.
        message = push.send(
            app.enterprise_id, Message.Kind.DECISION, app.policy_id, app.year, lambda: (
                _("您的“%(p)s”申请：%(s)s") % {"p": catalogue.title(app.policy_id),
                                            "s": app.get_status_display()}, app.reason or ""))
    push.deliver_soon(message)
    if app.award_id:
        return ledger.approve(app.award_id, user)  # budget and caps apply here as for runs
    return "rejected"


def _award_for(app, p, amount_yuan: int, reason: str) -> Award:
    """The approved application's award: a new one, or the run's unpriced/withdrawn award of
    the same slot taken over (locked); refused, naming it, when another award holds it."""
    held = holding(app.enterprise_id, app.policy_id, app.year, app.tier, lock=True)
    if held is not None:
        raise _held_refusal(held)
    fields = dict(
        tier=app.tier, source=Award.Source.APPLICATION, status=S.PROPOSED,
        amount_yuan=amount_yuan, cap_bound=False, budget_line=p.budget_line,
        cluster_code=app.enterprise.cluster.code if app.enterprise.cluster else "",
        pack_id=catalogue.pack_id(), pack_version=catalogue.pack().version,
        citation=catalogue.citation(p),
        explanation_zh=_("经申请审核（快申快享）：%(s)s") % {"s": app.statement[:500]},
        explanation_en="", reason=reason)
    slot = catalogue.slot(p, app.tier)
    taken = Award.objects.select_for_update().filter(
        enterprise_id=app.enterprise_id, policy_id=app.policy_id, year=app.year, slot=slot,
        source=Award.Source.RUN, status__in=TAKEOVER).first()
    try:
        with transaction.atomic():
            if taken is not None:
                for k, v in fields.items():
                    setattr(taken, k, v)
                taken.save()
                return taken
            return Award.objects.create(enterprise_id=app.enterprise_id, policy_id=app.policy_id,
                                        year=app.year, slot=slot, **fields)
    except IntegrityError:
        # Taken between the check and the insert (a run storing at this very moment).
        raise Refused(_("该企业本年度此项政策刚刚生成了奖励，请刷新后查看")) from None
