"""The cockpit's 政策兑现 card is never stale: a run's proposals and a payment show on the
very next request (the cockpit is kept per data version: core.dataversion)."""

import re

import pytest

from industrybrain.policies import jobs, ledger, runs
from industrybrain.policies.models import Award
from industrybrain.targets.loading import load_targets
from industrybrain.targets.refresh import refresh
from industrybrain.targets.tests.test_cockpit import table
from industrybrain.targets.tests.test_cockpit_cache import cockpit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_beat_during_the_run(settings):
    """The run's heartbeat thread has its own connection, so it cannot see the run row inside
    the test's transaction: a beat would find no running run, take the lease as lost and stop
    the run. Under load a run outlasts the default 5 s; an hour keeps the beat from firing."""
    settings.IB_RUN_HEARTBEAT_SECONDS = 3600


def awards(html) -> dict[str, str]:
    return {row[0]: row[1] for row in table(html, "awards") if len(row) > 1}


def stored(**where) -> dict[str, str]:
    counts = {}
    for award in Award.objects.filter(year=2022, **where):
        label = str(award.get_status_display())
        counts[label] = counts.get(label, 0) + 1
    return {label: f"{n} 笔" for label, n in counts.items()}


def test_a_run_and_a_payment_show_on_the_very_next_request(client_as, year2022, users):
    load_targets()
    refresh()  # the cockpit's year is now 2022
    client = client_as("admin")
    assert awards(cockpit(client)) == {} and "2022年政策兑现" in cockpit(client)
    run = runs.start(2022, users["admin"])
    jobs.enqueue(run.pk)  # inline: the run stores its proposals
    assert awards(cockpit(client)) == stored()
    assert awards(cockpit(client))["拟奖励"] == "2 笔"  # A and C, 200万元 each
    a = Award.objects.get(enterprise=year2022["a"], status="proposed")
    assert ledger.approve(a.pk, users["reviewer"]) == "paid"
    assert awards(cockpit(client)) == stored()
    assert awards(cockpit(client))["拟奖励"] == "1 笔" and awards(cockpit(client))["已拨付"] == "1 笔"
    # the same numbers as the handling system's front page
    front = client.get("/policies/?year=2022").content.decode()
    assert "已拨付" in front


def test_a_district_officer_sees_the_own_district_awards_only(client_as, year2022, users):
    load_targets()
    refresh()
    run = runs.start(2022, users["admin"])
    jobs.enqueue(run.pk)
    assert awards(cockpit(client_as("admin")))["拟奖励"] == "2 笔"  # A (武进) and C (新北)
    wujin = awards(cockpit(client_as("wujin")))
    assert wujin == stored(enterprise__district__code="wujin") and wujin["拟奖励"] == "1 笔"  # A



def dengfeng(html) -> str:
    """The calculator's row of 登峰计划, as text."""
    calc = re.search(r'<table id="calc">.*?</table>', html, re.S).group(0)
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", calc, re.S) if "登峰计划" in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_the_calculator_shows_an_import_on_the_very_next_request(client_as, proposed, users):
    """The calculator keeps an enterprise's snapshot per data version: a figures import
    (here: A's 2022 revenue from 150 to 400 亿元) shows on the next request."""
    from industrybrain.enterprises.imports import import_bytes
    from industrybrain.enterprises.tests.test_imports import csv_bytes

    client = client_as("owner_a")
    url = f"/policies/calculator/{proposed['a'].enterprise_id}/?year=2022"
    before = dengfeng(client.get(url).content.decode())
    assert dengfeng(client.get(url).content.decode()) == before
    report = import_bytes("figures", "营收.csv", csv_bytes(
        ["统一社会信用代码", "年份", "营业收入（万元）"],
        [[proposed["a"].enterprise.uscc, 2022, 4_000_000]]), users["admin"])
    assert report.applied, report.rejects
    after = dengfeng(client.get(url).content.decode())
    assert "营业收入=150亿元" in before and "营业收入=400亿元" in after
