"""The enterprise list an officer can work with: revenue, output and growth of the latest
year, sortable; industry in words; chains and designations; the designation filter shown."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _names(page: str) -> list[str]:
    table = re.search(r'<table id="enterprises">.*?</table>', page, re.S).group(0)
    return re.findall(r"常州测试(\w)机械有限公司", table)


def test_the_list_sorts_by_revenue_output_and_growth(client_as, city):
    from industrybrain.enterprises.models import AnnualFigures

    # 2021 revenue is 120 x serial 百万元: D > C > B > A. Growth on 2020 (90 x serial) is equal,
    # so give A a jump to make it the fastest grower.
    AnnualFigures.objects.filter(enterprise=city["a"], year=2021).update(revenue=500 * 10**6)
    client = client_as("admin")
    assert _names(client.get("/enterprises/", {"sort": "revenue"}).content.decode()) == list("ADCB")
    assert _names(client.get("/enterprises/", {"sort": "revenue_asc"}).content.decode()) == list("BCDA")
    assert _names(client.get("/enterprises/", {"sort": "output"}).content.decode()) == list("DCBA")
    assert _names(client.get("/enterprises/", {"sort": "growth"}).content.decode())[0] == "A"
    page = client.get("/enterprises/").content.decode()
    assert "2021年营业收入" in page and "5.00 亿元" in page  # A's 2021 revenue, with its unit
    assert "+" not in re.sub(r"<[^>]+>", "", page).split("营收增长")[1][:5]


def test_industry_reads_as_words_and_designations_and_chains_show(client_as, city):
    from industrybrain.industry.models import Chain, ChainMembership

    chain = Chain.objects.first()
    ChainMembership.objects.create(chain=chain, enterprise=city["a"], is_leader=True)
    page = client_as("admin").get("/enterprises/").content.decode()
    row = re.search(r"<tr>\s*<td><a [^>]*>常州测试A机械有限公司.*?</tr>", page, re.S).group(0)
    assert "通用设备制造业" in row  # C3484, as a label; the code is only a small note
    assert "高新技术企业" in row  # held in 2021 (granted 2020, expires 2023)
    assert chain.name_zh in row and "链主" in row


def test_a_designation_filter_from_a_link_is_shown_and_can_be_removed(client_as, city):
    page = client_as("admin").get("/enterprises/", {"designation": "high_tech", "year": 2021,
                                                    "district": "wujin"}).content.decode()
    applied = re.search(r'<p id="applied-filters">(.*?)</p>', page, re.S).group(1)
    assert "2021年持有高新技术企业" in applied
    remove = re.search(r'href="\?([^"]*)"', applied).group(1)
    assert "designation" not in remove and "district=wujin" in remove


def test_enterprise_awards_and_calculator_link_to_each_other(client_as, city):
    from django.urls import reverse

    client = client_as("admin")
    a = city["a"]
    detail = client.get(reverse("enterprises:detail", args=[a.pk])).content.decode()
    assert reverse("policies:calculator_for", args=[a.pk]) in detail
    assert reverse("policies:enterprise_awards", args=[a.pk]) in detail
    assert reverse("district", args=["wujin"]) in detail
    for url in (reverse("policies:calculator_for", args=[a.pk]),
                reverse("policies:enterprise_awards", args=[a.pk])):
        assert reverse("enterprises:detail", args=[a.pk]) in client.get(url).content.decode()
