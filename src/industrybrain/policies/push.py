"""Push (政策精准推送): inbox messages to enterprises, and e-mail where an address is known.

A run pushes each new award (what, why, when it is paid) and each near miss (the gap to
the tier). Near misses follow the enterprise's subscriptions (定向订阅): with none, it hears
about every topic; with some, only those. One message per enterprise x kind x policy x year
(a unique constraint), so a re-run pushes nothing twice.

The Message table is an outbox: a message is written in the same transaction as the award,
decision or payment that causes it, and ``deliver`` sends what is not yet delivered (the
run's last stage, the worker's every poll, and right after a payment or decision commits).
A crash between the two delays a message; it never loses it, and the next delivery sends it.
Each claimed batch is marked delivered in the transaction that sends it, under row locks
(skip_locked on PostgreSQL; SQLite serialises writers), so two deliverers never send one
message twice. Mails carry a stable Message-ID per message.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.core.localize import in_english, local
from industrybrain.core.money import format_yuan
from industrybrain.policies import catalogue
from industrybrain.policies.liveness import Stopped
from industrybrain.policies.models import Message, Subscription

log = logging.getLogger(__name__)

# Built at import time, so lazy: each request shows its own language.
CATEGORIES = {
    "reward": gettext_lazy("奖励补贴"), "financing": gettext_lazy("金融支持"), "service": gettext_lazy("政务服务"),
    "recognition": gettext_lazy("评优表彰"), "talent": gettext_lazy("人才"), "programme": gettext_lazy("培育计划"),
}


def topics_of(p) -> set[str]:
    return {p.category, p.id}


def wants(subscribed: set[str] | None, p) -> bool:
    return not subscribed or bool(subscribed & topics_of(p))


def bilingual(build) -> dict:
    """A message's words in both languages: ``build()`` returns (title, body) in the active
    language and is called once in Chinese and once in English. A message is stored with
    both (Message.title/body and title_en/body_en), so each reader sees theirs."""
    with translation.override("zh-hans"):
        title, body = build()
    with translation.override("en"):
        title_en, body_en = build()
    return {"title": title, "body": body, "title_en": title_en, "body_en": body_en}


def bilingual_many(builds) -> list[dict]:
    """``bilingual`` for many messages, switching the language twice in all rather than
    twice per message (a run writes thousands: the switches were most of their cost)."""
    builds = list(builds)
    with translation.override("zh-hans"):
        zh = [build() for build in builds]
    with translation.override("en"):
        en = [build() for build in builds]
    return [{"title": t, "body": b, "title_en": te, "body_en": be}
            for (t, b), (te, be) in zip(zh, en, strict=True)]


def explanation(row) -> str:
    """A result row's or an award's explanation in the active language."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    return ((get("explanation_en") if in_english() else None) or get("explanation_zh") or "")


def _award_words():
    """The award message's fixed words in the active language."""
    # Proposed, not paid: the words say so until the payment's own message (paid()).
    return (_("拟奖励：“%(policy)s”%(amount)s（待审核）"), _("档位：%(tier)s"),
            _("免申即享：无需申请，经审核后直接拨付到企业账户；拨付后将再次通知。"))


def _award_texts(items) -> list[tuple[str, str]]:
    """(title, body) of each (policy, result row) in the active language, as
    ``award_message`` writes them one at a time. A run writes thousands: the language is
    read once, and a policy's title, an amount, a (policy, amount)'s heading and a
    (policy, tier)'s line are written once per batch, not per message (most awards of a
    policy share their amount and tier)."""
    title_t, tier_t, note = _award_words()
    english = in_english()
    titles, amounts, headings, tiers = {}, {}, {}, {}
    out = []
    for p, r in items:
        amount, tier = r["amount_yuan"], r["tier"] or ""
        title = headings.get((p.id, amount))
        if title is None:
            if p.id not in titles:
                titles[p.id] = local(p, "title")
            if amount not in amounts:
                amounts[amount] = format_yuan(amount)
            title = headings[(p.id, amount)] = title_t % {
                "policy": titles[p.id], "amount": amounts[amount]}
        line = tiers.get((p.id, tier))
        if line is None:
            label = catalogue.tier_label(p, tier) if tier and "+" not in tier else ""
            line = tiers[(p.id, tier)] = tier_t % {"tier": label} if label else ""
        why = (r["explanation_en"] if english else None) or r["explanation_zh"] or ""
        out.append((title, "\n".join([why, line, note]).strip()))
    return out


