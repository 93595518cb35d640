"""Role-scope checks that every page and API endpoint about one enterprise inherits.

An app declares its per-enterprise URLs in ``ENTERPRISE_URLS`` (a function of the
enterprise); tests/test_role_scope.py walks them all for every role.
"""

from django.urls import reverse


def _detail(e):
    return reverse("enterprises:detail", args=[e.pk])


def _api_detail(e):
    return reverse("enterprise-detail", args=[e.pk])


ENTERPRISE_URLS = {
    "page: enterprise": (_detail, "page"),
    "api: enterprise": (_api_detail, "api"),
}

# The handling system's pages and API about one enterprise (issue 5).
ENTERPRISE_URLS.update({
    "page: policy calculator": (lambda e: reverse("policies:calculator_for", args=[e.pk]), "page"),
    "page: awards of an enterprise": (lambda e: reverse("policies:enterprise_awards", args=[e.pk]), "page"),
    "api: awards of an enterprise": (lambda e: reverse("policies:api-enterprise-awards", args=[e.pk]), "api"),
})

# Cultivation pools (issue 15): an enterprise's memberships, standings and tasks.
ENTERPRISE_URLS.update({
    "page: cultivation pools of an enterprise": (
        lambda e: reverse("cultivation:enterprise", args=[e.pk]), "page"),
    "api: cultivation pools of an enterprise": (
        lambda e: reverse("enterprise-pools-detail", args=[e.pk]), "api"),
})


def _project_of(e):
    """A project of the enterprise, built in its district (created on first use)."""
    from industrybrain.projects.models import Project

    project, _ = Project.objects.get_or_create(
        code=f"SCOPE-{e.pk}", defaults={"name": f"{e.name}扩产项目", "enterprise": e,
                                        "district_id": e.district_id, "planned_yuan": 10**9,
                                        "officer": "张伟"})
    return project


# Major projects (issue 16): a district officer sees the district's, an enterprise its own.
ENTERPRISE_URLS.update({
    "page: project": (lambda e: reverse("projects:detail", args=[_project_of(e).pk]), "page"),
    "api: project": (lambda e: reverse("project-detail", args=[_project_of(e).pk]), "api"),
})


def _diagnosis_of(e):
    """The enterprise's live free diagnosis (created under a lot of its own on first use)."""
    import datetime as dt

    from industrybrain.transform.models import Diagnosis, ProcurementLot, Provider

    found = Diagnosis.objects.filter(enterprise=e).exclude(status="cancelled").first()
    if found:
        return found
    provider, _ = Provider.objects.get_or_create(name="范围测试服务商")
    lot, _ = ProcurementLot.objects.get_or_create(
        code=f"SCOPE-{e.pk}", defaults={"name": f"范围测试批次{e.pk}", "budget_yuan": 10**6,
                                        "price_yuan": 3 * 10**4, "period_start": dt.date(2022, 1, 1),
                                        "period_end": dt.date(2022, 12, 31)})
    lot.providers.add(provider)
    return Diagnosis.objects.create(enterprise=e, origin="batch", status="assigned", lot=lot,
                                    provider=provider, assigned_on=dt.date(2022, 4, 1))


# 智改数转 (issue 17): a provider's staff see only the enterprises assigned to their provider.
ENTERPRISE_URLS.update({
    "page: smart transformation of an enterprise": (
        lambda e: reverse("transform:enterprise", args=[e.pk]), "page"),
    "page: free diagnosis": (lambda e: reverse("transform:diagnosis", args=[_diagnosis_of(e).pk]), "page"),
    "api: free diagnoses of an enterprise": (
        lambda e: reverse("enterprise-diagnoses-detail", args=[e.pk]), "api"),
})
