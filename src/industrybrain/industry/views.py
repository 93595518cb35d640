import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from industrybrain.core import params
from industrybrain.core.localize import local
from industrybrain.core.scope import (
    CITY_WIDE_ROLES,
    can_steer_industry,
    role_of,
    scope_district_rows,
    scope_enterprises,
)
from industrybrain.enterprises.models import AnnualFigures, District, Enterprise
from industrybrain.industry import citytables, exports, mapdata, placement
from industrybrain.industry.forms import LeadFilterForm, LeadForm, MapForm, OverrideForm, YearForm
from industrybrain.industry.models import Chain, ChainSegment, Cluster, InvestmentLead


def bad_request(form):
    errors = "；".join(f"{field}: {'、'.join(e)}" for field, e in form.errors.items())
    return HttpResponseBadRequest(_("参数无效：%(errors)s") % {"errors": errors},
                                  content_type="text/plain; charset=utf-8")


@login_required
def index(request):
    """The ten clusters against their 2025 targets and the eight chains with their leaders."""
    figures = scope_enterprises(request.user, AnnualFigures.objects.all(), "enterprise__")
    latest = figures.order_by("-year").values_list("year", flat=True).first()
    output = dict(
        figures.filter(year=latest, enterprise__cluster__isnull=False)
        .values_list("enterprise__cluster_id").annotate(s=Sum("industrial_output"))
    ) if latest else {}
    # Counts follow the reader's scope like every figure (core.scope): an enterprise user
    # sees its own enterprise counted, never the city's.
    city_wide = role_of(request.user) in CITY_WIDE_ROLES
    visible = scope_enterprises(request.user, Enterprise.objects.all())
    in_scope = Q() if city_wide else Q(enterprises__in=visible)
    member_in_scope = Q() if city_wide else Q(chainmembership__enterprise__in=visible)
    clusters = []
    for cluster in Cluster.objects.annotate(n=Count("enterprises", filter=in_scope)).prefetch_related("segments"):
        scale = output.get(cluster.pk)
        share = scale / cluster.target_2025_yuan * 100 if scale and cluster.target_2025_yuan else None
        clusters.append({"cluster": cluster, "scale": scale, "share": share})
    chains = Chain.objects.annotate(
        n=Count("chainmembership", filter=member_in_scope),
        leaders=Count("chainmembership", filter=Q(chainmembership__is_leader=True) & member_in_scope),
    ).prefetch_related("segments")
    return render(request, "industry/index.html", {
        "clusters": clusters, "chains": chains, "latest_year": latest,
    })


def _owner(kind, code):
    model = {"cluster": Cluster, "chain": Chain}[kind]
    return get_object_or_404(model, code=code)


def _year(request):
    form = YearForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data.get("year")


@login_required
def owner_page(request, kind, code):
    """A chain page: the segment graph, 链主 and candidates, ranked gaps, districts."""
    owner = _owner(kind, code)
    form, year = _year(request)
    if not form.is_valid():
        return bad_request(form)
    data = mapdata.page_data(owner, request.user, year)
    leads = scope_district_rows(request.user, InvestmentLead.objects.filter(
        segment__in=owner.segments.all()).select_related("segment", "district"))
    chart = {
        "segments": data["segments"], "year": data["year"],
        "labels": {"output": _("产出"), "growth": _("增长"), "lq": _("区位熵"), "firms": _("企业"),
                   "gap": _("短板"), "yi": _("亿元"), "share": _("占全链"), "jia": _("家")},
    }
    map_chart = {"metric": "output", "metric_label": str(_("产出（亿元）")), "rows": [
        {"name": d["district"].name_zh, "label": local(d["district"]), "code": d["district"].code,
         "value": _metric(d, "output"), "explain": _district_explain(d),
         "url": reverse("district", args=[d["district"].code])} for d in data["districts"]]}
    return render(request, "industry/owner.html", {
        "owner": owner, "kind": kind, "data": data, "leads": leads,
        "chart": json.dumps(chart, ensure_ascii=False, default=str),
        "map_chart": json.dumps(map_chart, ensure_ascii=False),
        "can_steer": can_steer_industry(request.user),
        "map_url": reverse("industry:map") + f"?owner={kind}:{code}",
    })


