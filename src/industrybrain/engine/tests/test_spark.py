"""The same pack on Spark (PySpark, local mode) as on DuckDB: identical tables, row for row.

One suite on every backend: the pack's own YAML cases run here on Spark as they run on
DuckDB in test_pack_cases.py. Spark gaps, if any, are listed in SPARK_GAPS with a reason
and marked xfail(strict=True), so that a fixed gap shows up too.

Without pyspark or Java these tests skip locally, and fail under CI=true (.ci/run).
"""

import os
import shutil

import pytest

from industrybrain.engine import evaluate, evaluate_organisations, load_pack
from industrybrain.engine.casetests import case_failures, case_key

pytestmark = pytest.mark.spark

PACK = load_pack("changzhou_2022")
# Small enough for Spark local mode to run the whole pack in seconds, big enough that every
# policy has eligible rows, near misses and insufficient data.
CITY_SIZE, CITY_SEED = 1500, 2022
# (policy id, case name) -> why Spark cannot pass it yet. Empty: no known gap.
SPARK_GAPS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="session")
def spark():
    """The engine's Spark session, started once per test session."""
    missing = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "pyspark is not installed (pip install -e '.[test]')"
    if missing is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = "no Java runtime (Spark 4 needs Java 17 or 21)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Spark tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from industrybrain.engine.backends.spark import session

    return session()


@pytest.fixture(scope="module")
def city():
    from industrybrain.synth import generate_city

    c = generate_city(n_enterprises=CITY_SIZE, seed=CITY_SEED)
    return c.enterprises, c.figures, c.designations


def _differences(left, right, limit=5):
    out = []
    assert left.column_names == right.column_names
    for name in left.column_names:
        a, b = left[name].to_pylist(), right[name].to_pylist()
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y and len(out) < limit:
                out.append((i, name, x, y))
    return out


@pytest.mark.parametrize("explain", ["all"])
def test_whole_pack_same_on_duckdb_and_spark(spark, city, explain):
    # data_since: the synthetic city's first year, so first-time rules have a known history.
    duck = evaluate(PACK, 2022, *city, explain=explain, data_since=2016)
    sp = evaluate(PACK, 2022, *city, explain=explain, backend="spark", data_since=2016)
    assert sp.schema == duck.schema
    assert sp.num_rows == duck.num_rows > 0
    assert _differences(duck, sp) == []
    assert sp.equals(duck)
    statuses = set(duck["status"].to_pylist())
    assert {"eligible", "not_eligible", "insufficient_data", "amount_pending"} <= statuses


