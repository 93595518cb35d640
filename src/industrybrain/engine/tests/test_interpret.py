"""The one-firm interpreter (engine/interpret/) gives the DuckDB batch's rows with
explain="all", every column: status, tier, amount, cap flag, both explanations and the inputs
JSON, byte for byte.

On the pack's YAML cases and reforms, on generated cities with holes, on firms made of edge
values (thresholds to the 元, zero, the largest amount, unknown founding dates, expiring
grants, odd text and random energy figures for the number formats), on random rules in the
pack's language, and on enterprises with bad values (invalid_data). The plain-Python input
check of a small snapshot finds what the Arrow check finds.
"""

import json
import math
from collections import defaultdict
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from industrybrain.engine import InputError, evaluate, explain_one, load_pack
from industrybrain.engine.casetests import _check
from industrybrain.engine.contract import CONTRACT
from industrybrain.engine.errors import RangeError
from industrybrain.engine.evaluate import _explain_one_duckdb, checked_inputs, evaluate_rows
from industrybrain.engine.interpret.inputs import small_rows
from industrybrain.engine.testcases import case_tables

from .firms import FULL_SCORE, YI, firm, tables
from .synthetic import snapshot
from .test_wide import CODES, REFORMS, _expr, _policy, examples, year_figures

PACK = load_pack("changzhou_2022")
SOME = settings(max_examples=examples(10), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_same(pack, year, ent, fig, des, data_since=None):
    """The batch's rows (explain all) and the interpreter's, compared row by row."""
    try:
        duck = evaluate(pack, year, ent, fig, des, explain="all",
                        data_since=data_since).to_pylist()
    except RangeError as refused:  # a value past DuckDB's range: the interpreter refuses too
        with pytest.raises(RangeError) as mine:
            evaluate_rows(pack, year, ent, fig, des, data_since=data_since)
        assert mine.value.policy_id == refused.policy_id
        return None
    mine = evaluate_rows(pack, year, ent, fig, des, data_since=data_since)
    assert len(mine) == len(duck)
    differ = [(d, m) for d, m in zip(duck, mine, strict=True) if d != m]
    assert differ == [], _describe(differ)
    return mine


def _describe(differ) -> str:
    d, m = differ[0]
    cols = {k: (d[k], m[k]) for k in d if d[k] != m.get(k)}
    return f"{len(differ)} rows differ; first {d['enterprise_id']}/{d['policy_id']}: {cols}"


def _by_year(pack):
    by_year = defaultdict(list)
    for case in pack.cases:
        if case.organisation is None:
            by_year[case.year].append(case)
    return by_year


@pytest.mark.parametrize("reform", REFORMS)
def test_every_yaml_case_gives_the_batch_rows(reform):
    for year, cases in _by_year(PACK).items():
        ent, fig, des = case_tables(cases)
        assert_same(REFORMS[reform], year, ent, fig, des)
        # and the same through the Arrow check (a snapshot too big for the plain one)
        assert_same(REFORMS[reform], year, ent, fig, des, data_since=2016)


def test_every_yaml_case_passes_on_the_interpreter():
    failures = []
    for year, cases in _by_year(PACK).items():
        rows = evaluate_rows(PACK, year, *case_tables(cases))
        got = {(r["enterprise_id"], r["policy_id"]): r for r in rows}
        for i, case in enumerate(cases, start=1):
            _check(case, got.get((i, case.policy)), failures.append)
    assert failures == []


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.0, 0.05, 0.3]),
       st.sampled_from([None, 2016, 2019]), st.sampled_from([2022, 2023, 2025]),
       st.sampled_from(list(REFORMS)), st.sampled_from([40, 100]))
def test_generated_cities_give_the_batch_rows(seed, missing, data_since, year, reform, n):
    """40 enterprises take the plain-Python input check, 100 the Arrow one."""
    ent, fig, des = snapshot(n, years=range(2016, year + 1), seed=seed, missing=missing,
                             giants=n // 5)
    assert_same(REFORMS[reform], year, ent, fig, des, data_since)


# --- firms made of edge values ---------------------------------------------------------------

ODD_TEXT = [None, "private", "state", "", 'a"b\\c', "tab\tnew\nline\x01\x7f", "民营/外资",
            "\u2028"]
energy = st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False),
                   st.sampled_from([0.0, -0.0, 1e-7, 0.1, 1e6, 123456.5]))
