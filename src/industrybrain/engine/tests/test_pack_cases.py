"""Every policy's own YAML test cases (packs/<pack>/tests/*.yaml), one pytest item each."""

import pytest

from industrybrain.engine import load_pack
from industrybrain.engine.casetests import run_cases

PACK = load_pack("changzhou_2022")


@pytest.mark.parametrize("case", PACK.cases, ids=lambda c: f"{c.policy}:{c.name}")
def test_policy_case(case):
    assert run_cases(PACK, [case]) == []


def test_every_evaluated_reward_has_cases():
    covered = {c.policy for c in PACK.cases}
    missing = [p.id for p in PACK.policies if p.evaluated and p.tiers and p.id not in covered]
    assert missing == []