def award_message(year: int, p, r) -> Message:
    """The message of one new award, from its result row, written on its own: what
    ``award_messages`` must give for each row of a batch (tests compare the two)."""
    def build():
        title_t, tier_t, note = _award_words()
        tier = r["tier"] or ""
        label = catalogue.tier_label(p, tier) if tier and "+" not in tier else ""
        return (title_t % {"policy": local(p, "title"), "amount": format_yuan(r["amount_yuan"])},
                "\n".join([explanation(r), tier_t % {"tier": label} if label else "",
                           note]).strip())

    return Message(enterprise_id=r["enterprise_id"], kind=Message.Kind.AWARD, policy_id=p.id,
                   year=year, **bilingual(build))


# The columns of ``award_messages``' rows, in order (runs._raw_insert writes them as they are).
AWARD_MESSAGE_COLUMNS = ("enterprise_id", "kind", "policy_id", "year", "title", "body",
                         "title_en", "body_en")


def award_messages(year: int, items) -> list[tuple]:
    """The messages of new awards, from (policy, result row) pairs, in both languages (the
    language switched twice for the whole batch), as rows of AWARD_MESSAGE_COLUMNS: a
    model instance per message cost more than writing it."""
    items = list(items)
    with translation.override("zh-hans"):
        zh = _award_texts(items)
    with translation.override("en"):
        en = _award_texts(items)
    kind = Message.Kind.AWARD.value
    return [(r["enterprise_id"], kind, p.id, year, t, b, te, be)
            for (p, r), (t, b), (te, be) in zip(items, zh, en, strict=True)]