@login_required
def unplaced(request, kind, code):
    """The members no segment holds, with the rule's reason, for an officer to place by hand."""
    owner = _owner(kind, code)
    return render(request, "industry/unplaced.html", {
        "owner": owner, "owner_url": mapdata.owner_url(owner),
        "rows": mapdata.unplaced_rows(owner, request.user),
        "total": mapdata.unplaced_members(owner, request.user).count(),
        "segments": owner.segments.all(), "can_steer": can_steer_industry(request.user),
    })


@login_required
def owner_xlsx(request, kind, code):
    owner = _owner(kind, code)
    form, year = _year(request)
    if not form.is_valid():
        return bad_request(form)
    return exports.owner_workbook(owner, mapdata.page_data(owner, request.user, year))


@login_required
def segment(request, pk):
    """A segment's enterprises with their figures and honours (scoped)."""
    seg = get_object_or_404(ChainSegment.objects.select_related("cluster", "chain"), pk=pk)
    form, year = _year(request)
    if not form.is_valid():
        return bad_request(form)
    year = year or citytables.latest_year()
    rows = mapdata.segment_enterprises(seg, request.user, year) if year else []
    template = "industry/_segment.html" if form.cleaned_data.get("partial") else "industry/segment.html"
    owner = seg.owner
    return render(request, template, {
        "segment": seg, "owner": owner, "rows": rows, "year": year,
        "owner_url": mapdata.owner_url(owner), "can_steer": can_steer_industry(request.user),
        "suppliers": seg.fed_by.all(), "customers": seg.feeds.all(),
        "others": owner.segments.exclude(pk=seg.pk),
    })


@login_required
@require_POST
def override(request):
    """An officer places an enterprise in a segment, with a reason kept in the history."""
    if not can_steer_industry(request.user):
        raise PermissionDenied
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return bad_request(form)
    enterprise = form.cleaned_data["enterprise"]
    if not scope_enterprises(request.user, type(enterprise).objects.filter(pk=enterprise.pk)).exists():
        raise Http404
    try:
        placement.override(enterprise, form.cleaned_data["segment"], form.cleaned_data["reason"],
                           request.user)
    except placement.PlacementRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已将 %(name)s 归入“%(segment)s”") % {
            "name": enterprise.name, "segment": local(form.cleaned_data["segment"])})
    return redirect("industry:segment", form.cleaned_data["segment"].pk)


def _leads(request):
    return scope_district_rows(request.user, InvestmentLead.objects.select_related(
        "segment__cluster", "segment__chain", "district"))


@login_required
def leads(request):
    """The 招商 watch list."""
    form = LeadFilterForm(request.GET)
    if not form.is_valid():
        return bad_request(form)
    rows = _leads(request)
    for field in ("stage", "district", "segment"):
        if form.cleaned_data.get(field):
            rows = rows.filter(**{field: form.cleaned_data[field]})
    if role_of(request.user) not in {"city_admin", "reviewer", "analyst", "district_officer"}:
        raise PermissionDenied
    return render(request, "industry/leads.html", {
        "rows": [(lead, mapdata.project_hook(lead)) for lead in rows],
        "form": form, "can_steer": can_steer_industry(request.user),
    })


def _officer_district(user):
    if role_of(user) == "district_officer":
        return user.profile.district
    return None


