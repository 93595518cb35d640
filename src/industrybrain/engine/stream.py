"""A city bigger than memory: the wide backend's decisions, enterprise range by enterprise
range, from Parquet to Parquet.

    python -m industrybrain.engine.stream --pack changzhou_2022 --year 2022 \
        --input DIR --output FILE [--data-since 2016] [--chunk 1000000] [--workers 2]

:func:`decide_parquet` reads the enterprises' ids (one column), cuts the id line into
ranges of ``chunk`` enterprises, and for each range reads only that range's rows of the
three tables (a filter on enterprise_id, which Parquet's row-group statistics turn into
skipped row groups when the files are sorted by enterprise_id), checks them against the
input contract, decides them with the wide backend and appends the narrow result to the
output file before reading the next range (or, with ``workers`` > 1, while the next ranges
are read and decided in threads). Memory is that of one range per worker, whatever the city.

What a range read guarantees, the input check being per range:

* The ranges tile the whole id line (the first is open below, the last open above), so
  every row of every table with an enterprise id is read exactly once, whether or not its
  enterprise exists.
* A key is an enterprise id, or an enterprise id and a year, so all the rows holding one
  key fall in the same range: a duplicate enterprise, or two figure rows for one year, is
  refused (InputError) exactly as by ``evaluate``, however far apart the rows are in the
  files. A row without an enterprise id belongs to no range; it is looked for in every
  table before the first range and refused as ``evaluate`` refuses it.
* Every defect ``evaluate`` refuses is refused; when the input has several, the one named
  may differ (``evaluate`` checks table by table, this range by range). Nothing is
  written that could be mistaken for a result: the output is written aside and renamed
  only when every range is done.
* The year and ``data_since`` are global (arguments), never read from a range.

Per enterprise the result equals ``wide.decisions`` on the same columns (and so the DuckDB
backend's decisions): only the columns the pack reads are read (``wide.columns_read``), as
the in-memory wide run of bench/ does. Rows come range by range, then policy by policy,
then by enterprise id (the wide backend's "policy" order): no global sort.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .errors import InputError, RangeError
from .evaluate import KINDS, _check_data_since, checked_inputs, period, plan_for
from .inputs import check, check_year
from .model import Pack

DEFAULT_CHUNK = 1_000_000


@dataclass
class Streamed:
    """What :func:`decide_parquet` did: rows written, enterprises, ranges, and the seconds
    spent reading, checking and deciding, and writing."""

    rows: int = 0
    enterprises: int = 0
    invalid: int = 0
    ranges: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {
        "ids": 0.0, "read": 0.0, "decide": 0.0, "write": 0.0})


def source(directory: str | os.PathLike, kind: str) -> ds.Dataset:
    """``DIR/<kind>.parquet``, a file or a directory of part files."""
    path = Path(directory) / f"{kind}.parquet"
    if not path.exists():
        raise InputError("the table is missing", kind, "(table)", value=str(path))
    dataset = ds.dataset(str(path), format="parquet")
    if "enterprise_id" not in dataset.schema.names:
        raise InputError("the column is required", kind, "enterprise_id")
    typ = dataset.schema.field("enterprise_id").type
    if not pa.types.is_integer(typ):
        # A range filter needs ordered whole numbers; evaluate() would accept whole floats,
        # but a Parquet file written by anything that means ids writes integers.
        raise InputError(f"must be an integer, not {typ}", kind, "enterprise_id")
    return dataset


def boundaries(ids: np.ndarray, chunk: int) -> np.ndarray:
    """The first id of each range: every ``chunk``-th distinct id, ascending. Range i holds
    ids from bounds[i] (the first: from anything) to bounds[i+1] (the last: to anything)."""
    if chunk < 1:
        raise ValueError("chunk is a number of enterprises, at least 1")
    if len(ids) > 1 and not bool(np.all(ids[1:] >= ids[:-1])):
        ids = np.sort(ids)  # files sorted by id (as written for pushdown) skip the sort
    # Repeated ids share a range (and are refused there). Not np.unique: its hash table
    # took 3.6 s for 500k sorted ids where this takes milliseconds.
    distinct = ids[np.concatenate(([True], ids[1:] != ids[:-1]))] if len(ids) else ids
    return distinct[::chunk]


def _range_filter(bounds: np.ndarray, i: int):
    key = ds.field("enterprise_id")
    low = None if i == 0 else int(bounds[i])
    high = None if i + 1 >= len(bounds) else int(bounds[i + 1])
    if low is None and high is None:
        return None
    if low is None:
        return key < high
    if high is None:
        return key >= low
    return (key >= low) & (key < high)


def present_columns(sources: dict[str, ds.Dataset], wanted: dict[str, list[str]]
                    ) -> dict[str, list[str]]:
    """Of the columns the plan reads, those each file has, in the plan's order. A file
    without an optional column is not refused: the input check adds it as nulls, as
    ``evaluate`` does for a column not handed over."""
    return {k: [c for c in wanted[k] if c in sources[k].schema.names] for k in KINDS}


def _refuse_missing_keys(sources: dict[str, ds.Dataset], columns: dict[str, list[str]]
                         ) -> None:
    """A row without an enterprise id falls in no range: find it here and let the contract
    check refuse it with evaluate()'s words."""
    missing = ds.field("enterprise_id").is_null()
    for kind in KINDS:
        # Counted on the key column alone (row-group statistics answer it for most files);
        # the rows themselves are read only if there are some.
        if sources[kind].count_rows(filter=missing):
            rows = sources[kind].to_table(columns=columns[kind], filter=missing)
            check(rows, kind)
            raise InputError("the key is missing", kind, "enterprise_id")  # not reached


