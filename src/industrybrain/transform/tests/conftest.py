"""A procurement lot with three providers over the shared four-enterprise city."""

import datetime as dt

import pytest


@pytest.fixture
def programme(city):
    from industrybrain.industry.models import Cluster
    from industrybrain.transform.models import ProcurementLot, Provider

    equipment = Cluster.objects.get(code="high_end_equipment")
    lot = ProcurementLot.objects.create(
        code="2022-01", name="2022年第一批智能化免费诊断", period_start=dt.date(2022, 3, 1),
        period_end=dt.date(2022, 12, 31), budget_yuan=300_000, price_yuan=30_000)
    mes = Provider.objects.create(name="常州智造咨询有限公司", capabilities=["mes", "iot"],
                                  certifications=["provincial_leader"])
    mes.clusters.add(equipment)
    erp = Provider.objects.create(name="龙城数字科技有限公司", capabilities=["erp", "cloud"])
    outsider = Provider.objects.create(name="外地未中标服务商", capabilities=["mes"])
    lot.providers.add(mes, erp)
    return {"lot": lot, "mes": mes, "erp": erp, "outsider": outsider}


@pytest.fixture
def provider_user(programme):
    from django.contrib.auth import get_user_model

    from industrybrain.accounts.models import Profile
    from industrybrain.transform.models import ProviderMember

    user = get_user_model().objects.create_user("zhizao", password="pw-zhizao")
    Profile.objects.create(user=user, role="provider")
    ProviderMember.objects.create(user=user, provider=programme["mes"])
    return user


GOOD_LEVELS = {"personnel": 2, "technology": 2, "resources": 3, "design": 2, "production": 3,
               "logistics": 1, "sales": 2, "service": 2}
GOOD_PROJECT = {"title": "冲压车间设备联网与MES", "capability": "mes", "cost_yuan": 25_000_000,
                "annual_gain_yuan": 6_000_000, "expected_gains": "设备综合效率提升15%",
                "payback_years": "4.2"}
