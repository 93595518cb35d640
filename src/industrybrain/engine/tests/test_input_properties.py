"""Property tests (issue 9) over generated snapshots with holes, duplicates and non-finite or
impossible values. Whatever the input, the engine either raises the named InputError or
returns one row per enterprise and policy, never two; no row is eligible (or pending) when a
year its first-time rule depends on is unknown; no payment exceeds its tier's cap; an
enterprise with a bad value is invalid_data, and everybody else is priced exactly as if it
were not in the snapshot."""

import math
from collections import Counter
from datetime import date

import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industrybrain.engine import InputError, evaluate, load_pack
from industrybrain.engine.evaluate import plan_for

PACK = load_pack("changzhou_2022")
YEAR = 2022
YI = 10**8
FEW = settings(max_examples=20, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Revenue around the 登峰 thresholds, with nulls; the bad values are drawn separately.
revenue = st.one_of(st.none(), st.sampled_from([50 * YI, 100 * YI, 100 * YI + 1, 105 * YI,
                                                499 * YI, 520 * YI, 1001 * YI]))
money = st.one_of(st.none(), st.integers(0, 20 * YI))
BAD = [math.nan, math.inf, -math.inf, -1.0, 1e30]


@st.composite
def firm(draw, eid):
    founded = draw(st.one_of(st.none(), st.integers(2012, 2022)))
    years = draw(st.sets(st.integers(2016, 2022), max_size=7))
    figures = {y: {"revenue": draw(revenue), "above_scale": draw(st.one_of(st.none(), st.booleans())),
                   "local_contribution": draw(money), "rd_spending": draw(money),
                   "energy_tce": draw(st.one_of(st.none(), st.floats(0, 1e6)))}
               for y in sorted(years)}
    bad = None
    if figures and draw(st.integers(0, 4)) == 0:  # one firm in five carries a bad value
        y = draw(st.sampled_from(sorted(figures)))
        col = draw(st.sampled_from(["revenue", "local_contribution", "energy_tce"]))
        figures[y][col] = draw(st.sampled_from(BAD))
        bad = (y, col)
    return {"eid": eid, "founded": founded, "figures": figures, "bad": bad}


@st.composite
def snapshots(draw):
    n = draw(st.integers(1, 10))
    firms = [draw(firm(i + 1)) for i in range(n)]
    dup = draw(st.sampled_from([None, None, None, "enterprise", "figures"]))
    return firms, dup, draw(st.sampled_from([None, 2016, 2018]))


def _tables(firms, dup):
    ent = {"enterprise_id": [], "founded_on": [], "is_manufacturing": []}
    fig = {k: [] for k in ("enterprise_id", "year", "revenue", "above_scale",
                           "local_contribution", "rd_spending", "energy_tce")}
    for f in firms:
        ent["enterprise_id"].append(f["eid"])
        ent["founded_on"].append(date(f["founded"], 6, 1) if f["founded"] else None)
        ent["is_manufacturing"].append(True)
        for y, row in f["figures"].items():
            fig["enterprise_id"].append(f["eid"])
            fig["year"].append(y)
            for k, v in row.items():
                fig[k].append(v)
    if dup == "enterprise":
        for k in ent:
            ent[k].append(ent[k][0])
    elif dup == "figures" and fig["year"]:
        for k in fig:
            fig[k].append(fig[k][0])
    # Values as a loader would hand them over: floats where a bad value sits.
    for k in ("revenue", "local_contribution"):
        if any(isinstance(v, float) for v in fig[k]):
            fig[k] = [None if v is None else float(v) for v in fig[k]]
    des = {"enterprise_id": [], "code": [], "granted_on": []}
    return ent, fig, des


def _span_known(f, column, data_since):
    start = max((y for y in (f["founded"], data_since) if y is not None), default=None)
    if start is None:
        return False
    return all(f["figures"].get(y, {}).get(column) is not None for y in range(start, YEAR))


def _cap(policy_id, tier):
    caps = {t.id: t.cap for t in PACK.policy(policy_id).tiers}
    return sum(caps[t] for t in tier.split("+"))


@FEW
@given(snapshots())
def test_named_error_or_one_row_per_enterprise_and_policy(snap):
    firms, dup, data_since = snap
    tables = _tables(firms, dup)
    figures_dup = dup == "figures" and bool(tables[1]["year"])
    try:
        result = evaluate(PACK, YEAR, *tables, explain="relevant", data_since=data_since)
    except InputError as exc:
        assert dup == "enterprise" or figures_dup, exc
        assert exc.table in ("enterprises", "figures") and "unique" in str(exc)
        return
    assert not (dup == "enterprise" or figures_dup), "a duplicate key went through"
    policies = plan_for(PACK, YEAR).policy_ids
    pairs = Counter(zip(result["enterprise_id"].to_pylist(), result["policy_id"].to_pylist(),
                        strict=True))
    assert set(pairs.values()) == {1}
    assert len(pairs) == len(firms) * len(policies)
    by_id = {f["eid"]: f for f in firms}
    for row in result.to_pylist():
        f = by_id[row["enterprise_id"]]
        # Bad value <=> invalid_data, on every policy of that enterprise.
        assert (row["status"] == "invalid_data") == (f["bad"] is not None), row
        if row["status"] in ("eligible", "amount_pending"):
            if row["policy_id"] == "dengfeng":
                assert _span_known(f, "revenue", data_since), (row, f)
            if row["policy_id"] == "above_scale_award":
                assert _span_known(f, "above_scale", data_since), (row, f)
        if row["amount_yuan"] is not None:
            assert row["status"] == "eligible"
            assert 0 <= row["amount_yuan"] <= _cap(row["policy_id"], row["tier"]), row


@FEW
@given(snapshots())
def test_a_bad_enterprise_changes_nothing_for_the_others(snap):
    firms, _dup, data_since = snap
    clean = [f for f in firms if f["bad"] is None]
    if not clean or len(clean) == len(firms):
        return
    whole = evaluate(PACK, YEAR, *_tables(firms, None), explain="all", data_since=data_since)
    alone = evaluate(PACK, YEAR, *_tables(clean, None), explain="all", data_since=data_since)
    ids = [f["eid"] for f in clean]
    assert whole.filter(pc.is_in(whole["enterprise_id"], value_set=alone["enterprise_id"]
                                 .unique())).equals(alone), ids
