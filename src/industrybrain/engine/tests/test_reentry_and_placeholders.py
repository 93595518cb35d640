"""Issue 9, defect 5: the "新入选" re-entry reading is a named assumption with a switch, both
readings implemented; every number the articles do not give is a placeholder."""

from datetime import date

import pytest

from industrybrain.engine import evaluate, load_pack

from .firms import firm, rows, tables

PACK = load_pack("changzhou_2022")
READINGS = {r: PACK.with_assumptions(list_reentry_rule=r)
            for r in ("first_time_ever", "entered_this_year")}


def _leading(reading, backend, *firms):
    return rows(evaluate(READINGS[reading], 2022, *tables(*firms), explain="all",
                         backend=backend, data_since=2017), "leading_enterprise")


RETURNS = firm(1, designations=[  # on the list in 2019, off in 2020-2021, back in 2022
    {"code": "china_top_500", "granted_on": date(2019, 9, 1), "expires_on": date(2020, 8, 31)},
    {"code": "china_top_500", "granted_on": date(2022, 9, 1), "expires_on": date(2023, 8, 31)}])
FIRST = firm(2, designations=[
    {"code": "china_top_500", "granted_on": date(2022, 9, 1), "expires_on": date(2023, 8, 31)}])
STAYS = firm(3, designations=[  # on the list in 2021 and again in 2022: not new either way
    {"code": "china_top_500", "granted_on": date(2021, 9, 1), "expires_on": date(2022, 8, 31)},
    {"code": "china_top_500", "granted_on": date(2022, 9, 1), "expires_on": date(2023, 8, 31)}])


@pytest.mark.parametrize("reading, returns_paid", [("first_time_ever", False),
                                                   ("entered_this_year", True)])
def test_both_readings_of_a_return_to_a_500_list(backend, reading, returns_paid):
    got = _leading(reading, backend, RETURNS, FIRST, STAYS)
    assert (got[1]["status"] == "eligible") is returns_paid
    if returns_paid:
        assert (got[1]["tier"], got[1]["amount_yuan"]) == ("china_top_500", 10_000_000)
        assert "上年不在其中" in got[1]["explanation_zh"]
    # A first entry is paid and a firm that stays on is not, whichever the reading.
    assert (got[2]["status"], got[2]["amount_yuan"]) == ("eligible", 10_000_000)
    assert got[3]["status"] == "not_eligible"


def test_the_reentry_reading_is_an_assumption_with_a_default_and_both_choices():
    a = PACK.assumptions["list_reentry_rule"]
    assert a.text == "first_time_ever" and set(a.choices) == {"first_time_ever",
                                                              "entered_this_year"}
    assert a.citations and "list_reentry_rule" in PACK.policy("leading_enterprise").assumptions
    assert "新入选" in a.question_zh


INVENTED = ["dengfeng_weight_tech", "dengfeng_weight_green", "dengfeng_weight_output",
            "dengfeng_rd_benchmark", "dengfeng_energy_benchmark", "dengfeng_output_benchmark",
            "score_step", "quality_award_amount", "industry_award_amount",
            "sci_tech_award_match_amount", "tech_center_commendation_amount",
            "smart_project_threshold", "smart_project_rate", "smart_project_cap"]


@pytest.mark.parametrize("aid", INVENTED)
def test_every_number_the_articles_do_not_give_is_a_placeholder(aid):
    assert PACK.assumptions[aid].placeholder, aid


def test_readings_and_article_figures_are_not_placeholders():
    for aid in ("ceiling_share", "dengfeng_tier_jump", "list_reentry_rule",
                "above_scale_newly_rule"):
        assert not PACK.assumptions[aid].placeholder, aid


def test_the_pack_says_which_policies_depend_on_a_placeholder():
    assert {a.id for a in PACK.placeholders("dengfeng")} >= {
        "dengfeng_weight_tech", "dengfeng_rd_benchmark", "score_step"}
    assert PACK.placeholders("leading_enterprise") == ()


def test_the_three_missing_measures_are_in_the_pack_with_their_quotes():
    # Verbatim against the seeds: tests/test_citations.py walks every YAML file.
    expected = {
        "traditional_smart_transform_support": ("000_37e317c3dbe3cd4b.txt",
                                                "综合应用贷款贴息、征信支持、标杆化示范、平台支撑等方式"),
        "preferential_credit_products": ("002_6c68dd992646a33b.txt",
                                         "引导银行业金融机构设立优惠定价信贷产品"),
    }
    for pid, (seed, quote) in expected.items():
        c = PACK.policy(pid).citations[0]
        assert c.seed == seed and quote in c.quote
    principle = PACK.meta["principles"][0]
    assert "按照第一时间、顶格优惠原则" in principle["citation"]["quote"]
    assert principle["applied_by"] == ["ceiling_share"]
    cites = [c.quote for c in PACK.assumptions["ceiling_share"].citations]
    assert "按照第一时间、顶格优惠原则" in cites
