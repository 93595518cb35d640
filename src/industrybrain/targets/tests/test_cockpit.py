"""The cockpit's figures and scopes on the small `city` fixture."""

import pytest

from industrybrain.targets.loading import load_targets
from industrybrain.targets.refresh import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitored(city):
    load_targets()
    refresh()
    return city


def test_the_cockpit_shows_clusters_ladder_and_the_ranking(client_as, monitored):
    page = client_as("admin").get("/")
    html = page.content.decode()
    assert len(page.context["clusters"]) == 10 and len(page.context["ranking"]) == 7
    assert "高端装备集群规模" in html and "/targets/cluster_high_end_equipment_scale_2025/" in html
    assert "高新技术企业" in html  # the ladder: A holds it in 2021
    # 2021 output: 10.80 亿元 for the city, of which 武进 3.24 and 新北 7.56
    ranking = {r["district"].code: r["output"] for r in page.context["ranking"]}
    assert ranking["xinbei"] == 756_000_000 and ranking["wujin"] == 324_000_000


def test_a_district_officer_sees_no_other_district(client_as, monitored):
    page = client_as("wujin").get("/")
    html = page.content.decode()
    assert [r["district"].code for r in page.context["ranking"]] == ["wujin"]
    assert "新北区" not in html and "7.56 亿元" not in html and "10.80 亿元" not in html


def test_changes_since_the_last_run_are_listed(client_as, monitored):
    from industrybrain.enterprises.models import AnnualFigures

    AnnualFigures.objects.filter(year=2021).update(industrial_output=10**10)
    refresh()
    page = client_as("analyst").get("/")
    assert any(c["target"].code == "industrial_scale_2025" for c in page.context["changes"])


def test_without_a_refresh_the_cockpit_says_what_to_run(client_as, city):
    assert "targets-refresh" in client_as("admin").get("/").content.decode()