figures = st.builds(lambda base, e: {**base, "energy_tce": e}, year_figures, energy)
grant = st.builds(
    lambda code, g, e: {"code": code, "granted_on": date(g, 6, 1),
                        "expires_on": None if e is None else date(max(e, g), 12, 31)},
    st.sampled_from(CODES), st.integers(2018, 2023), st.sampled_from([None, 2020, 2021, 2022]))
edge_firm = st.fixed_dictionaries({
    "founded": st.sampled_from([None, 2000, 2017, 2019, 2021, 2022]),
    "figures": st.dictionaries(st.integers(2015, 2023), figures, max_size=8),
    "designations": st.lists(grant, max_size=3),
    "columns": st.fixed_dictionaries({
        "is_manufacturing": st.sampled_from([None, True, False]),
        "is_listed": st.sampled_from([None, True, False]),
        "ownership": st.sampled_from(ODD_TEXT),
        "district": st.sampled_from(["wujin", "xinbei", 'x"y']),
        "cluster": st.sampled_from([None, "new_energy", "\\"]),
        "chains": st.sampled_from([[], ["new_energy_vehicles"], None]),
        "chain_leader": st.sampled_from([[], ["new_energy_vehicles"], None]),
    }),
})


def _edge_tables(firms):
    return tables(*({"enterprise_id": i, **f} for i, f in enumerate(firms, start=1)))


@SOME
@given(st.lists(edge_firm, min_size=1, max_size=20), st.sampled_from([None, 2016, 2019]),
       st.sampled_from(list(REFORMS)), st.sampled_from([2022, 2023]))
def test_edge_value_firms_give_the_batch_rows(firms, data_since, reform, year):
    assert_same(REFORMS[reform], year, *_edge_tables(firms), data_since)


@SOME
@given(edge_firm, st.sampled_from([None, 2016, 2019]))
def test_explain_one_is_the_duckdb_path(one, data_since):
    """explain_one (the calculator's call) against the same call through DuckDB, on a firm
    inside a small city."""
    ent, fig, des = _edge_tables([one, {**one, "founded": 2010}])
    got = explain_one(PACK, 2022, (ent, fig, des), 1, data_since=data_since)
    assert got == _explain_one_duckdb(PACK, 2022, (ent, fig, des), 1, data_since=data_since)


# --- random rules in the pack's language ------------------------------------------------------

@settings(max_examples=examples(20), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(_expr("bool"), st.lists(st.tuples(_expr("bool"), _expr("money"),
                                         st.sampled_from([0, 10 * 10**4, 200 * 10**4, 10**12])),
                               min_size=1, max_size=3),
       st.sampled_from(["highest", "all"]), st.integers(0, 2**31),
       st.sampled_from([None, 2019]))
# Past 64 bits on a giant: both refuse (tests/test_overflow.py has each kind).
@example("is_manufacturing", [("is_manufacturing", "((employees * employees) * revenue)", 0)],
         "highest", 0, None)
def test_random_rules_give_the_batch_rows(elig, tiers, selection, seed, data_since):
    policy = _policy(elig, [t[0] for t in tiers], [t[1] for t in tiers],
                     [t[2] for t in tiers], selection)
    pack = PACK.replace(policies=(policy,))
    assert_same(pack, 2022, *snapshot(60, seed=seed, missing=0.1, giants=12), data_since)


# --- bad values: invalid_data, and the plain-Python input check --------------------------------

BAD = {"revenue": [-1, 10**13, 9 * 10**12], "employees": [-3, 3_000_001],
       "energy_tce": [math.nan, math.inf, -math.inf, -0.5, 2e9, 1e9]}


def _with_bad(fig: pa.Table, changes: list[tuple[int, str, object]]) -> pa.Table:
    cols = fig.to_pydict()
    for row, name, value in changes:
        if row < fig.num_rows:
            cols[name][row] = value
    return pa.table({k: pa.array(v, CONTRACT["figures"][k]) for k, v in cols.items()})


bad_values = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(sorted(BAD)),
                                st.integers(0, 5)), max_size=6).map(
    lambda xs: [(row, name, BAD[name][i % len(BAD[name])]) for row, name, i in xs])


