"""Every policy's own YAML test cases (packs/<pack>/tests/*.yaml), one pytest item each."""

import pytest

from industrybrain.engine import load_pack
from industrybrain.engine.casetests import case_failures, case_key

PACK = load_pack("changzhou_2022")


@pytest.fixture(scope="module")
def failures():
    # One evaluation per year for all cases: a DuckDB run per case would be 50x slower.
    return case_failures(PACK)


@pytest.mark.parametrize("case", PACK.cases, ids=lambda c: f"{c.policy}:{c.name}")
def test_policy_case(case, failures):
    assert failures[case_key(case)] == []


def test_every_evaluated_reward_has_cases():
    covered = {c.policy for c in PACK.cases}
    missing = [p.id for p in PACK.policies if p.has_rule and p.tiers and p.id not in covered]
    assert missing == []


def test_pack_shape():
    assert PACK.id == "changzhou_2022"
    assert len(PACK.policies) >= 30
    funding = {f["id"]: f["amount_yuan"] for f in PACK.meta["funding"]}
    assert funding["yearly_policy_funds"] == 100 * 10**8
    assert funding["fyp_policy_fund"] == 500 * 10**8
    categories = {p.category for p in PACK.policies}
    assert categories == {"reward", "financing", "service", "recognition", "talent", "programme"}
    for a in PACK.assumptions.values():
        assert a.reason.strip() and a.question_zh.strip()


def test_the_other_reading_of_newly_above_scale_pays_re_entrants():
    from industrybrain.engine.model import Case

    case = next(c for c in PACK.cases if c.name.startswith("已于2020年规上"))
    assert case_failures(PACK, [case])[case_key(case)] == []  # default: not eligible
    reform = PACK.with_assumptions(above_scale_newly_rule="entered_this_year")
    paid = Case(case.name, case.policy, case.year, case.enterprise, case.figures,
                case.designations, {"status": "eligible", "amount_yuan": 100_000},
                case.file, case.line)
    assert case_failures(reform, [paid])[case_key(paid)] == []
