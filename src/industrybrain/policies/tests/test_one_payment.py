"""One payment per enterprise, policy and year across runs and applications (issue 9.3).

The reported case: 培育"领军企业" 2022 paid 500万元 by the batch run (tier
china_manufacturing_500), then an application for the same policy and year approved for
300万元 — both were in the ledger. Now the database holds one award per enterprise, policy
and year (its slot), the application is refused with the existing award named, the run
never proposes what an application holds, and the reviewer sees the other awards.
"""

import datetime as dt

import pyarrow as pa
import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from industrybrain.policies import applications, catalogue, jobs, ledger, runs, snapshot
from industrybrain.policies.budgets import Refused
from industrybrain.policies.models import Application, Award, LedgerEntry, Run

pytestmark = pytest.mark.django_db
WAN = 10_000


@pytest.fixture
def newly_listed(city, settings):
    """A enters the China Top 500 Manufacturers in 2022: the run proposes 500万元."""
    from industrybrain.enterprises.models import Designation, DesignationType

    settings.IB_JOBS = "inline"
    Designation.objects.create(
        enterprise=city["a"], type=DesignationType.objects.get(code="china_manufacturing_500"),
        granted_on=dt.date(2022, 9, 1), expires_on=dt.date(2023, 8, 31))
    return city


def _run():
    run = runs.start(2022)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def _apply(users, enterprise, policy="leading_enterprise"):
    return applications.submit(users["owner_a"], enterprise.pk, policy, 2022, "新入选榜单", [])


def test_reported_case_batch_paid_then_application_is_refused_naming_the_award(newly_listed, users):
    _run()
    award = Award.objects.get(enterprise=newly_listed["a"], policy_id="leading_enterprise")
    assert (award.tier, award.amount_yuan) == ("china_manufacturing_500", 500 * WAN)
    assert ledger.approve(award.pk, users["reviewer"]) == "paid"
    with pytest.raises(Refused, match=f"#{award.pk}.*已拨付"):
        _apply(users, newly_listed["a"])
    assert list(LedgerEntry.objects.values_list("amount_yuan", flat=True)) == [500 * WAN]


def test_application_pending_before_the_run_cannot_be_approved_beside_it(newly_listed, users):
    app = _apply(users, newly_listed["a"])  # applied before the batch found it
    run = _run()
    assert run.counts["created"] >= 1
    award = Award.objects.get(enterprise=newly_listed["a"], policy_id="leading_enterprise")
    ledger.approve(award.pk, users["reviewer"])
    with pytest.raises(Refused, match=f"#{award.pk}"):
        applications.decide(app.pk, users["admin"], True, 300 * WAN, "核定")
    assert LedgerEntry.objects.count() == 1
    assert Application.objects.get(pk=app.pk).status == "submitted"  # still to be answered


def test_an_approved_application_holds_the_year_and_the_run_leaves_it_alone(newly_listed, users):
    app = _apply(users, newly_listed["a"])
    assert applications.decide(app.pk, users["reviewer"], True, 300 * WAN, "核定") == "paid"
    run = _run()  # issue 10.2: this run used to fail at "store 50%" with an IntegrityError
    assert run.counts["kept_application"] == 1
    held = Award.objects.get(enterprise=newly_listed["a"], policy_id="leading_enterprise")
    assert held.source == "application" and held.amount_yuan == 300 * WAN
    assert list(LedgerEntry.objects.values_list("amount_yuan", flat=True)) == [300 * WAN]
    _run()  # and again: still one award, one payment
    assert Award.objects.filter(policy_id="leading_enterprise").count() == 1


def test_an_application_takes_over_an_award_the_run_could_not_price(year2022, users, settings):
    # B's dengfeng qualifies but its amount is pending (its R&D is unknown): the enterprise
    # brings evidence.
    _run()
    b = Award.objects.get(enterprise=year2022["b"], policy_id="dengfeng")
    assert b.status == "amount_pending"
    app = _apply(users, year2022["b"], "dengfeng")
    assert applications.decide(app.pk, users["reviewer"], True, 150 * WAN, "补充研发数据") == "paid"
    b.refresh_from_db()
    assert (b.source, b.status, b.amount_yuan) == ("application", "paid", 150 * WAN)
    assert Award.objects.filter(enterprise=year2022["b"], policy_id="dengfeng").count() == 1
    assert _run().counts["kept_application"] == 1


def test_the_database_refuses_a_second_award_and_a_second_payment_of_a_year(city, users):
    kw = dict(enterprise=city["a"], policy_id="leading_enterprise", year=2022,
              budget_line="policy_funds", pack_id="changzhou_2022")
    first = Award.objects.create(tier="china_manufacturing_500", amount_yuan=500 * WAN, **kw)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(tier="", source="application", amount_yuan=300 * WAN, **kw)
    ledger.approve(first.pk, users["reviewer"])
    other = Award.objects.create(enterprise=city["a"], policy_id="leading_enterprise", year=2023,
                                 tier="", amount_yuan=1, budget_line="policy_funds")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(award=other, enterprise=city["a"],
                                   policy_id="leading_enterprise", year=2022, tier="",
                                   amount_yuan=300 * WAN, budget_line="policy_funds",
                                   approver=users["admin"])