@SOME
@given(st.integers(0, 2**31), bad_values, st.booleans(), st.sampled_from([2022, 2023]))
def test_the_plain_input_check_finds_what_the_arrow_check_finds(seed, changes, bad_grant,
                                                                 year):
    ent, fig, des = snapshot(8, seed=seed, missing=0.1)
    fig = _with_bad(fig, changes)
    if bad_grant and des.num_rows:
        d = des.to_pydict()
        d["expires_on"][0] = date(2000, 1, 1)
        des = pa.table({k: pa.array(v, CONTRACT["designations"][k]) for k, v in d.items()})
    _, checked, bad = checked_inputs(PACK, year, ent, fig, des)
    ents, figs, dess, defects = small_rows((ent, fig, des), year)
    assert (ents, figs, dess) == tuple(checked[k].to_pylist()
                                       for k in ("enterprises", "figures", "designations"))
    seen = lambda d: (d.enterprise_id, d.table, d.column, d.year, repr(d.value),  # noqa: E731
                      d.problem)  # repr: NaN is not equal to itself
    assert [seen(d) for e in sorted(bad) for d in bad[e]] == [
        seen(d) for d in sorted(defects, key=lambda d: d.enterprise_id)]
    # and the rows of the enterprises with bad values say so, as the batch says it
    assert_same(PACK, year, ent, fig, des, 2016)


def test_an_enterprise_with_a_bad_value_gets_the_batch_words():
    good = firm(1, founded=2021, figures={2021: {"revenue": 90 * YI},
                                          2022: {"revenue": 105 * YI, **FULL_SCORE}})
    bad = firm(2, founded=2021, figures={2021: {"revenue": 90 * YI},
                                         2022: {"revenue": -5, "energy_tce": math.nan}},
               designations=[{"code": "high_tech", "granted_on": date(2022, 3, 1),
                              "expires_on": date(2021, 1, 1)}])
    ent, fig, des = tables(good, bad)
    rows = assert_same(PACK, 2022, ent, fig, des, 2017)
    assert {r["status"] for r in rows if r["enterprise_id"] == 2} == {"invalid_data"}
    got = explain_one(PACK, 2022, (ent, fig, des), 2, data_since=2017)
    assert got == _explain_one_duckdb(PACK, 2022, (ent, fig, des), 2, data_since=2017)
    assert "营业收入为负数" in got[0]["explanation_zh"]


def test_whole_input_defects_are_the_arrow_checks_errors():
    ent, fig, des = tables(firm(1, figures={2022: {"revenue": YI}}))
    twice = pa.concat_tables([fig, fig])
    with pytest.raises(InputError, match="unique"):
        explain_one(PACK, 2022, (ent, twice, des), 1)
    with pytest.raises(InputError, match="no such enterprise"):
        explain_one(PACK, 2022, (ent, fig, des), 2)
    with pytest.raises(InputError, match="no such enterprise"):
        explain_one(PACK, 2022, (ent, fig, des), True)
    with pytest.raises(InputError, match="data_since"):
        explain_one(PACK, 2022, (ent, fig, des), 1, data_since="2016")
    odd = des.append_column("x", pa.array([], pa.int64())) if des.num_rows == 0 else des
    assert small_rows((ent, fig, odd), 2022) is None  # not the contract's shape: Arrow check


def test_explain_one_on_a_city_reads_only_that_enterprise():
    ent, fig, des = snapshot(300, seed=11, giants=30)
    for eid in (1, 150, 300):
        got = explain_one(PACK, 2022, (ent, fig, des), eid, data_since=2016)
        assert got == _explain_one_duckdb(PACK, 2022, (ent, fig, des), eid, data_since=2016)
        assert {r["enterprise_id"] for r in got} == {eid}
    one = [t.filter(pc.equal(t["enterprise_id"], 150)) for t in (ent, fig, des)]
    assert explain_one(PACK, 2022, one, 150, data_since=2016) == explain_one(
        PACK, 2022, (ent, fig, des), 150, data_since=2016)


# --- an award's words written again from the values kept with it ------------------------------

@SOME
@given(st.lists(edge_firm, min_size=1, max_size=6), st.sampled_from([None, 2016, 2019]),
       st.sampled_from(list(REFORMS)))
