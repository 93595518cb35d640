"""Push (政策精准推送): inbox messages to enterprises, and e-mail where an address is known.

A run pushes each new award (what, why, when it is paid) and each near miss (the gap to
the tier). Near misses follow the enterprise's subscriptions (定向订阅): with none, it hears
about every topic; with some, only those. One message per enterprise x kind x policy x year
(a unique constraint), so a re-run pushes nothing twice.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mass_mail
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.core.money import format_yuan
from industrybrain.policies import catalogue
from industrybrain.policies.models import Message, Subscription

# Built at import time, so lazy: each request shows its own language.
CATEGORIES = {
    "reward": gettext_lazy("奖励补贴"), "financing": gettext_lazy("金融支持"), "service": gettext_lazy("政务服务"),
    "recognition": gettext_lazy("评优表彰"), "talent": gettext_lazy("人才"), "programme": gettext_lazy("培育计划"),
}


def topics_of(p) -> set[str]:
    return {p.category, p.id}


def wants(subscribed: set[str] | None, p) -> bool:
    return not subscribed or bool(subscribed & topics_of(p))


def _award_text(policy, amount, tier_label, explanation):
    title = _("您可获得“%(policy)s”%(amount)s") % {"policy": policy.title_zh,
                                                "amount": format_yuan(amount)}
    body = "\n".join([
        explanation,
        _("档位：%(tier)s") % {"tier": tier_label} if tier_label else "",
        _("免申即享：无需申请，经审核后直接拨付到企业账户；拨付后将再次通知。"),
    ]).strip()
    return title, body


def from_run(run, pack, result: pa.Table, new_keys) -> dict:
    """Messages for the new awards of ``run`` and for near misses; returns counts."""
    messages = []
    explained = {}
    if new_keys:
        wanted = set(new_keys)
        for r in _rows(result, pc.equal(result["status"], "eligible")):
            key = (r["enterprise_id"], r["policy_id"], r["tier"] or "")
            if key in wanted:
                explained[key] = r
    for (eid, pid, tier), r in explained.items():
        p = pack.policy(pid)
        title, body = _award_text(p, r["amount_yuan"], catalogue.tier_label(p, tier) if tier else "",
                                  r["explanation_zh"] or "")
        messages.append(Message(enterprise_id=eid, kind=Message.Kind.AWARD, policy_id=pid,
                                year=run.year, title=title, body=body))
    subs = defaultdict(set)
    for eid, topic in Subscription.objects.values_list("enterprise_id", "topic"):
        subs[eid].add(topic)
    money = pa.array([p.id for p in pack.policies if catalogue.carries_money(p)])
    near = pc.and_(pc.and_(pc.equal(result["status"], "not_eligible"),
                           pc.is_valid(result["explanation_zh"])),
                   pc.is_in(result["policy_id"], value_set=money))
    for r in _rows(result, near):
        p = pack.policy(r["policy_id"])
        if not wants(subs.get(r["enterprise_id"]), p):
            continue
        messages.append(Message(
            enterprise_id=r["enterprise_id"], kind=Message.Kind.NEAR_MISS, policy_id=p.id,
            year=run.year, title=_("离“%(policy)s”只差一点") % {"policy": p.title_zh},
            body=r["explanation_zh"]))
    before = Message.objects.filter(year=run.year).count()
    Message.objects.bulk_create(messages, batch_size=5000, ignore_conflicts=True)
    created = Message.objects.filter(year=run.year).count() - before
    emailed = email_new(run.year)
    return {"messages": created, "emails": emailed}


def _rows(result, mask):
    cols = ["enterprise_id", "policy_id", "tier", "amount_yuan", "explanation_zh"]
    return result.filter(mask).select(cols).to_pylist()


def send(enterprise_id: int, kind: str, policy_id: str, year: int, title: str, body: str):
    """One message outside a run (a decision, a payment); e-mailed at once."""
    msg, created = Message.objects.get_or_create(
        enterprise_id=enterprise_id, kind=kind, policy_id=policy_id, year=year,
        defaults={"title": title, "body": body})
    if created:
        email_new(year, [msg.pk])
    return msg


def paid(award) -> None:
    send(award.enterprise_id, Message.Kind.PAID, award.policy_id, award.year,
         _("“%(policy)s”%(amount)s已拨付") % {"policy": catalogue.title(award.policy_id),
                                            "amount": format_yuan(award.amount_yuan)},
         _("财政资金已列入拨付清单，将直达企业账户。") + "\n" + award.explanation_zh)


def email_new(year: int, ids=None) -> int:
    """E-mail the not-yet-mailed messages to the enterprise's users with an address."""
    User = get_user_model()
    pending = Message.objects.filter(year=year, emailed=False)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    addresses = defaultdict(list)
    for eid, email in User.objects.filter(profile__enterprise__isnull=False).exclude(
            email="").values_list("profile__enterprise_id", "email"):
        addresses[eid].append(email)
    if not addresses:
        return 0
    subs_mail = {(e, t): m for e, t, m in
                 Subscription.objects.values_list("enterprise_id", "topic", "email")}
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "noreply@localhost")
    mails, sent_ids = [], []
    for m in pending.filter(enterprise_id__in=list(addresses)).iterator():
        p = catalogue.policy(m.policy_id)
        if p and any(subs_mail.get((m.enterprise_id, t)) is False for t in topics_of(p)):
            continue  # subscribed to the topic, but asked for no e-mail
        mails.append((m.title, m.body, sender, addresses[m.enterprise_id]))
        sent_ids.append(m.pk)
    if mails:
        send_mass_mail(mails, fail_silently=True, connection=get_connection())
        Message.objects.filter(pk__in=sent_ids).update(emailed=True)
    return len(mails)
