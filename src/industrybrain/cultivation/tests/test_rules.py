"""The pools in the pack: parsed and checked by the engine, criteria measurable, sources named."""

import copy

import numpy as np
import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrybrain.cultivation import forecast, margins
from industrybrain.cultivation.rules import PoolsError, load_pools, parse_pools
from industrybrain.packs import pack_dir


def _raw():
    return yaml.safe_load((pack_dir("changzhou_2022") / "pools.yaml").read_text("utf-8"))


def test_every_pool_leads_to_a_rung_and_names_the_source_of_each_criterion():
    p = load_pools()
    assert {lad.id for lad in p.ladders} == {"specialised", "listing", "innovation", "scale", "chain"}
    assert [r.id for r in p.ladder("specialised").rungs] == [
        "tech_sme", "specialised_sme", "little_giant_provincial", "little_giant_national", "single_champion"]
    for pool in p.pools:
        assert pool.criteria
        for c in pool.criteria:
            standard = p.standards[c.standard]
            # Named national/provincial rules: a document, a year, and never "from the articles".
            assert standard.source and 2000 < standard.year < 2030 and standard.from_articles is False
    assert p.standards["miit_sme_gradient_2022"].source.startswith("《优质中小企业梯度培育管理暂行办法》")
    assert p.standards["high_tech_recognition_2016"].year == 2016


@pytest.mark.parametrize("where, text, message", [
    (("pools", 0, "criteria", 0, "when"), "holds(tech_sme)", "one comparison"),
    (("pools", 0, "criteria", 0, "when"), "revenue >= 100", "pools[0].criteria[0].when"),
    (("pools", 0, "entry"), "revenu > 1万元", "pools[0].entry"),
    (("pools", 0, "criteria", 0, "standard"), "no_such_rule", "no standard"),
])
def test_a_broken_rule_names_where_and_why(where, text, message):
    data = copy.deepcopy(_raw())
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = text
    with pytest.raises(PoolsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_pools(data)


def test_the_gap_is_said_in_words_with_units():
    pool = load_pools().pool("specialised_sme")
    share = next(c for c in pool.criteria if c.id == "rd_share")
    revenue = next(c for c in pool.criteria if c.id == "revenue")
    patents = next(c for c in pool.criteria if c.id == "patents")
    assert margins.words(share, 0.026, 0.03, False) == "研发费用占比 2.6%，还差 0.4 个百分点"
    assert margins.words(revenue, 8_500_000, 10_000_000, False) == "营业收入 850万元，还差 150万元"
    assert margins.words(revenue, 120_000_000, 10_000_000, True) == "营业收入 1.2亿元，已达到 1000万元"
    assert margins.words(patents, None, 1, None) == "有效发明专利：数据缺失"
    assert margins.words(share, 0.026, 0.03, False, "en") == "R&D share of revenue 2.6%, 0.4 percentage points short"


def _table(pool, rows):
    cols = {"enterprise_id": [r[0] for r in rows]}
    for j, c in enumerate(pool.criteria):
        cols[f"{pool.id}__lhs__{c.id}"] = [r[1][j][0] for r in rows]
        cols[f"{pool.id}__rhs__{c.id}"] = [r[1][j][1] for r in rows]
        cols[f"{pool.id}__met__{c.id}"] = [r[1][j][2] for r in rows]
    return pa.table(cols)


def test_fewer_misses_rank_first_then_smaller_shortfalls():
    pool = load_pools().pool("above_scale")  # one criterion: revenue >= 2000万元
    t = _table(pool, [(1, [(5e6, 2e7, False)]), (2, [(1.9e7, 2e7, False)]), (3, [(3e7, 2e7, True)]),
                      (4, [(None, 2e7, None)])])
    m = margins.compute(pool, t)
    assert [int(m.enterprise_id[i]) for i in margins.order(m)] == [3, 2, 1, 4]
    assert list(m.missed) == [1, 1, 0, 1]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy shared machine
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=2, max_size=40))
def test_auc_of_reversed_scores_is_its_complement(pairs):
    p = np.array([x for x, _ in pairs])
    y = np.array([int(b) for _, b in pairs])
    a, b = forecast.auc(y, p), forecast.auc(y, -p)
    if y.sum() in (0, len(y)):
        assert a is None and b is None
    else:
        assert a + b == pytest.approx(1.0)


def test_the_logistic_fit_finds_the_margin_that_matters():
    rng = np.random.default_rng(1)
    signed = rng.uniform(-1, 1, size=(2000, 2))
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-(3 * signed[:, 0] - 1)))).astype(float)
    w = forecast.fit(forecast.features(signed), y)
    assert w[1] > 2 and abs(w[2]) < 0.6


def test_the_batch_of_candidates_ranks_as_the_full_evaluation_does():
    from industrybrain.cultivation import evaluate
    from industrybrain.cultivation.rules import pools
    from industrybrain.synth import generate_city

    city = generate_city(n_enterprises=1500, seed=4)
    tables = (city.enterprises, city.figures, city.designations)
    full = evaluate.run(pools(), 2022, *tables)
    batch = evaluate.candidates(pools(), 2022, *tables)
    for p in pools().pools:
        entry = full[f"{p.id}__entry"].fill_null(False).to_numpy(zero_copy_only=False)
        a = margins.compute(p, full.filter(pa.array(entry)))
        b = margins.compute(p, batch[p.id])
        assert list(a.enterprise_id[margins.order(a)]) == list(b.enterprise_id[margins.order(b)]), p.id
