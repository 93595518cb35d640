"""The wide backend on Spark: a city's decisions partitioned by enterprise, each partition
decided by the same numpy code as one range of engine/stream.py.

    python -m industrybrain.engine.spark_job --wide --pack changzhou_2022 --year 2022 \
        --input DIR --output DIR [--data-since 2016] [--buckets 16]

The plan, as it would run on a cluster: the three tables are read (only the columns the
pack reads), stacked into one frame (a ``kind`` column says which table a row came from;
cogroup takes two frames, not three), each row given the bucket
``pmod(xxhash64(enterprise_id), buckets)``, and ``groupBy(bucket).applyInArrow`` hands each
bucket, every row of its enterprises from all three tables, to :func:`decide_bucket` on an
executor, which checks it against the input contract and decides it with
``wide.decisions``. The result is written by the executors; nothing of the city passes
through the driver.

As for a range of the stream, every row holding one key (an enterprise, or an enterprise
and a year) lands in one bucket, so the per-bucket input check refuses a duplicate key
wherever its rows were in the files; a defect of the whole input fails the job with the
InputError's words (a row without an enterprise id lands in one bucket and is refused
there). The columns are the narrow result's with the dictionaries decoded to text
(enterprise_id, policy_id, status, tier, amount_yuan, cap_bound, near_miss); rows are in
no order.
"""

from __future__ import annotations

import contextlib
import functools

import pyarrow as pa
import pyarrow.compute as pc

KINDS = ("enterprises", "figures", "designations")
PREFIX = {"enterprises": "e_", "figures": "f_", "designations": "d_"}
RESULT = ("enterprise_id long, policy_id string, status string, tier string, "
          "amount_yuan long, cap_bound boolean, near_miss boolean")


@contextlib.contextmanager
def codegen():
    """Spark's code generation on while the wide job runs, as it was after. The session
    turns it off for the SQL path's explanation expressions (past Java's method limit); the
    wide job's SQL is casts, a union and a hash, which compiled code moves faster (100,000
    firms: 34 s against 46 s, one warm session, a loaded machine)."""
    from .backends import spark as spark_backend

    conf = spark_backend.session().conf
    keys = {"spark.sql.codegen.wholeStage": "true", "spark.sql.codegen.factoryMode": "FALLBACK"}
    before = {k: conf.get(k, None) for k in keys}
    for k, v in keys.items():
        conf.set(k, v)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                conf.unset(k)
            else:
                conf.set(k, v)


@functools.lru_cache(maxsize=4)
def _pack(name: str):
    from .pack import load_pack

    return load_pack(name)


def columns(pack_name: str, year: int) -> dict[str, list[str]]:
    from . import wide as W
    from .evaluate import plan_for

    return W.columns_read(plan_for(_pack(pack_name), year, "wide"))


def decide_bucket(pack_name: str, year: int, data_since: int | None, near_miss: float,
                  cols: dict[str, list[str]], group: pa.Table) -> pa.Table:
    """One bucket's rows (stacked as by :func:`stacked`) decided: the narrow result with its
    dictionaries decoded."""
    from . import wide as W

    kind = group["kind"]
    tables = []
    for i, name in enumerate(KINDS):
        rows = group.filter(pc.equal(kind, i))
        tables.append(pa.table({c: rows[c if c == "enterprise_id" else PREFIX[name] + c]
                                for c in cols[name]}))
    narrow = W.decisions(_pack(pack_name), year, *tables, data_since=data_since,
                         near_miss=near_miss)
    return pa.table({c: narrow[c].cast(pa.string()) if pa.types.is_dictionary(narrow[c].type)
                     else narrow[c] for c in narrow.column_names})


def stacked(frames: dict, cols: dict[str, list[str]], buckets: int):
    """The three tables as one frame: enterprise_id, bucket, kind, then each table's columns
    under its prefix (null in the other tables' rows)."""
    from .contract import CONTRACT
    from .spark_job import _spark_type

    every = [(name, c) for name in KINDS for c in cols[name] if c != "enterprise_id"]
    parts = []
    for i, name in enumerate(KINDS):
        select = ["enterprise_id", f"CAST({i} AS TINYINT) AS kind"]
        for other, c in every:
            alias = PREFIX[other] + c
            select.append(f"{c} AS {alias}" if other == name else
                          f"CAST(NULL AS {_spark_type(CONTRACT[other][c])}) AS {alias}")
        parts.append(frames[name].selectExpr(*select))
    union = parts[0].unionByName(parts[1]).unionByName(parts[2])
    return union.selectExpr(f"CAST(pmod(xxhash64(enterprise_id), {int(buckets)}) AS INT) "
                            "AS bucket", "*")


def decisions_frame(pack_name: str, year: int, input_dir: str, *,
                    data_since: int | None = None, near_miss: float = 0.2,
                    buckets: int = 16):
    """The city's decisions as a Spark DataFrame (lazy: nothing collected)."""
    from .backends import spark as spark_backend
    from .evaluate import period
    from .inputs import check_year
    from .spark_job import read_inputs

    if buckets < 1:
        raise ValueError("buckets is at least 1")
    year = check_year(year, period(_pack(pack_name)))
    spark = spark_backend.session()
    cols = columns(pack_name, year)
    frames = read_inputs(spark, input_dir)
    frame = stacked(frames, cols, buckets)

    # Annotated so that Spark takes it for a function of one Arrow table (cloudpickle sends
    # the closure to the executors).
    def decide(group: pa.Table) -> pa.Table:
        return decide_bucket(pack_name, year, data_since, near_miss, cols,
                             group.drop_columns(["bucket"]))

    return frame.groupBy("bucket").applyInArrow(decide, RESULT)
