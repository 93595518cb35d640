"""Spark batch job: a policy pack over a snapshot in Parquet, results written as Parquet.

    python -m industrybrain.engine.spark_job --pack changzhou_2022 --year 2022 \
        --input DIR --output DIR [--explain relevant|all|none] [--near-miss 0.2]

``--input`` holds enterprises.parquet, figures.parquet and designations.parquet (files or
directories of part files) with the columns of docs/data-contract.md. ``--output`` becomes
one Parquet dataset (overwritten) with exactly the columns and types of
:func:`~industrybrain.engine.evaluate`; its rows, sorted by enterprise_id and policy_id,
equal DuckDB's ``evaluate(..., explain=<same>)``. Rows are not sorted in the files: sorting
a national run would cost a shuffle that no reader needs.

The session is the active one (spark-submit) or a new one on ``IB_SPARK_MASTER``
(``local[2]`` by default); see :func:`.backends.spark.session`. Nothing is collected to the
driver.

``--wide``: the decisions only (no explanations), by the wide backend on each enterprise
range (:mod:`.spark_wide`): the plan of engine/stream.py, its ranges run as Spark tasks.
"""

from __future__ import annotations

import argparse
import os
import sys

import pyarrow as pa

from .contract import CONTRACT
from .errors import RangeError
from .evaluate import plan_for
from .pack import load_pack

TABLES = ("enterprises", "figures", "designations")

# Spark SQL spellings of the contract's Arrow types (contract.py) and the result's.
_SPARK_TYPES = {pa.int64(): "BIGINT", pa.int32(): "INT", pa.int16(): "SMALLINT",
                pa.string(): "STRING", pa.bool_(): "BOOLEAN", pa.float64(): "DOUBLE",
                pa.date32(): "DATE", pa.list_(pa.string()): "ARRAY<STRING>"}


def _spark_type(typ: pa.DataType) -> str:
    return _SPARK_TYPES[typ]


def read_inputs(spark, directory: str) -> dict:
    """The three snapshot tables as DataFrames in the contract's types. As :func:`conform`
    does for Arrow: a missing optional column becomes nulls, and a column written with a
    wider or narrower type (int32 ids, say) is cast, so the SQL sees one shape."""
    frames = {}
    for name in TABLES:
        frame = spark.read.parquet(os.path.join(directory, f"{name}.parquet"))
        have = set(frame.columns)
        if "enterprise_id" not in have:
            raise ValueError(f"{name}: the column enterprise_id is required")
        cols = [f"CAST({c} AS {_spark_type(t)}) AS {c}" if c in have
                else f"CAST(NULL AS {_spark_type(t)}) AS {c}"
                for c, t in CONTRACT[name].items()]
        frames[name] = frame.selectExpr(*cols)
    return frames


def result_frame(pack_name: str, year: int, input_dir: str, explain: str = "relevant",
                 near_miss: float = 0.2, data_since: int | None = None):
    """The whole result as one Spark DataFrame (not collected), in evaluate()'s types."""
    from .backends import spark as spark_backend
    from .backends.duckdb import RESULT_SCHEMA

    spark = spark_backend.session()
    pack = load_pack(pack_name)
    plan = plan_for(pack, year, "spark")
    parts = spark_backend.run_frames(plan, year, read_inputs(spark, input_dir),
                                     explain=explain, near_miss=near_miss, collect=False,
                                     data_since=data_since)
    # Every column nullable, as in evaluate()'s schema: Spark knows policy_id, year and status
    # are never null and would write them as required Parquet fields. A CASE on a condition
    # that is never true but depends on the data (status; each part's policy_id is a
    # constant the optimiser would fold) makes them nullable without changing a value
    # (DataFrame.to() keeps a non-nullable column non-nullable).
    casts = [f"CASE WHEN length(status) < 0 THEN NULL ELSE "
             f"CAST({f.name} AS {_spark_type(f.type)}) END AS {f.name}" for f in RESULT_SCHEMA]
    if not parts:
        return spark.createDataFrame([], ", ".join(
            f"{f.name} {_spark_type(f.type)}" for f in RESULT_SCHEMA))
    # Each policy's SELECT types its columns from its own expressions (a NULL tier is
    # VOID, a capped amount DECIMAL); cast each part so the union and the file agree.
    result = parts[0].selectExpr(*casts)
    for part in parts[1:]:
        result = result.unionByName(part.selectExpr(*casts))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m industrybrain.engine.spark_job",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", required=True, help="policy pack name, e.g. changzhou_2022")
    parser.add_argument("--year", required=True, type=int)
    parser.add_argument("--input", required=True,
                        help="directory with enterprises/figures/designations.parquet")
    parser.add_argument("--output", required=True, help="Parquet dataset to (over)write")
    parser.add_argument("--explain", default="relevant", choices=("relevant", "all", "none"),
                        help="which rows carry explanations and inputs (as evaluate())")
    parser.add_argument("--near-miss", type=float, default=0.2,
                        help="share of a tier's threshold that counts as a near miss")
    parser.add_argument("--data-since", type=int, default=None,
                        help="first year the figures cover (known history; see evaluate())")
    parser.add_argument("--wide", action="store_true",
                        help="decisions only, by the wide backend per enterprise bucket "
                             "(engine/spark_wide.py): no words, a fraction of the time")
    parser.add_argument("--chunk", type=int, default=None,
                        help="with --wide: enterprises per range, one Spark task each "
                             "(default 500,000)")
    args = parser.parse_args(argv)
    if args.chunk is not None and not args.wide:
        parser.error("--chunk is for --wide")
    if args.wide:
        if args.explain != "relevant" and args.explain != "none":
            parser.error("--wide decides without words: --explain none")
        from .spark_wide import DEFAULT_CHUNK, write_decisions

        done = write_decisions(args.pack, args.year, args.input, args.output,
                               data_since=args.data_since, near_miss=args.near_miss,
                               chunk=args.chunk or DEFAULT_CHUNK)
        print(f"{done['enterprises']:,} enterprises in {done['ranges']} ranges, "
              f"{done['rows']:,} rows ({done['invalid']:,} enterprises with invalid data)")
        return 0
    frame = result_frame(args.pack, args.year, args.input, args.explain, args.near_miss,
                         args.data_since)
    frame.write.mode("overwrite").parquet(args.output)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RangeError as exc:  # a rule's value past what can be computed: its words
        sys.exit(str(exc))