def test_kept_values_write_the_same_row_again(firms, data_since, reform):
    """What a proposal would keep (plain JSON) writes the row again, word for word; a figure
    changed afterwards changes nothing in it."""
    from industrybrain.engine.interpret import interpreter
    from industrybrain.engine.interpret.kept import kept_values

    pack = REFORMS[reform]
    ent, fig, des = _edge_tables(firms)
    rows = {(r["enterprise_id"], r["policy_id"]): r
            for r in evaluate_rows(pack, 2022, ent, fig, des, data_since=data_since)}
    run = interpreter(pack, 2022)
    figs = fig.to_pylist()
    _, checked, bad = checked_inputs(pack, 2022, ent, fig, des)
    # The column-by-column kept values of the whole batch (engine/interpret/columnar.py).
    batch = kept_values(pack, 2022, checked, [e for e in ent["enterprise_id"].to_pylist()
                                              if e not in bad], data_since)
    for e in ent.to_pylist():
        mine = [r for r in figs if r["enterprise_id"] == e["enterprise_id"]]
        if any(rows[(e["enterprise_id"], p.id)]["status"] == "invalid_data"
               for p in run.policies):
            continue
        dess = [r for r in des.to_pylist() if r["enterprise_id"] == e["enterprise_id"]]
        alone = run.kept(e, mine, dess, data_since)
        assert batch[e["enterprise_id"]] == alone
        assert json.dumps(batch[e["enterprise_id"]]) == json.dumps(alone)
        kept = json.loads(json.dumps(alone))
        for row in mine:  # the data change after the proposal
            row["revenue"] = None if row["revenue"] is None else row["revenue"] + 1
        for pid, values in kept.items():
            again = run.render(pid, values)
            want = rows[(e["enterprise_id"], pid)]
            assert again == {k: want[k] for k in again}


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.0, 0.05, 0.3]),
       st.sampled_from([None, 2016, 2019]), st.sampled_from([2022, 2023]),
       st.sampled_from(list(REFORMS)))
def test_a_citys_kept_values_write_the_batch_rows(seed, missing, data_since, year, reform):
    """The kept values of the rows a run stores (eligible with an amount, unpriced, near miss;
    chosen from the wide backend's narrow result, as a run chooses them) are those the
    interpreter keeps for the enterprise alone, and written again they are the DuckDB
    batch's rows, words and inputs JSON included."""
    from industrybrain.engine import wide
    from industrybrain.engine.interpret import interpreter
    from industrybrain.engine.interpret.kept import kept_columns, kept_values

    pack = REFORMS[reform]
    ent, fig, des = snapshot(120, years=range(2016, year + 1), seed=seed, missing=missing,
                             giants=30)
    narrow = wide.decisions(pack, year, ent, fig, des, data_since=data_since).to_pylist()
    picked = {(r["enterprise_id"], r["policy_id"]) for r in narrow
              if r["near_miss"] or r["status"] in ("insufficient_data", "amount_pending")
              or (r["status"] == "eligible" and (r["amount_yuan"] or 0) > 0)}
    if not picked:
        return
    _, checked, bad = checked_inputs(pack, year, ent, fig, des)
    ids = {e for e, _ in picked if e not in bad}
    kept = kept_values(pack, year, checked, ids, data_since)
    assert set(kept) == ids
    # Read row by row from the Arrow columns (what a run does), a firm not held left out.
    held = kept_columns(pack, year, checked, ids, data_since)
    asked = sorted(picked) + [(max(ids) + 1, next(iter(held.policies)))]
    assert held.rows(asked) == {(e, p): kept[e][p] for e, p in picked if e not in bad}
    duck = {(r["enterprise_id"], r["policy_id"]): r for r in evaluate(
        pack, year, ent, fig, des, explain="all", data_since=data_since).to_pylist()}
    run = interpreter(pack, year)
    rows = {k: t.to_pylist() for k, t in checked.items()}
    for eid in sorted(ids):  # the firm alone, as the calculator keeps it
        alone = [[r for r in rows[k] if r["enterprise_id"] == eid]
                 for k in ("enterprises", "figures", "designations")]
        one = run.kept(alone[0][0], alone[1], alone[2], data_since)
        assert kept[eid] == one
        assert json.dumps(kept[eid]) == json.dumps(one)  # the same types: True is not 1
    for eid, pid in picked:
        if eid in bad:
            continue
        again = run.render(pid, json.loads(json.dumps(kept[eid][pid])))
        want = duck[(eid, pid)]
        assert again == {k: want[k] for k in again}, (eid, pid)
