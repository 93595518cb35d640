"""Invalid packs: one fixture per error, each checked to name the file, the line and the key."""

import textwrap

import pytest

from industrybrain.engine import PackError, load_pack

PACK_YAML = "id: t\nversion: '1'\ntitle_zh: 测试\ntitle_en: Test\n"
ASSUMPTIONS = textwrap.dedent("""\
    - id: share
      value: 50%
      question_zh: 比例？
      reason: test
    """)
GOOD = textwrap.dedent("""\
    id: p
    title_zh: 测试政策
    title_en: Test policy
    category: reward
    citation: {seed: 004_c12720918cdcb871.txt, quote: "最高不超过10万元"}
    effective: {from: 2022-01-01}
    assumptions: [share]
    eligibility: is_manufacturing
    tiers:
      - {id: t1, label_zh: 一档, label_en: tier one, when: revenue > 100亿元, cap: 10万元}
    amount: cap * share
    """)


def make_pack(tmp_path, policy: str, assumptions: str = ASSUMPTIONS, name: str = "p"):
    (tmp_path / "policies").mkdir(exist_ok=True)
    (tmp_path / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    (tmp_path / "assumptions.yaml").write_text(assumptions, encoding="utf-8")
    (tmp_path / "policies" / f"{name}.yaml").write_text(policy, encoding="utf-8")
    return tmp_path


def test_the_good_fixture_loads(tmp_path):
    pack = load_pack(make_pack(tmp_path, GOOD))
    assert pack.policy("p").tiers[0].cap == 100_000


# (replace this line of GOOD, with this one) -> (line, key, words of the message)
HOSTILE = [
    ("eligibility: is_manufacturing", 'eligibility: __import__("os")',
     8, "eligibility", "'__' are not allowed"),
    ("eligibility: is_manufacturing", "eligibility: is_manufactoring",
     8, "eligibility", "did you mean 'is_manufacturing'"),
    ("when: revenue > 100亿元", "when: revenue > 100亿圆", 10, "tiers[0].when", "unknown unit"),
    ("when: revenue > 100亿元", "when: revenue > 100", 10, "tiers[0].when", "add a unit"),
    ("cap: 10万元}", "cap: 10.5元}", 10, "tiers[0].cap", "whole number"),
    ("cap: 10万元}", "cap: revenue}", 10, "tiers[0].cap", "constant amount"),
    ("amount: cap * share", "amount: cap * shares", 11, "amount", "unknown name 'shares'"),
    ("amount: cap * share", "amount: cap > 1元", 11, "amount", "expected money"),
    ("assumptions: [share]", "assumptions: [sharing]", 7, "assumptions[0]",
     "unknown assumption 'sharing'"),
    ("category: reward", "category: bribe", 4, "category", "category must be one of"),
    ("category: reward", "categroy: reward", 4, "categroy", "did you mean 'category'"),
    ("id: p", "id: q", 1, "id", "must equal the file name"),
    ("effective: {from: 2022-01-01}", "effective: {from: 2022-13-01}", 6, "effective.from",
     "not a date"),
    ("eligibility: is_manufacturing", "eligibility: is_manufacturing and (", 8, "eligibility",
     "unexpected end of expression"),
    ("eligibility: is_manufacturing", "eligibility: revenue", 8, "eligibility", "expected bool"),
    ("eligibility: is_manufacturing", "eligibility: holds(unicorns)", 8, "eligibility",
     "unknown designation code"),
    ("citation: {seed: 004_c12720918cdcb871.txt, quote: \"最高不超过10万元\"}", "", 1, "citation",
     "missing citation"),
    ("eligibility: is_manufacturing", "eligibility: a\nlet: {a: b, b: a}", 9, "let.a",
     "cycle in let definitions"),
    ("eligibility: is_manufacturing", "eligibility: [1, 2", 9, "", "YAML"),
]


@pytest.mark.parametrize("old, new, line, key, words", HOSTILE,
                         ids=[h[4] for h in HOSTILE])
def test_hostile_policy(tmp_path, old, new, line, key, words):
    assert old in GOOD
    policy = GOOD.replace(old, new)
    with pytest.raises(PackError) as info:
        load_pack(make_pack(tmp_path, policy))
    err = info.value
    assert err.file == "policies/p.yaml", str(err)
    assert err.line == line, str(err)
    assert err.key == key, str(err)
    assert words in err.message, str(err)
    assert str(err).startswith(f"policies/p.yaml:{line}")


def test_expression_column_points_into_the_file(tmp_path):
    policy = GOOD.replace("eligibility: is_manufacturing", "eligibility: is_listed or revenu > 1元")
    with pytest.raises(PackError) as info:
        load_pack(make_pack(tmp_path, policy))
    # "eligibility: " is 13 characters; "revenu" starts at column 14 + 13 = 27.
    assert (info.value.line, info.value.column) == (8, 27)


def test_unknown_assumption_used_but_not_listed(tmp_path):
    policy = GOOD.replace("assumptions: [share]\n", "").replace("amount: cap * share",
                                                                   "amount: cap * share ")
    with pytest.raises(PackError, match="not listed under `assumptions:`") as info:
        load_pack(make_pack(tmp_path, policy))
    assert info.value.key == "amount"


def test_hostile_assumptions_file(tmp_path):
    bad = ASSUMPTIONS.replace("value: 50%", "value: __import__('os')")
    with pytest.raises(PackError) as info:
        load_pack(make_pack(tmp_path, GOOD, assumptions=bad))
    assert (info.value.file, info.value.line, info.value.key) == (
        "assumptions.yaml", 2, "[0].value")


def test_yaml_python_tags_are_refused(tmp_path):
    policy = GOOD.replace("title_en: Test policy", "title_en: !!python/object/apply:os.system [ls]")
    with pytest.raises(PackError) as info:
        load_pack(make_pack(tmp_path, policy))
    assert info.value.line == 3


def test_not_a_pack_name():
    with pytest.raises(PackError):
        load_pack("../../etc")


def test_unknown_budget_line(tmp_path):
    make_pack(tmp_path, GOOD.replace("assumptions: [share]", "budget_line: nowhere\n"
                                     "assumptions: [share]"))
    (tmp_path / "pack.yaml").write_text(PACK_YAML + "budget_lines: [{id: policy_funds}]\n",
                                        encoding="utf-8")
    with pytest.raises(PackError, match="unknown budget line 'nowhere'") as info:
        load_pack(tmp_path)
    assert (info.value.file, info.value.line, info.value.key) == (
        "policies/p.yaml", 7, "budget_line")


def test_funding_must_be_exact_yuan(tmp_path):
    make_pack(tmp_path, GOOD)
    (tmp_path / "pack.yaml").write_text(
        PACK_YAML + "funding:\n  - {id: f, amount_yuan: 1.5e10, citation: {seed: a, quote: b}}\n",
        encoding="utf-8")
    with pytest.raises(PackError, match="whole number of 元") as info:
        load_pack(tmp_path)
    assert (info.value.file, info.value.line, info.value.key) == (
        "pack.yaml", 6, "funding[0].amount_yuan")


def test_error_in_a_block_scalar_names_the_line(tmp_path):
    policy = GOOD.replace("eligibility: is_manufacturing",
                          "eligibility: >-\n  is_manufacturing\n  and revenu > 1元")
    with pytest.raises(PackError, match="unknown name 'revenu'") as info:
        load_pack(make_pack(tmp_path, policy))
    assert (info.value.line, info.value.key) == (9, "eligibility")
