"""Review decisions and the ledger: approve (once, or twice above the threshold), reject,
hold. A payment is a LedgerEntry; its unique award (and unique key) is what guarantees that
two reviewers at once, a double click or a crash and re-run never pay twice."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit, dataversion
from industrybrain.core.money import format_yuan
from industrybrain.policies import budgets, push
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, LedgerEntry

S = Award.Status
APPROVABLE = (S.PROPOSED, S.HELD, S.SECOND)


def two_person_threshold() -> int:
    return int(getattr(settings, "IB_TWO_PERSON_THRESHOLD_YUAN", 5_000_000))


def approve(award_id: int, user) -> str:
    """Approve one award: returns ``"paid"`` or ``"awaiting_second"``; raises Refused."""
    award = Award.objects.only("year").get(pk=award_id)
    budgets.ensure_envelope(award.year)
    with transaction.atomic():
        # Every payment of the year takes the envelope row first: budget sums then see
        # each other, and two approvals of one award queue up instead of racing.
        envelope = budgets.Budget.objects.select_for_update().get(policy_id="", year=award.year)
        award = Award.objects.select_for_update().get(pk=award_id)
        if award.status == S.PAID:
            raise Refused(_("该奖励已拨付，不会重复支付"))
        if award.status == S.AMOUNT_PENDING:
            raise Refused(_("符合条件但金额待定：请补充所需数据并重新测算，不能按零或估计值拨付"))
        if award.status == S.INVALID:
            raise Refused(_("数据有误：请更正数据并重新测算，不能拨付"))
        if award.status == S.INSUFFICIENT or award.amount_yuan is None:
            raise Refused(_("数据不足，不能按零或估计值拨付；请补充数据后重新测算"))
        if award.status not in APPROVABLE:
            raise Refused(_("当前状态“%(status)s”不能审批") % {"status": award.get_status_display()})
        budgets.check(award, envelope)
        dataversion.bump(dataversion.AWARDS)  # a first approval or a payment, in this transaction
        if award.amount_yuan > two_person_threshold():
            if award.status != S.SECOND:
                award.status, award.first_approver = S.SECOND, user
                award.first_approved_at = timezone.now()
                award.save(update_fields=["status", "first_approver", "first_approved_at",
                                          "updated_at"])
                audit.record(user, "approve_first", award,
                             detail={"amount_yuan": award.amount_yuan})
                return "awaiting_second"
            if award.first_approver_id == user.pk:
                raise Refused(_("金额超过%(t)s，须由另一名审核员复核") % {
                    "t": format_yuan(two_person_threshold())})
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    award=award, enterprise_id=award.enterprise_id, policy_id=award.policy_id,
                    year=award.year, tier=award.tier, slot=award.slot,
                    amount_yuan=award.amount_yuan,
                    budget_line=award.budget_line, cluster_code=award.cluster_code,
                    approver=award.first_approver or user,
                    second_approver=user if award.first_approver_id else None)
        except IntegrityError:
            raise Refused(_("该奖励已拨付，不会重复支付")) from None
        award.status = S.PAID
        award.save(update_fields=["status", "updated_at"])
        audit.record(user, "payment", award, detail={
            "amount_yuan": award.amount_yuan, "ledger": entry.pk,
            "budget_line": award.budget_line})
        message = push.paid(award)  # the outbox: it exists exactly when the payment does
    push.deliver_soon(message)
    return "paid"


def _decide(award_id: int, user, status: str, reason: str, action: str,
            allowed=(S.PROPOSED, S.HELD, S.SECOND, S.INSUFFICIENT)) -> Award:
    if not reason.strip():
        raise Refused(_("请填写理由"))
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award_id)
        if award.status not in allowed:
            raise Refused(_("当前状态“%(status)s”不能这样处理") % {
                "status": award.get_status_display()})
        award.status, award.reason = status, reason.strip()
        award.first_approver = None
        award.save(update_fields=["status", "reason", "first_approver", "updated_at"])
        dataversion.bump(dataversion.AWARDS)
        audit.record(user, action, award, detail={"reason": award.reason})
    return award


def reject(award_id: int, user, reason: str) -> Award:
    return _decide(award_id, user, S.REJECTED, reason, "reject")


def hold(award_id: int, user, reason: str) -> Award:
    """Hold for more data (待补充数据): kept out of payment until a reviewer approves it."""
    return _decide(award_id, user, S.HELD, reason, "hold",
                   allowed=(S.PROPOSED, S.SECOND, S.INSUFFICIENT))


def approve_many(award_ids, user) -> dict:
    """Bulk approval: each award in its own transaction, so one refusal stops nothing else.
    Returns counts and the refusals with their reasons."""
    out = {"paid": 0, "awaiting_second": 0, "refused": []}
    for pk in award_ids:
        try:
            out[approve(pk, user)] += 1
        except Refused as exc:
            out["refused"].append((pk, str(exc)))
        except Award.DoesNotExist:
            out["refused"].append((pk, _("不存在")))
    audit.record(user, "approve_bulk", detail={
        "count": len(award_ids), "paid": out["paid"],
        "awaiting_second": out["awaiting_second"], "refused": len(out["refused"])})
    return out


def others(award) -> list[Award]:
    """Every other award of the enterprise under the same policy (any year, tier, channel,
    status), for the reviewer to see before approving."""
    return list(Award.objects.filter(enterprise_id=award.enterprise_id,
                                     policy_id=award.policy_id).exclude(pk=award.pk)
                .select_related("payment").order_by("-year", "id"))


def describe(award) -> str:
    """One line naming an award: what a refusal shows so the reviewer can find it."""
    return _("#%(id)s（%(year)s年度，%(status)s，%(amount)s，%(source)s）") % {
        "id": award.pk, "year": award.year, "status": award.get_status_display(),
        "amount": format_yuan(award.amount_yuan) if award.amount_yuan else _("无金额"),
        "source": award.get_source_display()}