def from_run(run, pack, result: pa.Table, check=None, batch: int = 5000) -> dict:
    """Near-miss messages of ``run`` (award messages were written with the awards), then
    deliver everything undelivered, also what a killed run left; returns counts."""
    messages = []
    subs = defaultdict(set)
    for eid, topic in Subscription.objects.values_list("enterprise_id", "topic"):
        subs[eid].add(topic)
    money = pa.array([p.id for p in pack.policies if catalogue.carries_money(p)])
    near = pc.and_(pc.and_(pc.equal(result["status"], "not_eligible"),
                           pc.is_valid(result["explanation_zh"])),
                   pc.is_in(result["policy_id"], value_set=money))
    wanted = []
    for r in _rows(result, near):
        p = pack.policy(r["policy_id"])
        if wants(subs.get(r["enterprise_id"]), p):
            wanted.append((p, r))
    words = bilingual_many(lambda p=p, r=r: (
        _("离“%(policy)s”只差一点") % {"policy": local(p, "title")}, explanation(r))
        for p, r in wanted)
    for (p, r), w in zip(wanted, words, strict=True):
        messages.append(Message(
            enterprise_id=r["enterprise_id"], kind=Message.Kind.NEAR_MISS, policy_id=p.id,
            year=run.year, **w))
    created = 0
    for i in range(0, len(messages), batch):
        if check is not None:
            check("near_miss", i // batch)
        with transaction.atomic():
            before = Message.objects.filter(year=run.year, kind=Message.Kind.NEAR_MISS).count()
            Message.objects.bulk_create(messages[i:i + batch], ignore_conflicts=True)
            created += Message.objects.filter(
                year=run.year, kind=Message.Kind.NEAR_MISS).count() - before
    try:
        delivered, emailed = deliver(batch=min(batch, 500), check=check)
    except Stopped:
        raise
    except Exception:  # a mail server down must not fail the run: the outbox keeps them
        log.exception("delivery failed; the messages stay in the outbox")
        delivered = emailed = 0
    return {"messages": created, "delivered": delivered, "emails": emailed}


def _rows(result, mask):
    cols = ["enterprise_id", "policy_id", "tier", "amount_yuan", "explanation_zh", "explanation_en"]
    return result.filter(mask).select(cols).to_pylist()


def send(enterprise_id: int, kind: str, policy_id: str, year: int, build):
    """One message outside a run (a decision, a payment), written in the caller's
    transaction; the caller calls ``deliver_soon`` once that has committed. ``build()``
    returns (title, body) in the active language (see ``bilingual``)."""
    msg, _created = Message.objects.get_or_create(
        enterprise_id=enterprise_id, kind=kind, policy_id=policy_id, year=year,
        defaults=bilingual(build))
    return msg


def paid(award) -> Message:
    return send(award.enterprise_id, Message.Kind.PAID, award.policy_id, award.year, lambda: (
        _("“%(policy)s”%(amount)s已拨付") % {"policy": catalogue.title(award.policy_id),
                                           "amount": format_yuan(award.amount_yuan)},
        _("财政资金已列入拨付清单，将直达企业账户。") + "\n" + explanation(award)))


def deliver_soon(*messages) -> None:
    """After a decision or payment has committed: deliver its messages now on the embedded
    backends (only those: a backlog is the run's and the worker's, not a request's); with a
    separate worker (IB_JOBS=worker or redis) its next poll delivers."""
    from industrybrain.policies import jobs

    if jobs.backend() in ("thread", "inline") and messages:
        try:
            deliver(only=[m.pk for m in messages if m is not None])
        except Exception:  # the outbox keeps it: the next delivery sends it
            log.exception("delivery failed; the messages stay in the outbox")


def deliver(batch: int = 500, check=None, only=None) -> tuple[int, int]:
    """Send every undelivered message (e-mail to the enterprise's users with an address)
    and mark it delivered; returns (delivered, e-mailed). ``check(phase, index)`` is called
    before each batch (a run's checkpoint)."""
    User = get_user_model()
    addresses = defaultdict(list)
    for eid, email in User.objects.filter(profile__enterprise__isnull=False).exclude(
            email="").values_list("profile__enterprise_id", "email"):
        addresses[eid].append(email)
    subs_mail = {(e, t): m for e, t, m in
                 Subscription.objects.values_list("enterprise_id", "topic", "email")}
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "noreply@localhost")
    lock = {"skip_locked": True} if db.features.has_select_for_update_skip_locked else {}
    delivered = emailed = 0
    for index in itertools.count():
        if check is not None:
            check("deliver", index)
        with transaction.atomic():
            pending = Message.objects.select_for_update(**lock).filter(delivered_at=None)
            if only is not None:
                pending = pending.filter(pk__in=only)
            pending = list(pending.order_by("pk")[:batch])
            if not pending:
                break
            mails, mailed = [], []
            for m in pending:
                if m.enterprise_id not in addresses:
                    continue
                p = catalogue.policy(m.policy_id)
                if p and any(subs_mail.get((m.enterprise_id, t)) is False for t in topics_of(p)):
                    continue  # subscribed to the topic, but asked for no e-mail
                mails.append(EmailMessage(m.title, m.body, sender, addresses[m.enterprise_id],
                                          headers={"Message-ID": _message_id(m)}))
                mailed.append(m.pk)
            if mails:
                # Inside the transaction: a failure to send leaves the batch undelivered.
                get_connection(fail_silently=False).send_messages(mails)
            Message.objects.filter(pk__in=[m.pk for m in pending]).update(
                delivered_at=timezone.now())
            Message.objects.filter(pk__in=mailed).update(emailed=True)
            delivered += len(pending)
            emailed += len(mails)
    return delivered, emailed


def _message_id(m) -> str:
    host = getattr(settings, "DEFAULT_FROM_EMAIL", "localhost").rpartition("@")[2] or "localhost"
    return f"<ib-message-{m.pk}@{host}>"
