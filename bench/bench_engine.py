"""The engine against plain numpy, OpenFisca-Core and hand-written DuckDB SQL: the table of
issue 12, measured in one run on this machine.

    .venv/bin/python bench/bench_engine.py [--firms 1000000] [--pack-firms 300000]
        [--repeat 3] [--holes 0.02] [--skip openfisca ...]

The synthetic city (bench's data, industrybrain.synth, 6 earlier years + the current one) is
generated once and written to Parquet; every measurement then runs in a fresh Python process
that reads it, times its part (the median of --repeat runs) and reports its peak memory
(VmHWM of that process, inputs included). Before any time is printed, every method's
per-firm result of the four money rules (status, tier, amount 元) is compared with numpy's:
a disagreement stops the benchmark. --holes blanks that share of the figures at random so the
three-valued logic (missing is not zero) is exercised, not only the happy path.

The wide backend (engine/wide/, decisions without words) has three rows: the four rules on
its pivoted columns alone (comparable with numpy, whose pivot is not timed either), the four
rules from the Arrow tables (input check, pivot, rules, narrow result) and the whole pack
from the Arrow tables at --firms; its children read from Parquet only the columns the pack
reads (engine.wide.columns_read), as a columnar engine would.

Ratios are to numpy's time in the same run; asserts nothing about time (speed belongs here,
never in a test). OpenFisca-Core is the optional `bench` extra (pip install -e '.[bench]');
without it that row says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import money_rules as mr  # noqa: E402

YEAR, DATA_SINCE = 2022, 2016
KINDS = ("enterprises", "figures", "designations")


# --- the child: one measurement in a fresh process ------------------------------------------

def _load(data: Path, columns: dict[str, list[str]] | None = None):
    import pyarrow.parquet as pq

    return tuple(pq.read_table(data / f"{k}.parquet",
                               columns=None if columns is None else columns[k]) for k in KINDS)


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image: ru_maxrss
    would carry over the parent's peak through fork and exec (a parent that generated the
    city would set every child's floor)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _four(pack):
    return pack.replace(policies=tuple(p for p in pack.policies if p.id in mr.RULES))


def _wide(method: str, data: Path, repeat: int) -> tuple[dict, dict]:
    """The wide backend: the pack's decisions from the Arrow tables (input check, pivot to
    wide columns, rules, narrow result), reading from Parquet only the columns the pack
    reads. For the four rules also the rules alone over the pivoted columns, the part
    numpy's time is comparable with (its own pivot, mr.to_wide, is not timed either)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from industrybrain.engine import load_pack
    from industrybrain.engine import wide as W
    from industrybrain.engine.evaluate import checked_inputs

    pack = load_pack("changzhou_2022")
    if method == "wide4":
        pack = _four(pack)
    plan = W.compile_pack(pack, YEAR)
    tables = _load(data, W.columns_read(plan))
    ids = tables[0]["enterprise_id"].to_numpy()
    out = {"rss_inputs_mb": _peak_mb()}
    parts: dict[str, list[float]] = {"check": [], "pivot": [], "rules": [], "table": [],
                                     "kept": []}

    def whole():
        t0 = time.perf_counter()
        year, checked, bad = checked_inputs(pack, YEAR, *tables)
        t1 = time.perf_counter()
        wide = W.pivot(checked, plan.usage, year, DATA_SINCE)
        t2 = time.perf_counter()
        _, found = W.decide(plan, year, checked, DATA_SINCE, wide=wide)
        t3 = time.perf_counter()
        narrow = W.decisions_table(plan, wide, found, "policy",
                                   invalid=np.fromiter(bad, np.int64) if bad else None)
        t4 = time.perf_counter()
        if method == "pack_wide":  # everything a reviewer needs: the selected rows' values
            out["kept_firms"] = _kept(pack, plan, year, checked, bad, wide, found)
        t5 = time.perf_counter()
        for key, a, b in (("check", t0, t1), ("pivot", t1, t2), ("rules", t2, t3),
                          ("table", t3, t4), ("kept", t4, t5)):
            parts[key].append(b - a)
        return narrow, wide

    times, narrow, wide = [], None, None
    for _ in range(repeat):
        narrow = wide = None  # the last run's result is not held through the next one
        start = time.perf_counter()
        narrow, wide = whole()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    out.update({k: statistics.median(v) for k, v in parts.items()}, rows=narrow.num_rows)
    if method == "wide4":
        out["rules_alone"], _ = _time(lambda: W.decide(plan, YEAR, {}, DATA_SINCE, wide=wide),
                                      max(repeat, 5))
    out["rss_mb"] = _peak_mb()  # before the comparison below allocates its own
    # The four rules' rows in the engine's result shape, for the per-firm comparison.
    index = narrow["policy_id"].combine_chunks()
    four = [i for i, p in enumerate(plan.policy_ids) if p in mr.RULES]
    part = narrow.filter(pc.is_in(index.indices, pa.array(four, index.indices.type)))
    part = pa.table({name: (col.cast(pa.string()) if pa.types.is_dictionary(col.type)
                            else col) for name, col in zip(part.column_names, part.columns,
                                                           strict=True)})
    return out | {"seconds": seconds}, mr.from_engine(part, ids)


