"""One firm, whole pack, with explanations (the calculator's and explain_one's call): the
plain-Python interpreter against the same call through DuckDB, measured in one run.

    .venv/bin/python bench/bench_one_firm.py [--firms 2000] [--sample 200] [--cold 9]

A synthetic city (industrybrain.synth, 6 earlier years + 2022, 2% of the figures blank) is
generated once; --sample firms are drawn from it at random, each as its own one-enterprise
snapshot (as policies.snapshot hands the calculator one). Before any time is printed, both
paths' rows are compared for every sampled firm (every column, explanations and inputs
included): a difference stops the benchmark.

warm: median and p95 over the sampled firms in one process, after one call.
cold: a fresh Python process per sample, the firm's tables already read (pyarrow imported,
as the caller holds them), timed from importing the engine through loading the pack (from
its cache, engine.packcache) to the first answer. The children run with bytecode (a
deployed app has its .pyc files) and a pack cache, both filled by one untimed process first.

Wall time and, beside it, the process's CPU time: on a shared machine the wall time waits for
a core, the CPU time much less so (it is what a quiet machine would take, roughly). Asserts
nothing about time (speed belongs here, never in a test); ratios are to the DuckDB path
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEAR, DATA_SINCE = 2022, 2016
KINDS = ("enterprises", "figures", "designations")

COLD = """
import json, sys, time
import pyarrow as pa, pyarrow.ipc
tables = [pa.ipc.open_file(sys.argv[1] + "/" + k + ".arrow").read_all() for k in KINDS]
start, cpu = time.perf_counter(), time.process_time()
from industrybrain.engine import load_pack
from industrybrain.engine.evaluate import explain_one, _explain_one_duckdb
call = explain_one if sys.argv[2] == "interpreter" else _explain_one_duckdb
pack = load_pack("changzhou_2022")
rows = call(pack, YEAR, tables, int(sys.argv[3]), data_since=DATA_SINCE)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "rows": len(rows)}))
""".replace("KINDS", repr(KINDS)).replace("DATA_SINCE", str(DATA_SINCE)).replace(
    "YEAR", str(YEAR))


def stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def one_firm_tables(city: Path, ids: list[int]):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tables = [pq.read_table(city / f"{k}.parquet") for k in KINDS]
    return {e: [t.filter(pc.equal(t["enterprise_id"], e)) for t in tables] for e in ids}


def warm(firms: dict, duck_sample: int) -> dict:
    from industrybrain.engine import load_pack
    from industrybrain.engine.evaluate import _explain_one_duckdb, explain_one

    pack = load_pack("changzhou_2022")
    ids = list(firms)
    out = {}
    for name, call, chosen in (("interpreter", explain_one, ids),
                               ("duckdb", _explain_one_duckdb, ids[:duck_sample])):
        call(pack, YEAR, firms[ids[0]], ids[0], data_since=DATA_SINCE)
        times, cpus, rows = [], [], {}
        for e in chosen:
            t, c = time.perf_counter(), time.process_time()
            rows[e] = call(pack, YEAR, firms[e], e, data_since=DATA_SINCE)
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        out[name] = (times, rows, cpus)
    return out


def cold(tmp: Path, firms: dict, n: int, env: dict) -> dict:
    import pyarrow as pa

    out = {"interpreter": [], "duckdb": [], "interpreter_cpu": [], "duckdb_cpu": []}
    ids = list(firms)[:n]
    for i, e in enumerate(ids):
        where = tmp / f"firm_{e}"
        where.mkdir(exist_ok=True)
        for k, t in zip(KINDS, firms[e], strict=True):
            with pa.ipc.new_file(where / f"{k}.arrow", t.schema) as w:
                w.write_table(t)
        # Alternate which path runs first, so neither always meets a warmer disk cache.
        order = ("interpreter", "duckdb") if i % 2 == 0 else ("duckdb", "interpreter")
        for method in order:
            proc = subprocess.run([sys.executable, "-c", COLD, str(where), method, str(e)],
                                  capture_output=True, text=True, env=env, check=True)
            got = json.loads(proc.stdout.strip().splitlines()[-1])
            out[method].append(got["seconds"])
            out[f"{method}_cpu"].append(got["cpu"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=200, help="random firms, warm")
    parser.add_argument("--duck-sample", type=int, default=60,
                        help="of those, how many also through DuckDB (slower)")
    parser.add_argument("--cold", type=int, default=9, help="fresh processes per path")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--holes", type=float, default=0.02)
    parser.add_argument("--json", help="also write the figures to this file (bench/goals.py)")
    args = parser.parse_args()

    import numpy as np

    sys.path.insert(0, str(HERE))
    from bench_engine import make_city

    with tempfile.TemporaryDirectory(prefix="ib_one_firm_") as tmp_name:
        tmp = Path(tmp_name)
        city = tmp / "city"
        t = time.perf_counter()
        make_city(args.firms, args.holes, args.seed, city)
        print(f"city: {args.firms:,} firms, {args.holes:.0%} of the figures blank, generated in "
              f"{time.perf_counter() - t:.0f} s; {os.cpu_count()} cores; load average "
              f"{os.getloadavg()[0]:.1f}")
        rng = np.random.default_rng(args.seed)
        ids = [int(x) for x in rng.choice(np.arange(1, args.firms + 1), args.sample,
                                          replace=False)]
        firms = one_firm_tables(city, ids)

        result = warm(firms, args.duck_sample)
        mine, duck = result["interpreter"][1], result["duckdb"][1]
        differ = [e for e in duck if duck[e] != mine[e]]
        if differ:
            raise SystemExit(f"the interpreter and DuckDB differ for firms {differ[:5]}")
        rows = sum(len(r) for r in mine.values())
        statuses: dict[str, int] = {}
        for r in (row for rs in mine.values() for row in rs):
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        print(f"both paths give the same rows for the {len(duck)} firms compared "
              f"({rows:,} rows of {len(mine)} firms; statuses {statuses})")

        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PYTHONPYCACHEPREFIX=str(tmp / "pyc"), IB_PACK_CACHE=str(tmp / "packs"),
                   PYTHONPATH=os.pathsep.join(
                       [str(HERE.parent / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
        cold(tmp, {ids[0]: firms[ids[0]]}, 1, env)  # untimed: bytecode and pack cache
        times = cold(tmp, firms, args.cold, env)

        print("\n| one firm, whole pack, explain all | warm median | warm p95 | cold median "
              "| cold p95 | CPU time: warm median / p95 / cold median |")
        print("|---|---|---|---|---|---|")
        figures = {}
        for name, label in (("interpreter", "plain-Python interpreter (explain_one)"),
                            ("duckdb", "DuckDB, the batch's SQL (prepared per thread)")):
            wm, wp = stats(result[name][0])
            cm, cp = stats(times[name])
            (wc, wcp), cc = stats(result[name][2]), stats(times[f"{name}_cpu"])[0]
            figures[name] = (wm, wp, cm, cp)
            print(f"| {label} | {wm * 1000:.2f} ms | {wp * 1000:.2f} ms | {cm * 1000:.0f} ms "
                  f"| {cp * 1000:.0f} ms | {wc * 1000:.2f} / {wcp * 1000:.2f} / {cc * 1000:.0f} ms |")
        if args.json:
            Path(args.json).write_text(json.dumps({
                name: dict(zip(("warm", "warm_p95", "cold", "cold_p95"), f, strict=True))
                | {"cold_cpu": stats(times[f"{name}_cpu"])[0]}
                for name, f in figures.items()}))
        i, d = figures["interpreter"], figures["duckdb"]
        print(f"\nDuckDB / interpreter: warm {d[0] / i[0]:.0f}x (median), {d[1] / i[1]:.0f}x "
              f"(p95); cold {d[2] / i[2]:.1f}x (median). Warm over {len(result['interpreter'][0])}"
              f" / {len(result['duckdb'][0])} random firms, cold over {args.cold} fresh "
              "processes each (pack from its cache, bytecode compiled).")


if __name__ == "__main__":
    main()
