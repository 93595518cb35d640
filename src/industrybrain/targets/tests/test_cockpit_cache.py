"""The cockpit is computed once per data version, scope and language, and never stale:
after an import, a refresh or an entry, the very next request shows the new figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industrybrain.core import dataversion
from industrybrain.enterprises.imports import import_bytes
from industrybrain.enterprises.tests.test_imports import csv_bytes
from industrybrain.targets.loading import load_targets
from industrybrain.targets.refresh import refresh
from industrybrain.targets.tests.test_cockpit import table

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitored(city):
    load_targets()
    refresh()
    return city


def cockpit(client) -> str:
    """The page's main part (the header carries a per-response CSRF token)."""
    response = client.get("/")
    assert response.status_code == 200
    return re.search(r"<main>(.*)</main>", response.content.decode(), re.S).group(1)


def ladder(html) -> dict[str, str]:
    return {row[0]: row[1] for row in table(html, "ladder")}


def ranking_output(html) -> dict[str, str]:
    return {row[1]: row[3] for row in table(html, "ranking")}


def test_a_designation_import_shows_on_the_very_next_request(client_as, monitored, users):
    client = client_as("admin")
    assert ladder(cockpit(client))["高新技术企业"] == "1"
    assert ladder(cockpit(client))["高新技术企业"] == "1"  # served from the cache
    report = import_bytes("designations", "认定.csv", csv_bytes(
        ["统一社会信用代码", "认定类型", "认定日期"], [[monitored["b"].uscc, "高新技术企业", "2021-01-05"]]),
        users["admin"])
    assert report.applied, report.rejects
    assert ladder(cockpit(client))["高新技术企业"] == "2"


def test_a_figures_import_shows_on_the_very_next_request(client_as, monitored, users):
    client = client_as("wujin")
    assert ranking_output(cockpit(client)) == {"武进区": "3.24 亿元"}
    # A's 2021 output 1.08 亿元 -> 2.08 亿元: 武进 3.24 -> 4.24 亿元
    report = import_bytes("figures", "产值.csv", csv_bytes(
        ["统一社会信用代码", "年份", "工业总产值（万元）"], [[monitored["a"].uscc, 2021, 20800]]),
        users["admin"])
    assert report.applied, report.rejects
    assert ranking_output(cockpit(client)) == {"武进区": "4.24 亿元"}


def test_an_edit_in_the_admin_shows_on_the_very_next_request(client_as, monitored):
    from industrybrain.enterprises.models import AnnualFigures

    client = client_as("wujin")
    assert ranking_output(cockpit(client)) == {"武进区": "3.24 亿元"}
    figures = AnnualFigures.objects.get(enterprise=monitored["b"], year=2021)
    figures.industrial_output += 100_000_000
    figures.save()  # what the admin's change form does
    assert ranking_output(cockpit(client)) == {"武进区": "4.24 亿元"}


@pytest.mark.parametrize("how", ["delete page", "delete selected"])
def test_a_delete_in_the_admin_shows_on_the_very_next_request(client_as, monitored, how,
                                                              django_user_model):
    from django.test import Client

    from industrybrain.enterprises.models import AnnualFigures

    officer = client_as("wujin")
    assert ranking_output(cockpit(officer)) == {"武进区": "3.24 亿元"}
    figures = AnnualFigures.objects.get(enterprise=monitored["b"], year=2021)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    if how == "delete page":
        response = client.post(f"/admin/enterprises/annualfigures/{figures.pk}/delete/",
                               {"post": "yes"})
    else:
        response = client.post("/admin/enterprises/annualfigures/",
                               {"action": "delete_selected", "_selected_action": [figures.pk],
                                "post": "yes"})
    assert response.status_code == 302
    assert not AnnualFigures.objects.filter(pk=figures.pk).exists()
    # B's 2021 output (2.16 亿元) is gone: 武进 3.24 -> 1.08 亿元
    assert ranking_output(cockpit(officer)) == {"武进区": "1.08 亿元"}


def test_a_refresh_shows_on_the_very_next_request(client_as, monitored):
    from industrybrain.enterprises.models import AnnualFigures

    client = client_as("analyst")
    before = cockpit(client)
    assert "较上月变化" in before and "/targets/industrial_scale_2025/" not in re.search(
        r'<ul id="changes">(.*?)</ul>', before, re.S).group(1)
    AnnualFigures.objects.filter(year=2021).update(industrial_output=10**10)  # no bump: a bulk
    assert cockpit(client) == before  # write behind the system's back waits for the next change
    refresh()
    after = re.search(r'<ul id="changes">(.*?)</ul>', cockpit(client), re.S).group(1)
    assert "/targets/industrial_scale_2025/" in after


def test_an_entered_value_computes_the_cockpit_again(client_as, monitored):
    client = client_as("admin")
    cockpit(client)
    with CaptureQueriesContext(connection) as warm:
        cockpit(client)
    response = client.post("/targets/gdp_2021/enter/", {
        "year": 2022, "value": "9550.1", "unit": "亿元", "source": "常州市统计局 2022年统计公报",
        "source_date": "2023-03-20"})
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as after:
        cockpit(client)
    assert len(after) > len(warm)  # the figures were computed again, not served from before


def test_scopes_never_mix(client, client_as, monitored):
    from django.contrib.auth import get_user_model

    from industrybrain.accounts.models import Profile
    from industrybrain.enterprises.models import District

    city = cockpit(client_as("admin"))
    wujin = cockpit(client_as("wujin"))  # after the city's page is in the cache
    assert [row[1] for row in table(wujin, "ranking")] == ["武进区"]
    assert "新北区" not in wujin and "10.80 亿元" not in wujin
    assert "新北区" in city
    assert cockpit(client_as("admin")) == city
    officer = get_user_model().objects.create_user("xinbei")
    Profile.objects.create(user=officer, role="district_officer",
                           district=District.objects.get(code="xinbei"))
    client.force_login(officer)
    xinbei = cockpit(client)
    assert [row[1] for row in table(xinbei, "ranking")] == ["新北区"] and "武进区" not in xinbei


def test_languages_never_mix(client_as, monitored):
    client = client_as("admin")
    chinese = cockpit(client)
    client.cookies["django_language"] = "en"
    english = cockpit(client)
    assert "Cluster" in english or "cluster" in english
    assert "十大集群规模与目标" in chinese and "十大集群规模与目标" not in english
    del client.cookies["django_language"]
    assert "十大集群规模与目标" in cockpit(client)


def test_the_version_is_read_on_every_request(client_as, monitored):
    """A change made by another process reaches this one through the database only: bump
    the version the way any process would, and the next request computes anew."""
    client = client_as("admin")
    cockpit(client)
    with CaptureQueriesContext(connection) as warm:
        cockpit(client)
    assert any("core_dataversion" in q["sql"] for q in warm.captured_queries)
    dataversion.bump(dataversion.TARGETS)
    with CaptureQueriesContext(connection) as cold:
        cockpit(client)
    assert len(cold) > len(warm)
