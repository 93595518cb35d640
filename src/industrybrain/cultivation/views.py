"""培育库 pages: the ladders (funnel, flows, gap to target), one pool (closest to the next
rung, forecast, review, services), one enterprise's memberships and tasks.

Who sees what follows core.scope: city-wide roles see the city; a district officer the own
district's enterprises; an enterprise user only its own memberships (the enterprise page).
Officers who may change membership: the city administrator and district officers (for
their district). Every parameter passes a form: a bad query string is a 400.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from industrybrain.core.localize import local
from industrybrain.core.scope import CITY_WIDE_ROLES, role_of, scope_enterprises
from industrybrain.engine.explain import describe
from industrybrain.enterprises.models import Enterprise

from . import ladder as ladders
from . import membership as hand
from . import recompute
from .forms import (
    DecisionForm,
    ExitForm,
    ListFilterForm,
    ManualEntryForm,
    TaskDoneForm,
    TaskForm,
    YearForm,
)
from .margins import words
from .models import Decision, Forecast, Membership, Proposal, Standing, Task
from .rules import pools

PER_PAGE = 50


def officer_district(user):
    """None for city-wide roles, the district for a district officer; refuse anyone else."""
    role = role_of(user)
    if role in CITY_WIDE_ROLES:
        return None
    if role == "district_officer":
        return user.profile.district
    raise PermissionDenied(_("培育库仅对市、辖市区工作人员开放"))


def can_edit(user) -> bool:
    return role_of(user) in ("city_admin", "district_officer")


def _pool_or_404(pool_id: str):
    try:
        return pools().pool(pool_id)
    except KeyError:
        raise Http404(_("没有这个培育库")) from None


def _bad(form) -> HttpResponseBadRequest:
    errors = "；".join(f"{form.fields[k].label if k in form.fields else k}：{' '.join(v)}"
                      for k, v in form.errors.items())
    return HttpResponseBadRequest(_("参数有误：%(errors)s") % {"errors": errors},
                                  content_type="text/plain; charset=utf-8")


@login_required
def index(request):
    district = officer_district(request.user)
    years = recompute.data_years()
    form = YearForm(request.GET, years=years)
    if not form.is_valid():
        return _bad(form)
    year = form.cleaned_data["year"] or (years[-1] if years else None)
    did = district.pk if district else None
    rows = []
    open_counts = {}
    members = scope_enterprises(request.user, Membership.objects.filter(exited_on__isnull=True), "enterprise__")
    for pool_id in members.values_list("pool", flat=True):
        open_counts[pool_id] = open_counts.get(pool_id, 0) + 1
    pending = {}
    for pool_id in scope_enterprises(request.user, Proposal.objects.filter(status=Decision.PENDING),
                                     "enterprise__").values_list("pool", flat=True):
        pending[pool_id] = pending.get(pool_id, 0) + 1
    counter = ladders.Counter(years)  # one computation per measure for the whole page
    for ladder in pools().ladders:
        funnel = ladders.funnel(ladder, years, year, did, counter) if year else []
        for step in funnel:
            step["name"] = local(step["rung"])
            step["by_year"] = [step["counts"].get(y) for y in years]
            step["pool_rows"] = [{"pool": p, "name": local(p), "members": open_counts.get(p.id, 0),
                                  "pending": pending.get(p.id, 0)} for p in step["pools"]]
        chart = {"funnel": [{"name": s["name"], "value": s["count"] or 0} for s in funnel],
                 "sankey": _sankey_labels(ladders.sankey(ladder, year, did), ladder) if year else {}}
        rows.append({"ladder": ladder, "name": local(ladder), "funnel": funnel,
                     "chart": json.dumps(chart, ensure_ascii=False)})
    return render(request, "cultivation/index.html", {
        "ladders": rows, "year": year, "years": years, "district": district,
    })


def _sankey_labels(data: dict, ladder) -> dict:
    """Rung names in the reader's language (the stored flows carry rung ids)."""
    names = {r.name_zh: local(r) for r in ladder.rungs} | {"梯队外": _("梯队外")}
    def label(n: str) -> str:
        year, _sep, rung = n.partition("年 ")
        return _("%(year)s年 %(rung)s") % {"year": year, "rung": names.get(rung, rung)}
    return {"nodes": [{"name": label(n["name"])} for n in data["nodes"]],
            "links": [{"source": label(x["source"]), "target": label(x["target"]), "value": x["value"]}
                      for x in data["links"]]}


