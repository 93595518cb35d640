import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from industrybrain.core import panels
from industrybrain.core.localize import local
from industrybrain.core.scope import can_import, scope_enterprises
from industrybrain.enterprises import exports, imports, listing
from industrybrain.enterprises.filters import filter_enterprises
from industrybrain.enterprises.history import history_of
from industrybrain.enterprises.models import District, Enterprise, IndustryCode, Ownership
from industrybrain.industry.models import Chain, Cluster


def visible(request):
    return scope_enterprises(request.user, Enterprise.objects.all())


@login_required
def enterprise_list(request):
    year = listing.latest_year()
    sort = request.GET.get("sort", "")
    queryset = listing.sorted_by(listing.with_figures(
        filter_enterprises(visible(request), request.GET).select_related("district", "cluster"),
        year), sort, year)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    listing.decorate(page.object_list, year)
    params = request.GET.copy()
    params.pop("page", None)
    unsorted = params.copy()
    unsorted.pop("sort", None)
    return render(request, "enterprises/list.html", {
        "page": page, "year": year, "sort": sort, "unsorted": unsorted.urlencode(),
        "applied": listing.applied_filters(request.GET),
        "params": params.urlencode(),
        "districts": District.objects.all(),
        "clusters": Cluster.objects.all(),
        "chains": Chain.objects.all(),
        "ownerships": Ownership.choices,
        "can_import": can_import(request.user),
    })


@login_required
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(visible(request).select_related("district", "cluster"), pk=pk)
    figures = list(enterprise.figures.order_by("year"))
    chart = {
        "years": [f.year for f in figures],
        "series": [
            {"name": _("营业收入"), "data": [_in_yi(f.revenue) for f in figures]},
            {"name": _("工业总产值"), "data": [_in_yi(f.industrial_output) for f in figures]},
            {"name": _("税收"), "data": [_in_yi(f.tax) for f in figures]},
        ],
    }
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise,
        "figures": figures,
        "designations": enterprise.designations.select_related("type").order_by("-granted_on"),
        "memberships": enterprise.chainmembership_set.select_related("chain"),
        "placements": enterprise.placements.select_related("segment__cluster", "segment__chain"),
        "chart": json.dumps(chart, ensure_ascii=False),
        "history": history_of(enterprise)[:50],
        "panels": panels.render(request, enterprise),
        "industry_name": local(IndustryCode.objects.filter(
            code=(enterprise.industry_code or "")[:3]).first()),
    })


def _in_yi(value):
    return None if value is None else round(value / 1e8, 4)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    if not can_import(request.user):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in imports.KINDS:
            messages.error(request, _("请选择导入类型。"))
        elif upload is None:
            messages.error(request, _("请选择要导入的文件。"))
        else:
            report = imports.import_upload(kind, upload, user=request.user)
            request.session["last_rejects"] = [
                [r.row, r.column, r.reason] for r in report.rejects[:5000]
            ]
            if report.applied:
                messages.success(request, report.summary())
            else:
                messages.error(request, report.summary())
    return render(request, "enterprises/import.html", {
        "report": report, "kinds": imports.KINDS,
    })


@login_required
def template_download(request, kind, fmt):
    if kind not in imports.KINDS or fmt not in ("xlsx", "csv"):
        raise PermissionDenied
    spec = imports.KINDS[kind]
    return exports.table_response(
        f"template-{kind}", fmt, spec.headers(), [spec.example_row()]
    )


@login_required
def rejects_download(request):
    """The rejects report of the last failed import in this session, as CSV."""
    rows = request.session.get("last_rejects") or []
    return exports.table_response(
        "rejects", "csv", [_("行号"), _("列"), _("原因")], rows
    ) if rows else HttpResponse(status=404)
