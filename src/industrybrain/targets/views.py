"""The target monitor (指标监测): the list, one target's detail, entries, and the reports.

Who sees what follows core.scope: city-wide roles see the city and every district; a
district officer sees the own district's values (and the city's published statistics that
officers enter, which are public), never another district's or the city totals computed
from enterprises; enterprise users and users without a role are refused (403).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from industrybrain.core import dataversion, params
from industrybrain.core.scope import CITY_WIDE_ROLES, role_of
from industrybrain.enterprises.models import District

from . import report
from .cockpit import held_list_url
from .digest import STATUS_ORDER, count_statuses, current_status, latest_assessments
from .forecast import ABOUT_TOLERANCE, DEFAULT_DEADLINE, WINDOW
from .forms import EntryForm, OfficerStatusForm
from .indicators import held_designations
from .models import Assessment, IndicatorValue, Kind, RefreshRun, Status, Target
from .refresh import chosen_values


def status_rules() -> list[str]:
    """How progress, the forecast and the status are decided (targets/forecast.py), in the
    reader's language."""
    return [
        gettext("进度 =（当前值 − 基数）÷（目标值 − 基数）；应达进度按基数年到目标年的直线路径计算。"),
        gettext("预测：取最近%(n)s年数据做最小二乘直线趋势，外推到目标年，给出80%%预测区间；"
                "只有两年数据时区间取趋势变化量的一半；只有一年数据时不做预测。") % {"n": WINDOW},
        gettext("已达成：最新值已满足目标；正常推进：预测值满足目标；有风险：预测值未满足但区间有利一端可达到，"
                "或尚无趋势而进度落后于应达进度；滞后：区间有利一端也达不到，或已过目标年仍未达到。"),
        gettext("“左右”按目标值±%(pct)s%%判断；未给年份的目标按%(year)s年（“十四五”末）预测。") % {
            "pct": int(ABOUT_TOLERANCE * 100), "year": DEFAULT_DEADLINE},
    ]


class TargetFilters(params.ParamsForm):
    q = params.TextField()
    section = params.TextField(max_length=64)
    indicator = params.TextField(max_length=16)
    kind = params.TextField(max_length=16)
    status = params.TextField(max_length=16)


def viewer_district(user) -> District | None:
    """None for city-wide roles, the district for a district officer; refuse anyone else."""
    role = role_of(user)
    if role in CITY_WIDE_ROLES:
        return None
    if role == "district_officer":
        return user.profile.district
    raise PermissionDenied(gettext("指标监测仅对市、辖市区工作人员开放"))


def can_enter(user, district: District | None) -> bool:
    return role_of(user) in ("city_admin", "district_officer")


@login_required
def index(request):
    district = viewer_district(request.user)
    run = RefreshRun.objects.first()
    assessments = latest_assessments(district, run)
    targets = Target.objects.all()
    f = params.clean(TargetFilters, request.GET)
    q = f["q"]
    if q:
        targets = targets.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
    for key in ("section", "indicator", "kind"):
        if f[key]:
            targets = targets.filter(**{key: f[key]})
    targets = list(targets)
    counts = count_statuses(targets, assessments)  # the cockpit's and the CLI's count
    rows = []
    for target in targets:
        a = assessments.get(target.pk)
        status = current_status(target, a)
        rows.append({"target": target, "a": a, "status": status,
                     "status_label": Status(status).label,
                     "raw": "" if a is None or a.value is None else str(a.value),
                     "list_url": held_list_url(target, a.year if a else None)})
    wanted = f["status"]
    if wanted:
        rows = [r for r in rows if r["status"] == wanted]
    return render(request, "targets/index.html", {
        "rows": rows, "run": run, "district": district,
        "counts": [(s, Status(s).label, counts.get(s, 0)) for s in STATUS_ORDER],
        "sections": Target.objects.order_by("order").values_list("section", flat=True).distinct(),
        "params": request.GET, "computed": Target.objects.filter(indicator="computed").count(),
        "entered": Target.objects.filter(indicator="entered").count(),
    })


def _values_visible(target: Target, district: District | None):
    values = IndicatorValue.objects.filter(target=target).select_related("district", "entered_by")
    if district is not None:
        values = values.filter(Q(district=district) | Q(district__isnull=True, origin="entered"))
    return values.order_by("-year", "district_id", "origin", "source")


