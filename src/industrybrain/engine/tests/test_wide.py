"""The wide backend decides exactly as the DuckDB backend: status, tier, amount to the 元 and
the cap flag, enterprise by enterprise and policy by policy.

On the pack's own YAML cases, on its reforms, on generated cities with holes, on firms made
of edge values (thresholds to the 元, zero, the largest amount the contract allows, unknown
founding dates, grants that expire), and on random rules written in the pack's language, so
the arithmetic (exact decimals, float division, rounding down) is the SQL path's, not only
the pack's few formulas.
"""

import os
from collections import defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from industrybrain.engine import evaluate, load_pack
from industrybrain.engine.check import MONEY, Scope, check
from industrybrain.engine.errors import ExprError, RangeError
from industrybrain.engine.expr import parse
from industrybrain.engine.inputs import MONEY_MAX
from industrybrain.engine.model import Policy, Tier
from industrybrain.engine.testcases import case_tables
from industrybrain.engine.wide import compile_pack, decide, decisions_table

from .firms import tables
from .synthetic import snapshot

PACK = load_pack("changzhou_2022")
DECISION = ["enterprise_id", "policy_id", "status", "tier", "amount_yuan", "cap_bound"]
YI, WAN = 10**8, 10**4


def examples(default: int) -> int:
    """Examples per property (WIDE_EXAMPLES=400 for a longer hunt than the suite's)."""
    return int(os.environ.get("WIDE_EXAMPLES", default))


SOME = settings(max_examples=examples(12), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True, params=["cut rows", "every row"])
def amounts_on(request):
    """Every comparison of this module twice: with each policy's amounts computed only on
    the rows that reach a tier (cut from the columns), and over every row."""
    from industrybrain.engine.wide import rules

    before = rules._DENSE_SHARE
    rules._DENSE_SHARE = 0 if request.param == "cut rows" else 10**12
    yield request.param
    rules._DENSE_SHARE = before


def both(pack, year, ent, fig, des, data_since=None):
    """(DuckDB's decisions, the wide backend's) as lists of dicts, in the result's order."""
    duck = evaluate(pack, year, ent, fig, des, explain="none", data_since=data_since)
    wide = evaluate(pack, year, ent, fig, des, explain="none", data_since=data_since,
                    backend="wide")
    assert wide.schema == duck.schema
    for name in ("explanation_zh", "explanation_en", "inputs"):
        assert wide[name].null_count == wide.num_rows
    return duck.select(DECISION).to_pylist(), wide.select(DECISION).to_pylist()


def assert_same(pack, year, ent, fig, des, data_since=None):
    duck, wide = both(pack, year, ent, fig, des, data_since)
    assert len(duck) == len(wide)
    differ = [(d, w) for d, w in zip(duck, wide, strict=True) if d != w]
    assert differ == [], f"{len(differ)} rows differ, first: {differ[:3]}"
    return wide


REFORMS = {
    "default": PACK,
    "all tiers": PACK.with_assumptions(dengfeng_tier_jump="all", leading_multiple_lists="all",
                                       specialised_multiple="all"),
    "re-entrants": PACK.with_assumptions(above_scale_newly_rule="entered_this_year"),
}


@pytest.mark.parametrize("reform", REFORMS)
def test_every_yaml_case_decides_the_same(reform):
    by_year = defaultdict(list)
    for case in PACK.cases:
        if case.organisation is None:
            by_year[case.year].append(case)
    for year, cases in by_year.items():
        assert_same(REFORMS[reform], year, *case_tables(cases))


def test_every_yaml_case_passes_on_the_wide_backend():
    """The cases' expectations themselves (all but the words) hold on the wide backend."""
    by_year = defaultdict(list)
    for case in PACK.cases:
        if case.organisation is None:
            by_year[case.year].append(case)
    failures = []
    for year, cases in by_year.items():
        rows = evaluate(PACK, year, *case_tables(cases), explain="none",
                        backend="wide").to_pylist()
        got = {(r["enterprise_id"], r["policy_id"]): r for r in rows}
        for i, case in enumerate(cases, start=1):
            row = got[(i, case.policy)]
            for key, want in case.expect.items():
                if key in DECISION and row[key] != want:
                    failures.append((case.name, key, row[key], want))
    assert failures == []


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.0, 0.02, 0.3]),
       st.sampled_from([None, 2016, 2019]), st.sampled_from([2022, 2023]),
       st.sampled_from(list(REFORMS)))
