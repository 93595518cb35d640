"""The cultivation pools on the demo city in chromium: a funnel and a sankey per ladder,
the rungs' gaps to their targets, and a pool's closest-to-next-rung list filtered by district."""

import pytest

pytestmark = pytest.mark.browser


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")


def test_the_ladders_draw_a_funnel_and_a_sankey_and_lead_to_the_visit_list(page, demo_server):
    login(page, demo_server, "admin")
    page.goto(demo_server["url"] + "/cultivation/")
    page.wait_for_selector("body[data-ladders-ready]")
    assert page.locator(".funnel-chart canvas").count() == 5
    assert page.locator(".sankey-chart canvas").count() >= 4
    specialised = page.locator("#ladder-specialised")
    assert specialised.locator("tr[data-rung]").count() == 5
    # The national little giants' gap is measured against the target monitor's own target.
    gap = specialised.locator("[data-target=little_giants_national_2025]")
    assert "目标" in gap.inner_text()

    specialised.get_by_role("link", name="专精特新中小企业培育库").click()
    page.wait_for_selector("#closest-list tbody tr")
    rows = page.locator("#closest-list tbody tr")
    assert rows.count() == 50
    first = rows.nth(0).inner_text()
    assert "研发费用占比" in first and ("已达到" in first or "还差" in first)
    assert "AUC" in page.locator("#backtest").inner_text()

    page.select_option("select[name=district]", "wujin")
    page.click("#closest form button[type=submit]")
    page.wait_for_url("**district=wujin**")
    districts = {t.strip() for t in page.locator("#closest-list tbody tr td:nth-child(3)").all_inner_texts()}
    assert districts == {"武进区"}
