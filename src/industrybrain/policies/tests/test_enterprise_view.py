"""The enterprise's view: paid and proposed awards first on its landing page, each amount
explained against its cap, a what-if that names what the chosen year lacks."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_landing_page_shows_paid_and_proposed_awards_first(client, client_as, proposed, users):
    from industrybrain.policies import ledger

    client = client_as("owner_a")
    landing = client.get("/", follow=True)
    page = landing.content.decode()
    panel = re.search(r'<section class="card" id="awards-panel">.*?</section>', page, re.S).group(0)
    assert page.index('id="awards-panel"') < page.index("基本信息")  # first on the page
    assert "登峰计划" in panel and "拟奖励" in panel and "上限 200.00 万元" in panel
    assert re.search(r'id="proposed-total">200.00 万元<', panel)
    ledger.approve(proposed["a"].pk, users["reviewer"])
    panel = client.get("/", follow=True).content.decode()
    assert re.search(r'id="paid-total">200.00 万元<', panel) and "已拨付" in panel


def test_an_amount_is_explained_against_its_cap(client_as, proposed):
    a = proposed["a"]
    for url in (reverse("policies:calculator_for", args=[a.enterprise_id]) + "?year=2022",
                reverse("policies:award", args=[a.pk])):
        text = _text(client_as("owner_a").get(url).content.decode())
        assert "金额如何得出" in text, url
        assert "上限 × 100% × 综合得分（按0.1%向下取整）" in text
        assert "上限（营业收入首次超100亿元） 200万元" in text
        assert "技术创新得分" in text and "综合得分" in text
        assert "研发投入占营业收入多少算技术创新满分？ 3%" in text  # the assumption it rests on
        assert "奖励 200万元" in text  # the steps end at the award's own amount
        assert "tech_score" not in text and "ceiling_share" not in text


def test_the_what_if_starts_at_the_latest_year_and_names_what_a_year_lacks(client_as, proposed):
    a = proposed["a"]
    url = reverse("policies:calculator_for", args=[a.enterprise_id])
    client = client_as("owner_a")
    page = client.get(url).content.decode()
    assert re.search(r'name="year" value="2022"', page)  # latest year with figures
    # 2023 has no figures at all: the page says which inputs it lacks, not just "no change".
    page = client.get(url, {"whatif": "1", "year": "2023", "rd_spending": "1000"}).content.decode()
    lacking = re.search(r'<p id="whatif-lacking"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "2023年缺少以下数据" in lacking and "营业收入" in lacking
    assert "研发投入" not in lacking  # typed into the form
    assert "最近一个有数据的年份是 2022 年" in lacking


def test_the_calculator_follows_an_edit_of_the_figures(client_as, proposed):
    """The page's rows are kept per data version in each process: an edit is on the next
    request, and a page read again asks the database only what can change (the session,
    the user, the enterprise in the user's scope, the data version, the awards)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from industrybrain.enterprises.models import AnnualFigures

    a = proposed["a"]
    url = reverse("policies:calculator_for", args=[a.enterprise_id])
    client = client_as("owner_a")
    assert re.search(r'name="year" value="2022"', client.get(url).content.decode())
    with CaptureQueriesContext(connection) as read_again:
        client.get(url)
    asked = [q["sql"].split(" FROM ")[1].split()[0] for q in read_again.captured_queries
             if " FROM " in q["sql"]]
    assert not [t for t in asked if "figures" in t or t == '"enterprises_designation"'], asked
    row = AnnualFigures.objects.get(enterprise_id=a.enterprise_id, year=2022)
    row.pk, row.year = None, 2023
    row.save()  # a watched model: bumps the enterprises' data version
    page = client.get(url).content.decode()
    assert re.search(r'name="year" value="2023"', page)
    assert "最近一个有数据的年份是 2023 年" in client.get(
        url, {"whatif": "1", "year": "2024", "rd_spending": "1000"}).content.decode()