def test_generated_cities_decide_the_same(seed, missing, data_since, year, reform):
    ent, fig, des = snapshot(300, seed=seed, missing=missing, giants=40)
    assert_same(REFORMS[reform], year, ent, fig, des, data_since)


# --- firms made of edge values ----------------------------------------------------------------

MONEY_EDGES = [None, 0, 1, 20 * 10**6 - 1, 20 * 10**6, 2000 * WAN + 1, 100 * YI, 100 * YI + 1,
               500 * YI, 500 * YI + 1, 1000 * YI + 1, MONEY_MAX, -1]
CODES = ["fortune_global_500", "china_top_500", "china_private_500", "little_giant_national",
         "single_champion_enterprise", "single_champion_product", "china_quality_award",
         "china_industry_award", "high_tech", "specialised_sme", "star_enterprise",
         "listing_reserve", "tech_center_national", "mayor_quality_award"]

year_figures = st.fixed_dictionaries({
    "revenue": st.sampled_from(MONEY_EDGES),
    "local_contribution": st.sampled_from(MONEY_EDGES[:-1] + [30 * WAN, 80 * WAN]),
    "rd_spending": st.sampled_from([None, 0, 3 * YI, 4 * YI]),
    "energy_tce": st.sampled_from([None, 0.0, 0.5, 1000.0, 1e6]),
    "above_scale": st.sampled_from([None, True, False]),
    "tech_upgrade_investment": st.sampled_from([None, 0, 2000 * WAN - 1, 2000 * WAN,
                                                5 * 10**8]),
})
grant = st.builds(
    lambda code, g, e: {"code": code, "granted_on": date(g, 6, 1),
                        "expires_on": None if e is None else date(max(e, g), 12, 31)},
    st.sampled_from(CODES), st.integers(2018, 2023), st.sampled_from([None, 2020, 2021, 2022]))
edge_firm = st.fixed_dictionaries({
    "founded": st.sampled_from([None, 2000, 2017, 2019, 2021, 2022]),
    "figures": st.dictionaries(st.integers(2016, 2022), year_figures, max_size=7),
    "designations": st.lists(grant, max_size=3),
    "columns": st.fixed_dictionaries({
        "is_manufacturing": st.sampled_from([None, True, False]),
        "is_listed": st.sampled_from([None, True, False]),
        "ownership": st.sampled_from([None, "private", "state"]),
        "cluster": st.sampled_from([None, "new_energy"]),
        "chains": st.sampled_from([[], ["new_energy_vehicles"], None]),
    }),
})


def _edge_tables(firms):
    return tables(*({"enterprise_id": i, **f} for i, f in enumerate(firms, start=1)))


@SOME
@given(st.lists(edge_firm, min_size=1, max_size=25), st.sampled_from([None, 2016, 2019]),
       st.sampled_from(list(REFORMS)))
def test_edge_value_firms_decide_the_same(firms, data_since, reform):
    assert_same(REFORMS[reform], 2022, *_edge_tables(firms), data_since)


# --- the three-valued law -------------------------------------------------------------------

def _blank(fig: pa.Table, share: float, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    for name in fig.column_names:
        if name in ("enterprise_id", "year"):
            continue
        col = fig[name].combine_chunks()
        keep = rng.random(len(col)) >= share
        fig = fig.set_column(fig.schema.get_field_index(name), name,
                             pa.array(col.to_pylist(), col.type,
                                      mask=~(keep & col.is_valid().to_numpy(
                                          zero_copy_only=False))))
    return fig


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.05, 0.3, 1.0]))
def test_blanking_a_figure_never_decides_what_was_undecided(seed, share):
    """Less knowledge never buys a decision: what the blanked city decides (eligible with an
    amount, or not eligible) the full city decided the same way, and insufficient data never
    turns into money."""
    ent, fig, des = snapshot(300, seed=seed, missing=0.02, giants=40)
    full = evaluate(PACK, 2022, ent, fig, des, explain="none", data_since=2016,
                    backend="wide").select(DECISION).to_pylist()
    blanked = evaluate(PACK, 2022, ent, _blank(fig, share, seed), des, explain="none",
                       data_since=2016, backend="wide").select(DECISION).to_pylist()
    for before, after in zip(full, blanked, strict=True):
        if before["status"] == "insufficient_data":
            assert after["amount_yuan"] is None, (before, after)
        if after["status"] in ("eligible", "not_eligible"):
            assert after == before, (before, after)
        if after["status"] == "amount_pending":
            assert before["status"] in ("eligible", "amount_pending")
            assert before["tier"] == after["tier"]