def _kept(pack, plan, year: int, checked, bad, wide, found) -> int:
    """The kept values (engine/interpret/kept.py) of the enterprises with a row a run
    stores or a reviewer reads (eligible with an amount, unpriced, near miss; chosen from
    the decisions with ``wide.read_rows``, as a run chooses them)."""
    from industrybrain.engine import wide as W
    from industrybrain.engine.interpret.kept import kept_columns

    ids = wide.ids[W.read_rows(plan, wide, found).any(axis=0)]
    if bad:
        ids = ids[~np.isin(ids, np.fromiter(bad, np.int64))]
    # As Arrow columns: a dict is made only for a row someone opens (KeptColumns.rows).
    return len(kept_columns(pack, year, checked, ids, DATA_SINCE))


def child(method: str, data: Path, repeat: int, out_dir: Path) -> dict:
    if method in ("wide4", "pack_wide"):
        out, per_firm = _wide(method, data, repeat)
        np.savez(out_dir / f"{method}.npz", **{f"{r}_{i}": per_firm[r][i]
                                            for r in mr.RULES for i in range(3)})
        return out
    tables = _load(data)
    ids = tables[0]["enterprise_id"].to_numpy()
    rss_inputs = _peak_mb()
    out: dict = {}
    per_firm = None
    if method == "numpy":
        wide = mr.to_wide(*tables, YEAR, DATA_SINCE)
        rss_inputs = _peak_mb()
        seconds, per_firm = _time(lambda: mr.numpy_rules(wide), repeat)
    elif method == "openfisca":
        import openfisca_rules

        wide = mr.to_wide(*tables, YEAR, DATA_SINCE)
        rss_inputs = _peak_mb()
        # A fresh simulation per run (OpenFisca caches what it computed); only the
        # calculation is timed, not loading the inputs into it.
        times = []
        for _ in range(repeat):
            sim = openfisca_rules.build(wide)
            start = time.perf_counter()
            per_firm = openfisca_rules.compute(sim, YEAR)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
    elif method == "duckdb_sql":
        import duckdb

        con = duckdb.connect()
        for name, table in zip(KINDS, tables, strict=True):
            con.register(name, table)
        sql = mr.duckdb_sql(YEAR, DATA_SINCE)
        seconds, table = _time(lambda: con.sql(sql).to_arrow_table(), repeat)
        per_firm = mr.from_sql(table, ids)
    elif method.startswith("engine4_") or method.startswith("pack_"):
        from industrybrain.engine import evaluate, load_pack

        pack = load_pack("changzhou_2022")
        if method.startswith("engine4_"):
            pack = _four(pack)
        explain = method.split("_", 1)[1]
        kw = {}
        if explain == "money":  # what a run asks for: words for the money policies' rows
            explain, kw["explain_policies"] = "relevant", [
                p.id for p in pack.policies if p.budget_line == "policy_funds"]
        small = [t.slice(0, 100) for t in tables]
        evaluate(pack, YEAR, *small, explain=explain, data_since=DATA_SINCE, **kw)  # compile
        seconds, result = _time(lambda: evaluate(pack, YEAR, *tables, explain=explain,
                                                 data_since=DATA_SINCE, **kw), repeat)
        out["rows"] = result.num_rows
        per_firm = mr.from_engine(result, ids)
    elif method == "one_firm":
        out.update(_one_firm(tables, repeat))
        seconds = out["warm"]
    else:
        raise SystemExit(f"unknown method {method}")
    if per_firm is not None:
        np.savez(out_dir / f"{method}.npz", **{f"{r}_{i}": per_firm[r][i]
                                            for r in mr.RULES for i in range(3)})
    out.update(seconds=seconds, rss_mb=_peak_mb(), rss_inputs_mb=rss_inputs)
    return out