def test_the_key_follows_the_pack_when_tiers_add_up():
    pack = catalogue.pack()
    dengfeng, leading = pack.policy("dengfeng"), pack.policy("leading_enterprise")
    assert catalogue.slot(dengfeng, "over_100yi") == "" == catalogue.slot(leading, "china_top_500")
    every = pack.with_assumptions(dengfeng_tier_jump="all", leading_multiple_lists="all")
    assert catalogue.slot(every.policy("dengfeng"), "over_500yi+over_100yi") == "over_500yi+over_100yi"
    assert catalogue.slot(every.policy("leading_enterprise"), "china_top_500") == "china_top_500"
    # A policy with one tier is paid once a year whatever the assumption.
    assert catalogue.slot(pack.policy("quality_award_bonus"), "") == ""


def test_cumulative_tiers_store_their_own_slot(city):
    every = catalogue.pack().with_assumptions(leading_multiple_lists="all")
    run = Run.objects.create(pack_id="changzhou_2022", year=2022, status="done")
    runs.store(run, every, _result([{"enterprise_id": city["a"].pk, "policy_id": "leading_enterprise",
                                     "tier": "china_top_500+china_private_500",
                                     "amount_yuan": 1200 * WAN}]), snapshot.take())
    assert Award.objects.get(policy_id="leading_enterprise").slot == "china_top_500+china_private_500"


def test_the_reviewer_sees_every_other_award_under_the_policy(newly_listed, users, client_as):
    app = _apply(users, newly_listed["a"], "quality_award_bonus")
    old = Award.objects.create(enterprise=newly_listed["a"], policy_id="leading_enterprise",
                               year=2021, tier="china_private_500", amount_yuan=200 * WAN,
                               budget_line="policy_funds", status="paid")
    _run()
    award = Award.objects.get(enterprise=newly_listed["a"], policy_id="leading_enterprise",
                              year=2022)
    page = client_as("reviewer").get(f"/policies/awards/{award.pk}/").content.decode()
    assert "该企业在此政策下的其他奖励" in page and f"/policies/awards/{old.pk}/" in page
    confirm = client_as("reviewer").post("/policies/review/approve/", {"award": [award.pk]})
    assert f"/policies/awards/{old.pk}/" in confirm.content.decode()
    page = client_as("reviewer").get(f"/policies/applications/{app.pk}/").content.decode()
    assert "该企业在此政策下的其他奖励" not in page  # none under 质量奖 yet
    quality = Award.objects.create(enterprise=newly_listed["a"], policy_id="quality_award_bonus",
                                   year=2021, amount_yuan=100 * WAN, budget_line="policy_funds")
    page = client_as("reviewer").get(f"/policies/applications/{app.pk}/").content.decode()
    assert f"/policies/awards/{quality.pk}/" in page


def _result(rows):
    from industrybrain.engine.backends.duckdb import RESULT_SCHEMA

    full = [{"year": 2022, "status": "eligible", "tier": None, "amount_yuan": None,
             "cap_bound": False, "explanation_zh": "说明", "explanation_en": "why",
             "inputs": "{}", **r} for r in rows]
    return pa.Table.from_pylist(full, schema=RESULT_SCHEMA)


# --- the law: over any interleaving, paid <= what the policy allows per enterprise and year --

LEADING = catalogue.pack().policy("leading_enterprise")
TIERS = [t.id for t in LEADING.tiers]
CAP = {t.id: t.cap for t in LEADING.tiers}

op = st.one_of(
    st.tuples(st.just("run"), st.lists(st.tuples(st.integers(0, 2), st.sampled_from(TIERS)),
                                       max_size=3)),
    st.tuples(st.just("apply"), st.integers(0, 2)),
    st.tuples(st.just("decide"), st.integers(0, 2), st.integers(1, 3000)),
    st.tuples(st.just("approve"), st.integers(0, 5)),
    st.tuples(st.just("reject"), st.integers(0, 5)),
)


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_property_paid_never_exceeds_what_the_policy_allows(city, users, ops):
    es = [city["a"], city["b"], city["c"]]
    reviewers = [users["reviewer"], users["admin"]]
    with transaction.atomic():
        sid = transaction.savepoint()
        for n, o in enumerate(ops):
            try:
                if o[0] == "run":
                    run = Run.objects.create(pack_id="changzhou_2022", year=2022, status="done")
                    rows = {e: t for e, t in o[1]}  # the engine gives one row per enterprise
                    runs.store(run, catalogue.pack(), _result([
                        {"enterprise_id": es[e].pk, "policy_id": "leading_enterprise",
                         "tier": t, "amount_yuan": CAP[t]} for e, t in rows.items()]),
                        snapshot.take())
                elif o[0] == "apply":
                    applications.submit(users["owner_a"], es[o[1]].pk, "leading_enterprise",
                                        2022, "申请", [])
                elif o[0] == "decide":
                    app = Application.objects.filter(enterprise=es[o[1]]).first()
                    if app:
                        applications.decide(app.pk, reviewers[n % 2], True, o[2] * WAN, "核定")
                else:
                    award = Award.objects.order_by("pk")[o[1]:o[1] + 1].first()
                    if award and o[0] == "approve":
                        ledger.approve(award.pk, reviewers[n % 2])
                    elif award:
                        ledger.reject(award.pk, reviewers[n % 2], "不符合")
            except Refused:
                pass
        for e in es:
            paid = list(LedgerEntry.objects.filter(enterprise=e, policy_id="leading_enterprise",
                                                   year=2022).values_list("amount_yuan", flat=True))
            assert len(paid) <= 1 and sum(paid) <= max(CAP.values())
            assert Award.objects.filter(enterprise=e, policy_id="leading_enterprise",
                                        year=2022).count() <= 1
        transaction.savepoint_rollback(sid)
