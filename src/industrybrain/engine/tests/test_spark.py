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
    duck = evaluate(PACK, 2022, *city, explain=explain)
    sp = evaluate(PACK, 2022, *city, explain=explain, backend="spark")
    assert sp.schema == duck.schema
    assert sp.num_rows == duck.num_rows > 0
    assert _differences(duck, sp) == []
    assert sp.equals(duck)
    statuses = set(duck["status"].to_pylist())
    assert statuses == {"eligible", "not_eligible", "insufficient_data"}


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
