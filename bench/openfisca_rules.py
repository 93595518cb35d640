"""The four money rules as an OpenFisca-Core tax-benefit system (the `bench` extra), one
entity (the firm), yearly variables, history read through ``firm(var, earlier period)``.

OpenFisca has no missing value: each input figure comes with a ``<var>_known`` variable,
and its floats are float32 and its ints int32, neither exact for 元 amounts of a 100亿元
firm; the money variables here are declared int and widened to int64 (``Money``), energy to
float64, so that the result is exact to the 元 and comparable firm by firm.
"""

from __future__ import annotations

import money_rules as mr
import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import ETERNITY, YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Firm = build_entity(key="firm", plural="firms", label="An enterprise", is_person=True)
FIRST_YEAR = [2016]  # the first column of the wide arrays (set by run())


class Money(Variable):
    value_type = int
    entity = Firm
    definition_period = YEAR

    def __init__(self, baseline_variable=None):
        super().__init__(baseline_variable)
        self.dtype = np.int64  # int32 cannot hold 100亿元


def _input(name: str, base: type, dtype=None, period=YEAR) -> type:
    attrs = {"entity": Firm, "definition_period": period}
    if base is Variable:
        attrs["value_type"] = bool if dtype is bool else float if dtype is float else int
    cls = type(name, (base,), attrs)
    if dtype is float:
        def init(self, baseline_variable=None):
            Variable.__init__(self, baseline_variable)
            self.dtype = np.float64
        cls.__init__ = init
    return cls


def _pair(firm, var: str, period):
    return firm(var, period), firm(f"{var}_known", period)


def _history(firm, var: str, period):
    """Earlier highest known value and whether the known history has a gap."""
    start = firm("history_start", period)
    hmax = None
    hin = 0
    for y in range(FIRST_YEAR[0], period.start.year):
        value, known = _pair(firm, var, str(y))
        v = np.where(known, value.astype(np.int64), -1)
        hmax = v if hmax is None else np.maximum(hmax, v)
        hin = hin + (known & (y >= start))
    gap = np.maximum(period.start.year - start, 0) - hin > 0
    return hmax, gap