def _one_firm(tables, repeat: int) -> dict:
    """The calculator's call: one enterprise, whole pack, explanations for every row, through
    explain_one (the plain-Python interpreter) and through the batch's SQL on DuckDB. Cold is
    the interpreter's first call in this fresh process, engine import and pack load (from its
    cache, engine.packcache, once filled) included; warm the median of the next. The two
    paths' rows are compared for every firm (bench/bench_one_firm.py has the full table)."""
    import pyarrow.compute as pc

    ids = tables[0]["enterprise_id"].to_pylist()[:max(repeat, 30) + 1]
    one = [[t.filter(pc.equal(t["enterprise_id"], e)) for t in tables] for e in ids]
    start = time.perf_counter()
    from industrybrain.engine import load_pack
    from industrybrain.engine.evaluate import _explain_one_duckdb, explain_one

    pack = load_pack("changzhou_2022")
    explain_one(pack, YEAR, one[0], ids[0], data_since=DATA_SINCE)
    cold = time.perf_counter() - start
    out = {"cold": cold}
    for name, call in (("warm", explain_one), ("duck_warm", _explain_one_duckdb)):
        call(pack, YEAR, one[0], ids[0], data_since=DATA_SINCE)
        times, rows = [], []
        for e, o in zip(ids[1:], one[1:], strict=True):
            t = time.perf_counter()
            rows.append(call(pack, YEAR, o, e, data_since=DATA_SINCE))
            times.append(time.perf_counter() - t)
        out[name], out[f"{name}_rows"] = statistics.median(times), rows
    if out.pop("warm_rows") != out.pop("duck_warm_rows"):
        raise SystemExit("explain_one and the DuckDB path differ")
    return out


# --- the parent: data, processes, agreement, table -------------------------------------------

