"""A rule's number past what DuckDB holds is the same named error on every backend.

DuckDB refuses a BIGINT past ±(2**63 - 1), a DECIMAL past its digits (18 for two literal
decimals multiplied, 38 otherwise) and a cast to whole 元 of a value outside BIGINT (an
infinite or NaN DOUBLE too); it computes a CASE branch only on its rows, COALESCE's second
argument only where the first is null, and every argument of everything else. The wide
backend and the interpreter refuse exactly those values, with :class:`RangeError` naming
the policy's label, the enterprise and the value (wide/logic.py, interpret/values.py).
"""

import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from industrybrain.engine import evaluate, evaluate_rows
from industrybrain.engine.errors import RangeError, scientific

from .firms import firm, tables
from .synthetic import snapshot
from .test_interpret import assert_same as interpreter_same
from .test_wide import PACK, _expr, _policy, decided_or_refused, examples

YI = 10**8
GIANT = {"revenue": 9 * 10**12, "employees": 2_000_000, "rd_spending": 4 * YI}
SMALL = {"revenue": 5 * YI, "employees": 30, "rd_spending": YI}


def city(giant: dict = GIANT):
    return tables(firm(1, figures={2022: SMALL}), firm(7, figures={2022: giant}),
                  firm(9, figures={2022: SMALL}))


def pack_with(amount: str, when: str = "is_manufacturing", selection: str = "highest"):
    return PACK.replace(policies=(_policy("is_manufacturing", [when], [amount], [10**12],
                                          selection),))


RUNS = {
    "duckdb": lambda pack, t: evaluate(pack, 2022, *t, explain="none"),
    "duckdb with words": lambda pack, t: evaluate(pack, 2022, *t),
    "wide": lambda pack, t: evaluate(pack, 2022, *t, explain="none", backend="wide"),
    "interpreter": lambda pack, t: evaluate_rows(pack, 2022, *t),
}

OVERFLOWS = {
    # BIGINT times BIGINT past 2**63: 9万亿元 × 2,000,000 = 1.8×10¹⁹
    "int times int": ("employees * revenue", 1.8e19),
    # two BIGINTs each below 2**63 whose sum is not
    "add at the edge": ("(revenue * 1000000) + (revenue * 1000000)", 1.8e19),
    # DECIMAL(37,1) times BIGINT four times (DECIMAL(38,1)): 3.6×10³⁸ is past 38 digits
    "a decimal past 38 digits": ("((((revenue * 2.5) * employees) * employees) * employees)"
                                 " * employees", 3.6e38),
    # two literal decimals stay DECIMAL(18) in DuckDB: 1234567890.5² does not fit
    "a decimal past 18 digits": ("(1234567890.5 * 1234567890.5) * 1元", 1.5241578765e18),
    # a DOUBLE amount past BIGINT where it becomes whole 元
    "a float amount at to_money": ("revenue * (employees / 1)", 1.8e19),
    # round_down's own cast to BIGINT
    "round_down": ("round_down(revenue * (employees / 1), 1元)", 1.8e19),
}


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("kind", OVERFLOWS)
def test_an_overflow_is_refused_naming_the_policy_and_the_enterprise(kind, run):
    amount, value = OVERFLOWS[kind]
    with pytest.raises(RangeError) as caught:
        RUNS[run](pack_with(amount), city())
    error = caught.value
    assert error.policy_id == "random_rule"
    assert "「随机」" in str(error) and "random_rule" in str(error)
    assert "超出可计算的范围" in str(error)
    assert error.key in ("amount", "tiers[0].amount")
    assert error.value == pytest.approx(value, rel=0.01)
    # A constant past its range is computed for every enterprise: the first is named.
    firm = 1 if kind == "a decimal past 18 digits" else 7
    assert error.enterprise == firm and f"企业 {firm} 上得出" in str(error)


@pytest.mark.parametrize("run", RUNS)
def test_the_same_formula_in_range_is_computed_exactly(run):
    """Below the limits nothing is refused: the values are DuckDB's, to the 元."""
    giant = {**GIANT, "employees": 1_000_000}  # 9×10¹⁸: just below 2**63
    rows = RUNS[run](pack_with("(employees * revenue) - (employees * revenue) + revenue"),
                     city(giant))
    rows = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
    paid = {r["enterprise_id"]: r["amount_yuan"] for r in rows}
    assert paid == {1: 5 * YI, 7: 10**12, 9: 5 * YI}


@pytest.mark.parametrize("run", RUNS)
def test_an_overflow_on_a_branch_not_taken_or_an_unknown_input_is_no_error(run):
    """DuckDB computes a CASE branch only on its rows and nothing on a null: neither may
    refuse what DuckDB never computes."""
    pack = pack_with("if revenue > 1亿元 then 0元 else employees * revenue")
    t = tables(firm(7, figures={2022: GIANT}),
               firm(8, figures={2022: {**GIANT, "employees": None}}))
    rows = RUNS[run](pack, t)
    rows = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
    assert {r["enterprise_id"]: r["amount_yuan"] for r in rows} == {7: 0, 8: 0}
    unknown = RUNS[run](pack_with("employees * revenue"),
                        tables(firm(8, figures={2022: {**GIANT, "employees": None}})))
    unknown = unknown.to_pylist() if hasattr(unknown, "to_pylist") else unknown
    assert [r["status"] for r in unknown] == ["amount_pending"]


