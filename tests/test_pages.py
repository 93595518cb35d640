"""Pages and the API as a user meets them: search, filters, pagination, the chart, admin."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_section_of_the_house_has_a_page(client_as, city):
    client = client_as("admin")
    for url in ("/", "/enterprises/", "/industry/", "/policies/", "/targets/", "/cultivation/",
                "/projects/", "/transform/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "产业大脑" in response.content.decode()


def test_search_filters_and_pagination(client_as, city, django_assert_max_num_queries):
    client = client_as("analyst")
    page = client.get("/enterprises/", {"q": "测试C"}).content.decode()
    assert city["c"].name in page and city["a"].name not in page
    page = client.get("/enterprises/", {"q": city["d"].uscc}).content.decode()
    assert city["d"].name in page and city["c"].name not in page
    page = client.get("/enterprises/", {"district": "wujin"}).content.decode()
    assert city["a"].name in page and city["c"].name not in page
    page = client.get("/enterprises/", {"designation": "high_tech"}).content.decode()
    assert city["a"].name in page and city["b"].name not in page
    # The list's query count does not grow with the rows shown (no N+1).
    with django_assert_max_num_queries(12):
        client.get("/enterprises/")


def test_pagination_splits_long_lists(client_as, city):
    from conftest import make_uscc
    from industrybrain.enterprises.models import District, Enterprise

    district = District.objects.get(code="liyang")
    Enterprise.objects.bulk_create([
        Enterprise(uscc=make_uscc(5000 + i, "320481"), name=f"分页测试{i}有限公司",
                   district=district, industry_code="C3311", ownership="private")
        for i in range(120)
    ])
    client = client_as("admin")
    first = client.get("/enterprises/", {"district": "liyang"}).content.decode()
    assert "第 1 / 3 页" in first
    third = client.get("/enterprises/", {"district": "liyang", "page": 3}).content.decode()
    assert third.count("分页测试") == 20


def test_enterprise_page_has_figures_chart_and_history(client_as, city, users):
    from industrybrain.enterprises.imports import import_bytes

    data = f"统一社会信用代码,年份,营业收入（万元）\n{city['a'].uscc},2021,13000\n".encode()
    assert import_bytes("figures", "更正.csv", data, users["admin"]).applied
    response = client_as("owner_a").get(reverse("enterprises:detail", args=[city["a"].pk]))
    page = response.content.decode()
    chart = json.loads(response.context["chart"])
    assert chart["years"] == [2019, 2020, 2021]
    assert chart["series"][0]["data"][-1] == 1.3  # 13000 万元 = 1.3 亿元
    assert "1.30 亿元" in page
    assert "admin" in page and "更正.csv" in page and "营业收入" in page  # who, why, what
    assert "2020年11月2日" in page  # dates as people in China write them
    assert "vendor/echarts-6.1.0.min.js" in page


def test_admin_lists_every_model(client_as, city):
    client = client_as("admin")
    users_admin = client.get("/admin/")
    assert users_admin.status_code == 302  # a city admin without is_staff has no admin
    from industrybrain.accounts.models import Profile  # noqa: F401

    client.force_login(_superuser())
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x")


def test_openapi_document_describes_the_api(client_as, city):
    response = client_as("analyst").get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/enterprises/", "/api/figures/", "/api/designations/", "/api/clusters/"):
        assert path in schema["paths"], path


def test_api_money_is_exact_yuan(client_as, city):
    rows = client_as("admin").get("/api/figures/", {"enterprise": city["c"].pk, "year": 2021}).json()
    assert rows["results"][0]["revenue"] == 120 * 3 * 10**6


def test_industry_page_shows_clusters_against_targets(client_as, city):
    page = client_as("admin").get("/industry/").content.decode()
    assert "高端装备" in page and "6,000.00 亿元" in page and "集成电路" in page


def test_names_follow_the_page_language(client_as, city):
    client = client_as("admin")
    url = reverse("enterprises:detail", args=[city["a"].pk])
    chinese = client.get(url).content.decode()
    assert "武进区" in chinese and "高端装备" in chinese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wujin" in english and "High-end equipment" in english and "武进区" not in english
