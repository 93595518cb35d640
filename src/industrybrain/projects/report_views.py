"""The overview pages of the projects: rates with their definitions, the Gantt view, the
weekly inspection checklist, the monthly bulletin and the quarterly review.

City-wide roles see the city (and may pick a district); a district officer sees the own
district; enterprise users and users without a role are refused (403)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from industrybrain.core.localize import local
from industrybrain.core.scope import CITY_WIDE_ROLES, role_of, scope_projects
from industrybrain.enterprises.models import District
from industrybrain.industry.models import Chain, Cluster

from . import alerts, rates, report
from .forms import ChecklistForm, GanttForm, PeriodForm, QuarterForm
from .models import STAGES, ElementNeed, InspectionIssue, Project, Stage
from .views import refuse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def overview_scope(request, district_code: str = ""):
    """(queryset, district) the viewer may see; a city-wide viewer may narrow to a district."""
    role = role_of(request.user)
    if role == "district_officer":
        district = request.user.profile.district
    elif role in CITY_WIDE_ROLES:
        district = District.objects.get(code=district_code) if district_code else None
    else:
        raise PermissionDenied(_("项目总览仅对市、辖市区工作人员开放"))
    projects = scope_projects(request.user, Project.objects.all())
    if district is not None:
        projects = projects.filter(district=district)
    return projects, district


@login_required
def rates_page(request):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return refuse(form)
    projects, district = overview_scope(request, form.cleaned_data["district"])
    month = form.cleaned_data["month"] or rates.latest_month(projects)
    city = rates.compute(projects, month).get(None)
    names = {"district": {d.pk: local(d) for d in District.objects.all()},
             "cluster": {c.pk: local(c) for c in Cluster.objects.all()}}
    tables = {}
    for by in ("district", "cluster"):
        groups = rates.compute(projects, month, by)
        tables[by] = sorted(((names[by].get(k) or _("未归集群"), v) for k, v in groups.items()),
                            key=lambda kv: str(kv[0]))
    series = rates.monthly(projects, month.year, month.month)
    chart = {"months": [date_format(m, "YEAR_MONTH_FORMAT") for m, _c in series],
             "series": [{"name": str(m.label), "data": [float(c[m.key].rate) if c[m.key].rate is not None else None
                                                        for _m, c in series]} for m in rates.METRICS]}
    return render(request, "projects/rates.html", {
        "form": form, "month": month, "end": rates.month_end(month), "district": district,
        "metrics": rates.METRICS, "city": city, "tables": tables, "series": series,
        "chart": json.dumps(chart, ensure_ascii=False),
        "districts": District.objects.all() if role_of(request.user) in CITY_WIDE_ROLES else [],
    })


@login_required
def gantt(request):
    """A district's or a chain's projects on one time line: each milestone span, planned
    (light) against actual (solid), drawn with ECharts' custom series (vendored)."""
    form = GanttForm(request.GET)
    if not form.is_valid():
        return refuse(form)
    projects, district = overview_scope(request, form.cleaned_data["district"])
    chain = None
    if form.cleaned_data["chain"]:
        chain = Chain.objects.get(code=form.cleaned_data["chain"])
        projects = projects.filter(chain=chain)
    today = timezone.localdate()
    rows = list(projects.exclude(registered_actual__isnull=True).select_related("district")
                .order_by("started_planned", "code")[:200])
    data = []
    for i, p in enumerate(rows):
        slip = p.open_slip(today)
        for k, s in enumerate(STAGES[2:-1], start=2):  # 入库→开工→竣工→达产 spans
            nxt = STAGES[k + 1]
            for kind in ("planned", "actual"):
                a, b = getattr(p, f"{s}_{kind}"), getattr(p, f"{nxt}_{kind}")
                if kind == "actual" and a and not b:
                    b = today  # under way: the bar runs to today
                if a and b:
                    data.append({"row": i, "kind": kind, "from": a.isoformat(), "to": b.isoformat(),
                                 "span": f"{Stage(s).label}→{Stage(nxt).label}", "step": k - 2})
        p.slip = slip
    payload = {"rows": [f"{p.name}" for p in rows], "bars": data, "today": today.isoformat(),
               "behind": [i for i, p in enumerate(rows) if p.slip],
               "labels": {"planned": _("计划"), "actual": _("实际")}}
    return render(request, "projects/gantt.html", {
        "form": form, "rows": rows, "district": district, "chain": chain,
        "payload": json.dumps(payload, ensure_ascii=False),
        "chains": Chain.objects.all(),
        "districts": District.objects.all() if role_of(request.user) in CITY_WIDE_ROLES else [],
    })


@login_required
def checklist(request):
    """周巡查: the projects under way that an officer must visit this week, printable."""
    form = ChecklistForm(request.GET)
    if not form.is_valid():
        return refuse(form)
    projects, district = overview_scope(request)
    today = timezone.localdate()
    week = form.cleaned_data["week"] or today
    monday = week - dt.timedelta(days=week.weekday())
    under_way = alerts.annotate(projects.filter(stage__in=alerts.UNDER_WAY).select_related("district"), today)
    officers = sorted(set(under_way.values_list("officer", flat=True)))
    officer = form.cleaned_data["officer"]
    if officer:
        under_way = under_way.filter(officer=officer)
    groups: dict[str, list] = {}
    rows = list(under_way.order_by("officer", "code"))
    # Only what is still open: a project's whole inspection history is not read for a list.
    issues, needs = {}, {}
    for i in InspectionIssue.objects.filter(inspection__project__in=[p.pk for p in rows], closed_on__isnull=True) \
            .select_related("inspection").order_by("id"):
        issues.setdefault(i.inspection.project_id, []).append(i)
    for n in ElementNeed.objects.filter(project__in=[p.pk for p in rows]).exclude(status="secured"):
        needs.setdefault(n.project_id, []).append(n)
    for p in rows:
        p.flags = alerts.flags(p, today)
        p.open_issues, p.open_needs = issues.get(p.pk, []), needs.get(p.pk, [])
        groups.setdefault(p.officer, []).append(p)
    return render(request, "projects/checklist.html", {
        "form": form, "groups": groups, "officers": officers, "officer": officer, "district": district,
        "monday": monday, "sunday": monday + dt.timedelta(days=6), "due": alerts.config().inspection_due,
    })


def _send(data, fmt):
    if fmt == "pdf":
        response = HttpResponse(report.to_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(report.to_xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{report.file_name(data, fmt)}"
    return response


@login_required
def bulletin(request, fmt):
    """月通报 of a month (the last full month when none is given)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404(fmt)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return refuse(form)
    projects, district = overview_scope(request, form.cleaned_data["district"])
    month = form.cleaned_data["month"] or rates.latest_month(projects)
    return _send(report.collect(projects, district, month, rates.month_end(month), "bulletin"), fmt)


@login_required
def review(request, fmt):
    """季督查 of a quarter (the last full quarter when none is given)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404(fmt)
    form = QuarterForm(request.GET)
    if not form.is_valid():
        return refuse(form)
    projects, district = overview_scope(request, form.cleaned_data["district"])
    latest = rates.latest_month(projects)
    year = form.cleaned_data["year"] or latest.year
    quarter = form.cleaned_data["quarter"] or (latest.month - 1) // 3 + 1
    last = dt.date(year, quarter * 3, 1)
    return _send(report.collect(projects, district, dt.date(year, quarter * 3 - 2, 1),
                                rates.month_end(last), "review", quarter=quarter), fmt)
