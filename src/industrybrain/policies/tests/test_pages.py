"""The pages and API as officers and enterprises meet them."""

import io

import pytest
from openpyxl import load_workbook

from industrybrain.core.models import AuditEvent
from industrybrain.policies.models import Award, LedgerEntry, Message

pytestmark = pytest.mark.django_db


def test_an_officer_runs_reviews_bulk_approves_and_exports(client_as, year2022):
    client = client_as("admin")
    response = client.post("/policies/runs/", {"year": 2022})
    assert response.status_code == 302
    run_url = response["Location"]
    status = client.get(run_url + "?format=json").json()
    assert status["status"] == "done" and status["progress"] == 100
    page = client.get("/policies/review/?year=2022").content.decode()
    assert year2022["a"].name in page and "200.00 万元" in page
    ids = list(Award.objects.filter(status="proposed").values_list("pk", flat=True))
    confirm = client.post("/policies/review/approve/", {"award": ids}).content.decode()
    assert "将审批 2 项奖励，合计 400.00 万元" in confirm
    assert not LedgerEntry.objects.exists()  # nothing paid before the confirmation
    client.post("/policies/review/approve/", {"award": ids, "confirm": "yes"})
    assert LedgerEntry.objects.count() == 2
    response = client.get("/policies/ledger/disbursement.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][1] == "统一社会信用代码" and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {year2022["a"].uscc, year2022["c"].uscc}
    assert AuditEvent.objects.filter(action="export_disbursement").exists()


def test_review_filters_by_district_and_amount(client_as, proposed):
    client = client_as("reviewer")
    page = client.get("/policies/review/?year=2022&district=xinbei").content.decode()
    assert proposed["c"].enterprise.name in page and proposed["a"].enterprise.name not in page
    page = client.get("/policies/review/?year=2022&min_wan=300").content.decode()
    assert "没有符合条件的奖励" in page


def test_the_award_page_shows_explanation_and_citation_and_refuses_with_reason(client_as, proposed):
    client = client_as("reviewer")
    b = proposed["b"]  # first above 100亿元, R&D unknown: qualifies, amount pending
    page = client.get(f"/policies/awards/{b.pk}/").content.decode()
    assert "需补充2022年研发投入" in page and "实施“登峰计划”" in page
    response = client.post(f"/policies/awards/{b.pk}/", {"action": "approve"}, follow=True)
    assert "金额待定" in response.content.decode()
    assert "不能按零或估计值拨付" in response.content.decode()


def test_an_enterprise_sees_its_award_explanation_and_next_tier(client_as, proposed):
    client = client_as("owner_a")
    response = client.get("/policies/calculator/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "登峰计划" in page and "200.00 万元" in page
    assert "营业收入首次超500亿元" in page  # the next tier
    assert "依据" in page


def test_what_if_runs_the_same_engine(client_as, proposed):
    client = client_as("owner_a")
    url = f"/policies/calculator/{proposed['a'].enterprise_id}/"
    page = client.get(url, {"whatif": 1, "year": 2023, "revenue": "6000000",
                            "designation": "little_giant_national"}).content.decode()
    assert "扶持“专精特新”" in page and "100.00 万元" in page


def test_an_enterprise_cannot_see_or_act_on_another_enterprises_award(client_as, proposed):
    client = client_as("owner_a")
    other = proposed["c"]
    assert client.get(f"/policies/awards/{other.pk}/").status_code == 404
    assert client.post(f"/policies/awards/{other.pk}/", {"action": "approve"}).status_code == 404
    assert client.get(f"/policies/awards/{proposed['a'].pk}/").status_code == 200
    # nor act on its own: approving is a reviewer's act
    assert client.post(f"/policies/awards/{proposed['a'].pk}/",
                       {"action": "approve"}).status_code == 403
    api = client.get("/policies/api/awards/").json()["results"]
    assert {r["enterprise"] for r in api} == {proposed["a"].enterprise_id}
    assert client.get(f"/policies/api/awards/{other.pk}/").status_code == 404
    assert client.post(f"/policies/api/awards/{other.pk}/approve/").status_code in (403, 404)
    assert client.post(f"/policies/api/awards/{proposed['a'].pk}/approve/").status_code == 403
    assert not LedgerEntry.objects.exists()


def test_a_reviewer_approves_through_the_api_once(client_as, proposed):
    client = client_as("reviewer")
    url = f"/policies/api/awards/{proposed['a'].pk}/approve/"
    assert client.post(url).json() == {"outcome": "paid"}
    second = client.post(url)
    assert second.status_code == 409 and "已拨付" in second.json()["refused"]


def test_the_audit_log_is_filterable_exportable_and_read_only(client_as, proposed, users):
    client = client_as("admin")
    page = client.get("/policies/audit/?action=run_start").content.decode()
    assert "run_start" in page
    rows = client.get("/policies/api/audit/?action=run_start").json()["results"]
    assert len(rows) == 1 and rows[0]["username"] == "admin"
    assert client.post("/policies/api/audit/", {}).status_code == 405
    assert client.delete(f"/policies/api/audit/{rows[0]['id']}/").status_code == 405
    assert client.get("/policies/audit/?format=xlsx").status_code == 200
    assert client_as("owner_a").get("/policies/audit/").status_code == 403


def test_login_is_audited(client, users):
    client.post("/login/", {"username": "analyst", "password": "pw-analyst"})
    assert AuditEvent.objects.filter(action="login", username="analyst").exists()


def test_the_public_library_needs_no_login(client, db):
    page = client.get("/policies/library/").content.decode()
    assert "登峰计划" in page and "1,000.00 万元" in page  # the highest cap, in its column
    assert "常州市每年将安排100亿元政策性资金" in page
    assert "快申快享" in page and "免申即享" in page  # how each one is obtained


def test_the_inbox_and_subscriptions(client_as, proposed, year2022):
    client = client_as("owner_a")
    page = client.get("/policies/inbox/").content.decode()
    assert "拟奖励：“登峰计划”200.00 万元（待审核）" in page and "您可获得" not in page
    client.post("/policies/inbox/", {"topic": ["financing"], "email": "on"})
    from industrybrain.policies.models import Subscription

    assert list(Subscription.objects.filter(enterprise=year2022["a"]).values_list(
        "topic", flat=True)) == ["financing"]


def test_paid_awards_are_pushed_and_emailed(client_as, proposed, users, mailoutbox):
    users["owner_a"].email = "finance@a.example"
    users["owner_a"].save()
    client_as("reviewer").post(f"/policies/awards/{proposed['a'].pk}/", {"action": "approve"})
    assert Message.objects.filter(kind="paid", enterprise=proposed["a"].enterprise).exists()
    assert any("已拨付" in m.subject and m.to == ["finance@a.example"] for m in mailoutbox)
