"""The four money rules of the Changzhou pack (登峰 dengfeng, 领军 leading_enterprise,
专精特新 specialised_award, 规上 above_scale_award) written by hand three more times, as the
baselines of bench/bench_engine.py: plain numpy on wide arrays, OpenFisca-Core, and one
hand-written DuckDB query. Each gives, per firm and rule, (status, tier index, amount 元),
the same encoding as :func:`from_engine` reads out of the engine's result, so the benchmark
can check that all agree firm by firm before it prints a time.

Three-valued logic throughout: a condition is a pair of boolean arrays (true, known); a
missing figure is never read as zero. The semantics are those of the pack's YAML and of
engine/tests/test_reference.py (known history from max(founding year, data_since)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

RULES = ("dengfeng", "leading_enterprise", "specialised_award", "above_scale_award")
STATUSES = ("eligible", "amount_pending", "not_eligible", "insufficient_data")
TIERS = {
    "dengfeng": ("over_1000yi", "over_500yi", "over_100yi"),
    "leading_enterprise": ("fortune_global_500", "china_top_500", "china_manufacturing_500",
                           "china_private_500"),
    "specialised_award": ("single_champion", "little_giant_national", "little_giant_provincial"),
    "above_scale_award": ("newly_above_scale",),
}
YI, WAN = 10**8, 10**4
DENGFENG = ((1000 * YI, 1000 * WAN), (500 * YI, 500 * WAN), (100 * YI, 200 * WAN))
LEADING = (("fortune_global_500",), ("china_top_500",), ("china_manufacturing_500",),
           ("china_private_500",))
LEADING_CAPS = (3000 * WAN, 1000 * WAN, 500 * WAN, 200 * WAN)
SPECIALISED = (("single_champion_enterprise", "single_champion_product"),
               ("little_giant_national",), ("little_giant_provincial",))
SPECIALISED_CAPS = (200 * WAN, 100 * WAN, 50 * WAN)
CODES = sorted({c for t in LEADING + SPECIALISED for c in t})
FIGURES = ("revenue", "rd_spending", "local_contribution", "energy_tce", "above_scale")
NEVER = 9999


@dataclass
class Wide:
    """One row per firm, one array per variable and year (year-major: [year][firm])."""

    year: int
    first_year: int  # the first column's year
    start: np.ndarray  # first year of each firm's known history (see compile.history_start)
    manufacturing: np.ndarray
    manufacturing_known: np.ndarray
    values: dict[str, np.ndarray]  # var -> (years, n); 0 where unknown
    known: dict[str, np.ndarray]  # var -> (years, n) bool
    first_grant: dict[str, np.ndarray]  # code -> (n,) first year granted up to `year`, NEVER


def to_wide(enterprises: pa.Table, figures: pa.Table, designations: pa.Table, year: int,
            data_since: int) -> Wide:
    """The long contract tables pivoted to wide arrays (setup; not part of any timing)."""
    ids = enterprises["enterprise_id"].to_numpy()
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    n = len(ids)

    def index(col: pa.ChunkedArray) -> np.ndarray:
        return order[np.searchsorted(sorted_ids, col.to_numpy())]

    fy = figures["year"].to_numpy().astype(np.int64)
    first = int(min(fy.min(), data_since)) if len(fy) else data_since
    ny = year - first + 1
    keep = fy <= year
    row, col = index(figures["enterprise_id"])[keep], (fy - first)[keep]
    values, known = {}, {}
    for var in FIGURES:
        arr = figures[var].combine_chunks()
        dtype = np.float64 if var == "energy_tce" else bool if var == "above_scale" else np.int64
        v = np.zeros((ny, n), dtype)
        k = np.zeros((ny, n), bool)
        valid = arr.is_valid().to_numpy(zero_copy_only=False)[keep]
        filled = pc.fill_null(arr, False if dtype is bool else 0).to_numpy(zero_copy_only=False)
        v[col, row] = filled[keep]
        k[col, row] = valid
        values[var], known[var] = v, k
    founded = pc.year(enterprises["founded_on"]).combine_chunks()
    fyear = pc.fill_null(founded, data_since).to_numpy(zero_copy_only=False).astype(np.int64)
    start = np.maximum(fyear, data_since)
    man = enterprises["is_manufacturing"].combine_chunks()
    grants = {}
    gy = pc.year(designations["granted_on"]).to_numpy(zero_copy_only=False)
    gcode = designations["code"].to_numpy(zero_copy_only=False)
    grow = index(designations["enterprise_id"])
    for code in CODES:
        g = np.full(n, NEVER, np.int64)
        m = (gcode == code) & (gy <= year)
        np.minimum.at(g, grow[m], gy[m].astype(np.int64))
        grants[code] = g
    return Wide(year, first, start, pc.fill_null(man, False).to_numpy(zero_copy_only=False),
                man.is_valid().to_numpy(zero_copy_only=False), values, known, grants)


# --- plain numpy ---------------------------------------------------------------------------

def _pick_highest(conds: list[tuple[np.ndarray, np.ndarray]]):
    """The first true tier with every tier above it known false: (pick, unknown, all_false)."""
    n = len(conds[0][0])
    pick = np.full(n, -1, np.int8)
    unknown = np.zeros(n, bool)
    above_false = np.ones(n, bool)
    for i, (t, k) in enumerate(conds):
        cand = above_false & ~unknown & (pick < 0)
        unknown |= cand & ~k
        pick[cand & t] = i
        above_false &= k & ~t
    return pick, unknown, above_false


def _status(elig_t, elig_k, pick, all_false, amount_known):
    """The engine's status from the three-valued eligibility, the tier and the amount."""
    elig_f = elig_k & ~elig_t
    status = np.full(len(pick), 3, np.int8)  # insufficient_data
    reached = pick >= 0
    status[elig_t & reached] = 1  # amount_pending
    status[elig_t & reached & amount_known] = 0  # eligible
    status[elig_f | all_false] = 2  # not_eligible
    return status