def _chart(target: Target, values, assessment: Assessment | None, district) -> dict:
    own = [v for v in values if v.district_id == (district.pk if district else None)]
    chosen = chosen_values(own)
    years = sorted({y for y, _ in chosen})
    data = {"years": years, "values": [float(chosen[(y, d)].value) for y, d in sorted(chosen)],
            "unit": target.measure_unit, "goal": float(assessment.goal) if assessment and assessment.goal is not None else None,
            "deadline": target.deadline}
    if assessment and assessment.forecast is not None and target.deadline:
        data["forecast"] = {"year": target.deadline, "value": float(assessment.forecast),
                            "low": float(assessment.forecast_low), "high": float(assessment.forecast_high)}
    return data


@login_required
def detail(request, code):
    district = viewer_district(request.user)
    target = get_object_or_404(Target, code=code)
    run = RefreshRun.objects.first()
    assessment = latest_assessments(district, run).get(target.pk)
    values = list(_values_visible(target, district))
    chosen = chosen_values(values)
    for v in values:
        v.conflict = v.origin == "entered" and chosen.get((v.year, v.district_id)) is not v and any(
            w.year == v.year and w.district_id == v.district_id and w.value != v.value for w in values)
        v.chosen = chosen.get((v.year, v.district_id)) is v
    districts = []
    if district is None and run is not None:
        districts = sorted(Assessment.objects.filter(run=run, target=target, district__isnull=False)
                           .select_related("district"),
                           key=lambda d: -(d.share if d.share is not None else -1e18))
    conflicts = list(Target.objects.filter(code__in=target.conflicts_with))
    conflict_rows = latest_assessments(district, run)
    for other in conflicts:
        other.a = conflict_rows.get(other.pk)
    return render(request, "targets/detail.html", {
        "target": target, "a": assessment, "status": current_status(target, assessment),
        "status_label": Status(current_status(target, assessment)).label,
        "values": values, "districts": districts, "district": district, "run": run,
        "conflicts": conflicts, "rules": status_rules(), "split_note": gettext(
            "辖市区目标按基数年各辖市区占全市的份额分解（比率指标沿用全市目标）：文章未把目标分解到辖市区，这是系统的假设。"),
        "chart": json.dumps(_chart(target, values, assessment, district), ensure_ascii=False),
        "form": EntryForm(target=target, district=district) if can_enter(request.user, district) else None,
        "status_form": OfficerStatusForm(initial={"status": target.officer_status})
        if target.kind == Kind.QUALITATIVE and role_of(request.user) == "city_admin" else None,
        "relative": Target.objects.filter(code=target.relative_to).first(),
        "list_url": held_list_url(target, assessment.year if assessment else None),
        "counted_once": len(held_designations(target.measure)) > 1,
    })


@login_required
@require_POST
def enter(request, code):
    district = viewer_district(request.user)
    target = get_object_or_404(Target, code=code)
    if not can_enter(request.user, district):
        raise PermissionDenied(gettext("只有市级管理员和辖市区专员可以录入数值"))
    form = EntryForm(request.POST, target=target, district=district)
    if form.is_valid():
        value = form.save(request.user)
        messages.success(request, gettext("已录入 %(year)s 年数值，来源：%(source)s。下次刷新后计入进度与预测。")
                         % {"year": value.year, "source": value.source})
        if form.warning:
            messages.warning(request, form.warning)
        return redirect("targets:detail", code=code)
    for error in form.non_field_errors():
        messages.error(request, error)
    for name, errors in form.errors.items():
        if name != "__all__":
            for error in errors:
                messages.error(request, f"{form.fields[name].label}：{error}")
    return redirect("targets:detail", code=code)


@login_required
@require_POST
def set_status(request, code):
    target = get_object_or_404(Target, code=code, kind=Kind.QUALITATIVE)
    if role_of(request.user) != "city_admin":
        raise PermissionDenied(gettext("只有市级管理员可以设定定性目标的状态"))
    form = OfficerStatusForm(request.POST)
    if form.is_valid():
        target.officer_status = form.cleaned_data["status"]
        target.officer_note = form.cleaned_data["note"]
        target._change_reason = f"{request.user.username} {timezone.localdate():%Y-%m-%d}"
        with transaction.atomic():
            target.save(update_fields=["officer_status", "officer_note"])
            dataversion.bump(dataversion.TARGETS)
        messages.success(request, gettext("状态已更新"))
    return redirect("targets:detail", code=code)


@login_required
def report_file(request, fmt):
    district = viewer_district(request.user)
    if fmt not in ("pdf", "xlsx"):
        raise Http404(fmt)
    code = params.text(request.GET, "district")
    if district is None and code:
        district = get_object_or_404(District, code=code)
    data = report.collect(district)
    name = report.file_name(data, fmt)
    if fmt == "pdf":
        response = HttpResponse(report.to_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(report.to_xlsx(data), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