class dengfeng_result(Variable):
    """(status, tier, amount) packed into one int64: status * 10**14 + (tier+1) * 10**12 +
    amount + 1, so OpenFisca computes the rule once per firm."""

    value_type = int
    entity = Firm
    definition_period = YEAR

    def __init__(self, baseline_variable=None):
        super().__init__(baseline_variable)
        self.dtype = np.int64

    def formula(firm, period):
        rev, rk = _pair(firm, "revenue", period)
        hmax, gap = _history(firm, "revenue", period)
        conds = []
        for t, _ in mr.DENGFENG:
            decided_false = (rev <= t) | (hmax > t)
            conds.append((rk & ~decided_false & ~gap, rk & (decided_false | ~gap)))
        pick, _, all_false = mr._pick_highest(conds)
        rd, rdk = _pair(firm, "rd_spending", period)
        lc, lck = _pair(firm, "local_contribution", period)
        energy, ek = _pair(firm, "energy_tce", period)
        amount_known = rk & rdk & lck & ek & (rev != 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            frev = rev.astype(np.float64)
            tech = np.clip(rd / frev / 0.03, 0, 1)
            output = np.clip(lc / frev / 0.03, 0, 1)
            allowed = (rev * 5) / 100
            used = energy * 10000.0
            green = np.where(used <= allowed, 1.0, allowed / used)
            score = (tech + green + output) / 3
            k = np.floor(np.where(amount_known, score, 0) / 0.001).astype(np.int64)
        caps = np.array([c for _, c in mr.DENGFENG], np.int64)[np.maximum(pick, 0)]
        amount = np.clip(caps * k // 1000, 0, caps)
        ones = np.ones(len(rev), bool)
        return _pack(mr._finish(ones, ones, pick, all_false, amount_known, amount))


def _designation_rule(tiers, caps, with_manufacturing):
    def formula(firm, period):
        conds = []
        for codes in tiers:
            first = firm(f"first_{codes[0]}", period)
            for c in codes[1:]:
                first = np.minimum(first, firm(f"first_{c}", period))
            conds.append((first == period.start.year, np.ones(len(first), bool)))
        pick, _, all_false = mr._pick_highest(conds)
        amount = np.array(caps, np.int64)[np.maximum(pick, 0)]
        if with_manufacturing:
            et, ek = _pair(firm, "is_manufacturing", period)
        else:
            et = ek = np.ones(len(pick), bool)
        return _pack(mr._finish(et, ek, pick, all_false, np.ones(len(pick), bool), amount))
    return formula


def _above_scale(firm, period):
    now, nk = _pair(firm, "above_scale", period)
    ever, gap = _history(firm, "above_scale", period)
    decided_false = ~now | (ever == 1)
    trig_t, trig_k = nk & ~decided_false & ~gap, nk & (decided_false | ~gap)
    a, ak = _pair(firm, "local_contribution", period)
    b, bk = _pair(firm, "local_contribution", period.last_year)
    amount = np.minimum(np.maximum(a - b, 0) // 2, 10 * mr.WAN)
    n = len(now)
    return _pack(mr._finish(trig_t, trig_k, np.zeros(n, np.int8), np.zeros(n, bool),
                            ak & bk, amount))


def _pack(result):
    status, tier, amount = result
    return (status.astype(np.int64) * 10**14 + (tier.astype(np.int64) + 1) * 10**12
            + amount + 1)


def _unpack(packed: np.ndarray):
    status = (packed // 10**14).astype(np.int8)
    tier = ((packed // 10**12) % 100 - 1).astype(np.int8)
    return status, tier, packed % 10**12 - 1


# OpenFisca reads these from each variable class's own attributes, not inherited ones.
_RESULT = {"value_type": int, "entity": Firm, "definition_period": YEAR}


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Firm])
    for var in ("revenue", "rd_spending", "local_contribution"):
        tbs.add_variable(type(var, (Money,), dict(_RESULT)))
    tbs.add_variable(_input("energy_tce", Variable, float))
    tbs.add_variable(_input("above_scale", Variable, bool))
    for var in mr.FIGURES:
        tbs.add_variable(_input(f"{var}_known", Variable, bool))
    tbs.add_variable(_input("is_manufacturing", Variable, bool))
    tbs.add_variable(_input("is_manufacturing_known", Variable, bool))
    tbs.add_variable(_input("history_start", Variable, int, ETERNITY))
    for code in mr.CODES:
        tbs.add_variable(_input(f"first_{code}", Variable, int, ETERNITY))
    tbs.add_variable(dengfeng_result)
    for name, tiers, caps, man in (("leading_enterprise", mr.LEADING, mr.LEADING_CAPS, True),
                                   ("specialised_award", mr.SPECIALISED, mr.SPECIALISED_CAPS,
                                    False)):
        tbs.add_variable(type(f"{name}_result", (dengfeng_result,),
                              {**_RESULT, "formula": (
                                  _designation_rule(tiers, caps, man))}))
    tbs.add_variable(type("above_scale_award_result", (dengfeng_result,),
                          {**_RESULT, "formula": _above_scale}))
    return tbs


_TBS: list = []


def build(w: mr.Wide):
    """A simulation holding the wide arrays as its inputs (OpenFisca's data loading)."""
    FIRST_YEAR[0] = w.first_year
    if not _TBS:
        _TBS.append(system())
    n = len(w.start)
    sim = SimulationBuilder().build_default_simulation(_TBS[0], count=n)
    for var in mr.FIGURES:
        for i, y in enumerate(range(w.first_year, w.year + 1)):
            sim.set_input(var, str(y), w.values[var][i])
            sim.set_input(f"{var}_known", str(y), w.known[var][i])
    sim.set_input("is_manufacturing", str(w.year), w.manufacturing)
    sim.set_input("is_manufacturing_known", str(w.year), w.manufacturing_known)
    sim.set_input("history_start", "ETERNITY", w.start)
    for code in mr.CODES:
        sim.set_input(f"first_{code}", "ETERNITY", w.first_grant[code])
    return sim


def compute(sim, year: int) -> dict:
    """The four rules (what is timed)."""
    return {rule: _unpack(sim.calculate(f"{rule}_result", str(year))) for rule in mr.RULES}
