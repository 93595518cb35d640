"""The wide backend on Spark: the stream's enterprise ranges (engine/stream.py) as Spark
tasks, each read from Parquet and decided on an executor by the same code as one range of
the stream.

    python -m industrybrain.engine.spark_job --wide --pack changzhou_2022 --year 2022 \
        --input DIR --output DIR [--data-since 2016] [--chunk 500000]

The plan, as it would run on a cluster:

1. The driver cuts the enterprise id line into ranges of about ``chunk`` enterprises from
   the footers of enterprises.parquet alone (each row group's count and smallest id), and
   reads no row. Where the files carry no id statistics it asks Spark for approximate
   quantiles of the ids instead (a distributed pass over one column). Any cut points are
   correct: the first range is open below and the last open above, so the ranges tile the
   line whatever the files hold; the statistics only make them even.
2. ``spark.range(ranges)`` holds one row per range, one range per partition, and
   ``mapInArrow`` hands each to :func:`decide_ranges` on an executor. The executor reads
   that range's rows of the three tables straight from Parquet (``pyarrow.dataset`` with a
   filter on enterprise_id, which row-group statistics turn into skipped row groups when the
   files are sorted by enterprise_id, as the loader writes them), checks them against the
   input contract and decides them with the wide backend (``stream.decide_range``).
3. The executors' results are written by Spark's Parquet writer. Nothing of the city passes
   through the driver, and there is no shuffle: a range's rows never leave the executor that
   read them.

The input directory must be readable from every executor under the same name: a shared
filesystem, or an ``s3://``/``hdfs://``/``gs://`` URI, which pyarrow reads as Spark does.

As in a range of the stream, every row holding one key (an enterprise, or an enterprise
and a year) falls in one range, so the per-range input check refuses a duplicate key
wherever its rows are in the files. Rows without an enterprise id are read with the first
range and refused there. A defect of the input fails the job with the InputError's words.
The columns are the narrow result's with the dictionaries decoded to text (enterprise_id,
policy_id, status, tier, amount_yuan, cap_bound, near_miss); rows are in no order.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyarrow as pa

KINDS = ("enterprises", "figures", "designations")
RESULT = ("enterprise_id long, policy_id string, status string, tier string, "
          "amount_yuan long, cap_bound boolean, near_miss boolean")
DEFAULT_CHUNK = 500_000
# Rows per Arrow batch handed back to Spark: a 500,000-firm range is ~9.5M result rows,
# more than one Arrow message should carry.
BATCH_ROWS = 1 << 20


@functools.lru_cache(maxsize=4)
def _pack(name: str):
    from .pack import load_pack

    return load_pack(name)


def footer_bounds(directory: str, chunk: int) -> np.ndarray | None:
    """The first id of each range, from enterprises.parquet's row-group statistics: row
    groups taken in order of their smallest id until they hold ``chunk`` enterprises.
    None when a row group has no statistics for enterprise_id (then ask Spark)."""
    from .stream import source

    groups = []
    for fragment in source(directory, "enterprises").get_fragments():
        fragment.ensure_complete_metadata()  # the footer: no row is read
        for group in fragment.row_groups:
            stats = (group.statistics or {}).get("enterprise_id")
            if not stats or stats.get("min") is None:
                if group.num_rows:
                    return None
                continue
            groups.append((stats["min"], group.num_rows))
    if not groups:
        return np.zeros(1, np.int64)  # no enterprise: one range, open both ways
    groups.sort()
    firsts, held = [groups[0][0]], 0
    for low, rows in groups:
        if held >= chunk and low > firsts[-1]:
            firsts.append(low)
            held = 0
        held += rows
    return np.asarray(firsts, np.int64)


def quantile_bounds(spark, directory: str, chunk: int) -> np.ndarray:
    """Range starts from Spark's approximate quantiles of the enterprise ids (files without
    statistics): one distributed pass over one column, a few numbers to the driver."""
    import os

    ids = spark.read.parquet(os.path.join(directory, "enterprises.parquet")) \
        .selectExpr("CAST(enterprise_id AS BIGINT) AS enterprise_id")
    count = ids.count()
    ranges = max(1, math.ceil(count / chunk))
    if ranges == 1:
        return np.zeros(1, np.int64)
    cuts = ids.approxQuantile("enterprise_id", [k / ranges for k in range(ranges)], 0.001)
    return np.unique(np.asarray([c for c in cuts if c is not None], np.int64)) \
        if cuts else np.zeros(1, np.int64)


def range_bounds(spark, directory: str, chunk: int = DEFAULT_CHUNK) -> np.ndarray:
    if chunk < 1:
        raise ValueError("chunk is a number of enterprises, at least 1")
    bounds = footer_bounds(directory, chunk)
    return quantile_bounds(spark, directory, chunk) if bounds is None else bounds


def decoded(narrow: pa.Table) -> pa.Table:
    return pa.table({c: narrow[c].cast(pa.string()) if pa.types.is_dictionary(narrow[c].type)
                     else narrow[c] for c in narrow.column_names})


def decide_ranges(pack_name: str, year: int, data_since: int | None, near_miss: float,
                  directory: str, bounds: np.ndarray, batches):
    """On an executor: each range index in ``batches`` read from the Parquet files, checked
    and decided; the narrow result, decoded, in batches."""
    from . import stream
    from . import wide as W
    from .evaluate import plan_for

    pack = _pack(pack_name)
    plan = plan_for(pack, year, "wide")
    sources = {kind: stream.source(directory, kind) for kind in KINDS}
    wanted = W.columns_read(plan)
    columns = {k: [c for c in wanted[k] if c in sources[k].schema.names] for k in KINDS}
    for batch in batches:
        for i in batch.column(0).to_pylist():
            tables = stream.read_range(sources, columns, bounds, i, missing_keys=True)
            narrow, _, _ = stream.decide_range(pack, plan, year, tables, data_since,
                                               near_miss)
            del tables
            if narrow is not None:
                yield from decoded(narrow).to_batches(max_chunksize=BATCH_ROWS)


def decisions_frame(pack_name: str, year: int, input_dir: str, *,
                    data_since: int | None = None, near_miss: float = 0.2,
                    chunk: int = DEFAULT_CHUNK):
    """The city's decisions as a Spark DataFrame (lazy: nothing collected)."""
    from . import stream
    from .backends import spark as spark_backend
    from .evaluate import _check_data_since, period
    from .inputs import check_year

    _check_data_since(data_since)
    year = check_year(year, period(_pack(pack_name)))
    for kind in KINDS:  # a missing table or id column is said here, not by a failed task
        stream.source(input_dir, kind)
    spark = spark_backend.session()
    bounds = range_bounds(spark, input_dir, chunk)
    ranges = len(bounds)

    # Annotated so that Spark takes it for a function of Arrow batches (cloudpickle sends
    # the closure, the bounds with it, to the executors).
    def decide(batches):
        return decide_ranges(pack_name, year, data_since, near_miss, input_dir, bounds,
                             batches)

    return spark.range(0, ranges, 1, ranges).mapInArrow(decide, RESULT)