def read_range(sources: dict[str, ds.Dataset], columns: dict[str, list[str]],
               bounds: np.ndarray, i: int, *, missing_keys: bool = False) -> list[pa.Table]:
    """Range i's rows of the three tables (only ``columns``). With ``missing_keys``, range 0
    also takes the rows without an enterprise id, for the contract check to refuse them
    (the Spark plan, whose driver reads no row)."""
    where = _range_filter(bounds, i)
    if missing_keys and i == 0 and where is not None:
        where = where | ds.field("enterprise_id").is_null()
    return [sources[k].to_table(columns=columns[k], filter=where) for k in KINDS]


def decide_range(pack: Pack, plan, year: int, tables: list[pa.Table],
                 data_since: int | None, near_miss: float
                 ) -> tuple[pa.Table | None, int, int]:
    """One range checked against the input contract and decided: the narrow result (None
    for a range without enterprises), its enterprises, and how many of them have invalid
    data. Raises InputError for a defect of the range's input."""
    from . import wide as W

    _, checked, bad = checked_inputs(pack, year, *tables)
    del tables
    if not (checked["enterprises"].num_rows and plan.rules):
        return None, 0, 0
    wide, found = W.decide(plan, year, checked, data_since, near_miss)
    invalid_ids = np.fromiter(bad, np.int64, len(bad)) if bad else None
    narrow = W.decisions_table(plan, wide, found, "policy", invalid=invalid_ids)
    invalid = int(np.isin(wide.ids, invalid_ids).sum()) if bad else 0
    return narrow, wide.n, invalid


