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


def test_a_firm_without_figures_is_read_once_per_data_version(client_as, city):
    """An enterprise with no yearly figures yet: the page opens on the pack's first year,
    and read again asks nothing of its figures (the missing latest year is an answer, not
    a reason to look again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from industrybrain.enterprises.models import AnnualFigures
    from industrybrain.policies import catalogue

    bare = city["d"]
    AnnualFigures.objects.filter(enterprise=bare).delete()  # bumps the data version
    first = min(p.effective_from.year for p in catalogue.pack().policies)
    url = reverse("policies:calculator_for", args=[bare.pk])
    client = client_as("admin")
    assert re.search(rf'name="year" value="{first}"', client.get(url).content.decode())
    with CaptureQueriesContext(connection) as read_again:
        page = client.get(url).content.decode()
    assert re.search(rf'name="year" value="{first}"', page)
    figures = [q["sql"] for q in read_again.captured_queries
               if "enterprises_annualfigures" in q["sql"]]
    assert figures == []


def test_the_what_if_offers_a_new_designation_type_and_reads_the_types_once(
        client_as, city, django_user_model):
    """The designation types are read once per data version: building the what-if's form
    again asks nothing of them, yet a type added is offered on the next request, and a
    type deleted in the admin is no longer accepted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from industrybrain.enterprises.models import DesignationType
    from industrybrain.policies.forms import WhatIfForm

    def asked_types(queries):
        return [q["sql"] for q in queries.captured_queries
                if "enterprises_designationtype" in q["sql"]]

    chosen = {"year": "2022", "designation": "test_new_honour"}
    assert not WhatIfForm(chosen).is_valid()  # no such type yet
    with CaptureQueriesContext(connection) as again:
        WhatIfForm(chosen)
    assert asked_types(again) == []
    added = DesignationType.objects.create(  # as the admin's add form does
        code="test_new_honour", name_zh="测试新增认定", name_en="Test new honour",
        level="city", category="honour")
    assert WhatIfForm(chosen).is_valid()
    url = reverse("policies:calculator_for", args=[city["a"].pk])
    page = client_as("owner_a").get(url).content.decode()
    assert '<option value="test_new_honour">测试新增认定</option>' in page
    with CaptureQueriesContext(connection) as again:
        assert WhatIfForm(chosen).is_valid()
    assert asked_types(again) == []
    root = Client()
    root.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert root.post(f"/admin/enterprises/designationtype/{added.pk}/delete/",
                     {"post": "yes"}).status_code == 302
    assert not WhatIfForm(chosen).is_valid()


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_two_readers_and_two_languages_never_see_each_others_calculator(client, users, proposed):
    """The page is kept whole in each process: whoever reads it next sees their own name,
    their own links and their own language, never the previous reader's."""
    from django.test import Client

    url = reverse("policies:calculator_for", args=[proposed["a"].enterprise_id])
    owner, admin = Client(), Client()
    owner.force_login(users["owner_a"])
    admin.force_login(users["admin"])
    for _ in range(2):  # the second read of each comes from the kept page
        mine = owner.get(url).content.decode()
        theirs = admin.get(url).content.decode()
        english = owner.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "owner_a" in mine and "admin" not in _text(mine)
        assert "admin" in theirs and "owner_a" not in theirs
        assert "消息与订阅" in mine and "消息与订阅" not in theirs  # the enterprise user's links
        assert '<html lang="en">' in english and "Policy calculator" in english
        assert "政策计算器" not in english and "Policy calculator" not in mine
        assert "owner_a" in english and "admin" not in _text(english)


def test_the_kept_calculator_shows_every_change_on_the_next_request(client_as, proposed):
    """A designation granted, an award decided: the next read shows it, even for an award
    changed without a word to the data version (the awards are read on every request)."""
    import datetime as dt

    from industrybrain.enterprises.models import Designation, DesignationType
    from industrybrain.policies.models import Award

    a = proposed["a"]
    url = reverse("policies:calculator_for", args=[a.enterprise_id]) + "?year=2022"
    client = client_as("owner_a")
    row = r'<tr class="status-(\w+)" data-policy="leading_enterprise">'
    before = client.get(url).content.decode()
    assert client.get(url).content.decode().count("award-row") == before.count("award-row") > 0
    assert re.search(row, before).group(1) != "eligible"
    Designation.objects.create(  # watched: bumps the enterprises' data version
        enterprise_id=a.enterprise_id, granted_on=dt.date(2022, 9, 1),
        expires_on=dt.date(2023, 8, 31),
        type=DesignationType.objects.get(code="china_manufacturing_500"))
    after = client.get(url).content.decode()
    assert re.search(row, after).group(1) == "eligible"
    assert "新入选中国制造业企业500强" in after
    Award.objects.filter(pk=a.pk).update(status=Award.Status.REJECTED)  # no version bump
    page = client.get(url).content.decode()
    link = reverse("policies:award", args=[a.pk])
    award = re.search(rf'<tr class="award-row">(?:(?!</tr>).)*{link}.*?</tr>', page, re.S).group(0)
    assert "已驳回" in award and "拟奖励" not in award


def test_a_kept_calculator_page_carries_a_working_csrf_token(users, proposed):
    """Each response has its own token, valid for the reader's cookie: the language switch
    and sign-out on a kept page work; a page read with another parameter is not kept."""
    from django.test import Client

    from industrybrain.core import dataversion

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["owner_a"])
    url = reverse("policies:calculator_for", args=[proposed["a"].enterprise_id])
    first, kept = (client.get(url).content.decode() for _ in range(2))
    assert _token(first) != _token(kept)
    switched = client.post(reverse("set_language"), {
        "language": "en", "next": url, "csrfmiddlewaretoken": _token(kept)})
    assert switched.status_code == 302
    assert '<html lang="en">' in client.get(url).content.decode()
    forged = client.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    # the language form sends the reader back where they were, parameters and all
    odd = client.get(url, {"year": "2022", "note": "<b>"}).content.decode()
    assert 'name="next" type="hidden" value="' + url + '?year=2022&amp;note=%3Cb%3E"' in odd
    # and no address of the caller's making is kept (the memo is for the pages people read)
    kept = len(dataversion._here)
    for odd in ("?year=2022&year=2022", "?year=02022", "?note=1", "?year=2022&x="):
        assert client.get(url + odd).status_code == 200
    assert len(dataversion._here) == kept
