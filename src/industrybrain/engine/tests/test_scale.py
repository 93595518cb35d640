"""The whole pack over a city-sized snapshot: every enterprise gets one row per policy, and every
row a reviewer reads is explained. Speed is measured in bench/bench_engine.py, never here: a
timed assertion fails on a busy machine."""

import pyarrow.compute as pc

from industrybrain.engine import evaluate, load_pack

from .synthetic import snapshot


def test_city_scale_rows_and_explanations():
    pack = load_pack("changzhou_2022")
    tables = snapshot(20_000, years=range(2016, 2023))
    result = evaluate(pack, 2022, *tables)
    evaluated = [p for p in pack.policies if p.evaluated and p.in_force(2022)]
    assert result.num_rows == 20_000 * len(evaluated)
    eligible = result.filter(pc.equal(result["status"], "eligible"))
    assert eligible.num_rows > 0
    # Every row a reviewer reads has its explanation in both languages.
    assert eligible["explanation_zh"].null_count == 0
    assert eligible["explanation_en"].null_count == 0
