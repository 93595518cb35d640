"""The officer -> enterprise path of the handling system, in chromium against a real server:
run the 2022 batch, review and bulk-approve, export the disbursement list; then the
enterprise user sees its award, the explanation and the next tier in its calculator."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.test_enterprise_user import enterprise_ids, login

pytestmark = pytest.mark.browser


def awards_of(server, enterprise_id):
    code = ("import json; from industrybrain.policies.models import Award;"
            f"print(json.dumps(list(Award.objects.filter(enterprise_id={enterprise_id})"
            ".values_list('policy_id', 'status'))))")
    out = subprocess.run([str(Path(sys.executable).parent / "industrybrain"), "shell", "-c", code],
                         env=server["env"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_officer_runs_reviews_pays_exports_and_enterprise_sees_it(page, demo_server, browser):
    from openpyxl import load_workbook

    url = demo_server["url"]
    login(page, demo_server, "admin")
    page.wait_for_url(url + "/")
    page.goto(url + "/policies/runs/")
    page.fill("input[name=year]", "2022")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/policies/runs/*/")
    # Live progress: the page polls until the run is done.
    page.wait_for_selector("#run-status[data-status='done']", timeout=120_000)
    assert page.locator("#run-progress").get_attribute("value") == "100"

    page.goto(url + "/policies/review/?year=2022")
    rows = page.locator("input[name=award]")
    assert rows.count() > 0
    page.locator("thead input[type=checkbox]").check()
    with page.expect_navigation():  # the confirmation is a new page; don't read the old one
        page.click("button[name=bulk]")
    assert "将审批" in page.inner_text("main")
    page.click("text=确认审批")
    page.wait_for_url("**/policies/review/")
    assert "已拨付" in page.inner_text(".messages")

    page.goto(url + "/policies/ledger/?year=2022")
    assert page.locator("main table tbody tr").count() > 0
    with page.expect_download() as download:
        page.click("#disbursement-export")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header, *body = list(sheet.values)
    assert header[1] == "统一社会信用代码" and len(body) > 0

    # The enterprise user, in a fresh browser context.
    context = browser.new_context(locale="zh-CN")
    own = context.new_page()
    login(own, demo_server, "qiye1")
    own.wait_for_load_state()
    own.goto(url + "/policies/calculator/")
    table = own.inner_text("#calc")
    assert "可享受" in table and "依据" in table
    # qiye1's enterprise passed 500亿元 of revenue for the first time in 2022 (the demo
    # picks it for that): its 登峰 award, the reason and the next tier are all on the page.
    eid = enterprise_ids(demo_server)["qiye1"]
    statuses = dict(tuple(a) for a in awards_of(demo_server, eid))
    assert statuses.get("dengfeng") in ("proposed", "awaiting_second", "paid"), statuses
    assert "登峰计划" in " ".join(own.locator(".award-row").all_inner_texts())
    dengfeng = own.locator("#calc tr[data-policy='dengfeng']")
    assert "首次超500亿元" in dengfeng.inner_text() and "营业收入" in dengfeng.inner_text()
    assert "1000亿元" in dengfeng.locator("td").nth(4).inner_text()  # the next tier
    # What-if: a national little giant next year is rewarded, by the same engine.
    own.select_option("select[name=designation]", "little_giant_national")
    own.click("#whatif button[type=submit]")
    assert "扶持“专精特新”" in own.inner_text("#whatif-changes")
    # Another enterprise's calculator is refused.
    other = enterprise_ids(demo_server)["qiye2"]
    assert own.goto(url + f"/policies/calculator/{other}/").status == 404
    context.close()
