"""The audit log page: filter by enterprise, policy, user, action and time; export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.core import audit, params
from industrybrain.core.models import AuditEvent
from industrybrain.enterprises.exports import table_response
from industrybrain.enterprises.models import Enterprise
from industrybrain.policies import access, catalogue


class AuditFilters(params.ParamsForm):
    enterprise = params.TextField(label=gettext_lazy("企业（编号或统一社会信用代码）"), max_length=32)
    policy = params.TextField(label=gettext_lazy("政策"), max_length=64)
    user = params.TextField(label=gettext_lazy("用户名"), max_length=150)
    action = params.TextField(label=gettext_lazy("动作"), max_length=48)
    since = params.DateField(label=gettext_lazy("起始日期"), required=False)
    until = params.DateField(label=gettext_lazy("截止日期"), required=False)
    format = params.TextField(label=gettext_lazy("格式"), max_length=8)


def filter_events(data):
    """The audit events matching the filters in ``data``; BadParameters if one is wrong."""
    f = params.clean(AuditFilters, data)
    qs = AuditEvent.objects.all()
    value = f["enterprise"].upper()
    if value:
        # An id (ASCII digits) or a unified social credit code (18 ASCII letters and digits).
        if len(value) == 18 and value.isascii() and value.isalnum():
            qs = qs.filter(enterprise_id__in=_by_uscc(value))
        else:
            qs = qs.filter(enterprise_id=params.identifier(f, "enterprise"))
    if f["policy"]:
        qs = qs.filter(policy_id=f["policy"])
    if f["user"]:
        qs = qs.filter(username=f["user"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    if f["since"]:
        qs = qs.filter(at__date__gte=f["since"])
    if f["until"]:
        qs = qs.filter(at__date__lte=f["until"])
    return qs


def _by_uscc(value):
    return Enterprise.objects.filter(uscc=value).values_list("pk", flat=True)


@login_required
def audit_log(request):
    access.require(access.can_audit(request.user))
    qs = filter_events(request.GET)
    fmt = params.text(request.GET, "format")
    if fmt in ("xlsx", "csv"):
        audit.record(request.user, "export_audit", detail={"filters": dict(request.GET.items())})
        headers = [_("时间"), _("用户名"), _("动作"), _("对象类型"), _("对象编号"), _("企业编号"),
                   _("政策"), _("详情")]
        rows = ([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username,
                 audit.action_label(e.action), audit.object_label(e.object_type), e.object_id,
                 e.enterprise_id, catalogue.title(e.policy_id) if e.policy_id else "",
                 audit.detail_text(e.detail)] for e in qs.iterator())
        return table_response("audit", fmt, headers, rows)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = dict(Enterprise.objects.filter(pk__in={e.enterprise_id for e in page if e.enterprise_id})
                 .values_list("pk", "name"))
    for e in page:
        e.action_label = audit.action_label(e.action)
        e.object_label = audit.object_label(e.object_type, e.object_id)
        e.detail_text = audit.detail_text(e.detail)
        e.enterprise_name = names.get(e.enterprise_id, "")
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "policies/audit.html", {
        "page": page, "params": query.urlencode(), "q": request.GET,
        "actions": sorted((a, audit.action_label(a)) for a in actions),
        "policies": catalogue.pack().policies})
