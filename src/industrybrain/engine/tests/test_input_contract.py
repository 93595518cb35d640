"""The input contract (issue 9, defect 2): evaluate() and explain_one() check the snapshot
before any SQL. A defect of the whole input raises one InputError naming table, column, key
and value; a bad value of one enterprise gives it invalid_data and never stops the city."""

import math
from decimal import Decimal

import pyarrow as pa
import pytest

from industrybrain.engine import InputError, evaluate, explain_one, load_pack

from .firms import FULL_SCORE, WAN, YI, firm, rows, tables

PACK = load_pack("changzhou_2022")
GOOD = firm(1, founded=2021, figures={2021: {"revenue": 90 * YI},
                                      2022: {"revenue": 105 * YI, **FULL_SCORE}})
OTHER = firm(2, founded=2021, figures={2021: {"revenue": 95 * YI},
                                       2022: {"revenue": 110 * YI, **FULL_SCORE}})


def _raw(*firms):
    return tables(*firms, raw=True)


def _run(ent, fig, des, backend="duckdb", year=2022):
    return evaluate(PACK, year, ent, fig, des, explain="all", backend=backend, data_since=2017)


# --- whole-input defects: one named error -------------------------------------------------

def test_duplicate_enterprise_ids_are_refused_not_paid_twice():
    ent, fig, des = _raw(GOOD, OTHER)
    for k in ent:
        ent[k].append(ent[k][0])
    with pytest.raises(InputError) as err:
        _run(ent, fig, des)
    e = err.value
    assert (e.table, e.column, e.key, e.value) == ("enterprises", "enterprise_id", 1, 1)
    assert "unique" in str(e)


def test_two_figure_rows_for_one_enterprise_and_year_are_refused():
    ent, fig, des = _raw(GOOD)
    for k in fig:
        fig[k].append(fig[k][-1])  # the 2022 row again
    fig["revenue"][-1] = 50 * YI  # ...contradicting the first
    with pytest.raises(InputError) as err:
        _run(ent, fig, des)
    assert (err.value.table, err.value.key) == ("figures", (1, 2022))
    assert "enterprise_id, year" in str(err.value)


@pytest.mark.parametrize("year, why", [("2022", "integer"), (2022.9, "integer"),
                                       (True, "integer"), (2030, "2022–2025"),
                                       (2021, "2022–2025")])
def test_the_year_must_be_an_integer_inside_the_packs_period(year, why):
    with pytest.raises(InputError, match=why) as err:
        _run(*tables(GOOD), year=year)
    assert err.value.column == "year" and err.value.value == year


def test_a_figures_year_that_is_not_a_whole_number_is_refused_by_row():
    ent, fig, des = _raw(GOOD)
    fig["year"] = [2021, 2022.9]
    with pytest.raises(InputError) as err:
        _run(ent, fig, des)
    assert (err.value.table, err.value.column, err.value.value) == ("figures", "year", 2022.9)


def test_a_string_where_a_number_belongs_names_table_column_key_and_value():
    ent, fig, des = _raw(GOOD, OTHER)
    fig["revenue"][1] = "105亿"
    with pytest.raises(InputError) as err:
        _run(ent, fig, des)
    e = err.value
    assert (e.table, e.column, e.key, e.value) == ("figures", "revenue", (1, 2022), "105亿")


def test_an_unknown_designation_code_is_refused_not_ignored():
    from datetime import date

    bad = firm(3, designations=[{"code": "china_top_5000", "granted_on": date(2022, 9, 1)}])
    with pytest.raises(InputError) as err:
        _run(*tables(GOOD, bad))
    assert (err.value.table, err.value.column, err.value.key, err.value.value) == (
        "designations", "code", 3, "china_top_5000")


def test_explain_one_for_an_unknown_enterprise_is_an_error_not_an_empty_list():
    with pytest.raises(InputError, match="no such enterprise") as err:
        explain_one(PACK, 2022, tables(GOOD), enterprise_id=99, data_since=2017)
    assert err.value.key == 99


def test_explain_one_checks_the_whole_input_too():
    ent, fig, des = _raw(GOOD, OTHER)
    for k in ent:
        ent[k].append(ent[k][1])
    with pytest.raises(InputError, match="unique"):
        explain_one(PACK, 2022, (ent, fig, des), enterprise_id=1)


# --- one enterprise's bad value: invalid_data for it, the rest priced -----------------------

