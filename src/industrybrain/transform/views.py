"""The diagnosis pages: the list (scoped), one diagnosis with its steps, report, projects and
the matching providers, and the actions each role may take on it; an enterprise's page.

Visibility is core.scope (a provider's staff see only their provider's diagnoses, an
enterprise its own, a district officer the district's). Bad parameters answer 400; an action
the programme refuses comes back to the page with its reasons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.enterprises.models import Enterprise

from . import delivery, matching, stats, subsidy, workflow
from .config import config
from .forms import (
    ApplyForm,
    AssignForm,
    DiagnosisFilter,
    ProjectFormSet,
    RatingForm,
    ReportForm,
    RequestForm,
    StartForm,
)
from .models import Diagnosis, RecommendedProject
from .scope import can_manage, can_read_lender_list, provider_of

PER_PAGE = 50


def visible(user):
    """The diagnoses a user may see: within the enterprise scope, and for a provider's
    staff only their provider's."""
    qs = scope_enterprises(user, Diagnosis.objects.all(), "enterprise__")
    if role_of(user) == "provider":
        qs = qs.filter(provider=provider_of(user))
    return qs


def refuse(form) -> HttpResponseBadRequest:
    lines = [f"{form.fields[f].label if f in form.fields else ''}：{e}"
             for f, errs in form.errors.items() for e in errs]
    return HttpResponseBadRequest("\n".join([_("参数有误")] + lines),
                                  content_type="text/plain; charset=utf-8")


def _say(request, exc: workflow.Refused) -> None:
    for reason in exc.reasons:
        messages.error(request, reason)


@login_required
def index(request):
    role = role_of(request.user)
    if role == "provider":
        return redirect("transform:diagnoses")
    if role == "enterprise_user":
        return redirect("transform:enterprise", request.user.profile.enterprise_id)
    if role == "lender":
        return redirect("transform:lenders")
    from .programme_views import progress

    return progress(request)  # officers: the programme's progress