# --- random rules in the pack's language ------------------------------------------------------

MONEY_ATOMS = ["revenue", "rd_spending", "local_contribution", "tech_upgrade_investment",
               "prev(revenue)", "increase(local_contribution)", "100万元", "0元", "1元",
               "2000万元", "cap"]
NUM_ATOMS = ["employees", "energy_tce", "age_years", "invention_patents", "3%", "0.05", "1",
             "2.5", "0", "0.1%", "7"]
BOOL_ATOMS = ["is_manufacturing", "first_time(above_scale)", "holds(high_tech)",
              "newly_designated(little_giant_provincial, little_giant_national)",
              "has_history(revenue)", 'ownership == "private"', "in_chain",
              "is_known(cluster)", "entered(specialised_sme)", "not is_listed"]


def _expr(kind: str):
    atoms = {"money": MONEY_ATOMS, "num": NUM_ATOMS, "bool": BOOL_ATOMS}[kind]
    leaf = st.sampled_from(atoms)

    def grow(inner):
        m, n, b = inner["money"], inner["num"], inner["bool"]
        return {
            "money": st.one_of(
                st.builds("({} + {})".format, m, m), st.builds("({} - {})".format, m, m),
                st.builds("({} * {})".format, n, m), st.builds("({} / {})".format, m, n),
                st.builds("min({}, {})".format, m, m), st.builds("max({}, {})".format, m, m),
                st.builds("clip({}, 0元, {})".format, m, m), st.builds("(-{})".format, m),
                st.builds("(if {} then {} else {})".format, b, m, m),
                st.builds("round_down({}, 1万元)".format, m),
                st.builds("coalesce({}, {})".format, m, m)),
            "num": st.one_of(
                st.builds("({} / {})".format, m, m), st.builds("({} * {})".format, n, n),
                st.builds("({} + {})".format, n, n), st.builds("({} / {})".format, n, n),
                st.builds("clip({}, 0, 1)".format, n), st.builds("abs({})".format, n),
                st.builds("round_down({}, 0.1%)".format, n),
                st.builds("(if {} then {} else {})".format, b, n, n)),
            "bool": st.one_of(
                st.builds("({} > {})".format, m, m), st.builds("({} >= {})".format, m, m),
                st.builds("({} <= {})".format, n, n), st.builds("({} == {})".format, n, n),
                st.builds("({} and {})".format, b, b), st.builds("({} or {})".format, b, b),
                st.builds("(not {})".format, b),
                st.builds("first_time_exceeds(revenue, {})".format, m)),
        }
    # Two levels of nesting over the atoms: enough to mix every type with every other.
    level = {k: st.sampled_from(v) for k, v in
             (("money", MONEY_ATOMS), ("num", NUM_ATOMS), ("bool", BOOL_ATOMS))}
    for _ in range(2):
        level = {k: st.one_of(level[k], v) for k, v in grow(level).items()}
    return st.one_of(leaf, level[kind])


def _policy(elig: str, whens: list[str], amounts: list[str], caps: list[int],
            selection: str) -> Policy:
    # cap is a name inside amounts only (the pack loader refuses it elsewhere).
    for text, scope in [(x, Scope()) for x in (elig, *whens)] + \
            [(x, Scope(extra={"cap": MONEY})) for x in amounts]:
        try:
            check(parse(text), scope)
        except ExprError:
            assume(False)
    tiers = tuple(Tier(f"t{i}", f"档{i}", f"tier {i}", parse(w), cap, str(cap), parse(a))
                  for i, (w, a, cap) in enumerate(zip(whens, amounts, caps, strict=True)))
    base = PACK.policy("dengfeng")
    return Policy("random_rule", "随机", "random", "reward", "enterprise", base.citations,
                  base.effective_from, None, "random.yaml", eligibility=parse(elig),
                  tiers=tiers, tier_selection=selection)


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(_expr("bool"), st.lists(st.tuples(_expr("bool"), _expr("money"),
                                         st.sampled_from([0, 10 * WAN, 200 * WAN, 10**12])),
                               min_size=1, max_size=3),
       st.sampled_from(["highest", "all"]), st.integers(0, 2**31),
       st.sampled_from([None, 2019]))
# Counts are 32-bit in the contract: DuckDB refused this square (INT32 overflow) until the
# base table read them as BIGINT, as the wide backend computes them.
@example("(employees <= (employees * employees))", [("is_manufacturing", "revenue", 0)],
         "highest", 0, None)
