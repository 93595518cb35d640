import pyarrow.compute as pc

from industrybrain.engine import load_pack
from industrybrain.engine.simulate import Scenario, compare, envelope, simulate, summary

from .synthetic import snapshot

PACK = load_pack("changzhou_2022")
TABLES = snapshot(3000, seed=3)


def test_simulation_is_seeded_and_reproducible():
    a = simulate(PACK, TABLES, 2022, 2024, runs=2, seed=5)
    b = simulate(PACK, TABLES, 2022, 2024, runs=2, seed=5)
    assert a.equals(b)
    assert set(a["year"].to_pylist()) == {2023, 2024}
    assert a.schema.field("amount_yuan").type.bit_width == 64


def test_no_spread_means_identical_runs():
    flat = Scenario(name="flat", growth_mean=0.05, growth_sd=0.0)
    result = simulate(PACK, TABLES, 2022, 2023, flat, runs=3, seed=1)
    rows = summary(result, envelope(PACK))
    assert rows[0]["p5_yuan"] == rows[0]["p95_yuan"] == rows[0]["mean_yuan"]
    assert envelope(PACK) == 100 * 10**8
    assert 0 < rows[0]["share_of_envelope"] < 1


def test_reform_lists_winners_and_losers():
    reform = PACK.with_assumptions(ceiling_share="80%")
    changes = compare(PACK, reform, 2022, TABLES)
    assert changes.num_rows > 0
    assert pc.max(changes["change_yuan"]).as_py() < 0  # everyone affected gets less
    # Ceiling-paid awards fall by exactly a fifth (money stays exact).
    for row in changes.to_pylist():
        if row["policy_id"] in ("leading_enterprise", "specialised_award"):
            assert row["after_yuan"] * 5 == row["before_yuan"] * 4