@login_required
def lead_edit(request, pk=None):
    if not can_steer_industry(request.user):
        raise PermissionDenied
    lead = get_object_or_404(_leads(request), pk=pk) if pk else None
    district = _officer_district(request.user)
    initial = {}
    if lead is None:
        seg = params.identifier(request.GET, "segment")  # '²'.isdigit() is true; int() fails
        if seg is not None and ChainSegment.objects.filter(pk=seg).exists():
            initial["segment"] = seg
        initial["district"] = district.pk if district else None
        initial["officer"] = request.user.get_full_name() or request.user.username
    form = LeadForm(request.POST or None, instance=lead, initial=initial, district=district)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved._history_user = request.user
            saved.save()
            messages.success(request, _("招商目标已保存：%(company)s") % {"company": saved.company})
            return redirect("industry:leads")
        status = 400
    else:
        status = 200
    history = lead.history.select_related("history_user").order_by("-history_date")[:30] if lead else []
    return render(request, "industry/lead_form.html", {
        "form": form, "lead": lead, "history": history,
        "project_url": mapdata.project_hook(lead) if lead else None,
    }, status=status)


def owner_choices():
    return ([(f"cluster:{c.code}", local(c)) for c in Cluster.objects.all()]
            + [(f"chain:{c.code}", local(c)) for c in Chain.objects.all()])


@login_required
def district_map(request):
    """Changzhou's districts coloured by a cluster's or chain's output, growth or LQ, with the
    赛马 ranking on the same measure beside the map."""
    if role_of(request.user) == "enterprise_user":
        raise PermissionDenied
    form = MapForm(request.GET, owners=owner_choices())
    if not form.is_valid():
        return bad_request(form)
    chosen = form.cleaned_data.get("owner") or ""
    metric = form.cleaned_data.get("metric") or "output"
    year = form.cleaned_data.get("year") or citytables.latest_year()
    tables = citytables.city_tables(year) if year else None
    owner = None
    if chosen:
        kind, code = chosen.split(":", 1)
        owner = _owner(kind, code)
        segment_ids = list(owner.segments.values_list("pk", flat=True))
    else:
        segment_ids = list(ChainSegment.objects.filter(cluster__isnull=False).values_list("pk", flat=True))
    rows = citytables.owner_by_district(tables, segment_ids) if tables else []
    if not mapdata.sees_city(request.user):
        # a user without a role (no profile) sees no district, like everywhere else
        own = getattr(getattr(request.user, "profile", None), "district_id", None)
        rows = [r for r in rows if r["district"].pk == own]
    key = {"output": lambda r: -r["output"], "growth": lambda r: -(r["growth"] or -1e9),
           "lq": lambda r: -r["lq"]}[metric]
    rows.sort(key=key)
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
        row["explain"] = _district_explain(row)
    chart = {"metric": metric, "metric_label": str(dict(form.fields["metric"].choices)[metric]),
             "rows": [{"name": r["district"].name_zh, "label": local(r["district"]),
                       "code": r["district"].code, "value": _metric(r, metric),
                       "explain": r["explain"],
                       "url": reverse("district", args=[r["district"].code])} for r in rows]}
    return render(request, "industry/map.html", {
        "form": form, "rows": rows, "owner": owner, "metric": metric, "year": year,
        "chart": json.dumps(chart, ensure_ascii=False),
        "districts": District.objects.all(),
    })


def _metric(row, metric):
    if metric == "output":
        return round(row["output"] / 1e8, 2)
    if metric == "growth":
        return None if row["growth"] is None else round(row["growth"], 1)
    return round(row["lq"], 2)


def _district_explain(r) -> str:
    growth = "—" if r["growth"] is None else f"{r['growth']:.1f}%"
    return (_("产出 %(out).2f 亿元（上年 %(before).2f 亿元，增长 %(growth)s）；区位熵 %(lq).2f = 本区该集群/链占本区全部环节产出的比重 ÷ 全市比重；"
              "增量分解：全市趋势 %(trend).2f、结构效应 %(mix).2f、本地效应 %(local).2f 亿元")
            % {"out": r["output"] / 1e8, "before": r["before"] / 1e8, "growth": growth, "lq": r["lq"],
               "trend": r["trend"] / 1e8, "mix": r["mix"] / 1e8, "local": r["local"] / 1e8})
