"""One number, one definition, in chromium (issue 13's "done when"): for every demo role that
sees them, a count shown on two pages is the same count on both — the awards by status on
the cockpit, the handling system's front page, the review queue and the ledger; the targets by
status on the cockpit and the target list; the enterprises on the cockpit, a district's page
and the enterprise list; each rung of the cockpit's ladder (高新技术企业, 专精特新…) and each
count of designation holders on the cockpit and the target list against the enterprise list
behind it. The pages are read by their ids and data attributes, never by their words."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .walk import ROLES, login, patient

pytestmark = pytest.mark.browser

YEAR = 2022  # the README's demo city: figures to 2022, the batch of 2022


def _cli(server, *args):
    return subprocess.run([str(Path(sys.executable).parent / "industrybrain"), *args],
                          env=server["env"], check=True, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def with_awards(demo_server):
    """The 2022 batch has run (test_awards.py may have run it and paid some already)."""
    code = f"from industrybrain.policies.models import Award; print(Award.objects.filter(year={YEAR}).count())"
    if int(_cli(demo_server, "shell", "-c", code).stdout.split()[-1]) == 0:
        _cli(demo_server, "evaluate", "--year", str(YEAR))
    return demo_server


def _data(page, selector, key="count") -> dict:
    """{data-status or data-code: int(data-<key>)} of the elements ``selector`` matches."""
    rows = page.eval_on_selector_all(selector, f"""els => els.map(e => [
        e.dataset.status || e.dataset.code || e.getAttribute('href'), e.dataset.{key}])""")
    return {name: int(value) for name, value in rows if value not in (None, "")}


def _count(page, base, url, element="#enterprise-count") -> int:
    response = page.goto(base + url)
    assert response.status == 200, url
    return int(page.get_attribute(element, "data-count"))


@pytest.mark.parametrize("username", ROLES)
def test_the_same_count_is_the_same_on_every_page(browser, with_awards, username):
    server, base = with_awards, with_awards["url"]
    context = patient(browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}))
    page = context.new_page()
    try:
        login(page, server, username)
        if page.evaluate("location.pathname") != "/":
            # Enterprise users, providers and lenders have no cockpit: none of these counts.
            assert page.goto(base + "/targets/").status == 403
            return
        compared = []
        page.wait_for_selector("#status-counts")

        # Awards by status: cockpit = handling system's tiles = review queue = ledger (paid).
        awards = _data(page, "#awards tr[data-status]")
        award_sums = _data(page, "#awards tr[data-status]", "yuan")
        enterprises = int(page.get_attribute("#enterprise-count", "data-count"))
        ladder = _data(page, "#ladder tr[data-code]")
        ladder_links = dict(page.eval_on_selector_all(
            "#ladder tr[data-code]", "els => els.map(e => [e.dataset.code, e.querySelector('a').getAttribute('href')])"))
        gauges = page.eval_on_selector_all("#gauges .gauge[data-list-url]",
                                           "els => els.map(e => [e.dataset.code, e.dataset.value, e.dataset.listUrl])")
        cockpit_status = {k: v for k, v in _data(page, "#status-counts span[data-status]").items() if v}
        districts = page.eval_on_selector_all("#ranking a[href^='/districts/']",
                                              "els => els.map(e => e.getAttribute('href'))")

        assert page.goto(f"{base}/policies/?year={YEAR}").status == 200
        assert _data(page, "#award-counts a[data-status]") == awards
        assert _data(page, "#award-counts a[data-status]", "yuan") == award_sums
        compared.append("awards: cockpit = handling system")
        for status, n in awards.items():
            assert _count(page, base, f"/policies/review/?year={YEAR}&status={status}", "#queue-count") == n, status
            if status in award_sums:
                assert int(page.get_attribute("#queue-total", "data-yuan")) == award_sums[status], status
        compared.append("awards: cockpit = review queue, by status")
        ledger = page.goto(f"{base}/policies/ledger/?year={YEAR}")
        if ledger.status == 200:
            assert int(page.get_attribute("#ledger-count", "data-count")) == awards.get("paid", 0)
            compared.append("paid awards = ledger")

        # Targets by status: cockpit = target list.
        assert page.goto(base + "/targets/").status == 200
        assert _data(page, "#status-counts span[data-status]") == cockpit_status
        listed_values = page.eval_on_selector_all(
            "#targets-table tr[data-list-url]", "els => els.map(e => [e.dataset.listUrl, e.dataset.value])")
        compared.append("targets by status")

        # Enterprises: cockpit = enterprise list = (per district) district page = filtered list.
        assert _count(page, base, "/enterprises/") == enterprises
        for district in districts:
            n = _count(page, base, district, "#district-enterprise-count")
            code = district.strip("/").split("/")[-1]
            assert _count(page, base, f"/enterprises/?district={code}") == n, district
        compared.append("enterprises")

        # Designations: each rung of the ladder = the list behind it; a count of designation
        # holders on the cockpit and on the target list = the list behind it.
        assert ladder and {"high_tech"} <= set(ladder)
        for code, n in ladder.items():
            href = ladder_links[code]
            assert parse_qs(urlparse(href).query)["year"] == [str(YEAR)]
            assert _count(page, base, href) == n, code
        for code, value, href in gauges:
            assert _count(page, base, href) == float(value), code
        assert listed_values
        for href, value in listed_values:
            if value:
                assert _count(page, base, href) == float(value), href
        # The ladder's rung and the target counting the same designation agree too.
        by_list = {href: float(value) for href, value in listed_values if value}
        for code, n in ladder.items():
            if ladder_links[code] in by_list:
                assert by_list[ladder_links[code]] == n, code
        compared.append("designations")
        assert len(compared) >= 5, compared
    finally:
        context.close()
