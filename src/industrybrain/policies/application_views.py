"""Application pages: apply (enterprise), the queue with deadlines and the decision
(reviewer), attachments served only within scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import params
from industrybrain.core.scope import role_of
from industrybrain.policies import access, applications, catalogue
from industrybrain.policies import library as policy_library
from industrybrain.policies.budgets import Refused
from industrybrain.policies.forms import ApplicationForm, DecisionForm
from industrybrain.policies.models import Application, Attachment


@login_required
def application_list(request):
    qs = access.applications(request.user).select_related("enterprise").order_by("status", "decide_by")
    is_enterprise = role_of(request.user) == "enterprise_user"
    form = None
    if is_enterprise:
        form = ApplicationForm(request.POST or None, request.FILES or None,
                               policies=applications.open_to_application(),
                               enterprise_id=request.user.profile.enterprise_id,
                               initial={"year": applications.default_year(
                                   request.user.profile.enterprise_id),
                                   "policy": params.text(request.GET, "policy")})
        if request.method == "POST" and form.is_valid():
            try:
                app = applications.submit(
                    request.user, request.user.profile.enterprise_id,
                    form.cleaned_data["policy"], form.cleaned_data["year"],
                    form.cleaned_data["statement"], form.cleaned_data["files"])
                messages.success(request, _("申请已提交，办结时限：%(d)s") % {"d": app.decide_by})
                return redirect("policies:application", app.pk)
            except Refused as exc:
                messages.error(request, str(exc))
    today = timezone.localdate()
    apps = list(qs[:200])
    for a in apps:
        a.title = catalogue.title(a.policy_id)
        a.overdue = a.status == Application.Status.SUBMITTED and a.decide_by < today
    offered = [policy_library.entry(p, detail=True) for p in applications.open_to_application()]
    return render(request, "policies/applications.html", {"apps": apps, "form": form,
                                                          "offered": offered})


@login_required
def application_detail(request, pk):
    app = get_object_or_404(access.applications(request.user).select_related("enterprise"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_review(request.user))
        if form.is_valid():
            try:
                outcome = applications.decide(
                    app.pk, request.user, request.POST.get("action") == "approve",
                    form.cleaned_data["amount_wan"], form.cleaned_data["reason"] or "")
                messages.success(request, {"paid": _("已通过并拨付"),
                                           "awaiting_second": _("已通过，待第二人审批"),
                                           "rejected": _("已驳回")}[outcome])
            except Refused as exc:
                messages.error(request, str(exc))
        return redirect("policies:application", app.pk)
    others = []
    if access.can_review(request.user):
        # The reviewer sees every award of the enterprise under this policy before deciding.
        others = list(access.awards(request.user).filter(
            enterprise_id=app.enterprise_id, policy_id=app.policy_id).order_by("-year", "id"))
    return render(request, "policies/application.html", {
        "app": app, "title": catalogue.title(app.policy_id), "form": form, "others": others,
        "can_review": access.can_review(request.user) and app.status == "submitted",
        "overdue": app.status == "submitted" and app.decide_by < timezone.localdate(),
    })


@login_required
def attachment(request, pk):
    att = get_object_or_404(Attachment.objects.filter(
        application__in=access.applications(request.user)), pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)