def _history(w: Wide, var: str):
    """Earlier highest known value, whether there is one, and a gap in the known history."""
    yi = w.year - w.first_year
    ev, ek = w.values[var][:yi], w.known[var][:yi]
    if var == "above_scale":
        hmax_t = (ev & ek).any(axis=0)
        hmax = hmax_t.astype(np.int64)
    else:
        hmax = np.where(ek, ev, -1).max(axis=0)
    years = np.arange(w.first_year, w.year)[:, None]
    hin = (ek & (years >= w.start[None, :])).sum(axis=0)
    hmiss = np.maximum(w.year - w.start, 0) - hin
    return hmax, hmiss > 0


def numpy_rules(w: Wide) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    yi = w.year - w.first_year
    out = {}
    # 登峰: first_time_exceeds(revenue, T), highest tier; amount from three scores.
    rev, rk = w.values["revenue"][yi], w.known["revenue"][yi]
    hmax, gap = _history(w, "revenue")
    conds = []
    for t, _ in DENGFENG:
        decided_false = (rev <= t) | (hmax > t)
        conds.append((rk & ~decided_false & ~gap, rk & (decided_false | ~gap)))
    pick, _, all_false = _pick_highest(conds)
    rd, lc = w.values["rd_spending"][yi], w.values["local_contribution"][yi]
    energy = w.values["energy_tce"][yi]
    amount_known = (rk & w.known["rd_spending"][yi] & w.known["local_contribution"][yi]
                    & w.known["energy_tce"][yi] & (rev != 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        frev = rev.astype(np.float64)
        tech = np.clip(rd / frev / 0.03, 0, 1)
        output = np.clip(lc / frev / 0.03, 0, 1)
        allowed = (rev * 5) / 100  # 0.05 × revenue, exact then rounded once (as DECIMAL)
        used = energy * 10000.0
        green = np.where(used <= allowed, 1.0, allowed / used)
        score = (tech + green + output) / 3
        k = np.floor(np.where(amount_known, score, 0) / 0.001).astype(np.int64)
    caps = np.array([c for _, c in DENGFENG], np.int64)[np.maximum(pick, 0)]
    amount = np.clip(caps * k // 1000, 0, caps)
    out["dengfeng"] = _finish(np.ones_like(rk), np.ones_like(rk), pick, all_false,
                              amount_known, amount)
    # 领军 / 专精特新: newly designated this year (earliest grant of the codes is this year).
    for rule, tiers, caps, elig in (
            ("leading_enterprise", LEADING, LEADING_CAPS, (w.manufacturing, w.manufacturing_known)),
            ("specialised_award", SPECIALISED, SPECIALISED_CAPS, None)):
        conds = []
        for codes in tiers:
            first = w.first_grant[codes[0]]
            for c in codes[1:]:
                first = np.minimum(first, w.first_grant[c])
            conds.append((first == w.year, np.ones(len(first), bool)))
        pick, _, all_false = _pick_highest(conds)
        amount = np.array(caps, np.int64)[np.maximum(pick, 0)]
        et, ek = elig if elig else (np.ones(len(pick), bool), np.ones(len(pick), bool))
        out[rule] = _finish(et, ek, pick, all_false, np.ones(len(pick), bool), amount)
    # 规上: first_time(above_scale); 50% of the increase of the local contribution, ≤ 10万元.
    now, nk = w.values["above_scale"][yi], w.known["above_scale"][yi]
    ever, gap = _history(w, "above_scale")
    decided_false = ~now | (ever == 1)
    trig_t, trig_k = nk & ~decided_false & ~gap, nk & (decided_false | ~gap)
    a, b = w.values["local_contribution"][yi], w.values["local_contribution"][yi - 1]
    amount_known = w.known["local_contribution"][yi] & w.known["local_contribution"][yi - 1]
    amount = np.minimum(np.maximum(a - b, 0) // 2, 10 * WAN)
    pick = np.zeros(len(now), np.int8)
    out["above_scale_award"] = _finish(trig_t, trig_k, pick, np.zeros(len(now), bool),
                                       amount_known, amount)
    return out


def _finish(elig_t, elig_k, pick, all_false, amount_known, amount):
    status = _status(elig_t & elig_k, elig_k, pick, all_false, amount_known)
    tier = np.where(status <= 1, pick, -1).astype(np.int8)
    return status, tier, np.where(status == 0, amount, -1)


# --- the engine's result, in the same encoding -------------------------------------------------

def from_engine(result: pa.Table, ids: np.ndarray) -> dict:
    """Per firm (in the order of ``ids``) and rule: status code, tier index, amount (-1: none)."""
    order = np.argsort(ids, kind="stable")
    out = {}
    for rule in RULES:
        part = result.filter(pc.equal(result["policy_id"], rule))
        pos = order[np.searchsorted(ids[order], part["enterprise_id"].to_numpy())]
        status = np.full(len(ids), -1, np.int8)
        tier = np.full(len(ids), -1, np.int8)
        amount = np.full(len(ids), -1, np.int64)
        status[pos] = pc.index_in(part["status"], pa.array(STATUSES)).to_numpy(
            zero_copy_only=False)
        tier[pos] = pc.fill_null(pc.index_in(part["tier"], pa.array(TIERS[rule])), -1
                                 ).to_numpy(zero_copy_only=False)
        amount[pos] = pc.fill_null(part["amount_yuan"], -1).to_numpy(zero_copy_only=False)
        out[rule] = (status, tier, amount)
    return out


def disagreements(a: dict, b: dict) -> dict[str, int]:
    """Firms whose (status, tier, amount) differ, per rule."""
    return {rule: int(np.sum((a[rule][0] != b[rule][0]) | (a[rule][1] != b[rule][1])
                             | (a[rule][2] != b[rule][2]))) for rule in RULES}


# --- hand-written DuckDB SQL ---------------------------------------------------------------

def _first(codes: tuple[str, ...]) -> str:
    return f"LEAST({', '.join(f'g.first_{c}' for c in codes)})"


def _clip01(x: str) -> str:
    # DuckDB's LEAST/GREATEST skip NULLs: an unknown value must stay unknown.
    return f"(CASE WHEN ({x}) IS NOT NULL THEN LEAST(GREATEST({x}, 0), 1) END)"


def _highest(conds: list[str]) -> tuple[str, str]:
    """SQL for (tier index or NULL, all tiers false) from three-valued tier conditions."""
    whens = []
    for i, c in enumerate(conds):
        above = " AND ".join([f"({x}) IS FALSE" for x in conds[:i]] + [f"({c}) IS TRUE"])
        whens.append(f"WHEN {above} THEN {i}")
    return (f"(CASE {' '.join(whens)} END)",
            "(" + " AND ".join(f"({c}) IS FALSE" for c in conds) + ")")


def _status_sql(elig: str, pick: str, all_false: str, amount: str) -> str:
    return (f"(CASE WHEN ({elig}) IS FALSE OR {all_false} THEN 2 "
            f"WHEN ({elig}) IS TRUE AND {pick} IS NOT NULL AND ({amount}) IS NOT NULL THEN 0 "
            f"WHEN ({elig}) IS TRUE AND {pick} IS NOT NULL THEN 1 ELSE 3 END)")


def duckdb_sql(year: int, data_since: int) -> str:
    """The four rules as one query over the long tables: the history by GROUP BY and join."""
    y = int(year)
    fte = [f"(CASE WHEN c.revenue IS NULL THEN NULL WHEN c.revenue <= {t} THEN FALSE "
           f"WHEN h.rev_max > {t} THEN FALSE WHEN h.rev_gap THEN NULL ELSE TRUE END)"
           for t, _ in DENGFENG]
    d_pick, d_false = _highest(fte)
    tech = _clip01("c.rd_spending / c.revenue / 0.03")
    out_ = _clip01("c.local_contribution / c.revenue / 0.03")
    allowed = "((c.revenue * 5) / 100.0)"
    green = (f"(CASE WHEN c.energy_tce * 10000.0 <= {allowed} THEN 1.0 "
             f"ELSE {allowed} / (c.energy_tce * 10000.0) END)")
    score = f"(({tech} + {green} + {out_}) / 3)"
    d_caps = "[" + ", ".join(str(c) for _, c in DENGFENG) + "]"
    d_cap = f"({d_caps})[{d_pick} + 1]"
    d_amount = (f"(CASE WHEN c.revenue <> 0 AND {score} IS NOT NULL THEN LEAST(GREATEST({d_cap} * "
                f"CAST(FLOOR({score} / 0.001) AS BIGINT) // 1000, 0), {d_cap}) END)")
    l_pick, l_false = _highest([f"COALESCE({_first(t)} = {y}, FALSE)" for t in LEADING])
    s_pick, s_false = _highest([f"COALESCE({_first(t)} = {y}, FALSE)" for t in SPECIALISED])
    l_caps = "[" + ", ".join(map(str, LEADING_CAPS)) + "]"
    s_caps = "[" + ", ".join(map(str, SPECIALISED_CAPS)) + "]"
    trig = ("(CASE WHEN c.above_scale IS NULL THEN NULL WHEN NOT c.above_scale THEN FALSE "
            "WHEN h.ever_above THEN FALSE WHEN h.above_gap THEN NULL ELSE TRUE END)")
    a_amount = ("(CASE WHEN p.local_contribution IS NOT NULL AND c.local_contribution IS NOT NULL "
                "THEN LEAST(GREATEST(c.local_contribution - p.local_contribution, 0) // 2, "
                f"{10 * WAN}) END)")
    grants = ", ".join(f"MIN(CASE WHEN code = '{c}' THEN year(granted_on) END) AS first_{c}"
                       for c in CODES)
    start = f"GREATEST(COALESCE(year(e.founded_on), {data_since}), {data_since})"
    return f"""
WITH h AS (
  SELECT f.enterprise_id,
    MAX(f.revenue) AS rev_max,
    GREATEST({y} - s.start, 0)
      - COUNT(CASE WHEN f.revenue IS NOT NULL AND f.year >= s.start THEN 1 END) > 0
      AS rev_gap,
    BOOL_OR(f.above_scale) AS ever_above,
    GREATEST({y} - s.start, 0)
      - COUNT(CASE WHEN f.above_scale IS NOT NULL AND f.year >= s.start THEN 1 END) > 0
      AS above_gap
  FROM figures f JOIN (SELECT enterprise_id, {start} AS start FROM enterprises e) s
    USING (enterprise_id)
  WHERE f.year < {y} GROUP BY f.enterprise_id, s.start),
g AS (SELECT enterprise_id, {grants} FROM designations WHERE year(granted_on) <= {y}
      GROUP BY enterprise_id),
b AS (
  SELECT e.enterprise_id, e.is_manufacturing, c.*, p.local_contribution AS p_lc,
    COALESCE(h.rev_max, NULL) AS rev_max,
    {d_pick} AS d_pick, {d_false} AS d_false, {d_amount} AS d_amount,
    {l_pick} AS l_pick, {l_false} AS l_false,
    {s_pick} AS s_pick, {s_false} AS s_false,
    COALESCE({trig}, NULL) AS a_trig, {a_amount} AS a_amount
  FROM enterprises e
  LEFT JOIN (SELECT * FROM figures WHERE year = {y}) c USING (enterprise_id)
  LEFT JOIN (SELECT * FROM figures WHERE year = {y - 1}) p USING (enterprise_id)
  LEFT JOIN h USING (enterprise_id)
  LEFT JOIN g USING (enterprise_id))
SELECT enterprise_id,
  {_status_sql("TRUE", "d_pick", "d_false", "d_amount")} AS dengfeng_status,
  d_pick AS dengfeng_tier, d_amount AS dengfeng_amount,
  {_status_sql("is_manufacturing", "l_pick", "l_false", "0")} AS leading_enterprise_status,
  l_pick AS leading_enterprise_tier, ({l_caps})[l_pick + 1] AS leading_enterprise_amount,
  {_status_sql("TRUE", "s_pick", "s_false", "0")} AS specialised_award_status,
  s_pick AS specialised_award_tier, ({s_caps})[s_pick + 1] AS specialised_award_amount,
  {_status_sql("a_trig", "0", "FALSE", "a_amount")} AS above_scale_award_status,
  0 AS above_scale_award_tier, a_amount AS above_scale_award_amount
FROM b
"""


def from_sql(table: pa.Table, ids: np.ndarray) -> dict:
    """The query's columns in the shared encoding (tier and amount only where they count)."""
    order = np.argsort(ids, kind="stable")
    pos = order[np.searchsorted(ids[order], table["enterprise_id"].to_numpy())]
    out = {}
    for rule in RULES:
        status = np.full(len(ids), -1, np.int8)
        tier = np.full(len(ids), -1, np.int8)
        amount = np.full(len(ids), -1, np.int64)
        s = table[f"{rule}_status"].to_numpy().astype(np.int8)
        t = pc.fill_null(table[f"{rule}_tier"], -1).to_numpy(zero_copy_only=False)
        a = pc.fill_null(table[f"{rule}_amount"], -1).to_numpy(zero_copy_only=False)
        status[pos] = s
        tier[pos] = np.where(s <= 1, t, -1)
        amount[pos] = np.where(s == 0, a, -1)
        out[rule] = (status, tier, amount)
    return out
