"""智改数转 (issue 17) for the role-scope walk (core/testing.py): a provider's staff see only
the enterprises assigned to their provider."""

import datetime as dt

from django.urls import reverse

from industrybrain.core.testing import declare


def diagnosis_of(e):
    """The enterprise's live free diagnosis (created under a lot of its own on first use)."""
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


declare("page: smart transformation of an enterprise",
        lambda e: reverse("transform:enterprise", args=[e.pk]), "page")
declare("page: free diagnosis", lambda e: reverse("transform:diagnosis", args=[diagnosis_of(e).pk]), "page")
declare("api: free diagnoses of an enterprise",
        lambda e: reverse("enterprise-diagnoses-detail", args=[e.pk]), "api")
