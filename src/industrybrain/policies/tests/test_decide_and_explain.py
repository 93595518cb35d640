"""The rows a run reads (decide first with the wide backend, words written afterwards from
the kept values, no second SQL evaluation) are the whole city's DuckDB evaluation's rows,
words and inputs JSON included, on generated cities with holes, giants and bad values."""

from types import SimpleNamespace

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from industrybrain.engine import evaluate, load_pack
from industrybrain.engine import wide as W
from industrybrain.engine.tests.synthetic import snapshot
from industrybrain.policies import catalogue, runs

PACK = load_pack("changzhou_2022")


def _key(r):
    return r["enterprise_id"], r["policy_id"]


@pytest.mark.parametrize("seed, missing, data_since, year", [
    (1, 0.0, None, 2022), (7, 0.05, 2016, 2022), (11, 0.3, 2019, 2023), (23, 0.05, 2016, 2025)])
def test_a_runs_rows_are_the_whole_citys_evaluation(seed, missing, data_since, year):
    ent, fig, des = snapshot(400, years=range(2016, year + 1), seed=seed, missing=missing,
                             giants=80)
    # two enterprises with a negative revenue: invalid_data rows with their reasons
    rev = fig["revenue"].to_pylist()
    rev[3], rev[40] = -5, -1
    fig = fig.set_column(fig.schema.get_field_index("revenue"), "revenue",
                         pa.array(rev, fig["revenue"].type))
    snap = SimpleNamespace(tables=(ent, fig, des), data_since=data_since)
    mine, invalid = runs.decide_and_explain(PACK, year, snap)
    money = [p.id for p in PACK.policies if catalogue.carries_money(p)]
    full = evaluate(PACK, year, ent, fig, des, data_since=data_since)
    full = full.filter(pc.is_in(full["policy_id"], value_set=pa.array(money)))
    want = {_key(r): r for r in full.to_pylist()}
    got = mine.to_pylist()
    assert got and all({k: r[k] for k in want[_key(r)]} == want[_key(r)] for r in got)
    # what an award keeps: on every row but an invalid one (no values to keep)
    assert all(r["explanation_zh"] is not None for r in got)
    assert all((r["kept"] is None) == (r["status"] == "invalid_data") for r in got)
    # every row the run stores or messages is there, with its words
    stored = {_key(r) for r in runs.proposals_of(PACK, full).to_pylist()}
    near = {_key(r) for r in full.to_pylist()
            if r["status"] == "not_eligible" and r["explanation_zh"] is not None}
    assert stored and (stored | near) <= {_key(r) for r in got}
    # and no other: exactly the money rows of the narrow decisions that pay, are unpriced
    # (invalid data included) or are near misses, once each
    narrow = W.decisions(PACK, year, ent, fig, des, data_since=data_since).to_pylist()
    read = {_key(r) for r in narrow if r["policy_id"] in money and (
        r["near_miss"] or r["status"] in runs.UNPRICED
        or (r["status"] == "eligible" and (r["amount_yuan"] or 0) > 0))}
    assert sorted(_key(r) for r in got) == sorted(read)
    assert invalid == len({r["enterprise_id"] for r in full.to_pylist()
                           if r["status"] == "invalid_data"}) >= 1