def default_workers() -> int:
    """Two ranges at once where there are two cores: on an idle 2-core machine the 10M city
    took 19.1 s with two against 27.7 s with one (README, "A city bigger than memory"), at
    1.1 GB more peak memory (2.8 against 1.8 GB). More than two was not measured on more
    cores, and each worker holds one range in memory: a bigger machine says --workers."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def decide_parquet(pack: Pack, year: int, directory: str | os.PathLike,
                   output: str | os.PathLike, *, data_since: int | None = None,
                   near_miss: float = 0.2, chunk: int = DEFAULT_CHUNK,
                   compression: str = "lz4", workers: int | None = None) -> Streamed:
    """The narrow decisions (``wide.decisions_table``'s columns) of the city in
    ``directory`` (enterprises/figures/designations.parquet), written to the Parquet file
    ``output``, ``chunk`` enterprises at a time, ``workers`` ranges being decided at once
    (threads; each holds one range in memory; default :func:`default_workers`). Raises
    InputError for a defect of the whole input (and writes nothing)."""
    from . import wide as W

    workers = default_workers() if workers is None else workers

    _check_data_since(data_since)
    done = Streamed()
    t = time.perf_counter()
    sources = {kind: source(directory, kind) for kind in KINDS}
    year = check_year(year, period(pack))
    plan = plan_for(pack, year, "wide")
    columns = present_columns(sources, W.columns_read(plan))
    _refuse_missing_keys(sources, columns)
    ids = sources["enterprises"].to_table(columns=["enterprise_id"])["enterprise_id"]
    bounds = boundaries(ids.to_numpy(), chunk) if len(ids) else np.zeros(1, np.int64)
    del ids
    done.seconds["ids"] = time.perf_counter() - t

    output = Path(output)
    part = output.with_name(output.name + f".part{os.getpid()}")

    def one_range(i: int):
        t0 = time.perf_counter()
        tables = read_range(sources, columns, bounds, i)
        t1 = time.perf_counter()
        return (*decide_range(pack, plan, year, tables, data_since, near_miss), t1 - t0,
                time.perf_counter() - t1)

    writer = None
    pool = ThreadPoolExecutor(max(1, workers)) if workers > 1 else None
    pending: deque = deque()
    try:
        ahead = iter(range(len(bounds)))
        for i in range(len(bounds)):
            # Ranges are decided up to `workers` ahead and written in order: Parquet
            # reading and writing and numpy's big array loops release the GIL, so on two
            # cores the next range is read and decided while this one is written.
            # Memory is that of workers + 1 ranges.
            if pool is None:
                result = one_range(i)
            else:
                while len(pending) < workers:
                    j = next(ahead, None)
                    if j is None:
                        break
                    pending.append(pool.submit(one_range, j))
                result = pending.popleft().result()
            narrow, n, invalid, read_s, decide_s = result
            done.enterprises += n
            done.invalid += invalid
            t2 = time.perf_counter()
            if narrow is not None:
                if writer is None:
                    writer = _writer(part, narrow.schema, compression)
                writer.write_table(narrow, row_group_size=max(narrow.num_rows, 1))
                done.rows += narrow.num_rows
            del narrow, result
            done.ranges += 1
            done.seconds["read"] += read_s
            done.seconds["decide"] += decide_s
            done.seconds["write"] += time.perf_counter() - t2
        if writer is None:  # no enterprise at all: an empty file with the result's columns
            empty = W.decisions_table(plan, *W.decide(plan, year, _empty(), data_since))
            writer = _writer(part, empty.schema, compression)
        writer.close()
        writer = None
        part.replace(output)
    finally:
        if pool is not None:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
        if writer is not None:
            writer.close()
        if part.exists():
            part.unlink()
    return done


def _writer(path: Path, schema: pa.Schema, compression: str) -> pq.ParquetWriter:
    """Ids ascending within each policy's batch are a few bits apiece delta-encoded; the
    default (a dictionary tried on every column, then given up for the ids) took two thirds
    of the writing time and twenty times the bytes."""
    return pq.ParquetWriter(
        path, schema, compression=compression,
        use_dictionary=["policy_id", "status", "tier"],
        column_encoding={"enterprise_id": "DELTA_BINARY_PACKED",
                         "amount_yuan": "DELTA_BINARY_PACKED"},
        write_statistics=["enterprise_id"])


def _empty() -> dict[str, pa.Table]:
    from .contract import CONTRACT

    return {k: pa.schema(CONTRACT[k]).empty_table() for k in KINDS}


def main(argv: list[str] | None = None) -> int:
    from .pack import load_pack

    parser = argparse.ArgumentParser(prog="python -m industrybrain.engine.stream",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", required=True)
    parser.add_argument("--year", required=True, type=int)
    parser.add_argument("--input", required=True,
                        help="directory with enterprises/figures/designations.parquet")
    parser.add_argument("--output", required=True, help="Parquet file to (over)write")
    parser.add_argument("--data-since", type=int, default=None)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK,
                        help="enterprises per range (memory is about 1.5 KB per firm)")
    parser.add_argument("--workers", type=int, default=None,
                        help="ranges decided at once (threads; default: 2, or 1 on one core)")
    args = parser.parse_args(argv)
    done = decide_parquet(load_pack(args.pack), args.year, args.input, args.output,
                          data_since=args.data_since, chunk=args.chunk,
                          workers=args.workers)
    print(f"{done.enterprises:,} enterprises in {done.ranges} ranges, {done.rows:,} rows "
          f"({done.invalid:,} enterprises with invalid data); seconds: "
          + ", ".join(f"{k} {v:.2f}" for k, v in done.seconds.items()))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RangeError as exc:  # a rule's value past what can be computed: its words
        sys.exit(str(exc))
