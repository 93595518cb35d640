import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from industrybrain.core import dataversion
from industrybrain.core.scope import role_of
from industrybrain.targets.cockpit import cockpit
from industrybrain.targets.views import viewer_district

# What the cockpit's figures are computed from: enterprise data (chains, ladder, ranking),
# the awards of the year (proposed, paid) and the targets' latest assessments.
COCKPIT_DATA = (dataversion.ENTERPRISES, dataversion.AWARDS, dataversion.TARGETS)


def _cockpit_body(user, district) -> dict:
    """The cockpit's body as HTML, rendered without the request: it depends on the data,
    the role's scope and the language only, which is what it is cached under."""
    context = cockpit(user, district)
    context["charts_json"] = json.dumps(context.get("charts", {}), ensure_ascii=False)
    return {"html": str(render_to_string("web/cockpit.html", context)),
            "run": context["run"] is not None}


@login_required
def home(request):
    """The cockpit (驾驶舱): headline targets, clusters, chains, the ladder, the district
    ranking, the month's changes and the targets at risk (targets.cockpit builds them),
    computed once per data version, scope and language (core.dataversion.remember)."""
    role = role_of(request.user)
    if role == "enterprise_user":
        return redirect("enterprises:detail", pk=request.user.profile.enterprise_id)
    if role in ("provider", "lender"):
        # 智改数转's own roles: a provider's tasks, a lender's key-client list.
        return redirect("transform:index")
    try:
        district = viewer_district(request.user)
    except PermissionDenied:
        # A user without a role sees the page, with nothing on it, and whom to ask.
        html = render_to_string("web/cockpit.html", {"no_role": True})
        return render(request, "web/home.html", {"cockpit_html": html, "run": False})
    scope = f"{role}:{district.pk if district else 'city'}"
    body = dataversion.remember("cockpit", COCKPIT_DATA, scope,
                                lambda: _cockpit_body(request.user, district))
    return render(request, "web/home.html", {"cockpit_html": mark_safe(body["html"]),  # noqa: S308 rendered by our template
                                             "run": body["run"]})


def coming(request, section, promises):
    """An empty section says what will come, so the map of the house is visible from day one."""
    return render(request, "web/coming.html", {"section": section, "promises": promises})
