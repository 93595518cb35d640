"""The whole Changzhou pack on a synthetic city, DuckDB and Spark local, against a baseline
measured in the same run: a plain DuckDB scan and aggregate over the same Arrow tables
(join this year's figures, group the history) — the floor any plan over this data pays.

    .venv/bin/python bench/bench_engine.py [--sizes 300000 1000000] [--spark-sizes 300000]

Prints seconds, rows per second (result rows: enterprises x policies) and the ratio to the
baseline; asserts nothing about time.
"""

import argparse
import time

import duckdb

BASELINE_SQL = """
SELECT count(*), sum(c.revenue), sum(h.hmax)
FROM enterprises e
LEFT JOIN (SELECT enterprise_id, revenue FROM figures WHERE year = 2022) c USING (enterprise_id)
LEFT JOIN (SELECT enterprise_id, max(revenue) AS hmax FROM figures WHERE year < 2022
           GROUP BY enterprise_id) h USING (enterprise_id)
"""


def baseline(tables) -> float:
    con = duckdb.connect()
    for name, table in zip(("enterprises", "figures", "designations"), tables, strict=True):
        con.register(name, table)
    start = time.perf_counter()
    con.execute(BASELINE_SQL).fetchall()
    return time.perf_counter() - start


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300_000, 1_000_000])
    parser.add_argument("--spark-sizes", type=int, nargs="*", default=[300_000])
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()

    from industrybrain.engine import evaluate, load_pack
    from industrybrain.synth import generate_city

    pack = load_pack("changzhou_2022")
    print(f"{'enterprises':>12} {'backend':>8} {'seconds':>8} {'rows/s':>12} {'x baseline':>10}")
    for n in args.sizes:
        city = generate_city(n_enterprises=n, seed=args.seed)
        tables = (city.enterprises, city.figures, city.designations)
        base = min(baseline(tables) for _ in range(3))
        print(f"{n:>12,} {'baseline':>8} {base:>8.2f} {n / base:>12,.0f} {1:>10.1f}")
        evaluate(pack, 2022, *tables)  # compile the plan once, outside the timing
        runs = [("duckdb", lambda t=tables: evaluate(pack, 2022, *t))]
        if n in args.spark_sizes:
            # The first Spark call starts the JVM; timed separately from the run.
            spark_start, _ = timed(lambda: __import__(
                "industrybrain.engine.backends.spark", fromlist=["session"]).session())
            print(f"{n:>12,} {'(spark start)':>8} {spark_start:>8.2f}")
            runs.append(("spark", lambda t=tables: evaluate(pack, 2022, *t, backend="spark")))
        results = {}
        for name, run in runs:
            seconds, result = timed(run)
            results[name] = result
            print(f"{n:>12,} {name:>8} {seconds:>8.2f} {result.num_rows / seconds:>12,.0f} "
                  f"{seconds / base:>10.1f}")
        if "spark" in results:
            print(f"{'':>12} spark == duckdb: {results['spark'].equals(results['duckdb'])}")


if __name__ == "__main__":
    main()
