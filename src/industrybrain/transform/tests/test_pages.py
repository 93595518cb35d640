"""The pages, as each role uses them: the city assigns, the provider reports, the enterprise
accepts and applies, the lender downloads its list; nobody sees past their scope."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from industrybrain.transform import workflow
from industrybrain.transform.models import Diagnosis

from .conftest import GOOD_LEVELS

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(programme, city, provider_user):
    d = workflow.request(None, city["a"], on=dt.date(2022, 3, 20))
    workflow.assign(None, d, programme["lot"], programme["mes"], on=dt.date(2022, 4, 1))
    other = workflow.request(None, city["c"], on=dt.date(2022, 3, 20))
    workflow.assign(None, other, programme["lot"], programme["erp"], on=dt.date(2022, 4, 1))
    return d


def _report_post(levels, cost_wan="2500", payback="4.2"):
    data = {f"level_{k}": v for k, v in levels.items()}
    data.update({"findings": "设备联网率低", "on": "2022-05-10",
                 "p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "10",
                 "p-0-title": "冲压车间MES", "p-0-capability": "mes", "p-0-cost_wan": cost_wan,
                 "p-0-gain_wan": "600", "p-0-expected_gains": "效率提升", "p-0-payback_years": payback})
    return data


def test_the_provider_sees_only_its_own_diagnoses(client, assigned, provider_user, city):
    client.force_login(provider_user)
    page = client.get(reverse("transform:diagnoses")).content.decode()
    assert city["a"].name in page and city["c"].name not in page
    other = Diagnosis.objects.get(enterprise=city["c"])
    assert client.get(reverse("transform:diagnosis", args=[other.pk])).status_code == 404
    # Enterprise pages are outside the provider's navigation: refused, whichever enterprise.
    assert client.get(reverse("enterprises:detail", args=[city["c"].pk])).status_code == 403
    assert client.get(reverse("enterprises:detail", args=[city["a"].pk])).status_code == 403
    api = client.get("/api/diagnoses/").json()["results"]
    assert [row["enterprise"] for row in api] == [city["a"].pk]
    assert client.get("/").status_code == 302  # home leads to the provider's tasks


def test_a_report_off_the_scale_comes_back_with_the_reason(client, assigned, provider_user):
    client.force_login(provider_user)
    url = reverse("transform:report", args=[assigned.pk])
    response = client.post(url, _report_post({**GOOD_LEVELS, "design": "7"}, payback="-1"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "能力域“设计”：等级7不在" in body and "第1个建议项目：投资回收期不能小于0年" in body
    response = client.post(url, _report_post({**GOOD_LEVELS}, cost_wan="-5"))
    # The amount field refuses a negative before the workflow sees it (core.params.WanField),
    # beside the project's cost field.
    assert "金额不能为负数" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.status == "assigned"
    response = client.post(url, _report_post(GOOD_LEVELS))
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == "reported" and assigned.report.projects.get().cost_yuan == 25_000_000


def test_a_report_posting_a_million_rows_is_refused_with_ten_built(client, assigned, provider_user):
    client.force_login(provider_user)
    data = {**_report_post(GOOD_LEVELS), "p-TOTAL_FORMS": "1000000"}
    response = client.post(reverse("transform:report", args=[assigned.pk]), data)
    assert response.status_code == 400
    assert len(response.context["formset"].forms) == 10
    assert "10" in response.context["formset"].non_form_errors()[0]
    assert str(response.context["formset"].non_form_errors()[0]) in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.status == "assigned"


def test_the_enterprise_accepts_applies_and_the_lender_lists_it(client, assigned, provider_user, users, city):
    workflow.file_report(provider_user, assigned, GOOD_LEVELS, "设备联网率低", [
        {"title": "冲压车间MES", "capability": "mes", "cost_yuan": 25_000_000, "payback_years": 4}],
        on=dt.date(2022, 5, 10))
    client.force_login(users["owner_c"])  # another enterprise cannot accept it
    assert client.post(reverse("transform:accept", args=[assigned.pk])).status_code == 404
    client.force_login(users["owner_a"])
    page = client.get(reverse("transform:diagnosis", args=[assigned.pk])).content.decode()
    assert "常州智造咨询有限公司" in page and "具备“制造执行系统（MES）”能力" in page
    client.post(reverse("transform:accept", args=[assigned.pk]))
    project = assigned.report.projects.get()
    client.post(reverse("transform:apply", args=[project.pk]), {"year": "2022"})
    project.refresh_from_db()
    assert project.status == "applied" and project.subsidy_yuan == 2_500_000
    client.force_login(users["lender"])
    listing = client.get(reverse("transform:lenders")).content.decode()
    assert city["a"].name in listing and city["c"].name not in listing
    csv = client.get(reverse("transform:lenders_export", args=["csv"])).content.decode("utf-8-sig")
    assert city["a"].uscc in csv and "二级（规范级）" in csv
    xlsx = client.get(reverse("transform:lenders_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("transform:lenders_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("enterprises:detail", args=[city["a"].pk])).status_code == 403
    client.force_login(users["owner_a"])
    assert client.get(reverse("transform:lenders")).status_code == 403


def test_the_city_assigns_a_batch_from_the_lot_page(client, programme, users, city):
    client.force_login(users["admin"])
    url = reverse("transform:lot", args=[programme["lot"].pk])
    wujin = city["a"].district
    response = client.post(url, {"basis": "district", "district": wujin.pk, "on": "2022-04-01"})
    assert response.status_code == 302
    assert set(Diagnosis.objects.values_list("enterprise__name", flat=True)) == {city["a"].name, city["b"].name}
    refused = client.post(url, {"basis": "district", "on": "2022-04-01"}).content.decode()
    assert "按辖市区分派时请选择辖市区" in refused
    client.force_login(users["wujin"])
    assert client.post(url, {"basis": "undiagnosed", "on": "2022-04-01"}).status_code == 403


def test_the_provider_library_is_public_in_summary(client, programme):
    page = client.get(reverse("transform:providers")).content.decode()
    assert "常州智造咨询有限公司" in page and "省级领军服务商" in page and "建设全市“智改数转”服务商库" in page
    text = re.sub(r"<[^>]+>", " ", page)  # what a reader sees: labels, never codes
    assert "provincial_leader" not in text and "iot" not in text and "high_end_equipment" not in text
    filtered = client.get(reverse("transform:providers") + "?capability=erp").content.decode()
    assert "龙城数字科技有限公司" in filtered and "常州智造咨询有限公司" not in filtered
    assert client.get(reverse("transform:providers") + "?capability=nope").status_code == 404
    assert client.get("/api/providers/").status_code == 200
    assert client.get(reverse("transform:provider", args=[programme["mes"].pk])).status_code == 200


@pytest.mark.parametrize("name", ["transform:progress", "transform:lots"])
def test_programme_pages_are_for_officers(client_as, programme, name):
    assert client_as("admin").get(reverse(name)).status_code == 200
    assert client_as("wujin").get(reverse(name)).status_code == 200
    assert client_as("owner_a").get(reverse(name)).status_code == 403
    assert client_as("lender").get(reverse(name)).status_code == 403


def test_bad_parameters_answer_400_or_404(client_as, programme):
    client = client_as("admin")
    assert client.get(reverse("transform:diagnoses") + "?status=nope").status_code == 400
    assert client.get(reverse("transform:progress") + "?year=abc").status_code == 404
    assert client.get("/api/diagnosis-coverage/?year=abc").status_code == 400


def test_the_lender_list_turns_pages_and_still_counts_and_exports_every_firm(
        client, assigned, provider_user, users, city, monkeypatch):
    other = Diagnosis.objects.get(enterprise=city["c"])
    for d in (assigned, other):
        workflow.file_report(None, d, GOOD_LEVELS, "设备联网率低", [
            {"title": "冲压车间MES", "capability": "mes", "cost_yuan": 25_000_000, "payback_years": 4}],
            on=dt.date(2022, 5, 10))
        workflow.accept(None, d, on=dt.date(2022, 5, 20))
    monkeypatch.setattr("industrybrain.transform.programme_views.LENDERS_PER_PAGE", 1)
    client.force_login(users["lender"])
    url = reverse("transform:lenders")
    first, second = (client.get(url, {"page": n}).content.decode() for n in (1, 2))
    names = sorted([city["a"].name, city["c"].name])
    assert names[0] in first and names[1] not in first and "共 2 家" in first and "第 1 / 2 页" in first
    assert names[1] in second and names[0] not in second and "第 2 / 2 页" in second
    assert client.get(url, {"page": "abc"}).status_code == 200
    found = client.get(url, {"q": city["c"].uscc}).content.decode()
    assert city["c"].name in found and city["a"].name not in found and "共 2 家" in found
    csv = client.get(reverse("transform:lenders_export", args=["csv"])).content.decode("utf-8-sig")
    assert city["a"].uscc in csv and city["c"].uscc in csv
