"""Synthetic-city generation speed: generate_city for 30k, 300k and 1M enterprises, against a
baseline measured in the same run: filling the same number of rows and columns with plain
numpy random numbers and wrapping them in Arrow tables (no calibration, no names, no codes).

    .venv/bin/python bench/bench_synth.py [--sizes 30000 300000 1000000]

Each size runs in its own process, so the peak memory reported is that size's own.
Prints rows per second and the ratio to the baseline; asserts nothing about time.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa


def baseline(rows_by_table: dict, seed: int = 0) -> float:
    """Seconds to make tables of the same shape from a trivial numpy fill."""
    from industrybrain.synth import contract

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    for schema, rows in ((contract.ENTERPRISES, rows_by_table["enterprises"]),
                         (contract.FIGURES, rows_by_table["figures"]),
                         (contract.DESIGNATIONS, rows_by_table["designations"])):
        columns = []
        for field in schema:
            values = rng.integers(0, 10**9, rows)
            if pa.types.is_string(field.type):
                columns.append(pa.array(values.astype(str)))
            elif pa.types.is_list(field.type):
                columns.append(pa.array(values.astype(str)))
            else:
                columns.append(pa.array(values))
        pa.table(columns, names=schema.names)
    return time.perf_counter() - started


def one(n: int) -> dict:
    from industrybrain.synth import generate_city

    started = time.perf_counter()
    city = generate_city(n, seed=2022)
    seconds = time.perf_counter() - started
    rows = {"enterprises": city.enterprises.num_rows, "figures": city.figures.num_rows,
            "designations": city.designations.num_rows}
    return {"n": n, "seconds": seconds, "rows": rows, "baseline_seconds": baseline(rows),
            "arrow_mb": sum(getattr(city, t).nbytes for t in rows) / 1e6,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description="synthetic-city generation speed")
    parser.add_argument("--sizes", type=int, nargs="+", default=[30_000, 300_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    print(f"{'enterprises':>12} {'rows':>11} {'seconds':>8} {'rows/s':>11} {'baseline s':>10} "
          f"{'x baseline':>10} {'arrow MB':>9} {'peak RSS MB':>11}")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out)
        total = sum(r["rows"].values())
        print(f"{n:>12,} {total:>11,} {r['seconds']:>8.2f} {total / r['seconds']:>11,.0f} "
              f"{r['baseline_seconds']:>10.2f} {r['seconds'] / r['baseline_seconds']:>10.1f} "
              f"{r['arrow_mb']:>9.0f} {r['peak_rss_mb']:>11.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
