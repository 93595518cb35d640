"""The ledger: paid once whatever happens, two persons above the threshold, budgets and the
cluster cap refuse with a reason; and properties (hypothesis) for both guarantees."""

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from industrybrain.core.models import AuditEvent
from industrybrain.policies import budgets, ledger
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Award, Budget, LedgerEntry

pytestmark = pytest.mark.django_db


def make_award(enterprise, amount, policy="dengfeng", tier="over_100yi", year=2022, **kw):
    # slot = tier: each award here is a separately payable slot (as where tiers add up), so
    # that one enterprise can hold several; the one-per-year key is tested in test_one_payment.
    defaults = dict(budget_line="policy_funds", pack_id="changzhou_2022", slot=tier,
                    cluster_code=enterprise.cluster.code if enterprise.cluster else "")
    return Award.objects.create(enterprise=enterprise, policy_id=policy, year=year, tier=tier,
                                amount_yuan=amount, **{**defaults, **kw})


def test_double_click_pays_once(city, users):
    award = make_award(city["a"], 2_000_000)
    assert ledger.approve(award.pk, users["reviewer"]) == "paid"
    with pytest.raises(Refused, match="已拨付"):
        ledger.approve(award.pk, users["admin"])
    assert LedgerEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment", policy_id="dengfeng").count() == 1


def test_the_database_refuses_a_second_payment_even_past_the_code(city, users):
    award = make_award(city["a"], 2_000_000)
    ledger.approve(award.pk, users["reviewer"])
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(award=award, enterprise=city["a"], policy_id="dengfeng",
                                   year=2022, tier="over_100yi", amount_yuan=1,
                                   budget_line="policy_funds", approver=users["admin"])


def test_the_ledger_is_append_only(city, users):
    award = make_award(city["a"], 2_000_000)
    ledger.approve(award.pk, users["reviewer"])
    entry = LedgerEntry.objects.get()
    entry.amount_yuan = 1
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.update(amount_yuan=1)
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_above_the_threshold_two_different_reviewers_are_needed(city, users):
    award = make_award(city["a"], 10_000_000, tier="over_1000yi")
    assert ledger.approve(award.pk, users["reviewer"]) == "awaiting_second"
    with pytest.raises(Refused, match="另一名审核员"):
        ledger.approve(award.pk, users["reviewer"])
    assert not LedgerEntry.objects.exists()
    assert ledger.approve(award.pk, users["admin"]) == "paid"
    entry = LedgerEntry.objects.get()
    assert entry.approver == users["reviewer"] and entry.second_approver == users["admin"]


def test_the_threshold_is_a_setting(city, users, settings):
    settings.IB_TWO_PERSON_THRESHOLD_YUAN = 1_000_000
    award = make_award(city["a"], 2_000_000)
    assert ledger.approve(award.pk, users["reviewer"]) == "awaiting_second"


def test_a_policy_budget_refuses_with_the_reason(city, users):
    Budget.objects.create(policy_id="dengfeng", year=2022, amount_yuan=3_000_000)
    first, second = make_award(city["a"], 2_000_000), make_award(city["b"], 2_000_000)
    ledger.approve(first.pk, users["reviewer"])
    with pytest.raises(Refused, match="超出该政策2022年度预算300.00 万元"):
        ledger.approve(second.pk, users["reviewer"])
    assert Award.objects.get(pk=second.pk).status == "proposed"


def test_the_yearly_envelope_is_the_packs_100_yi(city, users):
    envelope = budgets.ensure_envelope(2022)
    assert envelope.amount_yuan == 10_000_000_000 and "100亿元" in envelope.note
    Budget.objects.filter(pk=envelope.pk).update(amount_yuan=1_000_000)
    with pytest.raises(Refused, match="年度政策性资金总额"):
        ledger.approve(make_award(city["a"], 2_000_000).pk, users["reviewer"])


def test_the_cluster_cap_of_2000_wan_is_cumulative(city, users):
    a = make_award(city["a"], 1_500_000 * 10, policy="cluster_promotion_body",
                   tier="national_cluster", year=2022)
    ledger.approve(a.pk, users["reviewer"])  # 1500万元 of the cluster's 2000万元
    later = make_award(city["b"], 2_000_000 * 3, policy="cluster_platform",
                       tier="reviewed_platform", year=2023)
    with pytest.raises(Refused, match="单个集群累计奖励上限2,000.00 万元"):
        ledger.approve(later.pk, users["reviewer"])
    ok = make_award(city["c"], 2_000_000, policy="cluster_platform", tier="reviewed_platform",
                    year=2023)
    assert ledger.approve(ok.pk, users["reviewer"]) == "paid"


def test_reject_and_hold_need_a_reason_and_are_logged(city, users):
    award = make_award(city["a"], 2_000_000)
    with pytest.raises(Refused, match="理由"):
        ledger.reject(award.pk, users["reviewer"], " ")
    ledger.hold(award.pk, users["reviewer"], "请补充研发投入审计报告")
    assert Award.objects.get(pk=award.pk).status == "held"
    ledger.reject(award.pk, users["reviewer"], "不符合")
    with pytest.raises(Refused):
        ledger.approve(award.pk, users["reviewer"])
    assert list(AuditEvent.objects.filter(object_id=str(award.pk)).values_list(
        "action", flat=True).order_by("id")) == ["hold", "reject"]


@hsettings(max_examples=25, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(1, 12_000_000), min_size=1, max_size=8),
       clicks=st.lists(st.integers(0, 7), min_size=1, max_size=20),
       policy_budget=st.one_of(st.none(), st.integers(1, 40_000_000)))
def test_property_never_paid_twice_never_over_a_budget(city, users, amounts, clicks,
                                                       policy_budget):
    with transaction.atomic():
        sid = transaction.savepoint()
        if policy_budget is not None:
            Budget.objects.create(policy_id="dengfeng", year=2022, amount_yuan=policy_budget)
        es = list(city.values())
        awards = [make_award(es[i % 4], amt, tier=f"t{i}") for i, amt in enumerate(amounts)]
        approvers = [users["reviewer"], users["admin"]]
        for n, i in enumerate(clicks):
            if i < len(awards):
                try:
                    ledger.approve(awards[i].pk, approvers[n % 2])
                except Refused:
                    pass
        paid = list(LedgerEntry.objects.values_list("award_id", flat=True))
        assert len(paid) == len(set(paid))
        total = budgets.paid(2022, "dengfeng")
        assert policy_budget is None or total + budgets.committed(2022, "dengfeng") <= policy_budget
        assert all(a.status != "paid" or a.pk in paid for a in Award.objects.all())
        transaction.savepoint_rollback(sid)


@hsettings(max_examples=15, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(1, 6_000_000), min_size=1, max_size=10))
def test_property_the_cluster_cap_is_never_exceeded(city, users, amounts):
    with transaction.atomic():
        sid = transaction.savepoint()
        for i, amt in enumerate(amounts):
            award = make_award(city["abcd"[i % 4]], amt, policy="cluster_platform",
                               tier="reviewed_platform", year=2021 + i)
            try:
                ledger.approve(award.pk, users["reviewer"])
            except Refused as exc:
                assert "集群" in str(exc)
        assert budgets._sum(LedgerEntry.objects.filter(cluster_code="high_end_equipment")) <= 20_000_000
        transaction.savepoint_rollback(sid)
