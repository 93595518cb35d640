"""A district's page (辖市区): its enterprises, its clusters and chains, its 招商 targets and the
awards paid there. It lives in web/ because it gathers several apps' data."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from industrybrain.core.localize import local
from industrybrain.core.scope import role_of, scope_district_rows, scope_enterprises
from industrybrain.enterprises.models import AnnualFigures, District, Enterprise
from industrybrain.industry import citytables, mapdata
from industrybrain.industry.models import InvestmentLead
from industrybrain.policies.catalogue import title as policy_title
from industrybrain.policies.models import LedgerEntry


@login_required
def district(request, code):
    place = get_object_or_404(District, code=code)
    role = role_of(request.user)
    if role == "enterprise_user" or role is None:
        raise PermissionDenied
    if role == "district_officer" and request.user.profile.district_id != place.pk:
        raise Http404
    year = citytables.latest_year()
    enterprises = scope_enterprises(request.user, Enterprise.objects.filter(district=place))
    top = []
    if year:
        top = list(AnnualFigures.objects.filter(year=year, enterprise__in=enterprises,
                                                industrial_output__isnull=False)
                   .select_related("enterprise", "enterprise__cluster")
                   .order_by("-industrial_output")[:20])
    tables = citytables.city_tables(year) if year else None
    owners = []
    if tables is not None:
        i = tables.row(place.pk)
        for owner in mapdata.all_owners():
            cols = citytables.owner_columns(tables, owner.segments.values_list("pk", flat=True))
            row = citytables.owner_by_district(tables, owner.segments.values_list("pk", flat=True))[i]
            owners.append({"owner": owner, "url": mapdata.owner_url(owner), "row": row,
                           "firms": int(tables.firms[i, cols].sum())})
    leads = scope_district_rows(request.user, InvestmentLead.objects.filter(district=place)
                                .select_related("segment__cluster", "segment__chain"))
    paid = scope_enterprises(request.user, LedgerEntry.objects.filter(enterprise__district=place),
                             "enterprise__")
    by_policy = [{"title": policy_title(r["policy_id"]), **r} for r in
                 paid.values("policy_id").annotate(n=Count("id"), total=Sum("amount_yuan")).order_by("-total")]
    return render(request, "web/district.html", {
        "district": place, "name": local(place), "year": year, "enterprise_count": enterprises.count(),
        "top": top, "owners": owners, "leads": leads, "paid_total": paid.aggregate(t=Sum("amount_yuan"))["t"],
        "paid_count": paid.count(), "by_policy": by_policy,
    })
