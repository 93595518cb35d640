"""An officer's hand on a pool: add or remove an enterprise with a reason, dated and kept;
push the pool's services to its members through the push system."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from industrybrain.core.localize import local
from industrybrain.policies import push, snapshot
from industrybrain.policies.models import Message

from . import evaluate
from .models import ExitKind, Membership, Origin
from .recompute import current_year, passed
from .rules import Pool, pools


def rung_passed(pool: Pool, enterprise_id: int, year: int | None = None) -> bool:
    """Whether the enterprise already stands on the pool's rung or above (in ``year``,
    default the latest year with data), by the ladder's own rules."""
    year = year or current_year()
    if year is None:
        return False
    snap = snapshot.take([enterprise_id])
    table = evaluate.run(pools(), year, *snap.tables, only=[])
    return bool(passed(pool, table)[0]) if table.num_rows else False


@transaction.atomic
def enter(pool: Pool, enterprise, day, reason: str, user) -> Membership:
    """Open a membership by hand; refused if already in, or if the rung is already passed."""
    if Membership.objects.select_for_update().filter(pool=pool.id, enterprise=enterprise,
                                                     exited_on__isnull=True).exists():
        raise ValidationError(_("该企业已在%(pool)s中") % {"pool": local(pool)})
    if rung_passed(pool, enterprise.pk):
        ladder = pools().ladder(pool.ladder)
        raise ValidationError(_("该企业已是“%(rung)s”或更高梯级，不能再列入%(pool)s")
                              % {"rung": local(ladder.rung(pool.rung)), "pool": local(pool)})
    last = Membership.objects.filter(pool=pool.id, enterprise=enterprise).order_by("-exited_on").first()
    if last is not None and last.exited_on and day < last.exited_on:
        raise ValidationError(_("入库日期不能早于上次出库日期"))
    return Membership.objects.create(pool=pool.id, enterprise=enterprise, entered_on=day,
                                     entry_origin=Origin.MANUAL, entry_reason=reason, entered_by=user)


def leave(membership: Membership, day, reason: str, user) -> Membership:
    if membership.exited_on is not None:
        raise ValidationError(_("该企业已出库"))
    if day < membership.entered_on:
        raise ValidationError(_("出库日期不能早于入库日期"))
    membership.exited_on, membership.exit_kind = day, ExitKind.MANUAL
    membership.exit_reason, membership.exited_by = reason, user
    membership.save(update_fields=["exited_on", "exit_kind", "exit_reason", "exited_by"])
    return membership


def push_services(pool: Pool, year: int, members) -> int:
    """Tell each open member about each service of the pool (创新贷白名单, 引导基金, 双百…),
    through push.send (the outbox): one message per enterprise, service and year, so pushing
    twice sends nothing new; delivered once the messages are committed. Returns the number
    of members × services pushed."""
    from industrybrain.policies import catalogue

    sent, messages = 0, []
    with transaction.atomic():
        for policy_id in pool.services:
            p = catalogue.policy(policy_id)
            if p is None:
                continue
            quote = p.citations[0].quote if p.citations else ""

            def words(p=p, quote=quote):
                names = {"pool": local(pool, "name"), "policy": local(p, "title")}
                return (_("“%(pool)s”成员可享：%(policy)s") % names,
                        _("贵企业在%(pool)s中，可享受“%(policy)s”。依据：「%(quote)s」。详情请联系辖市区工信部门。")
                        % {**names, "quote": quote})

            for m in members:
                messages.append(push.send(m.enterprise_id, Message.Kind.SERVICE, policy_id, year,
                                          words))
                sent += 1
    push.deliver_soon(*messages)
    return sent
