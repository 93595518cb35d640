"""The programme's pages: procurement lots and batch assignment, progress (coverage, maturity,
projects), the lenders' key-client list, and the public provider library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from industrybrain.core.context import public
from industrybrain.core.localize import local
from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises.exports import table_response
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import Cluster

from . import matching, stats, workflow
from .config import config
from .forms import BatchForm, YearForm
from .models import Diagnosis, ProcurementLot, Provider
from .scope import can_manage, can_read_lender_list, can_see_programme


def _programme(user):
    if not can_see_programme(user):
        raise PermissionDenied(_("本页面供市、区工作人员查看"))


@login_required
def lots(request):
    _programme(request.user)
    rows = (ProcurementLot.objects.annotate(
        used=Count("diagnoses", filter=~Q(diagnoses__status="cancelled")),
        reported=Count("diagnoses", filter=Q(diagnoses__status__in=["reported", "accepted"])),
        n_providers=Count("providers", distinct=True)))
    return render(request, "transform/lots.html", {"lots": rows})


@login_required
def lot(request, pk):
    _programme(request.user)
    lot = get_object_or_404(ProcurementLot, pk=pk)
    form = BatchForm(request.POST or None)
    if request.method == "POST":
        if not can_manage(request.user):
            raise PermissionDenied(_("只有市级管理员可以分派诊断"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = workflow.assign_batch(request.user, lot, data["basis"], data["district"],
                                              data["cluster"], data["limit"], data["on"])
                messages.success(request, _("已分派%(n)s家企业") % {"n": batch.size})
                return redirect("transform:lot", lot.pk)
            except workflow.Refused as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
    load = dict(lot.diagnoses.filter(~Q(status="cancelled")).values_list("provider_id")
                .annotate(n=Count("id")).order_by())
    providers = [(p, load.get(p.pk, 0)) for p in lot.providers.all()]
    return render(request, "transform/lot.html", {
        "lot": lot, "form": form, "providers": providers, "used": workflow.lot_used(lot),
        "batches": lot.batches.select_related("district", "cluster")[:50],
        "can_manage": can_manage(request.user)})


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404
    year = form.cleaned_data.get("year") if form.is_bound else None
    if year:
        return year
    latest = Diagnosis.objects.aggregate(y=Max("reported_on__year"))["y"]
    return latest or timezone.localdate().year


@login_required
def progress(request):
    """Coverage by district and cluster, maturity by year, projects started."""
    _programme(request.user)
    year = _year(request)
    firms = scope_enterprises(request.user, Enterprise.objects.all())
    cfg = config()
    by_district = stats.coverage(year, "district", firms)
    by_cluster = stats.coverage(year, "cluster", firms)
    districts = District.objects.in_bulk()
    clusters = Cluster.objects.in_bulk()
    maturity = stats.maturity_by_year(firms)
    levels = [(int(i.id), i) for i in cfg.levels]
    maturity_rows = [(y, [counts.get(n, 0) for n, _ in levels], sum(counts.values()))
                     for y, counts in maturity.items()]
    return render(request, "transform/progress.html", {
        "year": year, "city": by_district.get(None),
        "districts": [(districts[k], c) for k, c in by_district.items() if k is not None],
        "clusters": sorted(((clusters[k], c) for k, c in by_cluster.items() if k is not None),
                           key=lambda kc: -kc[1].manufacturers),
        "levels": [i for _, i in levels], "maturity": maturity_rows,
        "projects": stats.projects_by_year(firms),
        "citations": cfg.raw["programme"],
    })


LENDERS_PER_PAGE = 100


def _lender_list():
    """Firms with an accepted report, the latest accepted report of each firm: the 智改数转 key
    clients and the 智能制造贷 list. A query, so the page counts and slices it in the database
    (~14,000 firms in the demo city) instead of building every row per request."""
    latest = (Diagnosis.objects.filter(status=Diagnosis.Status.ACCEPTED, enterprise=OuterRef("enterprise"))
              .order_by("-accepted_on", "-id").values("id")[:1])
    return (Diagnosis.objects.filter(status=Diagnosis.Status.ACCEPTED, pk=Subquery(latest))
            .order_by("enterprise__name", "id"))


def _lender_rows(diagnoses):
    cfg = config()
    qs = (diagnoses.select_related("enterprise__district", "enterprise__cluster", "report", "provider")
          .annotate(n_projects=Count("report__projects"), cost=Sum("report__projects__cost_yuan")))
    rows = []
    for d in qs:
        level = cfg.level(d.report.overall_level)
        rows.append({"d": d, "level": local(level) if level else "", "projects": d.n_projects,
                     "cost": d.cost or 0})
    return rows


def key_client_table(fmt: str):
    """The key-client list as a .xlsx or CSV response, and its length (page and CLI)."""
    rows = _lender_rows(_lender_list())
    headers = [_("企业名称"), _("统一社会信用代码"), _("辖市区"), _("产业集群"), _("总体成熟度"),
               _("诊断服务商"), _("报告日期"), _("企业确认日期"), _("建议项目数"), _("建议投资合计（万元）")]
    table = [[r["d"].enterprise.name, r["d"].enterprise.uscc, local(r["d"].enterprise.district),
              local(r["d"].enterprise.cluster) if r["d"].enterprise.cluster else "",
              r["level"], r["d"].provider.name, _cn_date(r["d"].report.filed_on),
              _cn_date(r["d"].accepted_on), r["projects"], round(r["cost"] / 10_000, 2)]
             for r in rows]
    return table_response("smart-transformation-key-clients", fmt, headers, table), len(rows)


def _cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@login_required
def lenders(request, fmt=None):
    if not can_read_lender_list(request.user):
        raise PermissionDenied(_("本名单供金融机构和市级工作人员查看"))
    if fmt is not None:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return key_client_table(fmt)[0]
    listed = _lender_list()
    q = request.GET.get("q", "").strip()[:64]
    found = listed.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc=q)) if q else listed
    page = Paginator(found, LENDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "transform/lenders.html", {
        "rows": _lender_rows(found.filter(pk__in=[d.pk for d in page])), "page": page,
        "total": listed.count() if q else page.paginator.count, "q": q,
        "params": urlencode({"q": q}) if q else "", "citations": config().raw["programme"]})


@public
def providers(request):
    """The provider library in summary: public, like the policy library."""
    cfg = config()
    capability = request.GET.get("capability", "")
    if capability and cfg.capability(capability) is None:
        raise Http404
    rows = list(matching.library().order_by("name"))
    if capability:
        rows = [p for p in rows if capability in (p.capabilities or [])]
    for p in rows:
        _describe(p, cfg)
    return render(request, "transform/providers.html", {
        "rows": rows, "capabilities": cfg.capabilities, "capability": capability,
        "citation": cfg.raw["programme"]["provider_library"]["citation"]})


@public
def provider(request, pk):
    cfg = config()
    p = get_object_or_404(matching.library(), pk=pk)
    _describe(p, cfg)
    return render(request, "transform/provider.html", {
        "p": p, "lots": p.lots.all(),
        "diagnosed": p.diagnoses.filter(status__in=["reported", "accepted"]).count()})


def _describe(p: Provider, cfg) -> None:
    p.capability_items = [c for c in (cfg.capability(x) for x in p.capabilities or []) if c]
    p.certification_items = [c for c in (cfg.certification(x) for x in p.certifications or []) if c]
    p.delivered_total = (p.delivered_n or 0) + p.projects_before

