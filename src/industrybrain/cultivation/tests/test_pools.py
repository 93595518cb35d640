"""The pools on a small synthetic city: filled by the rules, changed only by review or by an
officer's hand with a reason, the ladder's numbers equal to the target monitor's."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from industrybrain.cultivation import evaluate, recompute
from industrybrain.cultivation.models import Decision, Membership, Proposal, Standing, Task
from industrybrain.cultivation.rules import pools
from industrybrain.enterprises.models import Designation, DesignationType, Enterprise
from industrybrain.policies import snapshot
from industrybrain.policies.models import Message
from industrybrain.targets.models import IndicatorValue

pytestmark = pytest.mark.django_db


def test_the_demo_city_pools_are_filled_by_the_rules_and_every_move_is_dated(pooled):
    open_ = Membership.objects.filter(exited_on__isnull=True)
    assert open_.filter(pool="specialised_sme").count() > 10
    assert open_.filter(pool="above_scale").count() > 10
    promoted = Membership.objects.filter(exit_kind="promoted")
    assert promoted.exists()
    for m in promoted[:50]:
        assert m.exited_on >= m.entered_on and m.entry_reason and m.exit_reason
    # Each open member has its standing for the latest year, ranked from 1.
    year = recompute.current_year()
    ranks = list(Standing.objects.filter(pool="specialised_sme", year=year).values_list("rank", flat=True))
    assert sorted(ranks) == list(range(1, open_.filter(pool="specialised_sme").count() + 1))


def test_a_recompute_proposes_and_changes_nothing_until_reviewed(pooled, client_as):
    year = recompute.current_year()
    Membership.objects.filter(pool="high_tech").delete()
    Proposal.objects.filter(pool="high_tech").delete()
    recompute.run([year])
    assert not Membership.objects.filter(pool="high_tech").exists()
    pending = list(Proposal.objects.filter(pool="high_tech", status=Decision.PENDING))
    assert pending and all(p.action == "enter" for p in pending)
    # A re-run proposes nothing twice.
    recompute.run([year])
    assert Proposal.objects.filter(pool="high_tech").count() == len(pending)
    client = client_as("admin")
    client.post("/cultivation/pool/high_tech/decide/", {"proposals": [pending[0].pk], "decision": "rejected"})
    assert Proposal.objects.get(pk=pending[0].pk).status == Decision.PENDING  # a rejection needs a note
    client.post("/cultivation/pool/high_tech/decide/",
                {"proposals": [p.pk for p in pending[1:3]], "decision": "accepted"})
    members = Membership.objects.filter(pool="high_tech", exited_on__isnull=True)
    assert members.count() == 2 and all(m.entered_on == dt.date(year, 12, 31) for m in members)


def test_the_engine_and_the_margins_agree_on_who_meets_every_criterion(pooled):
    year = recompute.current_year()
    snap = snapshot.take()
    full = evaluate.run(pools(), year, *snap.tables)
    plain = evaluate.run(pools(), year, *snap.tables, plain=True)
    from industrybrain.cultivation import margins

    for pool in pools().pools:
        m = margins.compute(pool, full)
        all_met = plain[f"{pool.id}__all"].fill_null(False).to_numpy(zero_copy_only=False)
        assert np.array_equal(m.missed == 0, all_met), pool.id


def _enterprise(code=None):
    return Enterprise.objects.filter(is_synthetic=True).first()


def test_a_manual_entry_needs_a_reason_and_is_kept_with_it(pooled, client_as):
    client = client_as("admin")
    e = Enterprise.objects.filter(is_synthetic=True).exclude(
        pool_memberships__pool="above_scale", pool_memberships__exited_on__isnull=True).exclude(
        figures__above_scale=True).first()
    data = {"uscc": e.uscc, "entered_on": "2022-05-01", "reason": ""}
    page = client.post("/cultivation/pool/above_scale/add/", data, follow=True)
    assert "手工入库须写明理由" in page.content.decode()
    assert not Membership.objects.filter(pool="above_scale", enterprise=e, exited_on__isnull=True).exists()
    data["reason"] = "走访了解到订单增长，年内可望达到规上标准"
    client.post("/cultivation/pool/above_scale/add/", data)
    m = Membership.objects.get(pool="above_scale", enterprise=e, exited_on__isnull=True)
    assert m.entry_origin == "manual" and m.entry_reason == data["reason"] and m.entered_by.username == "admin"


def test_an_exit_dated_before_the_entry_is_refused(pooled, client_as):
    m = Membership.objects.filter(exited_on__isnull=True).first()
    before = (m.entered_on - dt.timedelta(days=1)).isoformat()
    page = client_as("admin").post(f"/cultivation/membership/{m.pk}/exit/",
                                   {"exited_on": before, "reason": "企业迁出本市"}, follow=True)
    assert "出库日期不能早于入库日期" in page.content.decode()
    m.refresh_from_db()
    assert m.exited_on is None
    client_as("admin").post(f"/cultivation/membership/{m.pk}/exit/",
                            {"exited_on": m.entered_on.isoformat(), "reason": "企业迁出本市"})
    m.refresh_from_db()
    assert m.exited_on == m.entered_on and m.exit_kind == "manual"


def test_an_enterprise_cannot_be_put_in_a_rung_it_already_passed(pooled, client_as):
    e = Enterprise.objects.filter(is_synthetic=True).first()
    year = recompute.current_year()
    Designation.objects.create(enterprise=e, type=DesignationType.objects.get(code="little_giant_national"),
                               granted_on=dt.date(year, 7, 1), expires_on=dt.date(year + 3, 6, 30))
    Membership.objects.filter(enterprise=e).delete()
    page = client_as("admin").post("/cultivation/pool/specialised_sme/add/",
                                   {"uscc": e.uscc, "entered_on": f"{year}-08-01", "reason": "上级推荐入库"},
                                   follow=True)
    assert "不能再列入专精特新中小企业培育库" in page.content.decode()
    assert not Membership.objects.filter(enterprise=e).exists()


def test_the_ladder_counts_equal_the_target_monitor(pooled, client_as):
    from industrybrain.targets.refresh import refresh

    refresh()  # the monitor's numbers now include this test's four enterprises too
    client = client_as("admin")
    page = client.get("/cultivation/")
    year = page.context["year"]
    checked = 0
    for row in page.context["ladders"]:
        for step in row["funnel"]:
            for t in step["targets"]:
                stored = IndicatorValue.objects.filter(target=t["target"], year=year, district__isnull=True,
                                                       origin="computed").first()
                if stored is None:
                    continue
                assert t["value"] == stored.value, t["target"].code
                detail = client.get(f"/targets/{t['target'].code}/")
                a = detail.context["a"]
                if a is not None and a.year == year:
                    assert a.value == stored.value and Decimal(t["goal"]) == a.goal
                checked += 1
    assert checked >= 8
    # The funnel's rung counts use the same measure as their target where both count holders.
    specialised = next(r for r in page.context["ladders"] if r["ladder"].id == "specialised")
    national = next(s for s in specialised["funnel"] if s["rung"].id == "little_giant_national")
    assert national["count"] == national["targets"][0]["value"]


def test_closest_list_filters_and_refuses_bad_parameters(pooled, client_as):
    client = client_as("admin")
    page = client.get("/cultivation/pool/specialised_sme/")
    assert page.status_code == 200 and page.context["rows"]
    first = page.context["rows"][0]
    assert first["criteria"] and ("已达到" in first["criteria"][0]["text"] or "还差" in first["criteria"][0]["text"]
                                  or "以内" in first["criteria"][0]["text"])
    wujin = client.get("/cultivation/pool/specialised_sme/?district=wujin")
    assert all(r["s"].enterprise.district.code == "wujin" for r in wujin.context["rows"])
    for bad in ("?district=nowhere", "?page=0", "?page=abc", "?cluster=%00", "?chain=' OR 1=1"):
        assert client.get("/cultivation/pool/specialised_sme/" + bad).status_code == 400
    assert client.get("/cultivation/?year=1800").status_code == 400
    assert client.get("/cultivation/pool/no_such_pool/").status_code == 404


def test_a_district_officer_sees_the_own_district_and_an_enterprise_only_its_own(pooled, client_as):
    officer = client_as("wujin")
    rows = officer.get("/cultivation/pool/specialised_sme/").context["rows"]
    assert all(r["s"].enterprise.district.code == "wujin" for r in rows)
    other = Membership.objects.exclude(enterprise__district__code="wujin").first()
    assert officer.get(f"/cultivation/enterprise/{other.enterprise_id}/").status_code == 404
    assert officer.post(f"/cultivation/membership/{other.pk}/exit/",
                        {"exited_on": "2022-12-31", "reason": "测试越权"}).status_code == 404
    owner = client_as("owner_a")
    assert owner.get("/cultivation/").status_code == 403
    assert owner.get(f"/cultivation/enterprise/{pooled['owner_a'].profile.enterprise_id}/").status_code == 200
    assert owner.get(f"/cultivation/enterprise/{other.enterprise_id}/").status_code == 404
    reviewer = client_as("reviewer")
    assert reviewer.post("/cultivation/pool/specialised_sme/push/").status_code == 403
    # The API holds the same scope, and refuses a pool it does not know.
    officer = client_as("wujin")  # one test client: log in again
    rows = officer.get("/api/pool-memberships/?pool=specialised_sme&open=true&page_size=500").json()["results"]
    assert rows and {r["pool_name"] for r in rows} == {"专精特新中小企业培育库"}
    assert set(Enterprise.objects.filter(pk__in=[r["enterprise"] for r in rows])
               .values_list("district__code", flat=True)) == {"wujin"}
    assert officer.get("/api/pool-memberships/?pool=nope").status_code == 400
    owner = client_as("owner_a")
    own = pooled["owner_a"].profile.enterprise_id
    assert {r["enterprise"] for r in owner.get("/api/pool-memberships/").json()["results"]} <= {own}


def test_tasks_are_kept_with_due_dates_and_outcomes(pooled, client_as):
    client = client_as("admin")
    m = Membership.objects.filter(exited_on__isnull=True, pool="double_hundred").first() or \
        Membership.objects.filter(exited_on__isnull=True).first()
    client.post(f"/cultivation/membership/{m.pk}/tasks/", {"kind": "restructuring", "due_on": "2023-06-30",
                                                           "note": "完成股份制改造"})
    task = Task.objects.get(membership=m)
    assert task.get_kind_display() == "股改" and task.done_on is None
    client.post(f"/cultivation/task/{task.pk}/done/", {"done_on": "2022-11-30", "outcome": ""})
    task.refresh_from_db()
    assert task.done_on is None  # an outcome is required
    client.post(f"/cultivation/task/{task.pk}/done/", {"done_on": "2022-11-30", "outcome": "已完成股改"})
    task.refresh_from_db()
    assert task.outcome == "已完成股改"
    page = client.get(f"/cultivation/enterprise/{m.enterprise_id}/").content.decode()
    assert "股改" in page and "2023年6月30日" in page and "已完成股改" in page


def test_the_pool_services_are_pushed_once_through_the_push_system(pooled, client_as):
    client = client_as("admin")
    members = Membership.objects.filter(pool="specialised_sme", exited_on__isnull=True).count()
    client.post("/cultivation/pool/specialised_sme/push/")
    sent = Message.objects.filter(kind="service", policy_id="innovation_loan_whitelist")
    assert sent.count() == members
    assert "专精特新企业创新贷白名单" in sent.first().title
    client.post("/cultivation/pool/specialised_sme/push/")
    assert sent.count() == members


def test_the_forecast_is_back_tested_on_held_out_years(pooled, client_as):
    from industrybrain.cultivation.models import Forecast

    year = recompute.current_year()
    fc = Forecast.objects.get(pool="specialised_sme", year=year)
    held = fc.backtest["years"]
    assert [r["next_year"] for r in held] == [year - 1, year]
    assert all(max(r["train_years"]) < r["year"] for r in held)
    page = client_as("admin").get("/cultivation/pool/specialised_sme/").content.decode()
    assert "AUC" in page and f"{held[-1]['year']}→{held[-1]['next_year']}" in page


HOSTILE = ["", "0", "-1", "9" * 30, "abc", "2022-02-30", "' OR 1=1 --", "\x00", "<script>", "１２３"]


def test_no_form_answers_500_to_hostile_values(pooled, client_as):
    client = client_as("admin")
    m = Membership.objects.filter(exited_on__isnull=True).first()
    task = Task.objects.create(membership=m, kind="visit", due_on=dt.date(2023, 1, 1))
    posts = {
        "/cultivation/pool/above_scale/add/": ["uscc", "entered_on", "reason"],
        f"/cultivation/membership/{m.pk}/exit/": ["exited_on", "reason"],
        f"/cultivation/membership/{m.pk}/tasks/": ["kind", "due_on", "note"],
        f"/cultivation/task/{task.pk}/done/": ["done_on", "outcome"],
        "/cultivation/pool/above_scale/decide/": ["proposals", "decision", "note"],
    }
    for url, fields in posts.items():
        for value in HOSTILE:
            response = client.post(url, {f: value for f in fields})
            assert response.status_code < 500, (url, value)
    for value in HOSTILE:
        for url in ("/cultivation/", "/cultivation/pool/specialised_sme/"):
            for key in ("year", "district", "cluster", "chain", "page"):
                assert client.get(url, {key: value}).status_code in (200, 400), (url, key, value)
    m.refresh_from_db()
    assert m.exited_on is None