def make_city(n: int, holes: float, seed: int, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from industrybrain.synth import generate_city

    city = generate_city(n_enterprises=n, seed=seed)
    figures = city.figures
    if holes:
        rng = np.random.default_rng(seed)
        for var in ("revenue", "rd_spending", "local_contribution", "energy_tce", "above_scale"):
            col = figures[var].combine_chunks()
            blank = pa.array(rng.random(len(col)) < holes)
            figures = figures.set_column(figures.schema.get_field_index(var), var,
                                         pc.if_else(blank, pa.nulls(len(col), col.type), col))
    # Written aside, then renamed: a second benchmark reusing --data never reads half a city.
    part = path.with_name(path.name + f".part{os.getpid()}")
    part.mkdir(parents=True, exist_ok=True)
    for name, table in zip(KINDS, (city.enterprises, figures, city.designations), strict=True):
        pq.write_table(table, part / f"{name}.parquet")
    part.rename(path)


def measure(method: str, data: Path, repeat: int, out_dir: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", method, str(data), str(out_dir),
                           "--repeat", str(repeat)], capture_output=True, text=True)
    if proc.returncode:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def per_firm(out_dir: Path, method: str) -> dict:
    z = np.load(out_dir / f"{method}.npz")
    return {r: tuple(z[f"{r}_{i}"] for i in range(3)) for r in mr.RULES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--pack-firms", type=int, default=300_000,
                        help="firms for the whole-pack rows (default 300k: the shared machine)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--holes", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--skip", nargs="*", default=[],
                        help="methods to leave out (openfisca, engine4_relevant, pack_none, ...)")
    parser.add_argument("--data", type=Path,
                        help="keep the generated cities here and reuse them on the next run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--goals", action="store_true",
                        help="measure every goal of issue 12 and print one table "
                             "(bench/goals.py; see its --help)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    if "--goals" in sys.argv[1:]:
        import goals

        goals.main([a for a in sys.argv[1:] if a != "--goals"])
        return
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.repeat,
                               Path(args.child[2]))))
        return

    with tempfile.TemporaryDirectory(prefix="ib_bench_") as tmp:
        root, out = args.data or Path(tmp), Path(tmp)
        tag = f"{args.seed}_{args.holes}"
        city = root / f"city_{args.firms}_{tag}"
        t = time.perf_counter()
        if not city.exists():
            make_city(args.firms, args.holes, args.seed, city)
        print(f"city: {args.firms:,} firms × 6 earlier years + {YEAR}, {args.holes:.0%} of "
              f"the figures blank; generated in {time.perf_counter() - t:.0f} s; "
              f"{os.cpu_count()} cores; median of {args.repeat} runs per fresh process")
        four = ["numpy", "openfisca", "duckdb_sql", "engine4_none", "engine4_relevant",
                "wide4", "pack_wide"]
        results = {}
        for method in four:
            if method in args.skip:
                continue
            results[method] = measure(method, city, args.repeat, out)
        base = per_firm(out, "numpy")
        for method, r in results.items():
            if "error" in r or method == "numpy":
                continue
            diff = mr.disagreements(base, per_firm(out, method))
            if any(diff.values()):
                raise SystemExit(f"{method} disagrees with numpy (firms per rule): {diff}")
        counts = {r: np.bincount(base[r][0], minlength=4).tolist() for r in mr.RULES}
        print("all methods agree per firm with numpy; statuses (eligible, pending, not, "
              f"insufficient): {counts}")
        numpy_s = results["numpy"]["seconds"]
        print(f"\n| the four money rules, {args.firms:,} firms | time | × numpy | peak memory |")
        print("|---|---|---|---|")
        labels = {"numpy": "plain numpy on wide arrays", "openfisca": "OpenFisca-Core",
                  "duckdb_sql": "hand-written DuckDB SQL (group by / join)",
                  "engine4_none": "this engine, explain none",
                  "engine4_relevant": "this engine, explain relevant"}
        for method, r in results.items():
            if method == "pack_wide":
                continue
            if "error" in r:
                print(f"| {labels.get(method, method)} | not run: {r['error']} | | |")
                continue
            if method == "wide4":
                print(f"| this engine, wide: the rules on the wide columns | "
                      f"{r['rules_alone']:.3f} s | {r['rules_alone'] / numpy_s:.1f}× | |")
                labels[method] = ("this engine, wide: from the Arrow tables (check "
                                  f"{r['check']:.2f} + pivot {r['pivot']:.2f} + rules "
                                  f"{r['rules']:.2f} + result {r['table']:.2f} s)")
            print(f"| {labels[method]} | {r['seconds']:.3f} s | {r['seconds'] / numpy_s:.1f}× "
                  f"| {r['rss_mb']:,.0f} MB (inputs {r['rss_inputs_mb']:,.0f} MB) |")
        if args.json:
            args.json.write_text(json.dumps({"firms": args.firms, "results": results}))
        r = results.get("pack_wide")
        if r is not None:
            print(f"\n| whole pack, wide, decisions, {args.firms:,} firms | time | peak memory "
                  "| rows |")
            print("|---|---|---|---|")
            if "error" in r:
                print(f"| from the Arrow tables | not run: {r['error']} | | |")
            else:
                print(f"| from the Arrow tables: check {r['check']:.2f} + pivot "
                      f"{r['pivot']:.2f} + rules {r['rules']:.2f} + narrow result "
                      f"{r['table']:.2f} + kept values (Arrow columns) of {r['kept_firms']:,} firms "
                      f"{r['kept']:.2f} s | "
                      f"{r['seconds']:.2f} s | {r['rss_mb']:,.0f} MB "
                      f"(inputs {r['rss_inputs_mb']:,.0f} MB) | {r['rows']:,} |")

        if args.pack_firms and not {"pack_none", "pack_relevant"} <= set(args.skip):
            city2 = root / f"city_{args.pack_firms}_{tag}"
            if not city2.exists():
                make_city(args.pack_firms, args.holes, args.seed, city2)
            print(f"\n| whole pack, {args.pack_firms:,} firms | time | peak memory | rows |")
            print("|---|---|---|---|")
            for method in ("pack_none", "pack_relevant", "pack_money"):
                if method in args.skip:
                    continue
                r = measure(method, city2, args.repeat, out)
                if "error" in r:
                    print(f"| {method} | not run: {r['error']} | | |")
                    continue
                label = {"pack_money": "explain relevant, words for the money policies only "
                                       "(what a run stores)"}.get(method, f"explain {method[5:]}")
                print(f"| {label} | {r['seconds']:.2f} s | {r['rss_mb']:,.0f} MB | "
                      f"{r['rows']:,} |")
        if "one_firm" not in args.skip:
            r = measure("one_firm", city, args.repeat, out)
            if "error" in r:
                print(f"\none firm: not run: {r['error']}")
            else:
                print(f"\none firm, whole pack, explain all (the calculator's call, "
                      f"explain_one): cold {r['cold'] * 1000:.0f} ms (engine import and pack "
                      f"load included), warm {r['warm'] * 1000:.2f} ms (median); the same "
                      f"rows through DuckDB warm {r['duck_warm'] * 1000:.1f} ms "
                      f"({r['duck_warm'] / r['warm']:.0f}x)")


if __name__ == "__main__":
    main()
