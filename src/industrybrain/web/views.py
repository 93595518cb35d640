from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render

from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.enterprises.models import AnnualFigures, Designation, Enterprise


@login_required
def home(request):
    """The cockpit's first page: the headline counts of what this user may see."""
    if role_of(request.user) == "enterprise_user":
        return redirect("enterprises:detail", pk=request.user.profile.enterprise_id)
    enterprises = scope_enterprises(request.user, Enterprise.objects.all())
    figures = scope_enterprises(request.user, AnnualFigures.objects.all(), "enterprise__")
    latest = figures.order_by("-year").values_list("year", flat=True).first()
    this_year = figures.filter(year=latest) if latest else figures.none()
    totals = this_year.aggregate(
        revenue=Sum("revenue"), output=Sum("industrial_output"),
        above_scale=Count("id", filter=Q(above_scale=True)),
    )
    designations = scope_enterprises(request.user, Designation.objects.all(), "enterprise__")
    held = designations.filter(granted_on__year__lte=latest or 0).filter(
        Q(expires_on__isnull=True) | Q(expires_on__year__gte=latest or 0)
    )
    ladder = (
        held.values("type__code", "type__name_zh")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by("type__id")
    )
    by_district = (
        this_year.values("enterprise__district__name_zh")
        .annotate(output=Sum("industrial_output"), n=Count("id"))
        .order_by("-output")
    )
    return render(request, "web/home.html", {
        "enterprise_count": enterprises.count(),
        "latest_year": latest,
        "totals": totals,
        "ladder": ladder,
        "by_district": by_district,
    })


def coming(request, section, promises):
    """An empty section says what will come, so the map of the house is visible from day one."""
    return render(request, "web/coming.html", {"section": section, "promises": promises})
