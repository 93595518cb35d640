"""The enterprise page's awards panel: what was paid and what is proposed come first,
each with its amount against its cap (registered in PoliciesConfig.ready)."""

from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string

from industrybrain.policies import access, catalogue
from industrybrain.policies.models import Award

S = Award.Status
SHOWN = (S.PAID, S.SECOND, S.PROPOSED, S.AMOUNT_PENDING)


def awards_panel(request, enterprise) -> str:
    awards = list(access.awards(request.user).filter(enterprise=enterprise, status__in=SHOWN)
                  .annotate(rank=Case(When(status=S.PAID, then=Value(0)),
                                      When(status=S.SECOND, then=Value(1)),
                                      When(status=S.PROPOSED, then=Value(1)),
                                      default=Value(2), output_field=IntegerField()))
                  .order_by("rank", "-year", "-amount_yuan")[:20])
    for a in awards:
        a.title = catalogue.title(a.policy_id)
        p = catalogue.policy(a.policy_id)
        tiers = {t.id: t.cap for t in (p.tiers if p else ())}
        a.cap = sum(tiers.get(t, 0) for t in (a.tier or "").split("+")) or None
    paid = sum(a.amount_yuan or 0 for a in awards if a.status == S.PAID)
    proposed = sum(a.amount_yuan or 0 for a in awards if a.status in (S.PROPOSED, S.SECOND))
    return render_to_string("policies/_awards_panel.html", {
        "enterprise": enterprise, "awards": awards, "paid": paid, "proposed": proposed,
    }, request=request)
