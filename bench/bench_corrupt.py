"""A city run with corrupt values: 1% of enterprises carry one bad value each (NaN, ±inf, a
negative amount, a number past its range). The run must complete, price every other
enterprise exactly as a clean run of the same city does, and list the corrupt ones
(status invalid_data). Prints seconds for the clean and the corrupt run and their ratio
(the cost of the input check and of marking), plus the check alone against the clean run.

    .venv/bin/python bench/bench_corrupt.py [--size 300000] [--share 0.01]

Asserts the outcome (completes, same prices, all listed), never a duration.
"""

import argparse
import time

import pyarrow as pa
import pyarrow.compute as pc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--explain", default="relevant", choices=("none", "relevant"))
    args = parser.parse_args()

    from industrybrain.engine import evaluate, load_pack
    from industrybrain.engine.evaluate import checked_inputs
    from industrybrain.synth import generate_city
    from industrybrain.synth.corrupt import corrupt_figures

    pack = load_pack("changzhou_2022")
    t = time.perf_counter()
    city = generate_city(n_enterprises=args.size, seed=args.seed)
    print(f"city of {args.size:,} enterprises generated in {time.perf_counter() - t:.1f} s")
    tables = (city.enterprises, city.figures, city.designations)
    figures, bad = corrupt_figures(city.figures, 2022, args.share, args.seed)
    since = city.first_year
    evaluate(pack, 2022, *(t.slice(0, 1000) for t in tables), explain=args.explain,
             data_since=since)  # compile the plan outside the timings

    t = time.perf_counter()
    clean = evaluate(pack, 2022, *tables, explain=args.explain, data_since=since)
    t_clean = time.perf_counter() - t
    t = time.perf_counter()
    checked_inputs(pack, 2022, city.enterprises, figures, city.designations)
    t_check = time.perf_counter() - t
    t = time.perf_counter()
    dirty = evaluate(pack, 2022, city.enterprises, figures, city.designations,
                     explain=args.explain, data_since=since)
    t_dirty = time.perf_counter() - t

    is_bad = pc.is_in(dirty["enterprise_id"], value_set=pa.array(bad, pa.int64()))
    listed = sorted(set(dirty.filter(pc.equal(dirty["status"], "invalid_data"))
                        ["enterprise_id"].to_pylist()))
    rest_dirty = dirty.filter(pc.invert(is_bad))
    rest_clean = clean.filter(pc.invert(pc.is_in(clean["enterprise_id"],
                                                 value_set=pa.array(bad, pa.int64()))))
    same = rest_dirty.equals(rest_clean)
    paid = pc.sum(rest_dirty["amount_yuan"]).as_py()
    print(f"corrupt enterprises: {len(bad):,} ({args.share:.1%}); listed invalid_data: "
          f"{len(listed):,}; the rest ({rest_dirty.num_rows:,} rows, {paid / 1e8:,.2f} 亿元) "
          f"identical to the clean run: {same}")
    print(f"{'clean run':>22} {t_clean:8.2f} s")
    print(f"{'input check alone':>22} {t_check:8.2f} s   x clean {t_check / t_clean:.2f}")
    print(f"{'run with 1% corrupt':>22} {t_dirty:8.2f} s   x clean {t_dirty / t_clean:.2f}")
    assert listed == bad, "every corrupt enterprise must be listed, and only those"
    assert same, "the rest must be priced exactly as in the clean run"


if __name__ == "__main__":
    main()