def test_holes_and_corrupt_values_same_on_duckdb_and_spark(spark, city):
    """Known history and the input contract on both backends: a tenth of the figure rows
    dropped (holes inside the history) and one enterprise in fifty with a bad value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from industrybrain.synth.corrupt import corrupt_figures

    enterprises, figures, designations = city
    rng = np.random.default_rng(5)
    holes = figures.filter(pa.array(rng.random(figures.num_rows) > 0.1))
    dirty, bad = corrupt_figures(holes, 2022, 0.02, 5)
    duck = evaluate(PACK, 2022, enterprises, dirty, designations, explain="all",
                    data_since=2016)
    sp = evaluate(PACK, 2022, enterprises, dirty, designations, explain="all",
                  backend="spark", data_since=2016)
    assert _differences(duck, sp) == []
    assert sp.equals(duck)
    invalid = set(duck.filter(pc.equal(duck["status"], "invalid_data"))["enterprise_id"]
                  .to_pylist())
    assert invalid == set(bad) and bad
    explained = " ".join(x for x in duck["explanation_zh"].to_pylist() if x)
    assert "缺少" in explained and "年营业收入" in explained


def _regression_firms():
    """Every hand-written firm of the issue-9 regression tests (test_known_history,
    test_pending_and_threshold, test_input_contract, test_reentry_and_placeholders), in one
    snapshot with distinct ids, as raw columns (so the bad values pass the input check)."""
    import math
    from datetime import date

    from .firms import FULL_SCORE, WAN, YI, firm

    full = {2022: {"revenue": 105 * YI, **FULL_SCORE}}
    top = [{"code": "china_top_500", "granted_on": date(y, 9, 1),
            "expires_on": date(y + 1, 8, 31)} for y in (2019, 2022)]
    return [
        firm(1, figures={2017: {"revenue": 60 * YI}, 2018: {"revenue": 70 * YI}} | full),
        firm(2, figures=full),
        firm(3, figures={2018: {"revenue": 60 * YI}, 2020: {"revenue": 80 * YI}} | full),
        firm(4, founded=2020, figures={2020: {"revenue": 50 * YI}, 2021: {"revenue": 90 * YI}}
             | full),
        firm(5, founded=2022, figures=full),
        firm(6, founded=1995, figures={y: {"revenue": 90 * YI} for y in range(2017, 2022)}
             | full),
        firm(7, founded=None, figures={2021: {"revenue": 90 * YI}} | full),
        firm(8, figures={2015: {"revenue": 120 * YI}, 2022: {"revenue": 130 * YI,
                                                             **FULL_SCORE}}),
        firm(9, figures={2021: {"local_contribution": 10 * WAN},
                         2022: {"above_scale": True, "local_contribution": 50 * WAN}}),
        firm(10, founded=2021, figures={2021: {"above_scale": False},
                                        2022: {"above_scale": True,
                                               "local_contribution": 50 * WAN}}),
        firm(11, founded=2021, figures={2021: {"revenue": 90 * YI},
                                        2022: {"revenue": 105 * YI, "energy_tce": 1000.0}}),
        firm(12, founded=2021, figures={2021: {"revenue": 90 * YI},
                                        2022: {"revenue": 100 * YI, **FULL_SCORE}}),
        firm(13, founded=2021, figures={2021: {"revenue": 90 * YI},
                                        2022: {"revenue": 500 * YI, **FULL_SCORE}}),
        firm(14, designations=top),
        firm(15, designations=top[1:]),
        firm(16, founded=2021, figures={2021: {"revenue": 90 * YI},
                                        2022: {"revenue": 105 * YI, **FULL_SCORE,
                                               "energy_tce": math.nan}}),
        firm(17, founded=2021, figures={2021: {"above_scale": False,
                                               "local_contribution": -100 * WAN},
                                        2022: {"above_scale": True,
                                               "local_contribution": 50 * WAN}}),
    ]


@pytest.mark.parametrize("since, reentry", [(2017, "first_time_ever"),
                                            (None, "entered_this_year")])
def test_regression_firms_same_on_duckdb_and_spark(spark, since, reentry):
    """Known history, amount pending, the threshold wording, the re-entry reading and
    invalid data: every regression firm, evaluated on both backends, row for row."""
    from .firms import tables

    pack = PACK.with_assumptions(list_reentry_rule=reentry)
    raw = tables(*_regression_firms(), raw=True)
    duck = evaluate(pack, 2022, *raw, explain="all", data_since=since)
    sp = evaluate(pack, 2022, *raw, explain="all", backend="spark", data_since=since)
    assert _differences(duck, sp) == []
    assert sp.equals(duck)
    statuses = set(duck["status"].to_pylist())
    assert {"eligible", "amount_pending", "insufficient_data", "invalid_data",
            "not_eligible"} <= statuses
    text = " ".join(x for x in duck["explanation_zh"].to_pylist() if x)
    if since == 2017:
        assert "缺少2019–2021年营业收入" in text and "缺少2017、2019、2021年营业收入" in text
        assert "与门槛相等" in text and "需补充2022年研发投入" in text
    else:
        assert "成立日期不详" in text


def test_organisations_same_on_duckdb_and_spark(spark):
    from datetime import date

    orgs = {"org_id": [1, 2, 3, 4], "name": ["a", "b", "c", "d"],
            "kind": ["promotion_body", "platform", "platform", "platform"],
            "cluster": ["new_energy", "new_energy", "new_energy", None],
            "national_cluster_on": [date(2022, 3, 1)] * 3 + [None],
            "reviewed": [True, True, None, True]}
    duck = evaluate_organisations(PACK, 2022, orgs)
    sp = evaluate_organisations(PACK, 2022, orgs, backend="spark")
    assert sp.equals(duck)


def test_cluster_cap_cut_same_on_duckdb_and_spark(spark):
    from .test_organisations import ORGS, PRIOR, check_cut_explanations

    duck = evaluate_organisations(PACK, 2022, ORGS, prior_awards=PRIOR)
    sp = evaluate_organisations(PACK, 2022, ORGS, prior_awards=PRIOR, backend="spark")
    check_cut_explanations(sp)
    assert sp.equals(duck)


@pytest.fixture(scope="module")
def spark_failures(spark):
    return case_failures(PACK, backend="spark")


def _case_param(case):
    gap = SPARK_GAPS.get((case.policy, case.name))
    marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
    return pytest.param(case, marks=marks, id=f"{case.policy}:{case.name}")


@pytest.mark.parametrize("case", [_case_param(c) for c in PACK.cases])
def test_policy_case_on_spark(case, spark_failures):
    assert spark_failures[case_key(case)] == []


def test_printf_g_matches_duckdb(spark):
    """The spelled-out %g (sparkfmt.py) against DuckDB's printf, halfway cases included."""
    import random

    import duckdb

    from industrybrain.engine.backends.sparkfmt import printf_g

    rng = random.Random(7)
    values = [0.0, 1.0, -2.5, 999999.5, 9999995.0, 0.0001, 0.00001234565, 1e20, 123456.5,
              1234565 / 1e4, 12345650000 / 1e8, 100000000 / 1e8]
    for _ in range(400):
        digits = rng.randint(10**6, 10**7 - 1) // 10 * 10 + rng.choice([5, 5, 3, 7])
        values.append(rng.choice([1, -1]) * digits / 10 ** rng.randint(0, 12))
        values.append(rng.randint(1, 10**12) / rng.choice([1, 1e4, 1e8]))
    rows = spark.createDataFrame([(v,) for v in values], "x double")
    rows.createOrReplaceTempView("g_values")
    got = [r[0] for r in spark.sql(f"SELECT {printf_g('x')} FROM g_values").collect()]
    want = [r[0] for r in duckdb.sql("SELECT printf('%g', x) FROM (SELECT unnest($v) AS x)",
                                      params={"v": values}).fetchall()]
    assert [(v, g, w) for v, g, w in zip(values, got, want, strict=True) if g != w] == []


