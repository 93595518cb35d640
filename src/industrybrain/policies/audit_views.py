"""The audit log page: filter by enterprise, policy, user, action and time; export."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit
from industrybrain.core.models import AuditEvent
from industrybrain.enterprises.exports import table_response
from industrybrain.enterprises.models import Enterprise
from industrybrain.policies import access, catalogue


def filter_events(params):
    qs = AuditEvent.objects.all()
    if params.get("enterprise"):
        value = params["enterprise"].strip()
        qs = qs.filter(enterprise_id=int(value)) if value.isdigit() else qs.filter(
            enterprise_id__in=_by_uscc(value))
    if params.get("policy"):
        qs = qs.filter(policy_id=params["policy"].strip())
    if params.get("user"):
        qs = qs.filter(username=params["user"].strip())
    if params.get("action"):
        qs = qs.filter(action=params["action"].strip())
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if params.get(key):
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(params[key])})
            except ValueError:
                pass
    return qs


def _by_uscc(value):
    return Enterprise.objects.filter(uscc=value).values_list("pk", flat=True)


@login_required
def audit_log(request):
    access.require(access.can_audit(request.user))
    qs = filter_events(request.GET)
    if request.GET.get("format") in ("xlsx", "csv"):
        fmt = request.GET["format"]
        audit.record(request.user, "export_audit", detail={"filters": dict(request.GET.items())})
        headers = [_("时间"), _("用户名"), _("动作"), _("对象类型"), _("对象编号"), _("企业编号"),
                   _("政策"), _("详情")]
        rows = ([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username,
                 audit.action_label(e.action), audit.object_label(e.object_type), e.object_id,
                 e.enterprise_id, catalogue.title(e.policy_id) if e.policy_id else "",
                 audit.detail_text(e.detail)] for e in qs.iterator())
        return table_response("audit", fmt, headers, rows)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    names = dict(Enterprise.objects.filter(pk__in={e.enterprise_id for e in page if e.enterprise_id})
                 .values_list("pk", "name"))
    for e in page:
        e.action_label = audit.action_label(e.action)
        e.object_label = audit.object_label(e.object_type, e.object_id)
        e.detail_text = audit.detail_text(e.detail)
        e.enterprise_name = names.get(e.enterprise_id, "")
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "policies/audit.html", {
        "page": page, "params": params.urlencode(), "q": request.GET,
        "actions": sorted((a, audit.action_label(a)) for a in actions),
        "policies": catalogue.pack().policies})
