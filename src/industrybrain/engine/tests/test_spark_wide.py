"""The Spark job's wide path (spark_job --wide: the stream's enterprise ranges as Spark
tasks, each read from Parquet and decided by the wide backend on an executor) writes the
DuckDB backend's decisions, and refuses what evaluate() refuses. Runs where test_spark.py
runs (pyspark and Java)."""

import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from industrybrain.engine import evaluate, load_pack, spark_job
from industrybrain.engine.errors import InputError
from industrybrain.engine.spark_wide import decisions_frame, footer_bounds

from .test_spark import spark  # noqa: F401  (the session fixture)
from .test_stream import KINDS, holey_city, plain, without_optional_columns, write

pytestmark = pytest.mark.spark
PACK = load_pack("changzhou_2022")


def run(src, out, chunk=25):
    return spark_job.main(["--wide", "--pack", "changzhou_2022", "--year", "2022",
                           "--input", str(src), "--output", str(out), "--data-since", "2016",
                           "--chunk", str(chunk)])


def with_bad_revenue(city):
    ent, fig, des = city
    rev = fig["revenue"].to_pylist()
    rev[3] = -1  # one enterprise with a bad value: invalid_data for all its policies
    return ent, fig.set_column(fig.schema.get_field_index("revenue"), "revenue",
                               pa.array(rev, pa.int64())), des


def test_spark_wide_writes_duckdbs_decisions_range_by_range(spark, tmp_path):  # noqa: F811
    """Sorted files (as the loader writes them): several ranges cut from the footers, one
    task each; strays below, between and above the enterprises are decided where DuckDB
    decides them."""
    city = with_bad_revenue(holey_city(200, seed=11))
    src = tmp_path / "in"
    src.mkdir()
    write(src, city, row_group=20)
    assert len(footer_bounds(str(src), 25)) == 5
    assert run(src, tmp_path / "out") == 0
    got = pq.read_table(tmp_path / "out")
    want = plain(evaluate(PACK, 2022, *city, explain="none", data_since=2016))
    assert any(r["status"] == "invalid_data" for r in want)
    assert plain(got) == want
    assert got.column_names == ["enterprise_id", "policy_id", "status", "tier",
                                "amount_yuan", "cap_bound", "near_miss"]


@pytest.mark.parametrize("statistics", [True, False])
def test_spark_wide_on_unsorted_files_and_files_without_statistics(spark, tmp_path,  # noqa: F811
                                                                   statistics):
    """Row groups that overlap, or that say nothing of their ids (the ranges then come from
    Spark's quantiles): slower to read, the same decisions."""
    city = with_bad_revenue(holey_city(150, seed=4))
    src = tmp_path / "in"
    src.mkdir()
    rng = np.random.default_rng(2)
    for kind, table in zip(KINDS, city, strict=True):
        pq.write_table(table.take(rng.permutation(table.num_rows)), src / f"{kind}.parquet",
                       row_group_size=30, write_statistics=statistics)
    assert (footer_bounds(str(src), 40) is None) is not statistics
    assert run(src, tmp_path / "out", chunk=40) == 0
    assert plain(pq.read_table(tmp_path / "out")) == plain(
        evaluate(PACK, 2022, *city, explain="none", data_since=2016))


def test_spark_wide_on_files_without_an_optional_column(spark, tmp_path):  # noqa: F811
    """Each executor reads the columns the files have; the missing ones are empty, as in
    evaluate()."""
    city = without_optional_columns(holey_city(90, seed=2))
    src = tmp_path / "in"
    src.mkdir()
    write(src, city, row_group=16)
    assert run(src, tmp_path / "out", chunk=30) == 0
    assert plain(pq.read_table(tmp_path / "out")) == plain(
        evaluate(PACK, 2022, *city, explain="none", data_since=2016))


def test_spark_wide_refuses_a_duplicate_enterprise(spark, tmp_path):  # noqa: F811
    city = list(holey_city(60))
    city[0] = pa.concat_tables([city[0], city[0].slice(0, 1)])  # first row again, at the end
    src = tmp_path / "in"
    src.mkdir()
    write(src, city, row_group=16)
    with pytest.raises(Exception, match="must be unique"):
        run(src, tmp_path / "out", chunk=10)


