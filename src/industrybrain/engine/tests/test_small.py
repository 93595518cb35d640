"""The small-input path (a prepared statement per thread, backends/duckdb_small.py) gives the
same bytes as the plain run, whichever enterprise came before it and from whichever thread."""

from concurrent.futures import ThreadPoolExecutor

import pyarrow.compute as pc
import pytest

from industrybrain.engine import evaluate, evaluate_organisations, explain_one, load_pack
from industrybrain.engine.backends import duckdb as duckdb_backend
from industrybrain.engine.contract import conform
from industrybrain.engine.evaluate import plan_for

PACK = load_pack("changzhou_2022")


@pytest.fixture(scope="module")
def city():
    from industrybrain.synth import generate_city

    c = generate_city(n_enterprises=400, seed=5)
    return c.enterprises, c.figures, c.designations


def _one(city, eid):
    return [t.filter(pc.equal(t["enterprise_id"], eid)) for t in city]


def _plain(tables, explain="all"):
    """The reference: the plain (non-prepared) run of the same plan."""
    named = {k: conform(t, k) for k, t in zip(("enterprises", "figures", "designations"),
                                              tables, strict=True)}
    return duckdb_backend.run(plan_for(PACK, 2022), 2022, named, explain=explain, small=False)


def _pair(city):
    """Two enterprises whose results differ (one eligible for something, one not)."""
    all_rows = evaluate(PACK, 2022, *city)
    eligible = all_rows.filter(pc.equal(all_rows["status"], "eligible"))
    a = eligible["enterprise_id"][0].as_py()
    b = next(e for e in city[0]["enterprise_id"].to_pylist()
             if e not in set(eligible["enterprise_id"].to_pylist()))
    return a, b


def test_alternating_enterprises_from_threads_give_plain_results(city):
    a, b = _pair(city)
    inputs = {a: _one(city, a), b: _one(city, b)}
    expected = {e: _plain(t) for e, t in inputs.items()}
    assert not expected[a].equals(expected[b])

    def work(i):
        e = (a, b)[i % 2]
        return e, evaluate(PACK, 2022, *inputs[e], explain="all")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(48)))
    for e, got in results:
        assert got.equals(expected[e]), e


def test_small_path_explain_modes_and_near_miss(city):
    a, b = _pair(city)
    for e in (a, b, a):
        for explain in ("none", "relevant", "all"):
            got = evaluate(PACK, 2022, *_one(city, e), explain=explain, near_miss=0.5)
            named = {k: conform(t, k) for k, t in zip(
                ("enterprises", "figures", "designations"), _one(city, e), strict=True)}
            ref = duckdb_backend.run(plan_for(PACK, 2022), 2022, named, explain=explain,
                                     near_miss=0.5, small=False)
            assert got.equals(ref), (e, explain)


def test_explain_one_and_organisations_use_it_unchanged(city):
    a, _ = _pair(city)
    rows = explain_one(PACK, 2022, city, a)
    assert [r["status"] for r in rows] == _plain(_one(city, a))["status"].to_pylist()
    from datetime import date

    orgs = {"org_id": [1, 2], "name": ["促进机构", "平台"], "kind": ["promotion_body", "platform"],
            "cluster": ["c1", "c1"], "national_cluster_on": [date(2022, 3, 1)] * 2,
            "reviewed": [True, True]}
    small = evaluate_organisations(PACK, 2022, orgs)
    assert small.num_rows > 0
    plan = plan_for(PACK, 2022, entity="organisation")
    plain = duckdb_backend.run(plan, 2022, {"organisations": conform(orgs, "organisations")},
                               explain="all", small=False)
    assert small["status"].to_pylist() == plain["status"].to_pylist()
