"""Issue 9, defects 4 and 6: "qualifies, amount not yet known" has its own status and says
which figures to collect; at exactly a threshold the explanation says the value equals it
and that 超 means strictly more (never "还差 0元")."""

import pytest

from industrybrain.engine import evaluate, load_pack

from .firms import FULL_SCORE, YI, firm, rows, tables

PACK = load_pack("changzhou_2022")


def _dengfeng(backend, *firms):
    return rows(evaluate(PACK, 2022, *tables(*firms), explain="all", backend=backend,
                         data_since=2017), "dengfeng")


@pytest.mark.parametrize("drop, zh, en", [
    (["rd_spending"], "需补充2022年研发投入，", "collect R&D spending for 2022,"),
    (["rd_spending", "energy_tce", "local_contribution"],
     "需补充2022年研发投入、2022年综合能耗（吨标准煤）、2022年地方贡献，",
     "collect R&D spending for 2022, energy use (tce) for 2022, local fiscal contribution "
     "for 2022,"),
])
def test_first_over_100yi_without_the_score_figures_is_amount_pending(backend, drop, zh, en):
    now = {"revenue": 105 * YI, **{k: v for k, v in FULL_SCORE.items() if k not in drop}}
    got = _dengfeng(backend, firm(1, founded=2021, figures={2021: {"revenue": 90 * YI},
                                                           2022: now}))[1]
    assert (got["status"], got["tier"], got["amount_yuan"]) == ("amount_pending", "over_100yi",
                                                                 None)
    assert "达到「营业收入首次超100亿元」" in got["explanation_zh"] and zh in got["explanation_zh"]
    assert en in got["explanation_en"]
    # Only the missing figures are listed, not revenue, which is known.
    assert "营业收入、" not in got["explanation_zh"].split("需补充")[1]


def test_unknown_revenue_history_stays_insufficient_not_pending(backend):
    got = _dengfeng(backend, firm(1, figures={2022: {"revenue": 105 * YI}}))[1]
    assert got["status"] == "insufficient_data" and got["tier"] is None


@pytest.mark.parametrize("revenue, tier", [(100 * YI, "100亿元"), (500 * YI, "500亿元")])
def test_exactly_at_the_threshold_says_equal_and_strictly_more(backend, revenue, tier):
    got = _dengfeng(backend, firm(1, founded=2021, figures={
        2021: {"revenue": 90 * YI}, 2022: {"revenue": revenue, **FULL_SCORE}}))[1]
    zh, en = got["explanation_zh"], got["explanation_en"]
    if revenue == 100 * YI:
        assert got["status"] == "not_eligible"
        assert f"营业收入恰为 {tier}，与门槛相等；「超」须严格大于 {tier}" in zh
        assert "还差 0" not in zh and "equals CNY 10 bn, the threshold" in en
        assert "strictly more" in en
    else:  # 500亿元 exactly: the 100亿元 tier is reached, 500亿元 is not
        assert got["status"] == "eligible" and got["tier"] == "over_100yi"


def test_one_yuan_above_the_threshold_is_above_it(backend):
    got = _dengfeng(backend, firm(1, founded=2021, figures={
        2021: {"revenue": 90 * YI}, 2022: {"revenue": 100 * YI + 1, **FULL_SCORE}}))[1]
    assert got["status"] == "eligible" and got["amount_yuan"] == 2_000_000