def test_spark_wide_refuses_a_row_without_an_enterprise(spark, tmp_path):  # noqa: F811
    """The driver reads no row: the first range's task reads the rows without an id and the
    contract check refuses them, with evaluate()'s words."""
    ent, fig, des = holey_city(60)
    ids = fig["enterprise_id"].to_pylist()
    ids[-1] = None
    fig = fig.set_column(0, "enterprise_id", pa.array(ids, pa.int64()))
    src = tmp_path / "in"
    src.mkdir()
    write(src, (ent, fig, des), row_group=16)
    with pytest.raises(InputError) as memory:
        evaluate(PACK, 2022, ent, fig, des, explain="none")
    with pytest.raises(Exception, match=re.escape(memory.value.message)):
        run(src, tmp_path / "out", chunk=10)


def test_spark_wide_says_a_missing_table_before_starting_tasks(spark, tmp_path):  # noqa: F811
    src = tmp_path / "in"
    src.mkdir()
    write(src, holey_city(20))
    (src / "designations.parquet").unlink()
    with pytest.raises(InputError, match="missing"):
        run(src, tmp_path / "out")


def test_a_failed_job_leaves_the_previous_output(spark, tmp_path):  # noqa: F811
    """The executors write into a staging directory that replaces the output only when every
    range is done: a refused input neither half-writes nor removes the last good result."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    city = holey_city(60)
    write(src, city, row_group=16)
    assert run(src, out, chunk=10) == 0
    good = plain(pq.read_table(out))
    assert (out / "_SUCCESS").exists() and len(list(out.glob("part-*.parquet"))) == 4
    bad = [pa.concat_tables([city[0], city[0].slice(5, 1)]), *city[1:]]
    write(src, bad, row_group=16)
    with pytest.raises(Exception, match="must be unique"):
        run(src, out, chunk=10)
    assert plain(pq.read_table(out)) == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_no_enterprise_gives_an_empty_result_with_the_columns(spark, tmp_path):  # noqa: F811
    src = tmp_path / "in"
    src.mkdir()
    write(src, [t.slice(0, 0) for t in holey_city(20)])
    assert run(src, tmp_path / "out") == 0
    got = pq.read_table(tmp_path / "out")
    assert got.num_rows == 0 and got.column_names == [
        "enterprise_id", "policy_id", "status", "tier", "amount_yuan", "cap_bound", "near_miss"]


def test_the_decisions_as_a_spark_frame(spark, tmp_path):  # noqa: F811
    """For a Spark pipeline that goes on from the decisions: the same rows, as a DataFrame."""
    city = with_bad_revenue(holey_city(80, seed=6))
    src = tmp_path / "in"
    src.mkdir()
    write(src, city, row_group=20)
    frame = decisions_frame("changzhou_2022", 2022, str(src), data_since=2016, chunk=30)
    got = pa.Table.from_pylist([r.asDict() for r in frame.collect()])
    assert plain(got) == plain(evaluate(PACK, 2022, *city, explain="none", data_since=2016))


def test_a_value_an_executor_refuses_is_the_named_error_on_the_driver(spark, tmp_path):  # noqa: F811
    """A rule whose amount passes 64 bits on one enterprise: the executor deciding its
    range refuses it (wide/logic.py), and the driver raises the same RangeError, with the
    policy's label and the enterprise, as evaluate() does."""
    from industrybrain.engine.errors import RangeError

    from .test_overflow import probe_pack

    pack_dir = probe_pack(tmp_path)
    ent, fig, des = holey_city(60)
    rows = fig.to_pylist()
    giant = next(i for i, r in enumerate(rows) if r["year"] == 2022 and
                 r["enterprise_id"] > ent["enterprise_id"][30].as_py())
    rows[giant].update(revenue=9 * 10**12, employees=2_000_000)
    fig = pa.Table.from_pylist(rows, schema=fig.schema)
    src = tmp_path / "in"
    src.mkdir()
    write(src, (ent, fig, des), row_group=16)
    probe = load_pack(pack_dir)
    with pytest.raises(RangeError) as memory:
        evaluate(probe, 2022, ent, fig, des, explain="none", data_since=2016)
    assert memory.value.enterprise == rows[giant]["enterprise_id"]
    with pytest.raises(RangeError) as remote:
        spark_job.main(["--wide", "--pack", str(pack_dir), "--year", "2022", "--input",
                        str(src), "--output", str(tmp_path / "out"), "--data-since", "2016",
                        "--chunk", "10"])
    assert str(remote.value) == str(memory.value)
    assert "「溢出探针奖励」" in str(remote.value)
    assert not (tmp_path / "out").exists()