def _standing_rows(pool, standings):
    by_id = {c.id: c for c in pool.criteria}
    out = []
    for s in standings:
        crit = []
        for cid, (lhs, rhs, met) in s.values.items():
            c = by_id.get(cid)
            if c is None:
                continue
            lang = "en" if request_lang_en() else "zh"
            crit.append({"met": met, "text": words(c, lhs, rhs, met, lang)})
        out.append({"s": s, "criteria": crit})
    return out


def request_lang_en() -> bool:
    from industrybrain.core.localize import in_english

    return in_english()


@login_required
def pool_detail(request, pool_id: str):
    pool = _pool_or_404(pool_id)
    district = officer_district(request.user)
    form = ListFilterForm(request.GET, fixed_district=district)
    if not form.is_valid():
        return _bad(form)
    year = recompute.current_year()
    members = scope_enterprises(request.user, Membership.objects.filter(pool=pool.id, exited_on__isnull=True),
                                "enterprise__")
    standings = Standing.objects.filter(pool=pool.id, year=year,
                                        enterprise__in=members.values("enterprise")).select_related(
        "enterprise", "enterprise__district", "enterprise__cluster")
    standings = scope_enterprises(request.user, standings, "enterprise__")
    f = form.cleaned_data
    if f.get("district"):
        standings = standings.filter(enterprise__district=f["district"])
    if f.get("cluster"):
        standings = standings.filter(enterprise__cluster=f["cluster"])
    if f.get("chain"):
        standings = standings.filter(enterprise__chains=f["chain"])
    page = Paginator(standings.order_by("rank"), PER_PAGE).get_page(f.get("page") or 1)
    fc = Forecast.objects.filter(pool=pool.id, year=year).first()
    ladder = pools().ladder(pool.ladder)
    pending = scope_enterprises(request.user, Proposal.objects.filter(pool=pool.id, status=Decision.PENDING),
                                "enterprise__").select_related("enterprise")
    standards = [pools().standards[s] for s in dict.fromkeys(c.standard for c in pool.criteria if c.standard)]
    from industrybrain.policies import catalogue

    lang = "en" if request_lang_en() else "zh"
    rung = ladder.rung(pool.rung)
    targets = ladders.target_rows(rung, ladders.Counter(recompute.data_years()), year,
                                  district.pk if district else None) if year else []
    return render(request, "cultivation/pool.html", {
        "targets": targets,
        "pool": pool, "name": local(pool), "ladder": ladder, "ladder_name": local(ladder),
        "rung_name": local(ladder.rung(pool.rung)), "year": year, "form": form, "page": page,
        "rows": _standing_rows(pool, page.object_list), "forecast": fc,
        "members": members.count(), "pending": pending[:200], "pending_count": pending.count(),
        "decision_form": DecisionForm(pending=pending) if can_edit(request.user) else None,
        "entry_form": ManualEntryForm() if can_edit(request.user) else None,
        "standards": standards,
        "criteria": [{"name": local(c), "rule": describe(c.node, lang)} for c in pool.criteria],
        "entry_rule": describe(pool.entry, lang),
        "services": [catalogue.policy(s) for s in pool.services if catalogue.policy(s)],
        "can_edit": can_edit(request.user), "district": district,
        "query": request.GET.copy().urlencode() if request.GET else "",
    })


def _editor(request):
    if not can_edit(request.user):
        raise PermissionDenied(_("只有市、辖市区经办人可以修改培育库"))
    return officer_district(request.user)