BAD_VALUES = [
    ("energy_tce", math.nan, "2022年综合能耗（吨标准煤）不是数字（NaN）", "is not a number"),
    ("energy_tce", math.inf, "2022年综合能耗（吨标准煤）为无穷大", "is infinite"),
    ("energy_tce", -math.inf, "2022年综合能耗（吨标准煤）为无穷大", "is infinite"),
    ("energy_tce", -5.0, "2022年综合能耗（吨标准煤）为负数", "is negative"),
    ("revenue", math.nan, "2022年营业收入不是数字（NaN）", "is not a number"),
    ("revenue", 10**30, "2022年营业收入超出合理范围", "out of range"),
    ("revenue", 105.5 * YI + 0.5, "2022年营业收入应为整数", "not a whole number"),
    ("rd_spending", -1, "2022年研发投入为负数（-1）", "is negative (-1)"),
    ("employees", 10**12, "2022年从业人员超出合理范围", "out of range"),
]


@pytest.mark.parametrize("column, value, zh, en", BAD_VALUES,
                         ids=[f"{c}={v}" for c, v, _, _ in BAD_VALUES])
def test_a_bad_value_marks_its_enterprise_invalid_and_prices_the_rest(backend, column, value,
                                                                      zh, en):
    ent, fig, des = _raw(GOOD, OTHER)
    fig[column][1] = value  # enterprise 1, 2022
    result = _run(ent, fig, des, backend)
    mine = [r for r in result.to_pylist() if r["enterprise_id"] == 1]
    assert mine and {r["status"] for r in mine} == {"invalid_data"}
    assert all(r["amount_yuan"] is None and r["tier"] is None for r in mine)
    assert all(zh in r["explanation_zh"] and en in r["explanation_en"] for r in mine)
    assert mine[0]["inputs"] and column in mine[0]["inputs"]
    # The other enterprise is priced exactly as in a run without the bad one.
    alone = _run(*tables(OTHER), backend=backend)
    others = result.filter(pa.compute.equal(result["enterprise_id"], 2))
    assert others.equals(alone)
    assert rows(alone, "dengfeng")[2]["amount_yuan"] == 2_000_000


def test_a_negative_prior_year_local_contribution_does_not_pay_the_full_cap(backend):
    # Before: 地方贡献 -100万元 in 2021 made the increase look like 150万元 and paid 10万元.
    f = firm(1, founded=2021, figures={2021: {"above_scale": False, "local_contribution": -100 * WAN},
                                       2022: {"above_scale": True, "local_contribution": 50 * WAN}})
    got = rows(evaluate(PACK, 2022, *_raw(f),
                        explain="all", backend=backend, data_since=2017), "above_scale_award")[1]
    assert got["status"] == "invalid_data" and got["amount_yuan"] is None
    assert "2021年地方贡献为负数（-1000000）" in got["explanation_zh"]


def test_a_bad_value_in_a_year_after_the_evaluated_one_is_not_read():
    ent, fig, des = _raw(GOOD)
    for k in fig:
        fig[k].append({"enterprise_id": 1, "year": 2023, "revenue": math.nan}.get(k))
    assert {r["status"] for r in _run(ent, fig, des).to_pylist()} != {"invalid_data"}


def test_a_designation_that_expires_before_it_was_granted_is_a_bad_value():
    from datetime import date

    f = firm(3, designations=[{"code": "china_top_500", "granted_on": date(2022, 9, 1),
                               "expires_on": date(2021, 1, 1)}])
    got = rows(_run(*tables(GOOD, f)), "leading_enterprise")
    assert got[3]["status"] == "invalid_data" and "到期日期早于认定日期" in got[3]["explanation_zh"]
    assert got[1]["status"] != "invalid_data"


def test_decimals_and_integral_floats_are_accepted_as_numbers():
    ent, fig, des = _raw(GOOD)
    fig["revenue"] = [Decimal(90 * YI), float(105 * YI)]
    assert rows(_run(ent, fig, des), "dengfeng")[1]["amount_yuan"] == 2_000_000


def test_explain_one_reports_the_enterprises_bad_value():
    ent, fig, des = _raw(GOOD, OTHER)
    fig["energy_tce"][1] = math.nan
    got = explain_one(PACK, 2022, (ent, fig, des), enterprise_id=1, data_since=2017)
    assert {r["status"] for r in got} == {"invalid_data"}
    assert got[0]["inputs"]["invalid"][0]["column"] == "energy_tce"
    assert {r["status"] for r in explain_one(PACK, 2022, (ent, fig, des), enterprise_id=2,
                                             data_since=2017)} != {"invalid_data"}
