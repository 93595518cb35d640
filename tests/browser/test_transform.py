"""智改数转 in chromium, five roles: an enterprise requests its free diagnosis, the city assigns
the requests in a batch, the provider files its report (a negative payback first, refused
with its reason), the enterprise accepts it and applies for the major-project subsidy, the
reviewer approves it, and the lender finds the firm on the key-client list and downloads it."""

import re

import pytest

pytestmark = pytest.mark.browser


def login(page, server, username):
    page.context.clear_cookies()
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def test_a_diagnosis_from_request_to_a_subsidised_project_and_the_lenders_list(page, demo_server):
    url = demo_server["url"]
    # 1. The enterprise asks for its free diagnosis.
    login(page, demo_server, "qiye1")
    page.goto(url + "/transform/")
    firm = page.inner_text("h1").split(" ")[0].strip()
    page.fill("#request-form textarea[name=note]", "希望诊断冲压车间的设备联网")
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    assert "已申请免费诊断" in page.inner_text(".messages")
    assert "已申请，待分派" in page.inner_text("#firm-diagnoses")

    # 2. The city assigns the open requests under this year's lot.
    login(page, demo_server, "admin")
    page.goto(url + "/transform/lots/")
    page.click("#lots a:has-text('企业申请诊断服务采购')")
    page.select_option("#batch-form select[name=basis]", "requests")
    with page.expect_navigation():
        page.click("#batch-form button[type=submit]")
    assert re.search(r"已分派\d+家企业", page.inner_text(".messages"))

    # 3. The provider sees the firm among its tasks and files the report.
    login(page, demo_server, "fuwushang")
    assert "/transform/diagnoses/" in page.url
    page.fill("input[name=q]", firm)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    page.click(f"#diagnoses a:has-text('{firm}')")
    page.click("#file-report")
    for i, select in enumerate(page.locator("#report-form select[name^=level_]").all()):
        select.select_option(str(2 + i % 2))
    page.fill("textarea[name=findings]", "冲压设备联网率不足两成；排产依赖人工经验")
    page.fill("input[name=p-0-title]", "冲压车间设备联网与MES")
    page.select_option("select[name=p-0-capability]", "mes")
    page.fill("input[name=p-0-cost_wan]", "2500")
    page.fill("input[name=p-0-gain_wan]", "600")
    page.fill("input[name=p-0-payback_years]", "-1")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#refusals")
    assert "第1个建议项目：投资回收期不能小于0年" in page.inner_text("#refusals")
    page.fill("input[name=p-0-payback_years]", "4.2")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    assert "已提交诊断报告" in page.inner_text("#status")
    diagnosis_url = page.url

    # 4. The enterprise reads and accepts the report, and applies for the subsidy.
    login(page, demo_server, "qiye1")
    page.goto(diagnosis_url)
    assert "具备“制造执行系统（MES）”能力" in page.inner_text("#projects")
    with page.expect_navigation():
        page.click("#accept")
    assert "企业已确认" in page.inner_text("#status")
    page.select_option("form.apply select[name=year]", "2025")
    with page.expect_navigation():
        page.click("form.apply button[type=submit]")
    assert "已提交补贴申请" in page.inner_text(".messages")
    assert "250.00 万元" in page.inner_text("#projects .subsidy")
    page.click("#projects a:has-text('待审核')")
    application_url = page.url

    # 5. The reviewer decides in the handling system (the same slot and ledger as any award).
    login(page, demo_server, "reviewer")
    page.goto(application_url)
    assert "依据智能化免费诊断报告" in page.inner_text("main")
    page.fill("input[name=amount_wan]", "250")
    page.fill("[name=reason]", "诊断报告齐全，项目符合重大项目门槛")
    with page.expect_navigation():
        page.click("button[value=approve]")
    assert re.search(r"已通过", page.inner_text(".messages"))

    # 6. The lender finds the firm on its list, and nothing else of the city.
    login(page, demo_server, "yinhang")
    assert "/transform/lenders/" in page.url
    page.fill("input[name=q]", firm)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert firm in page.inner_text("#key-clients")
    with page.expect_download() as download:
        page.click("#download-csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert firm in text and "总体成熟度" in text
    assert page.goto(url + "/targets/").status == 403
