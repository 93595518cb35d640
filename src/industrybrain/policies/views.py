"""Officer pages: runs, the review queue, one award, budgets, the ledger and its export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from industrybrain.core import audit, localize, params
from industrybrain.core.localize import local
from industrybrain.core.money import format_yuan, yuan_to_wan
from industrybrain.core.scope import role_of
from industrybrain.engine.breakdown import breakdown, formula_words
from industrybrain.enterprises.exports import table_response
from industrybrain.enterprises.models import District
from industrybrain.industry.models import Cluster
from industrybrain.policies import access, budgets, catalogue, jobs, ledger, liveness, runs, summary
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, Budget, Run

S = Award.Status


def _year(request, default=2022):
    """The year of the page (query, else form); 400 if it is not a year the system knows."""
    data = request.GET if request.GET.get("year") else request.POST
    return params.year(data, default=default, min_value=2000, max_value=2100)


class ReviewFilters(params.ParamsForm):
    status = params.TextField(label=gettext_lazy("状态"), max_length=20)
    policy = params.TextField(label=gettext_lazy("政策"), max_length=64)
    district = params.TextField(label=gettext_lazy("辖市区"), max_length=32)
    cluster = params.TextField(label=gettext_lazy("集群"), max_length=48)
    min_wan = params.WanField(label=gettext_lazy("最低金额（万元）"), required=False)
    max_wan = params.WanField(label=gettext_lazy("最高金额（万元）"), required=False)


@login_required
def index(request):
    if role_of(request.user) == "enterprise_user":
        return redirect("policies:calculator")
    year = _year(request)
    return render(request, "policies/index.html", {
        "year": year, "stats": summary.by_status(request.user, year),  # as on the cockpit
        "can_run": access.can_run(request.user), "can_review": access.can_review(request.user),
        "can_audit": access.can_audit(request.user),
        "last_run": Run.objects.filter(year=year).first(),
    })


@login_required
def run_list(request):
    access.require(access.can_review(request.user) or access.can_run(request.user))
    if request.method == "POST":
        access.require(access.can_run(request.user))
        try:
            run = runs.start(_year(request), request.user)
        except runs.RunRefused as exc:
            messages.error(request, str(exc))
            return redirect("policies:runs")
        jobs.enqueue(run.pk)
        return redirect("policies:run", run.pk)
    liveness.reap()  # the page shows a dead run as failed, not "running 95%"
    return render(request, "policies/runs.html", {
        "runs": Run.objects.select_related("created_by")[:50],
        "can_run": access.can_run(request.user), "year": _year(request),
        "pack": catalogue.pack(),
    })


@login_required
def run_detail(request, pk):
    access.require(access.can_review(request.user) or access.can_run(request.user))
    liveness.reap(pk=pk)
    run = get_object_or_404(Run, pk=pk)
    counts = [(runs.count_label(k), runs.count_value(k, v)) for k, v in run.counts.items()]
    timings = [(runs.stage_label(k), v) for k, v in (run.timings or {}).items()]
    if request.GET.get("format") == "json":
        return JsonResponse({"status": run.status, "status_label": run.get_status_display(),
                             "stage": run.stage, "stage_label": runs.stage_label(run.stage),
                             "progress": run.progress, "counts": dict(counts),
                             "timings": run.timings, "timings_labelled": dict(timings)})
    return render(request, "policies/run.html", {
        "run": run, "counts": counts, "timings": timings,
        "stage": runs.stage_label(run.stage), "pack": catalogue.pack(),
        "can_cancel": access.can_run(request.user) and run.status in ("queued", "running")})


@login_required
@require_POST
def run_cancel(request, pk):
    """An officer stops a queued or running run (audited); its worker stops at the next
    checkpoint, and what it stored stays consistent (whole chunks)."""
    access.require(access.can_run(request.user))
    run = get_object_or_404(Run, pk=pk)
    if runs.cancel(run.pk, request.user):
        messages.success(request, _("测算已取消"))
    else:
        messages.error(request, _("该测算已结束，无需取消"))
    return redirect("policies:run", run.pk)


FILTERS = ("year", "status", "policy", "district", "cluster", "min_wan", "max_wan")


def _filtered(g, qs):
    """``qs`` narrowed by the cleaned ReviewFilters ``g``."""
    if g["policy"]:
        qs = qs.filter(policy_id=g["policy"])
    if g["district"]:
        qs = qs.filter(enterprise__district__code=g["district"])
    if g["cluster"]:
        qs = qs.filter(enterprise__cluster__code=g["cluster"])
    if g["min_wan"] is not None:
        qs = qs.filter(amount_yuan__gte=g["min_wan"])
    if g["max_wan"] is not None:
        qs = qs.filter(amount_yuan__lte=g["max_wan"])
    return qs


def _matching(request, data):
    """The review queue's rows for the filters in ``data`` (the form's year, status, policy…);
    BadParameters (400) if one does not parse."""
    year = _year(request)
    g = params.clean(ReviewFilters, data)
    status = g["status"] or S.PROPOSED
    return _filtered(g, access.awards(request.user).filter(year=year, status=status))


@login_required
def review(request):
    year = _year(request)
    g = params.clean(ReviewFilters, request.GET)
    status = g["status"] or S.PROPOSED
    qs = _filtered(g, access.awards(request.user).filter(year=year, status=status))
    qs = qs.select_related("enterprise", "enterprise__district").order_by("-amount_yuan", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    titles = {p.id: local(p, "title") for p in catalogue.pack().policies}
    for a in page:
        a.title = titles.get(a.policy_id, a.policy_id)
    return render(request, "policies/review.html", {
        "page": page, "year": year, "status": status, "statuses": S.choices,
        "filters": [(k, request.GET.get(k)) for k in FILTERS if request.GET.get(k)]
        + ([] if request.GET.get("year") else [("year", year)]),
        "params": query.urlencode(), "total": qs.aggregate(s=Sum("amount_yuan"))["s"],
        "policies": [p for p in catalogue.pack().policies if catalogue.carries_money(p)],
        "districts": District.objects.all(), "clusters": Cluster.objects.all(),
        "can_review": access.can_review(request.user),
    })


@login_required
@require_POST
def bulk_approve(request):
    """Step 1 shows what will be approved and the total; step 2 (confirm=yes) approves."""
    access.require(access.can_review(request.user))
    everything = request.POST.get("all_matching") == "yes"
    ids = [params.identifier({"award": i}, "award") for i in request.POST.getlist("award")]
    if everything:
        # "Select all N matching": the filters travel, not thousands of ids; what is
        # approved is what the officer confirmed (same count and total), else ask again.
        chosen = _matching(request, request.POST).filter(status__in=ledger.APPROVABLE)
    else:
        chosen = access.awards(request.user).filter(pk__in=ids, status__in=ledger.APPROVABLE)
    count, total = chosen.count(), chosen.aggregate(s=Sum("amount_yuan"))["s"]
    if request.POST.get("confirm") != "yes":
        if not everything and not ids:
            messages.error(request, _("请先勾选要审批的奖励"))
            return redirect(request.META.get("HTTP_REFERER") or "policies:review")
        return render(request, "policies/bulk_confirm.html", {
            "awards": () if everything else chosen, "shown": _with_others(chosen.order_by("-amount_yuan", "id")[:50]),
            "total": total, "count": count, "everything": everything,
            "filters": [(k, request.POST.get(k)) for k in FILTERS if request.POST.get(k)],
            "threshold": ledger.two_person_threshold()})
    if everything and (str(count) != request.POST.get("expect_count")
                       or str(total or 0) != request.POST.get("expect_total")):
        messages.error(request, _("符合筛选条件的奖励已有变化（现为 %(n)s 项，合计 %(t)s），请重新确认") % {
            "n": count, "t": format_yuan(total)})
        return redirect("policies:review")
    out = ledger.approve_many(list(chosen.values_list("pk", flat=True)), request.user)
    messages.success(request, _("已拨付 %(paid)s 笔，待第二人审批 %(second)s 笔，未通过 %(refused)s 笔") % {
        "paid": out["paid"], "second": out["awaiting_second"], "refused": len(out["refused"])})
    for pk, reason in out["refused"][:20]:
        messages.error(request, f"#{pk}：{reason}")
    return redirect("policies:review")


class DecisionForm(params.ParamsForm):
    action = params.TextField(label=gettext_lazy("操作"), max_length=16)
    reason = params.TextField(label=gettext_lazy("理由"), max_length=2000)


@login_required
def award_detail(request, pk):
    award = get_object_or_404(access.awards(request.user).select_related(
        "enterprise", "first_approver"), pk=pk)
    if request.method == "POST":
        access.require(access.can_review(request.user))
        form = params.clean(DecisionForm, request.POST)
        action, reason = form["action"], form["reason"]
        try:
            if action == "approve":
                outcome = ledger.approve(award.pk, request.user)
                messages.success(request, _("已拨付") if outcome == "paid" else
                                 _("已初审，金额超过限额，待另一名审核员复核"))
            elif action == "reject":
                ledger.reject(award.pk, request.user, reason)
                messages.success(request, _("已驳回"))
            elif action == "hold":
                ledger.hold(award.pk, request.user, reason)
                messages.success(request, _("已暂缓，待补充数据"))
        except Refused as exc:
            messages.error(request, str(exc))
        return redirect("policies:award", award.pk)
    p = catalogue.policy(award.policy_id)
    return render(request, "policies/award.html", {
        "award": award, "policy": p, "others": _others(request, award), "pack": catalogue.pack(),
        # How the amount came about against the cap, from the values the award stored.
        "steps": breakdown(catalogue.pack(), p, award.tier, award.inputs,
                           "en" if localize.in_english() else "zh")
        if p and award.tier and award.amount_yuan is not None else [],
        "formula": formula_words(catalogue.pack(), p, "en" if localize.in_english() else "zh")
        if p else "",
        "tier_label": catalogue.tier_label(p, award.tier) if p and award.tier else "",
        "payment": getattr(award, "payment", None) if award.status == S.PAID else None,
        # Numbers the articles do not give, which this award's amount depends on.
        "placeholders": catalogue.pack().placeholders(p.id) if p else (),
        "can_review": access.can_review(request.user),
        "threshold": ledger.two_person_threshold(),
    })


class BudgetForm(params.ParamsForm):
    policy = params.TextField(label=gettext_lazy("政策"), max_length=64)
    # A budget is a positive amount; empty means "no line budget" (the envelope still binds).
    amount_wan = params.WanField(label=gettext_lazy("预算（万元）"), required=False)

    def clean_amount_wan(self):
        amount = self.cleaned_data["amount_wan"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("预算须为正数"))
        return amount


@login_required
def budget_view(request):
    access.require(access.can_review(request.user) or access.can_audit(request.user))
    year = _year(request)
    if request.method == "POST":
        access.require(access.can_run(request.user))
        form = params.clean(BudgetForm, request.POST)
        policy_id, amount = form["policy"], form["amount_wan"]
        if policy_id and catalogue.policy(policy_id) is not None:
            Budget.objects.update_or_create(policy_id=policy_id, year=year,
                                            defaults={"amount_yuan": amount})
            audit.record(request.user, "budget_set", policy=policy_id,
                         detail={"year": year, "amount_yuan": amount})
            messages.success(request, _("预算已保存"))
        return redirect(f"{request.path}?year={year}")
    _amount, cite = catalogue.envelope(year)
    return render(request, "policies/budgets.html", {
        "year": year, "lines": budgets.lines(year), "envelope_citation": cite,
        "by_district": budgets.by_district(year, access.payments(request.user),
                                           access.awards(request.user)),
        "can_edit": access.can_run(request.user),
        "group_caps": catalogue.group_caps().get("cluster", []),
    })


def _ledger_rows(request, year):
    qs = access.payments(request.user).filter(year=year)
    district = params.text(request.GET, "district")
    if district:
        qs = qs.filter(enterprise__district__code=district)
    policy = params.text(request.GET, "policy")
    if policy:
        qs = qs.filter(policy_id=policy)
    return (qs.select_related("enterprise", "enterprise__district", "approver", "second_approver")
            .order_by("paid_at", "id"))


@login_required
def ledger_view(request):
    access.require(access.can_review(request.user) or access.can_audit(request.user)
                   or role_of(request.user) == "district_officer")
    year = _year(request)
    qs = _ledger_rows(request, year)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "policies/ledger.html", {
        "page": page, "year": year, "total": qs.aggregate(s=Sum("amount_yuan"))["s"],
        "districts": District.objects.all(), "params": query.urlencode(),
        "policies": [p for p in catalogue.pack().policies if catalogue.carries_money(p)]})


@login_required
def disbursement_export(request):
    """The disbursement list for the finance bureau (.xlsx; formulas neutralised)."""
    access.require(access.can_review(request.user) or access.can_audit(request.user))
    year = _year(request)
    qs = _ledger_rows(request, year)
    headers = [_("台账编号"), _("统一社会信用代码"), _("企业名称"), _("辖市区"), _("政策"), _("档位"),
               _("年度"), _("金额（万元）"), _("金额（元）"), _("预算科目"), _("审批人"), _("复核人"),
               _("拨付时间（北京时间）")]
    # Beijing time, as on the page (the database keeps UTC).
    rows = ([e.pk, e.enterprise.uscc, e.enterprise.name,
             local(e.enterprise.district) if e.enterprise.district else "",
             catalogue.title(e.policy_id), localize.tier_label(e.policy_id, e.tier),
             e.year, yuan_to_wan(e.amount_yuan), e.amount_yuan,
             localize.budget_line_label(e.budget_line),
             e.approver.username, e.second_approver.username if e.second_approver else "",
             timezone.localtime(e.paid_at).strftime("%Y-%m-%d %H:%M:%S")] for e in qs.iterator())
    audit.record(request.user, "export_disbursement", detail={"year": year, "rows": qs.count()})
    return table_response(f"disbursement-{year}", "xlsx", headers, rows)


def _others(request, award) -> list:
    """Every other award of the enterprise under this policy, for the reviewer (9.3)."""
    visible = set(access.awards(request.user).filter(
        enterprise_id=award.enterprise_id).values_list("pk", flat=True))
    return [a for a in ledger.others(award) if a.pk in visible]


def _with_others(awards) -> list:
    """``awards`` with ``.others``: the enterprise's other awards under the same policy."""
    shown = list(awards.select_related("enterprise"))
    keys = {(a.enterprise_id, a.policy_id) for a in shown}
    siblings = {}
    for o in Award.objects.filter(enterprise_id__in={k[0] for k in keys},
                                  policy_id__in={k[1] for k in keys}).order_by("-year", "id"):
        siblings.setdefault((o.enterprise_id, o.policy_id), []).append(o)
    for a in shown:
        a.title = catalogue.title(a.policy_id)
        a.others = [o for o in siblings.get((a.enterprise_id, a.policy_id), []) if o.pk != a.pk]
    return shown
