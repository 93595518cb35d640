"""The whole pack over a city-sized snapshot: 300,000 enterprises x 7 years of figures."""

import time

import pyarrow.compute as pc

from industrybrain.engine import evaluate, load_pack

from .synthetic import snapshot

# Measured on the 2-core development machine: about 2-3 s. The bound leaves room for a
# slower CI runner while still catching a plan that goes row-by-row.
BOUND_SECONDS = 20


def test_city_scale_in_seconds():
    pack = load_pack("changzhou_2022")
    tables = snapshot(300_000, years=range(2016, 2023))
    start = time.perf_counter()
    result = evaluate(pack, 2022, *tables)
    elapsed = time.perf_counter() - start
    evaluated = [p for p in pack.policies if p.evaluated and p.in_force(2022)]
    assert result.num_rows == 300_000 * len(evaluated)
    assert elapsed < BOUND_SECONDS, f"{elapsed:.1f} s"
    eligible = result.filter(pc.equal(result["status"], "eligible"))
    # Every row a reviewer reads has its explanation in both languages.
    assert eligible["explanation_zh"].null_count == 0
    assert eligible["explanation_en"].null_count == 0
    print(f"\n300,000 enterprises x {len(evaluated)} policies: {elapsed:.2f} s")
