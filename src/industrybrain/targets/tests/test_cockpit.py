"""The cockpit's figures and scopes on the small `city` fixture."""

import re

import pytest

from industrybrain.targets.loading import load_targets
from industrybrain.targets.refresh import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitored(city):
    load_targets()
    refresh()
    return city


def table(html: str, table_id: str) -> list[list[str]]:
    """The cells of one table of the page, as text, row by row."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S) if "<td" in row]


def test_the_cockpit_shows_clusters_ladder_and_the_ranking(client_as, monitored):
    html = client_as("admin").get("/").content.decode()
    assert len(table(html, "clusters")) == 10 and len(table(html, "ranking")) == 7
    assert "高端装备集群规模" in html and "/targets/cluster_high_end_equipment_scale_2025/" in html
    assert "高新技术企业" in html  # the ladder: A holds it in 2021
    # 2021 output: 10.80 亿元 for the city, of which 武进 3.24 and 新北 7.56
    ranking = {row[1]: row[3] for row in table(html, "ranking")}
    assert ranking["新北区"] == "7.56 亿元" and ranking["武进区"] == "3.24 亿元"


def test_a_district_officer_sees_no_other_district(client_as, monitored):
    html = client_as("wujin").get("/").content.decode()
    assert [row[1] for row in table(html, "ranking")] == ["武进区"]
    assert "新北区" not in html and "7.56 亿元" not in html and "10.80 亿元" not in html


def test_changes_since_the_last_run_are_listed(client_as, monitored):
    from industrybrain.enterprises.models import AnnualFigures

    AnnualFigures.objects.filter(year=2021).update(industrial_output=10**10)
    refresh()
    html = client_as("analyst").get("/").content.decode()
    changes = re.search(r'<ul id="changes">(.*?)</ul>', html, re.S).group(1)
    assert "/targets/industrial_scale_2025/" in changes


def test_without_a_refresh_the_cockpit_says_what_to_run(client_as, city):
    assert "targets-refresh" in client_as("admin").get("/").content.decode()


def test_a_district_name_leads_to_its_page_and_the_report_is_its_own_link(client_as, monitored):
    html = client_as("admin").get("/").content.decode()
    body = re.search(r'<table[^>]*id="ranking".*?</table>', html, re.S).group(0)
    assert re.search(r'<a href="/districts/wujin/">武进区</a>', body)
    assert re.search(r'<a href="[^"]*\.pdf[^"]*">报告</a>', body)