# Past 64 bits (a giant's revenue times its employees squared): all refuse, for this policy.
@example("is_manufacturing", [("is_manufacturing", "((employees * employees) * revenue)", 0)],
         "highest", 0, None)
# ... but not on the branch DuckDB never computes for a giant.
@example("is_manufacturing", [("is_manufacturing", "(if (revenue > 100万元) then 0元 else "
                               "((employees * employees) * revenue))", 0)], "all", 0, None)
# A DOUBLE past BIGINT where it becomes 元 (CAST(FLOOR(x) AS BIGINT)).
@example("is_manufacturing", [("(revenue > 2000万元)", "(revenue * (employees / 0.001))", 0),
                              ("is_manufacturing", "1元", 0)], "highest", 0, None)
def test_random_rules_decide_the_same(elig, tiers, selection, seed, data_since):
    """The law: the backends give the same decisions, or both refuse with RangeError for
    the same policy (a value past what DuckDB holds: tests/test_overflow.py)."""
    policy = _policy(elig, [t[0] for t in tiers], [t[1] for t in tiers],
                     [t[2] for t in tiers], selection)
    pack = PACK.replace(policies=(policy,))
    city = snapshot(150, seed=seed, missing=0.1, giants=20)
    duck, wide = (decided_or_refused(pack, 2022, *city, data_since, backend)
                  for backend in ("duckdb", "wide"))
    if isinstance(duck, list) and isinstance(wide, list):
        differ = [(d, w) for d, w in zip(duck, wide, strict=True) if d != w]
        assert differ == [], f"{len(differ)} rows differ, first: {differ[:3]}"
    else:
        event("refused: a value past DuckDB's range")
    assert duck == wide


def decided_or_refused(pack, year, ent, fig, des, data_since, backend):
    """The decisions, or ("refused", policy id) where the backend raised RangeError."""
    try:
        return evaluate(pack, year, ent, fig, des, explain="none", data_since=data_since,
                        backend=backend).select(DECISION).to_pylist()
    except RangeError as error:
        return ("refused", error.policy_id)


# --- the narrow table -----------------------------------------------------------------------

def test_the_narrow_table_holds_the_same_decisions_without_text_columns():
    ent, fig, des = snapshot(200, seed=3, giants=20)
    plan = compile_pack(PACK, 2022)
    wide, decisions = decide(plan, 2022, {"enterprises": ent, "figures": fig,
                                          "designations": des}, data_since=2016)
    narrow = decisions_table(plan, wide, decisions, order="enterprise")
    assert pa.types.is_dictionary(narrow["status"].type)
    assert pa.types.is_dictionary(narrow["policy_id"].type)
    full = evaluate(PACK, 2022, ent, fig, des, explain="none", data_since=2016)
    as_text = narrow.select(DECISION).cast(full.select(DECISION).schema)
    assert as_text.to_pylist() == full.select(DECISION).to_pylist()
    by_policy = decisions_table(plan, wide, decisions, order="policy")
    rows = by_policy.select(DECISION).cast(full.select(DECISION).schema).to_pylist()
    key = lambda r: (r["enterprise_id"], r["policy_id"])  # noqa: E731
    assert sorted(rows, key=key) == full.select(DECISION).to_pylist()


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.0, 0.3]), st.sampled_from([None, 2016]),
       st.sampled_from(list(REFORMS)))
def test_the_rows_a_reviewer_reads_are_chosen_from_the_decisions(seed, missing, data_since,
                                                                 reform):
    """read_rows picks, straight from the decisions, the rows of the narrow result (whose
    decisions equal the DuckDB backend's: above) that pay an amount, are unpriced or are
    near misses, and only those."""
    from industrybrain.engine.wide import read_rows

    pack = REFORMS[reform]
    ent, fig, des = snapshot(150, seed=seed, missing=missing, giants=30)
    plan = compile_pack(pack, 2022)
    wide, decisions = decide(plan, 2022, {"enterprises": ent, "figures": fig,
                                          "designations": des}, data_since=data_since)
    narrow = decisions_table(plan, wide, decisions, order="enterprise")
    want = {(r["enterprise_id"], r["policy_id"]) for r in narrow.to_pylist()
            if r["near_miss"] or r["status"] in ("amount_pending", "insufficient_data")
            or (r["status"] == "eligible" and (r["amount_yuan"] or 0) > 0)}
    chosen = read_rows(plan, wide, decisions)
    got = {(int(wide.ids[j]), plan.policy_ids[i]) for i, j in zip(*np.nonzero(chosen), strict=True)}
    assert got == want
    some = set(plan.policy_ids[::2])
    only = read_rows(plan, wide, decisions, some)
    assert {(int(wide.ids[j]), plan.policy_ids[i]) for i, j in
            zip(*np.nonzero(only), strict=True)} == {
        (e, p) for e, p in want if p in some}


