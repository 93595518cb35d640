"""The project pages: the list with its alerts, one project's record and the actions on it.

Visibility is core.scope.scope_projects (a district officer sees the own district's projects,
an enterprise user its own); keeping records is for the city administrator and district
officers (core.scope.can_edit_projects). Every parameter passes a form: bad values answer 400.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from industrybrain.core import audit
from industrybrain.core.scope import can_edit_projects, can_import, role_of, scope_projects
from industrybrain.enterprises.exports import table_response
from industrybrain.enterprises.imports import import_upload

from . import alerts
from .config import config
from .forms import (
    CloseIssueForm,
    InspectionForm,
    InvestmentForm,
    LeadForm,
    ListFilter,
    MilestoneForm,
    NeedForm,
    ProjectForm,
)
from .imports import ProjectSpec
from .models import (
    STAGES,
    ElementNeed,
    InspectionAttachment,
    InspectionIssue,
    Project,
    ProjectInvestment,
    Stage,
)

PER_PAGE = 50


def visible(user):
    return scope_projects(user, Project.objects.all())


def own_district(user):
    return user.profile.district if role_of(user) == "district_officer" else None


def refuse(form) -> HttpResponseBadRequest:
    """A parameter that does not pass its form: 400 with each field and reason."""
    lines = [f"{form.fields[f].label or f if f in form.fields else ''}：{e}" for f, errs in form.errors.items()
             for e in errs]
    return HttpResponseBadRequest("\n".join([_("参数有误")] + lines), content_type="text/plain; charset=utf-8")


def _editable(request, pk):
    if not can_edit_projects(request.user):
        raise PermissionDenied(_("只有市级管理员和辖市区专员可以维护项目"))
    return get_object_or_404(visible(request.user), pk=pk)


def _errors_to_messages(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


@login_required
def index(request):
    form = ListFilter(request.GET)
    if not form.is_valid():
        return refuse(form)
    f = form.cleaned_data
    today = timezone.localdate()
    projects = visible(request.user).select_related("district", "cluster", "chain", "enterprise")
    if f["q"]:
        projects = projects.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) |
                                   Q(investor__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    for key in ("district", "cluster", "chain"):
        if f[key]:
            projects = projects.filter(**{f"{key}__code": f[key]})
    if f["stage"]:
        projects = projects.filter(stage=f["stage"])
    if f["level"]:
        projects = projects.filter(level=f["level"])
    if f["year"]:
        projects = projects.registered_in(f["year"])
    if f["alert"]:
        projects = alerts.filter_alert(projects, f["alert"], today)
    base = visible(request.user)
    counts = {
        "all": base.count(),
        "behind": base.filter(alerts.behind_q(today)).count(),
        "needs": base.filter(alerts.overdue_needs_q(today)).count(),
        "inspection": alerts.filter_alert(base, "inspection", today).count(),
        "large": base.filter(is_large=True).count(),
    }
    # Newest on the list first; leads not yet listed after them on every database.
    order = (F("registered_actual").desc(nulls_last=True), "code")
    page = Paginator(alerts.annotate(projects.order_by(*order), today), PER_PAGE) \
        .get_page(f["page"] or 1)
    for p in page:
        p.flags = alerts.flags(p, today)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "projects/index.html", {
        "page": page, "form": form, "counts": counts, "params": params.urlencode(),
        "stages": Stage.choices, "can_edit": can_edit_projects(request.user),
        "can_import": role_of(request.user) == "city_admin", "due": config().inspection_due,
    })


@login_required
def detail(request, pk):
    project = get_object_or_404(visible(request.user).select_related(
        "district", "cluster", "chain", "segment", "enterprise"), pk=pk)
    today = timezone.localdate()
    milestones = []
    for s in STAGES:
        planned, actual = project.planned(s), project.actual(s)
        late = None
        if planned and actual and actual > planned:
            late = (actual - planned).days
        elif planned and not actual and planned < today:
            late = (today - planned).days
        milestones.append({"stage": s, "label": Stage(s).label, "planned": planned, "actual": actual,
                           "late": late, "open": late is not None and actual is None})
    needs = list(project.needs.all())
    for n in needs:
        n.overdue = n.is_overdue(today)
        n.form = NeedForm(instance=n, prefix=f"need{n.pk}")
    inspections = list(project.inspections.prefetch_related("issues", "attachments"))
    edit = can_edit_projects(request.user)
    nxt = project.next_stage
    return render(request, "projects/detail.html", {
        "p": project, "milestones": milestones, "needs": needs, "inspections": inspections,
        "investments": list(project.investments.all()), "flags": alerts.flags(project, today),
        "inspection_overdue": alerts.inspection_overdue(project, today), "due": config().inspection_due,
        "can_edit": edit, "next_stage": nxt, "next_label": Stage(nxt).label if nxt else "",
        "milestone_form": MilestoneForm(project=project, initial={"stage": nxt, "actual": today}) if edit and nxt else None,
        "investment_form": InvestmentForm(project=project) if edit else None,
        "need_form": NeedForm(initial={"raised_on": today}) if edit else None,
        "inspection_form": InspectionForm(initial={"inspected_on": today}) if edit else None,
        "close_form": CloseIssueForm(initial={"closed_on": today}) if edit else None,
        "history": project.history.select_related("history_user")[:20],
    })


def _save_project(request, form, verb):
    with transaction.atomic():
        project = form.save()
    audit.record(request.user, f"project_{verb}", project, detail={"code": project.code})
    messages.success(request, _("已保存项目“%(name)s”") % {"name": project.name})
    return redirect("projects:detail", pk=project.pk)


@login_required
def create(request):
    if not can_edit_projects(request.user):
        raise PermissionDenied(_("只有市级管理员和辖市区专员可以维护项目"))
    district = own_district(request.user)
    form = ProjectForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        return _save_project(request, form, "create")
    return render(request, "projects/form.html", {"form": form, "project": None}, status=400 if form.errors else 200)


@login_required
def edit(request, pk):
    project = _editable(request, pk)
    form = ProjectForm(request.POST or None, instance=project, district=own_district(request.user))
    if request.method == "POST" and form.is_valid():
        return _save_project(request, form, "edit")
    return render(request, "projects/form.html", {"form": form, "project": project}, status=400 if form.errors else 200)


@login_required
@require_POST
def milestone(request, pk):
    project = _editable(request, pk)
    form = MilestoneForm(request.POST, project=project)
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        setattr(project, f"{stage}_actual", form.cleaned_data["actual"])
        if form.cleaned_data["delay_cause"]:
            project.delay_cause = form.cleaned_data["delay_cause"]
        project._change_reason = _("记录里程碑：%(stage)s") % {"stage": Stage(stage).label}
        project.save()
        audit.record(request.user, "project_milestone", project, detail={"stage": stage})
        messages.success(request, _("已记录%(stage)s：%(day)s") % {
            "stage": Stage(stage).label, "day": date_format(form.cleaned_data["actual"])})
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def investment(request, pk):
    project = _editable(request, pk)
    form = InvestmentForm(request.POST, project=project)
    if form.is_valid():
        with transaction.atomic():
            ProjectInvestment.objects.update_or_create(
                project=project, month=form.cleaned_data["month"],
                defaults={"amount_yuan": form.cleaned_data["amount_yuan"]})
            project.recompute_done()
            project._change_reason = _("填报月度完成投资")
            project.save()
        messages.success(request, _("已填报完成投资"))
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def add_need(request, pk):
    project = _editable(request, pk)
    form = NeedForm(request.POST)
    if form.is_valid():
        need = form.save(commit=False)
        need.project = project
        need.save()
        messages.success(request, _("已登记要素保障需求"))
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def update_need(request, pk):
    need = get_object_or_404(scope_projects(request.user, ElementNeed.objects.all(), "project__"), pk=pk)
    _editable(request, need.project_id)
    form = NeedForm(request.POST, instance=need, prefix=f"need{need.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("已更新要素保障需求"))
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=need.project_id)


@login_required
@require_POST
def add_inspection(request, pk):
    project = _editable(request, pk)
    form = InspectionForm(request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            inspection = form.save(commit=False)
            inspection.project, inspection.recorded_by = project, request.user
            inspection.save()
            for text in form.cleaned_data["issues"]:
                InspectionIssue.objects.create(inspection=inspection, description=text,
                                               due_on=form.cleaned_data["issue_due"])
            for f in form.cleaned_data["files"]:
                InspectionAttachment.objects.create(inspection=inspection, file=f, name=f.name[:255],
                                                    size=f.size, content_type=f.content_type or "")
        audit.record(request.user, "project_inspection", project, detail={"inspection": inspection.pk})
        messages.success(request, _("已录入巡查记录"))
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=pk)


@login_required
@require_POST
def close_issue(request, pk):
    issue = get_object_or_404(scope_projects(request.user, InspectionIssue.objects.all(),
                                             "inspection__project__"), pk=pk)
    project = _editable(request, issue.inspection.project_id)
    form = CloseIssueForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["closed_on"] < issue.inspection.inspected_on:
            messages.error(request, _("销号日期早于发现问题的巡查日期"))
        else:
            issue.closed_on, issue.closure = form.cleaned_data["closed_on"], form.cleaned_data["closure"]
            issue.save()
            messages.success(request, _("问题已销号"))
    else:
        _errors_to_messages(request, form)
    return redirect("projects:detail", pk=project.pk)


@login_required
def attachment(request, pk):
    att = get_object_or_404(scope_projects(request.user, InspectionAttachment.objects.all(),
                                           "inspection__project__"), pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


def _project_from(request, d) -> Project:
    """The project a lead becomes, or the one it already became (a second click finds it)."""
    district = own_district(request.user)
    if district is not None and d["district_obj"] != district:
        raise PermissionDenied(_("只能登记本辖市区的项目"))
    if d["lead"]:
        existing = Project.objects.filter(source_lead=d["lead"]).first()
        if existing is not None:
            return existing
    today = timezone.localdate()
    segment = d["segment_obj"]
    with transaction.atomic():
        project = Project(
            code=_next_code(today.year), name=d["name"], district=d["district_obj"],
            chain=d["chain_obj"] or (segment.chain if segment else None),
            cluster=segment.cluster if segment else None, segment=segment,
            enterprise=d["enterprise_obj"], investor=d["investor"],
            is_new_enterprise=d["enterprise_obj"] is None, planned_yuan=d["planned_yuan"],
            officer=d["officer"] or request.user.username, lead_actual=d.get("first_contact") or today,
            source_lead=d["lead"], signed_actual=today if d["stage"] == "signed" else None,
        )
        project._change_reason = _("由招商线索生成")
        project.save()
    audit.record(request.user, "project_from_lead", project, detail={"lead": d["lead"]})
    messages.success(request, _("已由招商线索生成项目“%(name)s”") % {"name": project.name})
    return project


def _require_editor(request):
    if not can_edit_projects(request.user):
        raise PermissionDenied(_("只有市级管理员和辖市区专员可以维护项目"))


@login_required
@require_POST
def create_from_values(request):
    """A lead given by its values (any source: a form elsewhere, a script) becomes a project
    at stage 招引 or 签约, dated today, with the lead's number kept."""
    _require_editor(request)
    form = LeadForm(request.POST)
    if not form.is_valid():
        return refuse(form)
    return redirect("projects:detail", pk=_project_from(request, form.cleaned_data).pk)


