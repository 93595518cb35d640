"""The four money rules, written again in plain Python, agree with the engine to the 元.

The reference reads the contract tables row by row, the way a reviewer would check one
enterprise by hand; any difference in missing-data handling, tier order, caps or rounding
between it and the compiled SQL shows up here.
"""

import math
from collections import defaultdict
from decimal import Decimal

import pytest

from industrybrain.engine import evaluate, load_pack

from .synthetic import snapshot

YI, WAN = 10**8, 10**4
YEAR = 2022
DATA_SINCE = 2016  # the synthetic snapshot's first year


def span(ent):
    """The enterprise's known history before YEAR: from its founding or the data's first
    year, whichever is later."""
    return range(max(ent["founded_on"].year, DATA_SINCE), YEAR)


def _first_time_exceeds(cur, earlier, threshold, in_span):
    """``earlier``: every earlier known row's value; ``in_span``: the values of the span's
    years (None for a year without a row)."""
    if cur is None:
        return None
    if cur <= threshold or any(v is not None and v > threshold for v in earlier):
        return False
    return None if any(v is None for v in in_span) else True


def _pick_highest(conds):
    """Index of the first true condition with all above it false; 'none'/'unknown'."""
    for i, c in enumerate(conds):
        if c is None:
            return "unknown"
        if c:
            return i
    return "none"


def _status(elig, pick, amount):
    if elig is False or pick == "none":
        return "not_eligible"
    if elig is True and pick not in ("none", "unknown"):
        return "eligible" if amount is not None else "amount_pending"
    return "insufficient_data"


def _clip01(x):
    return None if x is None else min(max(x, 0.0), 1.0)


def _div(a, b):
    return None if a is None or b is None or b == 0 else a / b


def dengfeng(ent, fig, years):
    cur = fig.get(YEAR, {})
    rev = cur.get("revenue")
    earlier = [fig[y].get("revenue") for y in years if y < YEAR]
    in_span = [fig.get(y, {}).get("revenue") for y in span(ent)]
    tiers = [(1000 * YI, 1000 * WAN), (500 * YI, 500 * WAN), (100 * YI, 200 * WAN)]
    pick = _pick_highest([_first_time_exceeds(rev, earlier, t, in_span) for t, _ in tiers])
    amount = None
    if isinstance(pick, int):
        rd, energy = cur.get("rd_spending"), cur.get("energy_tce")
        lc = cur.get("local_contribution")
        tech = _clip01(_div(_div(rd, rev), 0.03))
        output = _clip01(_div(_div(lc, rev), 0.03))
        green = None
        if energy is not None and rev is not None:
            allowed = float(Decimal("0.05") * rev)
            green = 1.0 if energy * 10000 <= allowed else allowed / (energy * 10000)
        if None not in (tech, green, output):
            score = (tech + green + output) / 3
            k = math.floor(score / 0.001)
            amount = min(max(tiers[pick][1] * k // 1000, 0), tiers[pick][1])
    status = _status(True, pick, amount)
    if status not in ("eligible", "amount_pending"):
        return status, None, None
    return status, ["over_1000yi", "over_500yi", "over_100yi"][pick], amount


def designation_rule(ent, first_year, tiers, need_manufacturing):
    elig = ent["is_manufacturing"] if need_manufacturing else True
    conds = [any(first_year.get(c) == YEAR for c in codes) and
             min(first_year.get(c, 9999) for c in codes) == YEAR for _, codes, _ in tiers]
    pick = _pick_highest(conds)
    amount = tiers[pick][2] if isinstance(pick, int) else None
    status = _status(elig, pick, amount)
    return status, (tiers[pick][0] if status in ("eligible", "amount_pending") else None), \
        (amount if status == "eligible" else None)


def above_scale(ent, fig, years):
    cur, prev = fig.get(YEAR, {}), fig.get(YEAR - 1, {})
    now = cur.get("above_scale")
    earlier = [fig[y].get("above_scale") for y in years if y < YEAR]
    in_span = [fig.get(y, {}).get("above_scale") for y in span(ent)]
    if now is None:
        trig = None
    elif not now or any(v is True for v in earlier):
        trig = False
    else:
        trig = None if any(v is None for v in in_span) else True
    a, b = cur.get("local_contribution"), prev.get("local_contribution")
    amount = None if a is None or b is None else min(max(math.floor(0.5 * max(a - b, 0)), 0),
                                                     10 * WAN)
    if trig is False:
        return "not_eligible", None, None
    if trig is None:
        return "insufficient_data", None, None
    if amount is None:
        return "amount_pending", "newly_above_scale", None
    return "eligible", "newly_above_scale", amount


LEADING = [("fortune_global_500", ["fortune_global_500"], 3000 * WAN),
           ("china_top_500", ["china_top_500"], 1000 * WAN),
           ("china_manufacturing_500", ["china_manufacturing_500"], 500 * WAN),
           ("china_private_500", ["china_private_500"], 200 * WAN)]
SPECIALISED = [("single_champion", ["single_champion_enterprise", "single_champion_product"],
                200 * WAN),
               ("little_giant_national", ["little_giant_national"], 100 * WAN),
               ("little_giant_provincial", ["little_giant_provincial"], 50 * WAN)]


@pytest.mark.parametrize("seed, missing", [(1, 0.0), (2, 0.05), (3, 0.3)])
def test_engine_agrees_with_plain_python(seed, missing):
    # Some firms grow past the 登峰 thresholds so that every tier is exercised.
    ents, figs, des = snapshot(3000, seed=seed, missing=missing, giants=300)
    result = evaluate(load_pack("changzhou_2022"), YEAR, ents, figs, des, explain="none",
                      data_since=DATA_SINCE)
    got = {(r["enterprise_id"], r["policy_id"]): (r["status"], r["tier"], r["amount_yuan"])
           for r in result.to_pylist()}
    years = sorted(set(figs["year"].to_pylist()))
    by_ent = defaultdict(dict)
    for row in figs.to_pylist():
        by_ent[row["enterprise_id"]][row["year"]] = row
    first = defaultdict(dict)
    for row in des.to_pylist():
        y = row["granted_on"].year
        if y <= YEAR:
            first[row["enterprise_id"]][row["code"]] = min(
                y, first[row["enterprise_id"]].get(row["code"], 9999))
    checked = defaultdict(int)
    for ent in ents.to_pylist():
        eid = ent["enterprise_id"]
        fig = {y: by_ent[eid].get(y, {}) for y in years}
        want = {
            "dengfeng": dengfeng(ent, fig, years),
            "leading_enterprise": designation_rule(ent, first[eid], LEADING, True),
            "specialised_award": designation_rule(ent, first[eid], SPECIALISED, False),
            "above_scale_award": above_scale(ent, fig, years),
        }
        for policy, expected in want.items():
            assert got[(eid, policy)] == expected, (eid, policy, fig, first[eid])
            checked[(policy, expected[0])] += 1
    # The synthetic city must exercise paid awards and misses of every rule.
    for policy in ("dengfeng", "leading_enterprise", "specialised_award", "above_scale_award"):
        assert checked[(policy, "eligible")] > 0, policy
        assert checked[(policy, "not_eligible")] > 0, policy
    if missing:
        assert checked[("dengfeng", "insufficient_data")] > 0