def test_words_are_refused_not_silently_dropped():
    with pytest.raises(ValueError, match="explain='none'"):
        evaluate(PACK, 2022, *snapshot(5), explain="relevant", backend="wide")


def test_unsorted_input_and_strangers_in_the_figures():
    """Enterprises in any order; figure and designation rows of ids the snapshot does not
    hold are ignored, as the SQL's LEFT JOIN from enterprises ignores them."""
    ent, fig, des = snapshot(120, seed=5, giants=10)
    ent = ent.take(pa.array(np.random.default_rng(1).permutation(ent.num_rows)))
    ent = ent.filter(pa.compute.not_equal(ent["enterprise_id"], 7))
    assert_same(PACK, 2022, ent, fig, des, 2016)


def test_an_empty_city():
    ent, fig, des = snapshot(3)
    assert_same(PACK, 2022, ent.slice(0, 0), fig.slice(0, 0), des.slice(0, 0))


def test_decimal_to_double_as_duckdb_casts_it():
    """A DECIMAL meets a DOUBLE as scaled / 10**scale, DuckDB's own cast (the green score
    compares 0.05 × revenue, exact, with energy × 1万元, a float)."""
    import duckdb

    rng = np.random.default_rng(0)
    rev = np.concatenate([rng.integers(0, MONEY_MAX, 20_000),
                          np.exp(rng.normal(16.5, 2.2, 20_000)).astype(np.int64)])
    con = duckdb.connect()
    con.register("t", pa.table({"r": rev}))
    got = con.sql("SELECT CAST(CAST('0.05' AS DECIMAL(18,2)) * r AS DOUBLE) AS x "
                  "FROM t").fetchnumpy()["x"]
    from industrybrain.engine.wide import logic as L

    mine = L.as_float(L.mul(L.number(Decimal("0.05")), L.Col(rev, np.ones(len(rev), bool),
                                                               "int", 0, MONEY_MAX)))
    assert np.array_equal(got, mine)


def test_the_narrow_table_marks_an_enterprise_with_a_bad_value_invalid():
    from industrybrain.engine.wide import decisions

    ent, fig, des = snapshot(50, seed=2, giants=5)
    revenue = fig["revenue"].to_pylist()
    revenue[3] = -5  # a negative amount: this enterprise's input is wrong, not the city's
    fig = fig.set_column(fig.schema.get_field_index("revenue"), "revenue",
                         pa.array(revenue, pa.int64()))
    full = evaluate(PACK, 2022, ent, fig, des, explain="none", data_since=2016)
    narrow = decisions(PACK, 2022, ent, fig, des, data_since=2016, order="enterprise")
    as_text = narrow.select(DECISION).cast(full.select(DECISION).schema)
    assert as_text.to_pylist() == full.select(DECISION).to_pylist()
    assert "invalid_data" in full["status"].to_pylist()


@SOME
@given(st.integers(0, 2**31), st.sampled_from([0.1, 0.2, 0.5]))
def test_near_misses_are_the_rows_the_sql_path_explains(seed, near_miss):
    """The SQL path explains a not-eligible row exactly when it is a near miss; the narrow
    table's near_miss flag says the same of the same rows."""
    from industrybrain.engine.wide import decisions

    ent, fig, des = snapshot(300, seed=seed, missing=0.05, giants=60)
    worded = evaluate(PACK, 2022, ent, fig, des, explain="relevant", near_miss=near_miss,
                      data_since=2016).to_pylist()
    narrow = decisions(PACK, 2022, ent, fig, des, data_since=2016, near_miss=near_miss,
                       order="enterprise").to_pylist()
    explained = [r["explanation_zh"] is not None for r in worded
                 if r["status"] == "not_eligible"]
    near = [r["near_miss"] for r in narrow if r["status"] == "not_eligible"]
    assert near == explained
    # A small city may hold no near miss at the narrowest margin (seed 9798 at 10%): the
    # example is then not counted, and a run where no example had one fails as unsatisfiable.
    assume(any(near))
