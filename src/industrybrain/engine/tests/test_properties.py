"""Property tests (hypothesis) over the Changzhou pack."""

from collections import Counter

import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrybrain.engine import evaluate, load_pack
from industrybrain.engine.model import Case
from industrybrain.engine.testcases import case_tables

from .synthetic import snapshot

PACK = load_pack("changzhou_2022")
YI = 100_000_000
TIER_RANK = {None: 0, "over_100yi": 1, "over_500yi": 2, "over_1000yi": 3}
FIRST_TIME = ["dengfeng", "leading_enterprise", "specialised_award", "above_scale_award",
              "quality_award_bonus", "sci_tech_award_match", "tech_center_commendation"]
# Each example is a whole DuckDB evaluation over a batch of enterprises, so few examples
# still cover many enterprises; the engine test run stays under a minute.
FAST = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

revenue = st.integers(min_value=0, max_value=1500 * YI)
history = st.lists(st.one_of(st.none(), revenue), max_size=4)


def _case(i: int, past: list, current: int) -> Case:
    figures = {2021 - k: {"revenue": v} for k, v in enumerate(reversed(past))}
    # The three score inputs are known and fixed, so only revenue differs.
    figures[2022] = {"revenue": current, "rd_spending": 3 * YI, "energy_tce": 1000.0,
                     "local_contribution": 2 * YI}
    return Case(f"c{i}", "dengfeng", 2022, {}, figures, (), {}, "", 0)


@FAST
@given(st.lists(st.tuples(history, revenue, revenue), min_size=1, max_size=30))
def test_higher_revenue_never_gets_a_lower_dengfeng_tier(examples):
    cases = []
    for i, (past, a, b) in enumerate(examples):
        low, high = sorted((a, b))
        cases += [_case(2 * i, past, low), _case(2 * i + 1, past, high)]
    result = evaluate(PACK, 2022, *case_tables(cases), explain="none")
    rows = {r["enterprise_id"]: r for r in result.to_pylist() if r["policy_id"] == "dengfeng"}
    for i in range(len(examples)):
        low, high = rows[2 * i + 1], rows[2 * i + 2]
        if low["status"] == "eligible" and high["status"] == "eligible":
            assert TIER_RANK[high["tier"]] >= TIER_RANK[low["tier"]], (low, high)
        if low["status"] == "eligible":
            # Whatever tier the lower revenue reached, the higher one reaches it too.
            assert high["status"] != "not_eligible", (low, high)


def _caps(policy_id: str, tier: str) -> int:
    policy = PACK.policy(policy_id)
    caps = {t.id: t.cap for t in policy.tiers}
    return sum(caps[t] for t in tier.split("+"))


@FAST
@given(st.integers(min_value=0, max_value=2**31), st.sampled_from([0.0, 0.02, 0.3]))
def test_no_amount_above_its_cap(seed, missing):
    result = evaluate(PACK, 2022, *snapshot(400, seed=seed, missing=missing), explain="none")
    paid = result.filter(pc.is_valid(result["amount_yuan"])).to_pylist()
    for row in paid:
        assert row["status"] == "eligible"
        assert 0 <= row["amount_yuan"] <= _caps(row["policy_id"], row["tier"]), row
    # Nothing but eligible rows carries an amount.
    unpaid = result.filter(pc.not_equal(result["status"], "eligible"))
    assert unpaid["amount_yuan"].null_count == unpaid.num_rows


VARIANTS = {jump: PACK.with_assumptions(dengfeng_tier_jump=jump, leading_multiple_lists=jump,
                                        specialised_multiple=jump)
            for jump in ("highest", "all")}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**31), st.sampled_from(["highest", "all"]))
def test_first_time_award_never_proposed_twice(seed, jump):
    pack = VARIANTS[jump]
    tables = snapshot(1000, years=range(2016, 2026), seed=seed)
    seen: Counter = Counter()
    for year in range(2022, 2026):
        result = evaluate(pack, year, *tables, explain="none")
        for row in result.filter(pc.equal(result["status"], "eligible")).to_pylist():
            if row["policy_id"] in FIRST_TIME:
                for tier in row["tier"].split("+"):
                    seen[(row["enterprise_id"], row["policy_id"], tier)] += 1
    assert seen, "the synthetic city should produce some first-time awards"
    assert max(seen.values()) == 1, [k for k, n in seen.items() if n > 1][:5]
