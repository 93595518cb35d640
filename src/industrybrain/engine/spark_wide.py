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
3. Each executor writes its range's result as one Parquet file, ``part-<range>.parquet``,
   with the stream's writer (dictionary-encoded policy, status and tier; delta-encoded ids),
   and hands Spark one summary row (range, rows, enterprises, invalid). The driver collects
   only those rows. The files go to a staging directory beside the output that replaces the
   output when every task has succeeded (with a ``_SUCCESS`` file), so a failed job leaves
   the previous output as it was; a retried task writes its range's file again under the
   same name. Nothing of the city passes through the driver, and there is no shuffle: a
   range's rows never leave the executor that read them.

   Measured at 1M firms, handing the rows to Spark's own writer instead (the DataFrame of
   :func:`decisions_frame`, for a Spark pipeline that goes on from the decisions) cost
   58.6 s, against the stream's 4.5 s: the Arrow batches cross into the JVM and become rows
   one by one. Writing on the executor keeps the stream's cost per range.

The input and output directories must be paths that the driver and every executor see
under the same name: one machine's disk for ``local[*]``, a shared filesystem (NFS, a
mounted object store) on a cluster.

As in a range of the stream, every row holding one key (an enterprise, or an enterprise
and a year) falls in one range, so the per-range input check refuses a duplicate key
wherever its rows are in the files. Rows without an enterprise id are read with the first
range and refused there. A defect of the input fails the job with the InputError's words;
a value a rule cannot compute (RangeError, wide/logic.py) fails it with the RangeError's,
raised again on the driver.
The columns are the narrow result's with the dictionaries decoded to text (enterprise_id,
policy_id, status, tier, amount_yuan, cap_bound, near_miss); rows are in no order.
"""

from __future__ import annotations

import functools
import math
from contextlib import contextmanager

import numpy as np
import pyarrow as pa

from .errors import RangeError

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


def _decided(pack_name: str, year: int, data_since: int | None, near_miss: float,
             directory: str, bounds: np.ndarray, batches):
    """On an executor: (range, narrow result or None, enterprises, invalid) for each range
    index in ``batches``, read from the Parquet files, checked and decided."""
    from . import stream
    from . import wide as W
    from .evaluate import plan_for

    pack = _pack(pack_name)
    plan = plan_for(pack, year, "wide")
    sources = {kind: stream.source(directory, kind) for kind in KINDS}
    columns = stream.present_columns(sources, W.columns_read(plan))
    for batch in batches:
        for i in batch.column(0).to_pylist():
            # Not kept in a local: the range's input is let go before its result is used.
            try:
                decided = stream.decide_range(
                    pack, plan, year,
                    stream.read_range(sources, columns, bounds, i, missing_keys=True),
                    data_since, near_miss)
            except RangeError as error:  # reaches the driver as text: see _named
                raise RuntimeError(error.carried()) from None
            yield (i, *decided)


def decide_ranges(pack_name: str, year: int, data_since: int | None, near_miss: float,
                  directory: str, bounds: np.ndarray, batches):
    """On an executor: the narrow result of each range, decoded, in batches."""
    for _, narrow, _, _ in _decided(pack_name, year, data_since, near_miss, directory,
                                    bounds, batches):
        if narrow is not None:
            yield from decoded(narrow).to_batches(max_chunksize=BATCH_ROWS)


SUMMARY = "range int, rows long, enterprises long, invalid long"


def write_ranges(pack_name: str, year: int, data_since: int | None, near_miss: float,
                 directory: str, bounds: np.ndarray, staging: str, batches):
    """On an executor: each range decided and written to ``staging/part-<range>.parquet``;
    one summary row per range."""
    import os

    from . import stream

    for i, narrow, n, invalid in _decided(pack_name, year, data_since, near_miss, directory,
                                          bounds, batches):
        rows = 0
        if narrow is not None:
            rows = narrow.num_rows
            final = os.path.join(staging, f"part-{i:05d}.parquet")
            # Written aside and renamed: a reader, or a retry of this task, never meets
            # half a file.
            aside = f"{final}.{os.getpid()}.tmp"
            with stream._writer(aside, narrow.schema, "lz4") as writer:
                writer.write_table(narrow, row_group_size=max(rows, 1))
            os.replace(aside, final)
            del narrow
        yield pa.RecordBatch.from_pydict(
            {"range": pa.array([i], pa.int32()), "rows": pa.array([rows], pa.int64()),
             "enterprises": pa.array([n], pa.int64()),
             "invalid": pa.array([invalid], pa.int64())})


def write_decisions(pack_name: str, year: int, input_dir: str, output: str, *,
                    data_since: int | None = None, near_miss: float = 0.2,
                    chunk: int = DEFAULT_CHUNK) -> dict:
    """The city's decisions written to the directory ``output`` (replaced) as one Parquet
    file per enterprise range, each written by the executor that decided it. Returns
    the totals: ranges, rows, enterprises, invalid (enterprises with invalid data)."""
    import os
    import shutil
    import uuid

    from . import stream
    from . import wide as W
    from .evaluate import plan_for

    spark, year, bounds = _prepared(pack_name, year, input_dir, data_since, chunk)
    output = os.path.abspath(output)
    staging = f"{output}.partial-{uuid.uuid4().hex[:12]}"
    os.makedirs(staging)
    try:
        def write(batches):
            return write_ranges(pack_name, year, data_since, near_miss, input_dir, bounds,
                                staging, batches)

        ranges = len(bounds)
        with _named():
            done = spark.range(0, ranges, 1, ranges).mapInArrow(write, SUMMARY).collect()
        totals = {"ranges": len(done), **{k: sum(r[k] for r in done)
                                          for k in ("rows", "enterprises", "invalid")}}
        if totals["rows"] == 0:  # no enterprise: one empty file with the result's columns
            plan = plan_for(_pack(pack_name), year, "wide")
            empty = W.decisions_table(plan, *W.decide(plan, year, stream._empty(), data_since))
            with stream._writer(os.path.join(staging, "part-00000.parquet"), empty.schema,
                                "lz4"):
                pass
        open(os.path.join(staging, "_SUCCESS"), "w").close()
        if os.path.isdir(output):
            shutil.rmtree(output)
        elif os.path.exists(output):
            os.unlink(output)
        os.replace(staging, output)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
    return totals


@contextmanager
def _named():
    """A value an executor refused (RangeError) raised again on the driver, with its words,
    out of the Spark error that carries it as text."""
    try:
        yield
    except Exception as exc:
        named = RangeError.from_text(str(exc))
        if named is None:
            raise
        raise named from None


def _prepared(pack_name: str, year: int, input_dir: str, data_since: int | None,
              chunk: int):
    """The checks said on the driver before any task starts, the session, the checked year
    and the ranges."""
    from . import stream
    from .backends import spark as spark_backend
    from .evaluate import _check_data_since, period
    from .inputs import check_year

    _check_data_since(data_since)
    year = check_year(year, period(_pack(pack_name)))
    for kind in KINDS:  # a missing table or id column is said here, not by a failed task
        stream.source(input_dir, kind)
    spark = spark_backend.session()
    return spark, year, range_bounds(spark, input_dir, chunk)


def decisions_frame(pack_name: str, year: int, input_dir: str, *,
                    data_since: int | None = None, near_miss: float = 0.2,
                    chunk: int = DEFAULT_CHUNK):
    """The city's decisions as a Spark DataFrame (lazy: nothing collected), for a Spark
    pipeline that goes on from them; its rows cross into the JVM, which costs far more than
    deciding them (see the module's note): to write them, :func:`write_decisions`."""
    spark, year, bounds = _prepared(pack_name, year, input_dir, data_since, chunk)
    ranges = len(bounds)

    # Annotated so that Spark takes it for a function of Arrow batches (cloudpickle sends
    # the closure, the bounds with it, to the executors).
    def decide(batches):
        return decide_ranges(pack_name, year, data_since, near_miss, input_dir, bounds,
                             batches)

    return spark.range(0, ranges, 1, ranges).mapInArrow(decide, RESULT)