def test_json_number_matches_duckdb(spark):
    """Doubles in the inputs JSON as DuckDB's json_object writes them (not 1.2E7)."""
    import random

    import duckdb

    from industrybrain.engine.backends.sparkfmt import json_number

    rng = random.Random(11)
    values = [0.0, -0.0, 1.0, 100.0, 0.5, 1e-5, 1.5e-7, 1e-7, 1e-6, 9.99e-7, 12345678.0,
              1e20, 1e21, 1.5e21, -2.5e-6, 0.001, 1e300, 123456789012.5]
    for _ in range(300):
        values.append(rng.choice([1, -1]) * rng.randint(1, 10**12) / 10 ** rng.randint(0, 14))
    rows = spark.createDataFrame([(v,) for v in values], "x double")
    rows.createOrReplaceTempView("j_values")
    got = [r[0] for r in spark.sql(f"SELECT {json_number('x')} FROM j_values").collect()]
    want = [r[0][len('{"a":'):-1] for r in duckdb.sql(
        "SELECT CAST(json_object('a', x) AS VARCHAR) FROM (SELECT unnest($v) AS x)",
        params={"v": values}).fetchall()]
    assert [(v, g, w) for v, g, w in zip(values, got, want, strict=True) if g != w] == []


def test_spark_job_writes_duckdbs_table(spark, tmp_path):
    """The batch job (Parquet in, Parquet out, nothing collected) against DuckDB's evaluate."""
    import pyarrow.parquet as pq

    from industrybrain.engine import spark_job
    from industrybrain.synth import generate_city

    c = generate_city(n_enterprises=800, seed=3)
    src = tmp_path / "in"
    src.mkdir()
    for name in spark_job.TABLES:
        pq.write_table(getattr(c, name), src / f"{name}.parquet")
    out = tmp_path / "out"
    assert spark_job.main(["--pack", "changzhou_2022", "--year", "2022", "--input", str(src),
                           "--output", str(out)]) == 0  # --explain relevant, as evaluate
    got = pq.read_table(out).sort_by([("enterprise_id", "ascending"),
                                      ("policy_id", "ascending")])
    want = evaluate(PACK, 2022, c.enterprises, c.figures, c.designations, explain="relevant")
    assert got.schema.remove_metadata() == want.schema
    assert _differences(want, got) == []
    assert got.cast(want.schema).equals(want)
    # Doubles in the inputs JSON are DuckDB's text, and some rows have them.
    inputs = [s for s in want["inputs"].to_pylist() if s and "energy_tce" in s]
    assert inputs and not any("E" in s.split("energy_tce")[1][:30] for s in inputs)
