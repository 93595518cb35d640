"""What a new officer notices: spending by district in one place, the export in Beijing
time with the district, "select all N matching" with the count and total confirmed, the
policy library's page per policy, the audit log in words."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _pay(award, users):
    from industrybrain.policies import ledger

    ledger.approve(award.pk, users["reviewer"])


def test_ledger_and_export_carry_the_district_and_beijing_time(client_as, proposed, users):
    from django.utils import timezone

    from industrybrain.policies.models import LedgerEntry

    _pay(proposed["a"], users)  # 武进
    _pay(proposed["c"], users)  # 新北
    client = client_as("reviewer")
    page = client.get("/policies/ledger/", {"year": 2022}).content.decode()
    assert "武进区" in page and "新北区" in page and "登峰计划" in page
    assert "dengfeng" not in re.sub(r"<[^>]+>", "", page)
    only = client.get("/policies/ledger/", {"year": 2022, "district": "wujin"}).content.decode()
    assert proposed["a"].enterprise.name in only and proposed["c"].enterprise.name not in only
    sheet = load_workbook(io.BytesIO(client.get(
        "/policies/ledger/disbursement.xlsx", {"year": 2022, "district": "xinbei"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "辖市区" in rows[0] and "拨付时间（北京时间）" in rows[0]
    assert len(rows) == 2 and rows[1][3] == "新北区" and rows[1][5] == "营业收入首次超100亿元"
    entry = LedgerEntry.objects.get(enterprise=proposed["c"].enterprise)
    beijing = timezone.localtime(entry.paid_at).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[1][-1] == beijing and entry.paid_at.utcoffset() is not None


def test_budgets_show_spending_by_district_linked_to_the_ledger(client_as, proposed, users):
    _pay(proposed["a"], users)
    page = client_as("reviewer").get("/policies/budgets/", {"year": 2022}).content.decode()
    table = re.search(r'<table id="by-district">.*?</table>', page, re.S).group(0)
    wujin = re.search(r"<tr><td><a[^>]*>武进区</a></td><td class=\"num\">([^<]+)</td>", table).group(1)
    assert wujin == "200.00 万元"
    assert "district=wujin" in table and reverse("district", args=["wujin"]) in table


def test_select_all_matching_confirms_count_and_total_then_approves(client_as, proposed, users,
                                                                     settings):
    from industrybrain.policies.models import Award

    client = client_as("reviewer")
    filters = {"year": "2022", "status": "proposed", "policy": "dengfeng", "all_matching": "yes"}
    confirm = client.post("/policies/review/approve/", filters).content.decode()
    n = Award.objects.filter(year=2022, status="proposed", policy_id="dengfeng").count()
    assert n >= 2
    assert f"将审批 {n} 项奖励" in confirm and "expect_count" in confirm
    # The set changed between confirmation and approval: nothing is approved.
    stale = dict(filters, confirm="yes", expect_count=str(n + 1), expect_total="1")
    client.post("/policies/review/approve/", stale)
    assert Award.objects.filter(year=2022, status="paid").count() == 0
    count = re.search(r'name="expect_count" value="(\d+)"', confirm).group(1)
    total = re.search(r'name="expect_total" value="(\d+)"', confirm).group(1)
    client.post("/policies/review/approve/", dict(filters, confirm="yes", expect_count=count,
                                                   expect_total=total))
    assert Award.objects.filter(year=2022, policy_id="dengfeng",
                                status__in=("paid", "second_approval")).count() == n


def test_each_policy_has_a_permanent_page_linked_from_the_library(client):
    library = client.get("/policies/library/").content.decode()
    assert reverse("policies:policy", args=["dengfeng"]) in library
    page = client.get(reverse("policies:policy", args=["dengfeng"])).content.decode()
    assert "登峰计划" in page and "最高1000万元" in page  # the summary
    tiers = re.search(r'<table id="tiers">.*?</table>', page, re.S).group(0)
    assert "营业收入首次超1000亿元" in tiers and "1,000.00 万元" in tiers
    assert "免申即享" in page  # no application needed
    assert "常州日报" in page or "科技日报" in page or "新浪财经" in page  # the article, not a file
    assert ".txt" not in page
    assert "研发投入" in page  # the figures it reads
    assert "只按达到的最高一档" in page  # the assumption in words
    assert client.get("/policies/library/no_such_policy/").status_code == 404


def test_the_audit_log_reads_as_words(client_as, proposed, users):
    _pay(proposed["a"], users)
    page = client_as("admin").get("/policies/audit/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "拨付" in text and "奖励 #" in text and "金额：200.00 万元" in text
    assert "policies.Award" not in text and "amount_yuan" not in text and "payment" not in text


def test_a_policy_without_money_does_not_promise_a_payment(client):
    page = client.get(reverse("policies:policy", args=["bai_qian_wan"])).content.decode()
    how = re.search(r'<dd id="how">(.*?)</dd>', page, re.S).group(1)
    assert "无需申请" in how and "拨付" not in how
    assert "所有制为民营" in page and "private" not in re.sub(r"<[^>]+>", "", page)
