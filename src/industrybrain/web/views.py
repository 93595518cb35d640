import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.enterprises.models import Enterprise
from industrybrain.targets.cockpit import cockpit
from industrybrain.targets.views import viewer_district


@login_required
def home(request):
    """The cockpit (驾驶舱): headline targets, clusters, chains, the ladder, the district
    ranking, the month's changes and the targets at risk (targets.cockpit builds them)."""
    if role_of(request.user) == "enterprise_user":
        return redirect("enterprises:detail", pk=request.user.profile.enterprise_id)
    try:
        district = viewer_district(request.user)
    except PermissionDenied:
        # A user without a role sees the page, with nothing on it, and whom to ask.
        return render(request, "web/home.html", {"no_role": True, "enterprise_count": 0})
    context = cockpit(request.user, district)
    context["enterprise_count"] = scope_enterprises(request.user, Enterprise.objects.all()).count()
    context["charts_json"] = json.dumps(context.get("charts", {}), ensure_ascii=False)
    return render(request, "web/home.html", context)


def coming(request, section, promises):
    """An empty section says what will come, so the map of the house is visible from day one."""
    return render(request, "web/coming.html", {"section": section, "promises": promises})
