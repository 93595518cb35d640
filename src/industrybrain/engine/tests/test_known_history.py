"""Known history (issue 9, defect 1): inside the span the data cover an enterprise — from its
founding year or the site-wide first year of the data, whichever is later — a year without
a row is unknown, exactly like a row holding a null. Every history function follows it, on
DuckDB and on Spark, and the explanation names the missing years."""

from industrybrain.engine import evaluate, load_pack

from .firms import FULL_SCORE, YI, firm, rows, tables

PACK = load_pack("changzhou_2022")


def _dengfeng(backend, *firms, data_since=2017):
    return rows(evaluate(PACK, 2022, *tables(*firms), explain="all", backend=backend,
                         data_since=data_since), "dengfeng")


def test_a_year_without_a_row_is_unknown_not_below_the_threshold(backend):
    # Before: revenue on record for 2017, 2018 and 2022 (105亿元) was proposed 200万元.
    got = _dengfeng(backend, firm(1, figures={2017: {"revenue": 60 * YI},
                                              2018: {"revenue": 70 * YI},
                                              2022: {"revenue": 105 * YI, **FULL_SCORE}}))[1]
    assert got["status"] == "insufficient_data" and got["amount_yuan"] is None
    assert "缺少2019–2021年营业收入" in got["explanation_zh"]
    assert "revenue for 2019–2021" in got["explanation_en"]


def test_an_enterprise_whose_only_record_is_this_year_is_not_a_first_timer(backend):
    got = _dengfeng(backend, firm(1, figures={2022: {"revenue": 105 * YI, **FULL_SCORE}}))[1]
    assert got["status"] == "insufficient_data"
    assert "缺少2017–2021年营业收入" in got["explanation_zh"]


def test_holes_that_do_not_run_on_are_listed_one_by_one(backend):
    got = _dengfeng(backend, firm(1, figures={2018: {"revenue": 60 * YI},
                                              2020: {"revenue": 80 * YI},
                                              2022: {"revenue": 105 * YI, **FULL_SCORE}}))[1]
    assert "缺少2017、2019、2021年营业收入" in got["explanation_zh"]
    assert "revenue for 2017, 2019, 2021" in got["explanation_en"]


def test_history_starts_at_founding_when_the_firm_is_younger_than_the_data(backend):
    young = firm(1, founded=2020, figures={2020: {"revenue": 50 * YI}, 2021: {"revenue": 90 * YI},
                                           2022: {"revenue": 105 * YI, **FULL_SCORE}})
    founded_this_year = firm(2, founded=2022, figures={2022: {"revenue": 105 * YI, **FULL_SCORE}})
    got = _dengfeng(backend, young, founded_this_year)
    assert (got[1]["status"], got[1]["amount_yuan"]) == ("eligible", 2_000_000)
    assert (got[2]["status"], got[2]["amount_yuan"]) == ("eligible", 2_000_000)


def test_history_starts_at_data_since_when_the_firm_is_older(backend):
    complete = firm(1, founded=1995, figures={y: {"revenue": 90 * YI} for y in range(2017, 2022)}
                    | {2022: {"revenue": 105 * YI, **FULL_SCORE}})
    got = _dengfeng(backend, complete)[1]
    assert got["status"] == "eligible"
    # The same data read with an earlier "data since": 2015 and 2016 are now missing.
    got = _dengfeng(backend, complete, data_since=2015)[1]
    assert got["status"] == "insufficient_data" and "缺少2015–2016年营业收入" in got["explanation_zh"]


def test_without_data_since_or_founding_date_the_history_is_never_complete(backend):
    got = _dengfeng(backend, firm(1, founded=None,
                                  figures={2021: {"revenue": 90 * YI},
                                           2022: {"revenue": 105 * YI, **FULL_SCORE}}),
                    data_since=None)[1]
    assert got["status"] == "insufficient_data"
    assert "成立日期不详" in got["explanation_zh"] and "founding date unknown" in got["explanation_en"]


def test_a_known_earlier_value_above_the_threshold_still_counts_outside_the_span(backend):
    # 2015 is before the data's first year, but a row that exists is a known fact.
    got = _dengfeng(backend, firm(1, figures={2015: {"revenue": 120 * YI},
                                              2022: {"revenue": 130 * YI, **FULL_SCORE}}))[1]
    assert got["status"] == "not_eligible" and "往年最高营业收入=120亿元" in got["explanation_zh"]


def test_first_time_above_scale_needs_every_year_of_the_span(backend):
    # The same defect for 新评定规上: only a 2022 row, above scale, must not pay.
    only_now = firm(1, figures={2021: {"local_contribution": 10 * 10**4},
                                2022: {"above_scale": True, "local_contribution": 50 * 10**4}})
    known = firm(2, founded=2021, figures={2021: {"above_scale": False,
                                                  "local_contribution": 10 * 10**4},
                                           2022: {"above_scale": True,
                                                  "local_contribution": 50 * 10**4}})
    got = rows(evaluate(PACK, 2022, *tables(only_now, known), explain="all", backend=backend,
                        data_since=2017), "above_scale_award")
    assert got[1]["status"] == "insufficient_data"
    assert "缺少2017–2021年规模以上企业" in got[1]["explanation_zh"]
    assert (got[2]["status"], got[2]["amount_yuan"]) == ("eligible", 100_000)


def test_prev_and_increase_name_last_year_when_it_is_missing(backend):
    got = rows(evaluate(PACK, 2022, *tables(firm(1, founded=2021, figures={
        2021: {"above_scale": False},
        2022: {"above_scale": True, "local_contribution": 50 * 10**4}})),
        explain="all", backend=backend, data_since=2017), "above_scale_award")[1]
    assert got["status"] == "amount_pending" and "需补充2021年地方贡献" in got["explanation_zh"]
    assert "local fiscal contribution for 2021" in got["explanation_en"]
