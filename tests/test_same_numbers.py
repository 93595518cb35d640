"""One number, one definition: the counts by status on the cockpit, the target list and
the CLI; the ladder on the cockpit and the enterprise list it links to; the 完成度 of a
target on the cockpit and the list; counts of enterprises as whole numbers."""

import datetime as dt
import html as htmllib
import io
import json
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(city):
    from industrybrain.enterprises.models import Designation, DesignationType

    # B held 高新技术企业 long ago: ever held, but not in the cockpit's year (2021).
    Designation.objects.create(enterprise=city["b"], type=DesignationType.objects.get(code="high_tech"),
                               granted_on=dt.date(2015, 1, 1), expires_on=dt.date(2018, 1, 1))
    out = io.StringIO()
    call_command("targets_refresh", stdout=out)
    return out.getvalue()


def _spans(html, block_id_or_class) -> dict[str, int]:
    block = re.search(rf'<div class="counts"[^>]*{block_id_or_class}.*?</div>', html, re.S).group(0)
    return {label: int(n) for label, n in re.findall(r'<span class="status \w+"[^>]*>(\S+) (\d+)</span>', block)}


def test_counts_by_status_agree_on_the_cockpit_the_list_and_the_cli(client_as, refreshed):
    client = client_as("admin")
    cockpit = _spans(client.get("/").content.decode(), 'id="status-counts"')
    listed = _spans(client.get("/targets/").content.decode(), "")
    cli = {label: int(n) for label, n in
           re.findall(r"([^，\s]+) (\d+)", refreshed.split("状态：", 1)[1].splitlines()[0])}
    assert cockpit == listed == cli
    assert cockpit["待录入"] > 0


def test_a_count_on_the_ladder_is_the_count_of_the_list_behind_it(client_as, refreshed):
    client = client_as("admin")
    page = client.get("/").content.decode()
    ladder = re.search(r'<table[^>]*id="ladder".*?</table>', page, re.S).group(0)
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></td><td class="num">([\d,]+)</td>', ladder)
    assert rows
    for href, name, n in rows:
        listed = client.get(htmllib.unescape(href)).content.decode()
        total = re.search(r"共 ([\d,]+) 家", listed).group(1)
        assert total == n, (name, href)
    assert dict((name, n) for _, name, n in rows)["高新技术企业"] == "1"  # A; B's expired


def test_completion_is_one_figure_on_the_cockpit_and_the_list(client_as, refreshed):
    client = client_as("admin")
    page = client.get("/").content.decode()
    charts = json.loads(re.search(r'<script type="application/json" id="cockpit-data">(.*?)</script>',
                                  page, re.S).group(1))
    listed = client.get("/targets/").content.decode()
    compared = 0
    for card in charts["headlines"] + charts["clusters"]:
        row = re.search(rf'<tr data-code="{card["code"]}"[^>]*>(.*?)</tr>', listed, re.S).group(1)
        cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
        shown = "—" if card["share"] is None else f'{card["share"]:.1f}%'
        assert cells[1] == shown, card["code"]
        compared += card["share"] is not None
    assert compared


def test_counts_of_enterprises_are_whole_numbers_on_every_page(client_as, refreshed):
    client = client_as("admin")
    for url in ("/", "/targets/", "/targets/high_tech_enterprises_double_2025/"):
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        assert not re.search(r"\d\.\d+ 家", text), url


def test_little_giants_count_a_firm_holding_both_levels_once_and_match_their_list(client_as, city):
    from industrybrain.enterprises.models import Designation, DesignationType

    provincial = DesignationType.objects.get(code="little_giant_provincial")
    national = DesignationType.objects.get(code="little_giant_national")
    for enterprise, kinds in ((city["a"], [provincial, national]), (city["b"], [provincial]),
                              (city["c"], [national])):
        for kind in kinds:
            Designation.objects.create(enterprise=enterprise, type=kind, granted_on=dt.date(2020, 5, 1))
    call_command("targets_refresh", stdout=io.StringIO())
    client = client_as("admin")
    page = client.get("/").content.decode()
    gauge = re.search(r'<div class="gauge" data-code="little_giants_2025"[^>]*>(.*?)</a></div>', page, re.S).group(1)
    # 2 provincial + 2 national, but A holds both: three firms, and the page says how it counts.
    assert re.search(r'id="gauge-value-little_giants_2025">3 家<', gauge)
    assert "一家只计一次" in gauge
    detail = client.get("/targets/little_giants_2025/").content.decode()
    href = htmllib.unescape(re.search(r'<a id="held-list" href="([^"]+)"', detail).group(1))
    listed = client.get(href).content.decode()
    assert re.search(r"共 3 家", listed)
    assert "一家只计一次" in listed  # the filter it applies, in words
    # A district officer's gauge and list agree within the district (A and B in 武进).
    wujin = client_as("wujin")
    page = wujin.get("/").content.decode()
    assert re.search(r'id="gauge-value-little_giants_2025">2 家<', page)
    assert re.search(r"共 2 家", wujin.get(href).content.decode())