def test_the_amount_is_refused_only_where_the_tier_is_paid():
    """A tier's amount is computed only where the enterprise is eligible and the tier holds
    (compile.policy_sql's r<i>), and cast to 元 only where it is paid: a firm below the tier,
    or not eligible, is not refused for it, on any backend."""
    below = pack_with("revenue * (employees / 1)", when="revenue < 1亿元")
    ineligible = pack_with("employees * revenue")
    for run in RUNS.values():
        for pack, giant in ((below, firm(7, figures={2022: GIANT})),
                            (ineligible, firm(7, figures={2022: GIANT},
                                              is_manufacturing=False))):
            rows = run(pack, tables(giant))
            rows = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
            assert [r["status"] for r in rows] == ["not_eligible"]


def test_the_value_is_written_as_an_officer_reads_it():
    assert scientific(1.2e20) == "1.2×10²⁰"
    assert scientific(2.0**63) == "9.2×10¹⁸"
    assert scientific(-3.4e-5) == "-3.4×10⁻⁵"
    assert scientific(float("nan")) == "NaN"


def probe_pack(tmp_path, amount: str = "employees * revenue"):
    """The pack on disk (for the processes that load it by path) with one policy,
    溢出探针奖励, whose amount is ``amount``."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(PACK.root, pack_dir)
    shutil.rmtree(pack_dir / "tests")
    for path in (pack_dir / "policies").glob("*.yaml"):
        path.unlink()
    citation = next(line for line in (PACK.root / "policies" / "above_scale_award.yaml")
                    .read_text(encoding="utf-8").splitlines() if line.startswith("citation:"))
    (pack_dir / "policies" / "overflow_probe.yaml").write_text("\n".join([
        "id: overflow_probe", "title_zh: 溢出探针奖励", "title_en: Overflow probe",
        "category: reward", citation, "effective: {from: 2022-01-01}",
        "budget_line: policy_funds", "tiers:",
        "  - {id: all, label_zh: 全部, label_en: all, when: true, cap: 10万元}",
        f"amount: {amount}", ""]), encoding="utf-8")
    return pack_dir


def test_the_stream_refuses_and_its_command_prints_the_words(tmp_path):
    """engine/stream.py decides ranges on the wide backend: the same RangeError; run as a
    command, it prints the words (no traceback) and exits non-zero."""
    from industrybrain.engine import load_pack, stream

    from .test_stream import write

    src = tmp_path / "in"
    src.mkdir()
    write(src, city())
    pack_dir = probe_pack(tmp_path)
    with pytest.raises(RangeError) as caught:
        stream.decide_parquet(load_pack(pack_dir), 2022, str(src), str(tmp_path / "o.parquet"))
    assert caught.value.enterprise == 7 and "「溢出探针奖励」" in str(caught.value)
    done = subprocess.run(
        [sys.executable, "-m", "industrybrain.engine.stream", "--pack", str(pack_dir),
         "--year", "2022", "--input", str(src), "--output", str(tmp_path / "p.parquet")],
        capture_output=True, text=True, env={**os.environ}, timeout=300)
    assert done.returncode != 0
    assert "政策「溢出探针奖励」的金额算式在企业 7 上得出 1.8×10¹⁹" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.spark
@pytest.mark.parametrize("kind", [k for k in OVERFLOWS if k != "a decimal past 18 digits"])
def test_spark_sql_refuses_with_the_same_words(kind):
    """The Spark SQL backend (ANSI mode) refuses these values too; its error becomes the same
    RangeError. (Spark's decimals are wider than DuckDB's DECIMAL(18): two literal decimals
    multiplied are computed there, the one difference from DuckDB.)"""
    amount, _ = OVERFLOWS[kind]
    with pytest.raises(RangeError) as caught:
        evaluate(pack_with(amount), 2022, *city(), explain="none", backend="spark")
    assert caught.value.enterprise == 7 and "「随机」" in str(caught.value)


@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(_expr("bool"), _expr("num"), _expr("money"), st.sampled_from(["highest", "all"]),
       st.integers(0, 2**31))
def test_random_rules_past_64_bits_decide_or_refuse_the_same(when, num, money, selection,
                                                             seed):
    """Random rules scaled up by 10⁹ (a giant's 亿元 then passes 64 bits, or not, at any
    step: a product, a sum, a branch, a cast to 元): DuckDB and the wide backend decide the
    same or both refuse for the policy; the interpreter and DuckDB with words likewise."""
    amount = f"1000000000 * ({num} * {money})"
    policy = _policy("is_manufacturing", [when, "is_manufacturing"], [amount, "1元"],
                     [10**12, 10**12], selection)
    pack = PACK.replace(policies=(policy,))
    town = snapshot(60, seed=seed, missing=0.1, giants=12)
    duck, wide = (decided_or_refused(pack, 2022, *town, None, backend)
                  for backend in ("duckdb", "wide"))
    event("refused" if isinstance(duck, tuple) else "decided")
    assert duck == wide
    interpreter_same(pack, 2022, *town)
