"""A city bigger than memory: the whole pack's decisions streamed by enterprise range from
Parquet (engine/stream.py) at 100k, 1M, 3M and 10M firms, the fitted exponent of time
against firms, and the Spark wide job (engine/spark_job.py --wide) against them.

    .venv/bin/python bench/bench_stream.py [--sizes 100000 1000000 3000000 10000000]
        [--data /tmp/ib_stream] [--chunk 1000000] [--spark 1000000] [--repeat 1]

The biggest city is generated block by block (a calibrated city of --block firms per block,
each with its own seed, ids offset so they follow on), each block sorted by enterprise id
and appended to the Parquet files with row groups of 128k rows, so neither the generator
nor the files need the whole city in memory; the smaller cities are its first n firms
(copied by a range filter). Every measurement runs in a fresh process: its time is the
median of --repeat runs, its peak memory that process's VmHWM (what one machine needs).

Before any time is printed, the streamed result of the smallest city is compared with the
in-memory wide backend and the DuckDB backend firm by firm and policy by policy, and the
Spark wide result with DuckDB's (up to --memory-max firms) or the streamed one: a
disagreement stops the benchmark. Results over 20M rows are compared policy by policy by
their row count and the sum of a hash of every row (DuckDB over the files), not sorted in
memory. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

YEAR, DATA_SINCE = 2022, 2016
KINDS = ("enterprises", "figures", "designations")
ROW_GROUP = 128 * 1024
HOLES = ("revenue", "rd_spending", "local_contribution", "energy_tce", "above_scale")


# --- the city, block by block -----------------------------------------------------------------

def make_city(n: int, path: Path, block: int = 1_000_000, holes: float = 0.02,
              seed: int = 2022) -> None:
    """``n`` firms in Parquet sorted by enterprise id, ``block`` firms generated at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from industrybrain.synth import generate_city

    part = path.with_name(path.name + f".part{os.getpid()}")
    part.mkdir(parents=True, exist_ok=True)
    writers = {}
    done = 0
    b = 0
    while done < n:
        size = min(block, n - done)
        t = time.perf_counter()
        city = generate_city(n_enterprises=size, seed=seed + b)
        tables = {"enterprises": city.enterprises, "figures": city.figures,
                  "designations": city.designations}
        del city
        rng = np.random.default_rng(seed + b)
        for kind, table in tables.items():
            ids = pc.add(table["enterprise_id"], done)
            table = table.set_column(table.schema.get_field_index("enterprise_id"),
                                     "enterprise_id", ids)
            if kind == "figures" and holes:
                for var in HOLES:
                    col = table[var].combine_chunks()
                    blank = pa.array(rng.random(len(col)) < holes)
                    table = table.set_column(table.schema.get_field_index(var), var,
                                             pc.if_else(blank, pa.nulls(len(col), col.type),
                                                        col))
            keys = [("enterprise_id", "ascending")] + (
                [("year", "ascending")] if kind == "figures" else [])
            table = table.sort_by(keys)
            if kind not in writers:
                writers[kind] = pq.ParquetWriter(part / f"{kind}.parquet", table.schema,
                                                 compression="lz4")
            writers[kind].write_table(table, row_group_size=ROW_GROUP)
        del tables
        done += size
        b += 1
        print(f"  block {b}: {done:,} firms written ({time.perf_counter() - t:.0f} s)",
              flush=True)
    for w in writers.values():
        w.close()
    part.rename(path)


