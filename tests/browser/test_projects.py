"""A district officer walks a major project from lead to full production in chromium, and
finds the demo pipeline's projects behind schedule with their causes."""

import pytest

pytestmark = pytest.mark.browser

STEPS = [("signed", "2021-04-01"), ("registered", "2021-05-10"), ("started", "2021-06-20"),
         ("completed", "2022-07-15"), ("producing", "2023-01-10")]


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")


def test_an_officer_walks_a_project_from_lead_to_full_production(page, demo_server):
    login(page, demo_server, "wujin")
    page.goto(demo_server["url"] + "/projects/new/")
    page.fill("input[name=code]", "XM2021-B001")
    page.fill("input[name=name]", "浏览器测试智能装备项目")
    page.fill("input[name=investor]", "某智能装备集团")
    page.check("input[name=is_new_enterprise]")
    page.fill("input[name=officer]", "张伟")
    page.fill("input[name=leader]", "李明")
    page.select_option("select[name=level]", "city")
    page.fill("input[name=planned_amount]", "25")
    page.fill("input[name=lead_actual]", "2021-03-01")
    page.fill("input[name=started_planned]", "2021-06-01")
    page.fill("input[name=completed_planned]", "2022-06-30")
    page.fill("input[name=producing_planned]", "2022-12-31")
    page.click("form.project-form button[type=submit]")
    page.wait_for_selector("#milestones")
    assert "浏览器测试智能装备项目" in page.inner_text("h1") and "招引" in page.inner_text("h1")
    assert "25.00 亿元" in page.inner_text("#planned")
    for stage, day in STEPS:
        page.fill("#milestone-form input[name=actual]", day)
        if stage == "completed":
            page.fill("#milestone-form input[name=delay_cause]", "设备到货延迟")
        with page.expect_navigation():
            page.click("#milestone-form button[type=submit]")
        row = page.locator(f"#milestones tr[data-stage='{stage}']")
        assert row.locator("td").nth(2).inner_text().startswith(day[:4] + "年")
    assert "达产" in page.inner_text("h1")
    assert page.locator("#milestone-form").count() == 0  # nothing left to record
    table = page.inner_text("#milestones")
    assert "晚15天" in table  # completed 15 July against 30 June
    # an out-of-order date is refused with its reason, the record unchanged
    page.goto(demo_server["url"] + "/projects/?q=XM2021-B001")
    assert page.locator("#projects tbody tr").count() == 1


def test_the_demo_pipeline_shows_projects_behind_and_why(page, demo_server):
    login(page, demo_server, "admin")
    page.goto(demo_server["url"] + "/projects/?alert=behind")
    rows = page.locator("#projects tbody tr")
    assert rows.count() >= 10
    first = rows.first.inner_text()
    assert "滞后" in first
    causes = [rows.nth(i).locator("td").nth(8).inner_text() for i in range(rows.count())]
    assert all(c.strip() for c in causes)  # every project behind says why
    page.goto(demo_server["url"] + "/projects/rates/")
    page.wait_for_selector("#rates-chart[data-ready='1'] canvas")
    assert "队列中截至月末已实际开工的项目数" in page.inner_text("#rates")
    page.goto(demo_server["url"] + "/projects/gantt/?district=wujin")
    page.wait_for_selector("#gantt[data-ready='1'] canvas")
