"""The cockpit on the demo city in chromium: gauges drawn, clusters against their targets,
a click through to a target's data and citation, a district officer's own view, and the
monthly report PDF that opens with Chinese text."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def refreshed(demo_server):
    # `setup` does not load the targets yet (see targets.loading); targets-refresh does.
    out = subprocess.run([str(BIN / "industrybrain"), "targets-refresh"], env=demo_server["env"],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert "目标 " in out
    return demo_server


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")


def test_the_cockpit_shows_the_targets_and_clicks_through_to_a_citation(page, refreshed):
    login(page, refreshed, "admin")
    page.wait_for_selector("body[data-cockpit-ready]")
    assert page.locator("#gauges .gauge canvas").count() >= 6
    assert page.locator("#clusters tbody tr").count() == 10
    assert page.locator("#clusters-chart svg").count() == 1
    assert page.locator("#ranking tbody tr").count() == 7
    assert page.locator("#chains tbody tr").count() == 8
    main = page.inner_text("main")
    assert "全市工业规模总量" in main and "来源冲突" in main and "亿元" in main
    page.click("#gauges .gauge[data-code='industrial_scale_2025'] a .cap")
    page.wait_for_url("**/targets/industrial_scale_2025/")
    assert "全市工业规模总量超过2.5万亿元" in page.inner_text("#citations")
    assert page.locator("#values tbody tr").count() >= 5
    page.wait_for_selector("#target-chart[data-ready='1'] canvas")


def test_a_district_officer_sees_the_own_district_and_place(page, refreshed):
    login(page, refreshed, "wujin")
    page.wait_for_selector("body[data-cockpit-ready]")
    assert "武进区" in page.inner_text("h1")
    ranking = page.locator("#ranking tbody tr")
    assert ranking.count() == 1 and "武进区" in ranking.inner_text() and "/7" in ranking.inner_text()


def test_the_monthly_report_pdf_opens_with_chinese_text(page, refreshed, tmp_path):
    login(page, refreshed, "admin")
    with page.expect_download() as info:
        page.click("#status-counts a[href$='report.pdf']")
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    if shutil.which("pdftotext") is None:
        pytest.fail("apt-get install poppler-utils fonts-wqy-microhei (.ci/run does)")
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "常州市产业发展目标监测月度报告" in text