def first_firms(big: Path, n: int, path: Path) -> None:
    """The first ``n`` firms of the city in ``big`` (ids 1..n), copied batch by batch."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    part = path.with_name(path.name + f".part{os.getpid()}")
    part.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        source = ds.dataset(str(big / f"{kind}.parquet"), format="parquet")
        with pq.ParquetWriter(part / f"{kind}.parquet", source.schema,
                              compression="lz4") as writer:
            for batch in source.to_batches(filter=ds.field("enterprise_id") <= n):
                if batch.num_rows:
                    writer.write_batch(batch, row_group_size=ROW_GROUP)
    part.rename(path)


def cities(sizes: list[int], root: Path, block: int) -> dict[int, Path]:
    root.mkdir(parents=True, exist_ok=True)
    big = max(sizes)
    paths = {n: root / f"city_{n}" for n in sizes}
    if not paths[big].exists():
        t = time.perf_counter()
        print(f"generating {big:,} firms in blocks of {block:,} ...", flush=True)
        make_city(big, paths[big], block)
        print(f"generated in {time.perf_counter() - t:.0f} s", flush=True)
    for n in sizes:
        if not paths[n].exists():
            first_firms(paths[big], n, paths[n])
    return paths


# --- the children -------------------------------------------------------------------------------

def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _jvm_peak_mb() -> float:
    """The Spark JVM's peak resident memory: stop it, reap it, read the children's rusage
    (the Python child's VmHWM does not hold the JVM it drives)."""
    import resource

    from pyspark import SparkContext

    context = SparkContext._active_spark_context
    proc = getattr(SparkContext._gateway, "proc", None)
    if context is not None:
        context.stop()
    if proc is not None:
        SparkContext._gateway.shutdown()
        proc.stdin.close()
        proc.wait(timeout=120)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child(method: str, data: Path, out: Path, chunk: int, repeat: int,
          workers: int | None = None) -> dict:
    from industrybrain.engine import load_pack

    pack = load_pack("changzhou_2022")
    times, info = [], {}
    started = None
    if method == "spark":  # the JVM's start is reported apart: a cluster pays it once
        from industrybrain.engine.backends.spark import session

        t = time.perf_counter()
        session()
        started = time.perf_counter() - t
    for _ in range(repeat):
        t = time.perf_counter()
        if method == "stream":
            from industrybrain.engine.stream import decide_parquet

            done = decide_parquet(pack, YEAR, data, out, data_since=DATA_SINCE, chunk=chunk,
                                  workers=workers)
            info = {"rows": done.rows, "ranges": done.ranges, "parts": done.seconds}
        elif method == "spark":
            from industrybrain.engine import spark_job

            spark_job.main(["--pack", "changzhou_2022", "--year", str(YEAR), "--input",
                            str(data), "--output", str(out), "--data-since", str(DATA_SINCE),
                            "--wide", "--chunk", str(chunk)])
        elif method == "memory":  # the in-memory wide run on the same columns
            import pyarrow.parquet as pq

            from industrybrain.engine import wide as W
            from industrybrain.engine.evaluate import plan_for

            cols = W.columns_read(plan_for(pack, YEAR, "wide"))
            tables = [pq.read_table(data / f"{k}.parquet", columns=cols[k]) for k in KINDS]
            narrow = W.decisions(pack, YEAR, *tables, data_since=DATA_SINCE)
            pq.write_table(narrow, out, compression="lz4")
            info = {"rows": narrow.num_rows}
            del tables, narrow
        elif method == "duckdb":  # the DuckDB backend, explain none, the same columns
            duckdb_decisions(data, out)
        times.append(time.perf_counter() - t)
    if method == "spark":
        info = {"jvm_mb": _jvm_peak_mb(), "session_s": started}
        if len(times) > 1:  # the first job warms the session (Python workers, the JVM's JIT)
            info["first_s"] = times[0]
            times = times[1:]
    return {"seconds": float(np.median(times)), "rss_mb": _peak_mb(), **info}


def measure(method: str, data: Path, out: Path, chunk: int, repeat: int,
            workers: int | None = None) -> dict:
    more = [] if workers is None else ["--workers", str(workers)]
    proc = subprocess.run([sys.executable, __file__, "--child", method, str(data), str(out),
                           "--chunk", str(chunk), "--repeat", str(repeat), *more],
                          capture_output=True, text=True)
    if proc.returncode:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- agreement ----------------------------------------------------------------------------------

def decisions(path: Path):
    """A result file as (enterprise, policy) -> (status, tier, amount, cap_bound), sorted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["enterprise_id", "policy_id", "status", "tier",
                                     "amount_yuan", "cap_bound"])
    t = pa.table({c: t[c].cast(pa.string()) if pa.types.is_dictionary(t[c].type) else t[c]
                  for c in t.column_names})
    return t.sort_by([("enterprise_id", "ascending"), ("policy_id", "ascending")])


def duckdb_decisions(data: Path, out: Path) -> None:
    import pyarrow.parquet as pq

    from industrybrain.engine import evaluate, load_pack
    from industrybrain.engine import wide as W
    from industrybrain.engine.evaluate import plan_for

    pack = load_pack("changzhou_2022")
    cols = W.columns_read(plan_for(pack, YEAR, "wide"))
    tables = [pq.read_table(data / f"{k}.parquet", columns=cols[k]) for k in KINDS]
    result = evaluate(pack, YEAR, *tables, explain="none", data_since=DATA_SINCE)
    pq.write_table(result.select(["enterprise_id", "policy_id", "status", "tier",
                                  "amount_yuan", "cap_bound"]), out)


def fingerprint(path: Path) -> list[tuple]:
    """Per policy: rows, and the sum of a hash of each row's decision (order-free), by
    DuckDB over the files (a 10M-firm result, ~190M rows, does not fit sorted in memory)."""
    import duckdb

    files = f"{path}/**/*.parquet" if path.is_dir() else str(path)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    return con.execute(
        "SELECT policy_id, count(*), sum(hash(enterprise_id, status, tier, amount_yuan, "
        f"cap_bound)::HUGEINT) FROM read_parquet('{files}') GROUP BY policy_id "
        "ORDER BY policy_id").fetchall()


def rows_of(path: Path) -> int:
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet").count_rows()


def agree(a: Path, b: Path, what: str, exact_rows: int = 20_000_000) -> None:
    if rows_of(a) > exact_rows:
        if fingerprint(a) != fingerprint(b):
            raise SystemExit(f"{what}: the results differ (policy rows or row hashes)")
        return
    left, right = decisions(a), decisions(b)
    if not left.equals(right):
        raise SystemExit(f"{what}: the results differ ({left.num_rows:,} / "
                         f"{right.num_rows:,} rows)")


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """b in time = a · firms^b, least squares on the logs."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[100_000, 1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/ib_stream"))
    parser.add_argument("--block", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None,
                        help="the stream's ranges decided at once (default: the stream's own)")
    parser.add_argument("--spark", type=int, nargs="*", default=[1_000_000],
                        help="city sizes for the Spark wide job (none: skip Spark)")
    parser.add_argument("--spark-chunk", type=int, default=500_000,
                        help="enterprises per Spark task (one range of the stream each)")
    parser.add_argument("--memory-max", type=int, default=1_000_000,
                        help="largest city also decided whole in memory (the baseline)")
    parser.add_argument("--make-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), Path(args.child[2]),
                               args.chunk, args.repeat, args.workers)))
        return
    sizes = sorted(args.sizes)
    paths = cities(sorted(set(sizes) | set(args.spark)), args.data, args.block)
    if args.make_only:
        return
    out = args.data / "out"
    out.mkdir(exist_ok=True)
    small = paths[sizes[0]]
    # Agreement first: streamed == in memory == DuckDB on the smallest city, per firm.
    measure("stream", small, out / "stream_small.parquet", args.chunk // 10 or 1, 1,
            args.workers)
    memory = measure("memory", small, out / "memory_small.parquet", 0, 1)
    if "error" in memory:
        raise SystemExit(f"in-memory wide run failed: {memory['error']}")
    duckdb_decisions(small, out / "duckdb_small.parquet")
    agree(out / "stream_small.parquet", out / "memory_small.parquet", "stream vs in memory")
    agree(out / "stream_small.parquet", out / "duckdb_small.parquet", "stream vs DuckDB")
    print(f"streamed == in-memory wide == DuckDB, per firm and policy, on {sizes[0]:,} firms "
          f"(ranges of {args.chunk // 10 or 1:,})")

    from industrybrain.engine.stream import default_workers

    workers = default_workers() if args.workers is None else args.workers
    load = os.getloadavg()
    print(f"\nmachine: {os.cpu_count()} cores, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"ranges of {args.chunk:,} firms, {workers} at once; median of {args.repeat} per "
          "fresh process")
    print("\n| whole pack, decisions, streamed from Parquet | time | s per M firms | "
          "peak memory | rows |")
    print("|---|---|---|---|---|")
    rows = {}
    for n in sizes:
        r = measure("stream", paths[n], out / f"stream_{n}.parquet", args.chunk, args.repeat,
                    args.workers)
        rows[n] = r
        if "error" in r:
            print(f"| {n:,} firms | not run: {r['error']} | | | |", flush=True)
            continue
        parts = " + ".join(f"{k} {v:.1f}" for k, v in r["parts"].items())
        print(f"| {n:,} firms ({parts} s) | {r['seconds']:.1f} s | "
              f"{r['seconds'] / n * 1e6:.2f} | {r['rss_mb']:,.0f} MB | {r['rows']:,} |",
              flush=True)
    memory_sizes = [n for n in sizes if n <= args.memory_max]
    for n in memory_sizes:
        r = measure("memory", paths[n], out / f"memory_{n}.parquet", 0, args.repeat)
        if "error" in r:
            print(f"| {n:,} firms, in memory | not run: {r['error']} | | | |", flush=True)
            continue
        ratio = (f"; streamed {rows[n]['seconds'] / r['seconds']:.2f}× this"
                 if "error" not in rows[n] else "")
        print(f"| {n:,} firms, the same read whole into memory (wide.decisions){ratio} | "
              f"{r['seconds']:.1f} s | {r['seconds'] / n * 1e6:.2f} | {r['rss_mb']:,.0f} MB | "
              f"{r['rows']:,} |", flush=True)
    ok = [n for n in sizes if "error" not in rows[n]]
    record = {"stream": {str(n): r for n, r in rows.items()}, "exponent": None, "spark": {},
              "workers": workers}
    if len(ok) >= 2:
        b = record["exponent"] = exponent(ok, [rows[n]["seconds"] for n in ok])
        print(f"\nfitted exponent of time vs firms over {ok[0]:,}–{ok[-1]:,}: {b:.2f} "
              "(1 = linear)")
    ducks: dict[int, dict] = {}
    for n in sorted(args.spark):
        # DuckDB holds the whole city in memory (~4.6 GB a million firms): beyond
        # --memory-max Spark is checked against the stream, and DuckDB's µs a firm is taken
        # from the largest city it decided in this run.
        duck = (measure("duckdb", paths[n], out / f"duckdb_{n}.parquet", 0, 1)
                if n <= args.memory_max else {"error": f"over --memory-max {args.memory_max:,}"})
        if "error" not in duck:
            ducks[n] = duck
        r = measure("spark", paths[n], out / f"spark_{n}", args.spark_chunk, 2)
        if "error" in r:
            print(f"\nSpark wide, {n:,} firms: not run: {r['error']}")
            continue
        if "error" not in duck:
            agree(out / f"spark_{n}", out / f"duckdb_{n}.parquet", f"Spark vs DuckDB at {n:,}")
        elif (out / f"stream_{n}.parquet").exists():
            agree(out / f"spark_{n}", out / f"stream_{n}.parquet", f"Spark vs stream at {n:,}")
        print(f"\n| {n:,} firms, decisions | time | µs per firm | × streamed | peak memory |")
        print("|---|---|---|---|---|")
        base = rows.get(n, {}).get("seconds")
        master = os.environ.get("IB_SPARK_MASTER", "local[2]")
        first = ({**r, "seconds": r["first_s"]},) if "first_s" in r else ()
        for label, x in ((f"Spark wide ({master}, ranges of {args.spark_chunk:,} firms, one "
                          f"task each), the first job of a session (JVM start "
                          f"{r.get('session_s', 0):.0f} s not counted)", *first),
                         ("Spark wide, the same job again in that session", r),
                         ("DuckDB backend, explain none, whole city in memory", duck),
                         *(((f"DuckDB backend at {max(ducks):,} firms (its µs a firm)",
                             {**ducks[max(ducks)], "per": max(ducks)}),)
                           if "error" in duck and ducks else ()),
                         ("streamed, wide backend", rows.get(n, {"error": "not run"}))):
            if "error" in x:
                print(f"| {label} | not run: {x['error']} | | | |")
                continue
            per = x.get("per", n)  # µs a firm over the city it ran on
            ratio = f"{x['seconds'] / base:.1f}×" if base and per == n else ""
            peak = f"{x['rss_mb']:,.0f} MB" + (f" + JVM {x['jvm_mb']:,.0f} MB"
                                               if "jvm_mb" in x else "")
            print(f"| {label} | {x['seconds']:.1f} s | {x['seconds'] / per * 1e6:.2f} | {ratio} "
                  f"| {peak} |", flush=True)
        if "error" not in duck:
            print("Spark's decisions == DuckDB's, per firm and policy")
        elif (out / f"stream_{n}.parquet").exists():
            print("Spark's decisions == the stream's (per policy: rows, and the sum of a hash "
                  "of every row)" if rows_of(out / f"spark_{n}") > 20_000_000 else
                  "Spark's decisions == the stream's, per firm and policy")
        record["spark"][str(n)] = {"spark": r, "duckdb": duck}
    if args.json:
        args.json.write_text(json.dumps(record))


if __name__ == "__main__":
    main()
