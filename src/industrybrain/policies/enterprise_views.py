"""What an enterprise meets: the calculator with its what-if, its awards, its inbox and
subscriptions; and the public policy library (找政策), open without login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import params
from industrybrain.core.context import public
from industrybrain.core.localize import local
from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.engine import PackError
from industrybrain.enterprises.models import Enterprise
from industrybrain.policies import access, calculator, calculator_page, catalogue, push
from industrybrain.policies import library as policy_library
from industrybrain.policies.forms import WhatIfForm
from industrybrain.policies.models import Message, Subscription


def _own(request):
    if role_of(request.user) != "enterprise_user":
        raise Http404
    return request.user.profile.enterprise_id


def _enterprise(request, pk):
    return get_object_or_404(scope_enterprises(request.user, Enterprise.objects.all())
                             .select_related("district", "cluster"), pk=pk)


@login_required
def my_calculator(request):
    if role_of(request.user) != "enterprise_user":
        return redirect("enterprises:list")
    return redirect("policies:calculator_for", _own(request))


@login_required
def calculator_view(request, pk):
    # The scope check runs on every request, kept page or not; the page needs only the name.
    enterprise = get_object_or_404(scope_enterprises(request.user, Enterprise.objects.only(
        "pk", "name", "district_id")), pk=pk)
    facts = calculator.facts_of(pk)
    year = params.year(request.GET, default=calculator.default_year(pk, facts.latest_year),
                       min_value=2000, max_value=2100)
    try:
        rows, refused = calculator.rows_of(pk, year, facts), None
    except PackError as exc:  # a rule's value past what can be computed: said, not a 500
        rows, refused = [], str(exc)
    # The awards are read on every request: every way an award changes need not bump the
    # data version a kept page is filed under.
    awards_html = render_to_string("policies/_calculator_awards.html", {"awards": _titled(
        access.awards(request.user).filter(enterprise=enterprise)
        .order_by("-year", "-amount_yuan")[:50])})
    money = [r for r in rows if r.status == "eligible" and r.amount_yuan]
    context = {
        "enterprise": enterprise, "year": year, "rows": rows,
        "designations": calculator.designation_choices(facts.version),
        # the rendered table is cached by the snapshot's digest: same data, same page
        "digest": facts.digest, "total": sum(r.amount_yuan for r in money),
        "changes": None, "lacking": [], "whatif_year": None, "latest_year": facts.latest_year,
        "refused": refused,
    }
    if request.GET.get("whatif") and not refused:
        context.update(_what_if(request, pk, year, rows, facts.version))
    elif not refused and calculator_page.keepable(request, year):
        return calculator_page.respond(request, calculator_page.key(request, facts, pk, year),
                                       context, awards_html)
    return render(request, calculator_page.TEMPLATE, {**context, "awards_html": awards_html})


def _what_if(request, pk, year, rows, version) -> dict:
    """The what-if's form and, when it is valid, what would change (never kept)."""
    form = WhatIfForm(request.GET, version=version)
    out = {"form": form, "whatif": request.GET.get("whatif")}
    if form.is_valid():
        y = out["whatif_year"] = form.cleaned_data["year"]
        try:
            before = rows if y == year else calculator.compute(pk, y)
            after = calculator.what_if(pk, y, form.figures(),
                                       form.cleaned_data.get("designation") or None)
        except PackError as exc:  # the figures typed in take a rule past its range
            out["refused"] = str(exc)
            return out
        out["changes"] = calculator.changes(before, after)
        # Say what the chosen year lacks (the figures typed in are not lacking).
        out["lacking"] = [label for name, label in calculator.missing_figures(pk, y)
                          if name not in form.figures()]
    return out


def _titled(awards):
    """Awards with the policy's title in the reader's language as ``a.title``."""
    awards = list(awards)
    for a in awards:
        a.title = catalogue.title(a.policy_id)
    return awards


@login_required
def enterprise_awards(request, pk):
    enterprise = _enterprise(request, pk)
    awards = access.awards(request.user).filter(enterprise=enterprise).order_by("-year", "id")
    titles = {p.id: local(p, "title") for p in catalogue.pack().policies}
    for a in awards:
        a.title = titles.get(a.policy_id, a.policy_id)
    return render(request, "policies/enterprise_awards.html", {
        "enterprise": enterprise, "awards": awards,
        "messages_list": Message.objects.filter(enterprise=enterprise)[:50],
    })


@login_required
def inbox(request):
    eid = _own(request)
    if request.method == "POST":
        if request.POST.get("read"):
            Message.objects.filter(enterprise_id=eid, read_at__isnull=True).update(
                read_at=timezone.now())
        else:
            known = set(push.CATEGORIES) | {p.id for p in catalogue.pack().policies}
            topics = set(request.POST.getlist("topic"))
            if not topics <= known:
                raise params.BadParameters([_("参数“topic”：没有这个订阅主题")])
            email = request.POST.get("email") == "on"
            Subscription.objects.filter(enterprise_id=eid).exclude(topic__in=topics).delete()
            for t in topics:
                Subscription.objects.update_or_create(enterprise_id=eid, topic=t,
                                                      defaults={"email": email})
            messages.success(request, _("订阅已保存"))
        return redirect("policies:inbox")
    subscribed = set(Subscription.objects.filter(enterprise_id=eid).values_list("topic", flat=True))
    return render(request, "policies/inbox.html", {
        "inbox": Message.objects.filter(enterprise_id=eid)[:100],
        "topics": [(k, v, k in subscribed) for k, v in push.CATEGORIES.items()],
        "policies": [(p.id, local(p, "title"), p.id in subscribed) for p in catalogue.pack().policies],
        "email": Subscription.objects.filter(enterprise_id=eid, email=True).exists(),
        "has_email": bool(request.user.email),
    })


@public
def library(request):
    """找政策/政策解读: every policy, its summary, conditions and citations. No login."""
    pack = catalogue.pack()
    category = params.text(request.GET, "category")
    q = params.text(request.GET, "q")
    entries = []
    for p in pack.policies:
        if category and p.category != category:
            continue
        text = p.title_zh + p.title_en + (p.target_zh or "") + (p.notes or "")
        if q and q.lower() not in text.lower():
            continue
        entries.append(policy_library.entry(p))
    amount, cite = catalogue.envelope(catalogue.funded_year(timezone.now().year))
    return render(request, "policies/library.html", {
        "pack": pack, "entries": entries, "categories": push.CATEGORIES.items(),
        "category": category, "q": q, "envelope": amount, "envelope_citation": cite,
    })


@public
def policy_page(request, policy_id):
    """One policy's permanent page in the public library (no login): what it gives, to whom,
    how much at most, from which article, on which assumptions and figures, how to get it."""
    p = catalogue.policy(policy_id)
    if p is None:
        raise Http404
    return render(request, "policies/policy.html", {
        "e": policy_library.entry(p, detail=True), "pack": catalogue.pack(),
        "can_apply": role_of(request.user) == "enterprise_user" and catalogue.by_application(p)})