@login_required
@require_POST
def add_member(request, pool_id: str):
    pool = _pool_or_404(pool_id)
    district = _editor(request)
    form = ManualEntryForm(request.POST)
    if form.is_valid():
        enterprise = form.enterprise
        if district is not None and enterprise.district_id != district.pk:
            form.add_error("uscc", _("只能把本辖市区的企业列入培育库"))
        else:
            try:
                hand.enter(pool, enterprise, form.cleaned_data["entered_on"], form.cleaned_data["reason"],
                           request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
    if form.errors:
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else _("入库")
            messages.error(request, f"{label}：{' '.join(errs)}")
        return redirect("cultivation:pool", pool_id=pool.id)
    messages.success(request, _("已列入%(pool)s") % {"pool": local(pool)})
    return redirect("cultivation:enterprise", enterprise_id=form.enterprise.pk)


@login_required
@require_POST
def decide(request, pool_id: str):
    pool = _pool_or_404(pool_id)
    _editor(request)
    pending = scope_enterprises(request.user, Proposal.objects.filter(pool=pool.id, status=Decision.PENDING),
                                "enterprise__")
    form = DecisionForm(request.POST, pending=pending)
    if not form.is_valid():
        for errs in form.errors.values():
            messages.error(request, " ".join(errs))
        return redirect("cultivation:pool", pool_id=pool.id)
    chosen = list(pending.filter(pk__in=form.cleaned_data["proposals"]))
    if form.cleaned_data["decision"] == Decision.ACCEPTED:
        n = recompute.accept(chosen, request.user, form.cleaned_data["note"])
    else:
        n = recompute.reject(chosen, request.user, form.cleaned_data["note"])
    messages.success(request, _("已审核 %(n)s 条建议") % {"n": n})
    return redirect("cultivation:pool", pool_id=pool.id)


@login_required
@require_POST
def push_services(request, pool_id: str):
    pool = _pool_or_404(pool_id)
    _editor(request)
    members = scope_enterprises(request.user, Membership.objects.filter(pool=pool.id, exited_on__isnull=True),
                                "enterprise__")
    n = hand.push_services(pool, recompute.current_year() or 0, list(members))
    messages.success(request, _("已向 %(m)s 家成员推送服务（%(n)s 条，重复推送不会重发）")
                     % {"m": members.count(), "n": n})
    return redirect("cultivation:pool", pool_id=pool.id)


def _enterprise_in_scope(request, enterprise_id: int) -> Enterprise:
    qs = scope_enterprises(request.user, Enterprise.objects.all())
    return get_object_or_404(qs, pk=enterprise_id)


@login_required
def enterprise(request, enterprise_id: int):
    ent = _enterprise_in_scope(request, enterprise_id)
    year = recompute.current_year()
    rows = []
    for m in ent.pool_memberships.select_related("entered_by", "exited_by").prefetch_related("tasks"):
        pool = pools().pool(m.pool) if m.pool in {p.id for p in pools().pools} else None
        if pool is None:
            continue
        st = Standing.objects.filter(pool=pool.id, year=year, enterprise=ent).first() if m.is_open else None
        rows.append({"m": m, "pool": pool, "name": local(pool),
                     "criteria": _standing_rows(pool, [st])[0]["criteria"] if st else [],
                     "standing": st,
                     "exit_form": ExitForm(membership=m) if m.is_open and can_edit(request.user) else None,
                     "tasks": list(m.tasks.all())})
    return render(request, "cultivation/enterprise.html", {
        "enterprise": ent, "rows": rows, "year": year, "can_edit": can_edit(request.user),
        "task_form": TaskForm() if can_edit(request.user) else None,
        "done_form": TaskDoneForm() if can_edit(request.user) else None,
    })


def _membership_for_edit(request, membership_id: int) -> Membership:
    _editor(request)
    qs = scope_enterprises(request.user, Membership.objects.all(), "enterprise__")
    return get_object_or_404(qs, pk=membership_id)


@login_required
@require_POST
def exit_member(request, membership_id: int):
    m = _membership_for_edit(request, membership_id)
    form = ExitForm(request.POST, membership=m)
    if form.is_valid():
        try:
            hand.leave(m, form.cleaned_data["exited_on"], form.cleaned_data["reason"], request.user)
            messages.success(request, _("已出库"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{' '.join(errs)}")
    return redirect("cultivation:enterprise", enterprise_id=m.enterprise_id)


@login_required
@require_POST
def add_task(request, membership_id: int):
    m = _membership_for_edit(request, membership_id)
    form = TaskForm(request.POST)
    if form.is_valid():
        Task.objects.create(membership=m, created_by=request.user, **form.cleaned_data)
        messages.success(request, _("已添加培育事项"))
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{' '.join(errs)}")
    return redirect("cultivation:enterprise", enterprise_id=m.enterprise_id)


@login_required
@require_POST
def finish_task(request, task_id: int):
    _editor(request)
    qs = scope_enterprises(request.user, Task.objects.select_related("membership"), "membership__enterprise__")
    task = get_object_or_404(qs, pk=task_id)
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        task.done_on, task.outcome = form.cleaned_data["done_on"], form.cleaned_data["outcome"]
        task.save(update_fields=["done_on", "outcome"])
        messages.success(request, _("已记录结果"))
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{' '.join(errs)}")
    return redirect("cultivation:enterprise", enterprise_id=task.membership.enterprise_id)
