"""The Spark job's wide path (spark_job --wide: enterprise buckets, each decided by the wide
backend on an executor) writes the DuckDB backend's decisions, and refuses what evaluate()
refuses. Runs where test_spark.py runs (pyspark and Java)."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from industrybrain.engine import evaluate, load_pack, spark_job

from .test_spark import spark  # noqa: F401  (the session fixture)
from .test_stream import holey_city, plain, write

pytestmark = pytest.mark.spark
PACK = load_pack("changzhou_2022")


def run(src, out, buckets=3):
    return spark_job.main(["--wide", "--pack", "changzhou_2022", "--year", "2022",
                           "--input", str(src), "--output", str(out), "--data-since", "2016",
                           "--buckets", str(buckets)])


def test_spark_wide_writes_duckdbs_decisions(spark, tmp_path):  # noqa: F811
    ent, fig, des = holey_city(200, seed=11)
    rev = fig["revenue"].to_pylist()
    rev[3] = -1  # one enterprise with a bad value: invalid_data for all its policies
    fig = fig.set_column(fig.schema.get_field_index("revenue"), "revenue",
                         pa.array(rev, pa.int64()))
    src = tmp_path / "in"
    src.mkdir()
    write(src, (ent, fig, des), row_group=50, shuffle=np.random.default_rng(2))
    assert run(src, tmp_path / "out") == 0
    got = pq.read_table(tmp_path / "out")
    want = plain(evaluate(PACK, 2022, ent, fig, des, explain="none", data_since=2016))
    assert any(r["status"] == "invalid_data" for r in want)
    assert plain(got) == want
    assert got.column_names == ["enterprise_id", "policy_id", "status", "tier",
                                "amount_yuan", "cap_bound", "near_miss"]


def test_spark_wide_refuses_a_duplicate_enterprise(spark, tmp_path):  # noqa: F811
    city = list(holey_city(60))
    city[0] = pa.concat_tables([city[0], city[0].slice(0, 1)])  # first row again, at the end
    src = tmp_path / "in"
    src.mkdir()
    write(src, city, row_group=16)
    with pytest.raises(Exception, match="must be unique"):
        run(src, tmp_path / "out", buckets=4)
