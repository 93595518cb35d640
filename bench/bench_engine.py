"""The whole Changzhou pack on a synthetic city, DuckDB and Spark local, against a baseline
measured in the same run: a plain DuckDB scan and aggregate over the same Arrow tables
(join this year's figures, group the history) — the floor any plan over this data pays.

    .venv/bin/python bench/bench_engine.py [--sizes 300000 1000000] [--spark-sizes 300000]

Prints seconds, rows per second (result rows: enterprises x policies) and the ratio to the
baseline; asserts nothing about time. Then one enterprise, whole pack with explanations (the
web calculator's call): cold (first call on a thread: prepares the plan) and warm (median),
beside the plain run of the same snapshot that the small path replaces.
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


def one_enterprise(pack, tables, runs: int = 30) -> None:
    """evaluate(explain="all") on a snapshot of one enterprise, as the calculator calls it."""
    import statistics

    import pyarrow.compute as pc

    from industrybrain.engine import evaluate
    from industrybrain.engine.backends import duckdb as duckdb_backend
    from industrybrain.engine.contract import conform
    from industrybrain.engine.evaluate import plan_for

    ids = tables[0]["enterprise_id"].to_pylist()[:runs]
    one = [[t.filter(pc.equal(t["enterprise_id"], e)) for t in tables] for e in ids]
    plan = plan_for(pack, 2022)
    named = [{k: conform(t, k) for k, t in zip(("enterprises", "figures", "designations"), o,
                                               strict=True)} for o in one]
    plain = statistics.median(
        timed(lambda n=n: duckdb_backend.run(plan, 2022, n, explain="all", small=False))[0]
        for n in named[:10])
    cold, _ = timed(lambda: evaluate(pack, 2022, *one[0], explain="all"))
    warm = statistics.median(timed(lambda o=o: evaluate(pack, 2022, *o, explain="all"))[0]
                             for o in one[1:])
    print(f"{'one enterprise':>14} plain run {plain * 1000:7.1f} ms   small path: cold "
          f"{cold * 1000:7.1f} ms, warm {warm * 1000:6.1f} ms (median of {len(one) - 1}), "
          f"x plain {warm / plain:.2f}")


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
    city = generate_city(n_enterprises=1_000, seed=args.seed)
    one_enterprise(pack, (city.enterprises, city.figures, city.designations))


if __name__ == "__main__":
    main()
