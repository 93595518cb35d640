"""One enterprise's rows as the columns of ``compile.base_sql``'s ``base`` relation, in plain
Python: the same names and the same meaning (see there for the known-history rules).

    v_<var>      this year's figure, or the enterprise's column (is_chain_leader, in_chain,
                 age_years derived as the SQL derives them)
    p_<var>      last year's figure
    hstart       first year of the known history: max(founding year, data_since), None if
                 neither is known
    hmax_/hcnt_/hyears_/hmiss_<var>   over the rows before this year
    dfirst_/dheld_/dnew_/dprev_<code> from the designations up to this year
"""

from __future__ import annotations

from ..check import Usage
from ..vocab import VARIABLES


class Features:
    """What the pack reads (the union of its policies' usage), and how to compute it."""

    def __init__(self, usage: Usage, year: int):
        self.year = year
        self.figs = sorted({v for v in usage.variables if VARIABLES[v].source == "figures"}
                           | {v for _, v in usage.history})
        self.ents = sorted(v for v in usage.variables if VARIABLES[v].source == "enterprises")
        self.chain_leader = "is_chain_leader" in usage.variables
        self.in_chain = "in_chain" in usage.variables
        self.age = "age_years" in usage.variables
        self.prevs = sorted({v for f, v in usage.history if f in ("prev", "increase")})
        self.hist = sorted({v for f, v in usage.history
                            if f in ("first_time_exceeds", "first_time", "has_history")})
        self.codes = sorted({c for _, c in usage.codes})
        self.entered = sorted({c for f, c in usage.codes if f == "entered"})
        self.code_set = frozenset(self.codes)
        self.bools = {v for v in self.hist if VARIABLES[v].kind == "bool"}

    def base(self, enterprise: dict, figures: list[dict], designations: list[dict],
             data_since: int | None) -> dict:
        year = self.year
        b = {"enterprise_id": enterprise["enterprise_id"]}
        for v in self.ents:
            b[f"v_{v}"] = enterprise[v]
        if self.chain_leader:
            leads = enterprise["chain_leader"]
            b["v_is_chain_leader"] = None if leads is None else len(leads) > 0
        if self.in_chain:
            chains = enterprise["chains"]
            b["v_in_chain"] = None if chains is None else len(chains) > 0
        founded = enterprise["founded_on"]
        founded_year = None if founded is None else founded.year
        if self.age:
            b["v_age_years"] = None if founded_year is None else year - founded_year
        by_year = {r["year"]: r for r in figures}
        now, last = by_year.get(year), by_year.get(year - 1)
        for v in self.figs:
            b[f"v_{v}"] = None if now is None else now[v]
        for v in self.prevs:
            b[f"p_{v}"] = None if last is None else last[v]
        if self.hist:
            # GREATEST skips NULLs: the later of the two that are known.
            known = [y for y in (founded_year, data_since) if y is not None]
            start = max(known) if known else None
            b["hstart"] = start
            earlier = sorted((r for r in figures if r["year"] < year), key=lambda r: r["year"])
            for v in self.hist:
                if not earlier:  # no earlier row at all: the LEFT JOIN gives NULLs
                    hmax = hcnt = hyears = None
                    hin = 0
                else:
                    vals = [(r["year"], r[v]) for r in earlier if r[v] is not None]
                    if v in self.bools:
                        hmax = max((int(x) for _, x in vals), default=None)
                    else:
                        hmax = max((x for _, x in vals), default=None)
                    hcnt = len(vals)
                    hyears = [] if start is None else [y for y, _ in vals if y >= start]
                    hin = len(hyears)
                b[f"hmax_{v}"], b[f"hcnt_{v}"], b[f"hyears_{v}"] = hmax, hcnt, hyears
                b[f"hmiss_{v}"] = None if start is None else max(year - start, 0) - hin
        if self.codes:
            for code in self.codes:
                b[f"dfirst_{code}"] = None
                b[f"dheld_{code}"] = b[f"dnew_{code}"] = b[f"dprev_{code}"] = None
            # A grant without a date makes the enterprise invalid_data; it is never read.
            mine = [d for d in designations
                    if d["code"] in self.code_set and d["granted_on"] is not None]
            if mine:
                self._designations(b, mine)
        return b

    def _designations(self, b: dict, rows: list[dict]) -> None:
        """The SQL's aggregates over the enterprise's grants of the codes the pack reads
        (grants dated later than this year are not yet known)."""
        year = self.year
        for code in self.codes:
            first, held, new, prev = None, False, False, False
            for d in rows:
                if d["code"] != code:
                    continue
                granted = d["granted_on"].year
                expires = d["expires_on"]
                until = None if expires is None else expires.year
                if granted <= year:
                    first = granted if first is None else min(first, granted)
                    if until is None or until >= year:
                        held = True
                if granted == year:
                    new = True
                if granted <= year - 1 and (until is None or until >= year - 1):
                    prev = True
            b[f"dfirst_{code}"], b[f"dheld_{code}"] = first, held
            if code in self.entered:
                b[f"dnew_{code}"], b[f"dprev_{code}"] = new, prev