def _lead_model():
    from django.apps import apps

    try:  # the chain maps' 招商 watch list (industry app, issue 14)
        return apps.get_model("industry", "InvestmentLead")
    except LookupError:
        return None


def lead_initial(lead) -> dict:
    """The project form's values from a lead of the watch list."""
    segment = lead.segment
    yi = Decimal(lead.investment_wan) / 10**4 if lead.investment_wan else None
    return {"name": f"{lead.company}{segment.name_zh}项目", "district": lead.district.code if lead.district_id else "",
            "chain": segment.chain.code if segment.chain_id else "", "segment": segment.pk,
            "investor": lead.company, "planned_yi": yi, "officer": lead.officer[:32],
            "stage": "signed" if lead.stage in ("signed", "landed") else "lead",
            "lead": f"{lead._meta.label}#{lead.pk}"}


@login_required
@require_http_methods(["GET", "POST"])
def create_from_lead(request, lead):
    """One click on a 招商 lead of the chain maps: the form arrives filled from the lead; the
    officer checks the values (a lead may lack the district or the amount) and confirms."""
    _require_editor(request)
    model = _lead_model()
    if model is None:
        raise Http404(_("招商目标清单尚未启用"))
    obj = get_object_or_404(model.objects.select_related("segment", "segment__chain", "district"), pk=lead)
    initial = lead_initial(obj)
    existing = Project.objects.filter(source_lead=initial["lead"]).first()
    if existing is not None:
        return redirect("projects:detail", pk=existing.pk)
    form = LeadForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            form.cleaned_data["lead"] = initial["lead"]
            form.cleaned_data["first_contact"] = obj.first_contact_on
            return redirect("projects:detail", pk=_project_from(request, form.cleaned_data).pk)
    return render(request, "projects/from_lead.html", {"form": form, "lead": obj},
                  status=400 if form.errors else 200)


def _next_code(year: int) -> str:
    prefix = f"XM{year}-"
    taken = set(Project.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """The city's project list from .xlsx or .csv: applied whole, or not at all."""
    if not can_import(request.user):
        raise PermissionDenied(_("只有市级管理员可以导入项目清单"))
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件。"))
        else:
            report = import_upload("projects", upload, user=request.user, spec=ProjectSpec())
            (messages.success if report.applied else messages.error)(request, report.summary())
    return render(request, "projects/import.html", {"report": report, "spec": ProjectSpec()},
                  status=400 if report and not report.applied else 200)


@login_required
def import_template(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404(fmt)
    spec = ProjectSpec()
    return table_response("template-projects", fmt, spec.headers(), [spec.example_row()])