@login_required
def diagnoses(request):
    form = DiagnosisFilter(request.GET or None)
    if request.GET and not form.is_valid():
        return refuse(form)
    qs = visible(request.user).select_related("enterprise__district", "provider", "lot")
    data = form.cleaned_data if form.is_bound else {}
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("lot"):
        qs = qs.filter(lot=data["lot"])
    if data.get("q"):
        qs = qs.filter(enterprise__name__contains=data["q"])
    page = Paginator(qs.order_by("status", "-assigned_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    params = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")
    return render(request, "transform/diagnoses.html", {
        "page": page, "form": form, "params": params, "provider": provider_of(request.user),
        "can_manage": can_manage(request.user)})


def _context(request, d: Diagnosis) -> dict:
    cfg = config()
    report = getattr(d, "report", None)
    role = role_of(request.user)
    own = role == "enterprise_user" and request.user.profile.enterprise_id == d.enterprise_id
    ctx = {"d": d, "report": report, "scale": cfg, "own": own, "role": role,
           "can_manage": can_manage(request.user),
           "is_provider": role == "provider" and d.status == Diagnosis.Status.ASSIGNED}
    if report is not None:
        levels = dict(report.scores.values_list("dimension", "level"))
        ctx["levels"] = [(dim, cfg.level(levels.get(dim.id, 0))) for dim in cfg.dimensions]
        ctx["overall"] = cfg.level(report.overall_level)
        library = list(matching.library())
        projects = list(report.projects.select_related("application", "provider"))
        for p in projects:
            p.capability_item = cfg.capability(p.capability)
            p.matches = matching.match(p.capability, d.enterprise, providers=library)
            p.apply_form = ApplyForm(years=subsidy.years(), initial={"year": subsidy.default_year(p)})
        ctx["projects"] = projects
        ctx["rated"] = d.ratings.filter(project__isnull=True).first()
    if ctx["can_manage"] and d.status == Diagnosis.Status.REQUESTED:
        ctx["assign_form"] = AssignForm()
    ctx["rating_form"] = RatingForm()
    ctx["start_form"] = StartForm()
    return ctx


@login_required
def diagnosis(request, pk):
    d = get_object_or_404(visible(request.user).select_related(
        "enterprise__district", "enterprise__cluster", "provider", "lot", "batch"), pk=pk)
    return render(request, "transform/diagnosis.html", _context(request, d))


def _own_diagnosis(request, pk) -> Diagnosis:
    d = get_object_or_404(visible(request.user), pk=pk)
    if not (role_of(request.user) == "enterprise_user"
            and request.user.profile.enterprise_id == d.enterprise_id) and not can_manage(request.user):
        raise PermissionDenied(_("只有本企业用户可以办理"))
    return d


@login_required
def report_form(request, pk):
    d = get_object_or_404(visible(request.user).select_related("enterprise", "provider"), pk=pk)
    provider = provider_of(request.user)
    if provider is None and not can_manage(request.user):
        raise PermissionDenied(_("只有承担诊断的服务商可以提交报告"))
    form = ReportForm(request.POST or None)
    formset = ProjectFormSet(request.POST or None, prefix="p")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            rows = [r for r in (f.row() for f in formset) if r is not None]
            try:
                workflow.file_report(request.user, d, form.levels(), form.cleaned_data["findings"],
                                     rows, on=form.cleaned_data["on"], provider=provider)
                messages.success(request, _("诊断报告已提交，等待企业确认"))
                return redirect("transform:diagnosis", d.pk)
            except workflow.Refused as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
    return render(request, "transform/report_form.html", {"d": d, "form": form, "formset": formset,
                                                         "scale": config()},
                  status=400 if form.errors or (formset.is_bound and not formset.is_valid()) else 200)


@login_required
@require_POST
def assign(request, pk):
    if not can_manage(request.user):
        raise PermissionDenied
    d = get_object_or_404(visible(request.user), pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return refuse(form)
    try:
        workflow.assign(request.user, d, form.cleaned_data["lot"], form.cleaned_data["provider"],
                        on=form.cleaned_data["on"])
        messages.success(request, _("已分派服务商"))
    except workflow.Refused as exc:
        _say(request, exc)
    return redirect("transform:diagnosis", d.pk)


@login_required
@require_POST
def accept(request, pk):
    d = _own_diagnosis(request, pk)
    try:
        workflow.accept(request.user, d)
        messages.success(request, _("已确认诊断报告；本企业已列入“智改数转”重点客户名单"))
    except workflow.Refused as exc:
        _say(request, exc)
    return redirect("transform:diagnosis", d.pk)


@login_required
@require_POST
def rate(request, pk):
    d = _own_diagnosis(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return refuse(form)
    project = None
    if request.POST.get("project"):
        project = get_object_or_404(RecommendedProject, pk=request.POST["project"], report__diagnosis=d)
    try:
        delivery.rate(request.user, d, form.cleaned_data["score"], form.cleaned_data["comment"], project)
        messages.success(request, _("感谢评价"))
    except workflow.Refused as exc:
        _say(request, exc)
    return redirect("transform:diagnosis", d.pk)


def _own_project(request, pk) -> RecommendedProject:
    project = get_object_or_404(RecommendedProject.objects.select_related("report__diagnosis"), pk=pk)
    _own_diagnosis(request, project.report.diagnosis_id)
    return project


@login_required
@require_POST
def apply(request, pk):
    project = _own_project(request, pk)
    form = ApplyForm(request.POST, years=subsidy.years())
    if not form.is_valid():
        return refuse(form)
    try:
        app = subsidy.route(request.user, project, form.cleaned_data["year"])
        messages.success(request, _("已提交补贴申请，办结时限：%(d)s") % {"d": app.decide_by})
    except workflow.Refused as exc:
        _say(request, exc)
    return redirect("transform:diagnosis", project.report.diagnosis_id)


@login_required
@require_POST
def start(request, pk):
    project = _own_project(request, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        return refuse(form)
    try:
        delivery.start(request.user, project, form.cleaned_data["started_on"],
                       form.cleaned_data["invested_wan"], form.cleaned_data["provider"])
        messages.success(request, _("已登记项目开工"))
    except workflow.Refused as exc:
        _say(request, exc)
    return redirect("transform:diagnosis", project.report.diagnosis_id)


@login_required
def enterprise(request, pk):
    """An enterprise's diagnoses, its maturity beside its peers', and its request."""
    firm = get_object_or_404(scope_enterprises(request.user, Enterprise.objects.select_related(
        "district", "cluster")), pk=pk)
    own = role_of(request.user) == "enterprise_user"
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if not own:
            raise PermissionDenied(_("只有本企业用户可以申请诊断"))
        if form.is_valid():
            try:
                workflow.request(request.user, firm, form.cleaned_data["note"])
                messages.success(request, _("已申请免费诊断，市工信局将分派服务商"))
                return redirect("transform:enterprise", firm.pk)
            except workflow.Refused as exc:
                _say(request, exc)
    rows = visible(request.user).filter(enterprise=firm).select_related("provider", "lot")
    return render(request, "transform/enterprise.html", {
        "firm": firm, "rows": rows, "form": form, "own": own, "bench": stats.benchmark(firm),
        "scale": config(), "listed": can_read_lender_list(request.user)})
