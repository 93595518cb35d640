"""One enterprise through the pack's AST in plain Python: the calculator's and explain_one's
path, with no DuckDB round trip.

The pack's policies in force in a year are compiled once (cached on the pack, as
``evaluate.plan_for`` caches SQL plans) into closures over one enterprise's features; a call
then computes that enterprise's ``base`` columns (:mod:`.firm`) and runs every policy
(:mod:`.policy`), giving the rows ``evaluate(..., explain="all")`` gives for it, column for
column and byte for byte (engine/tests/test_interpret.py holds them equal).
"""

from __future__ import annotations

from ..compile import folded, pack_usage
from ..errors import RangeError
from ..model import Pack
from .firm import Features
from .policy import Policy
from .values import Refused


class Interpreter:
    """The enterprise policies of ``pack`` in force in ``year``, compiled."""

    def __init__(self, pack: Pack, year: int):
        chosen = [p for p in pack.policies if p.entity == "enterprise" and p.has_rule
                  and p.in_force(year)]
        self.year = year
        chosen = [folded(pack, p) for p in chosen]
        # The batch's order: enterprise, then policy id.
        self.policies = sorted((Policy(pack, p, year) for p in chosen), key=lambda p: p.id)
        self.features = Features(pack_usage(pack, chosen), year)
        self.titles = {p.id: (p.title_zh, p.title_en) for p in chosen}

    def rows(self, enterprise: dict, figures: list[dict], designations: list[dict],
             data_since: int | None) -> list[dict]:
        """Every policy's result row for one enterprise (its rows in the contract's shape)."""
        b = self.features.base(enterprise, figures, designations, data_since)
        eid, year = enterprise["enterprise_id"], self.year
        out = []
        for p in self.policies:
            status, tier, amount, bound, zh, en, inputs = _row(p, b, eid)
            out.append({"enterprise_id": eid, "policy_id": p.id, "year": year,
                        "status": status, "tier": tier, "amount_yuan": amount,
                        "cap_bound": bound, "explanation_zh": zh, "explanation_en": en,
                        "inputs": inputs})
        return out

    def kept(self, enterprise: dict, figures: list[dict], designations: list[dict],
             data_since: int | None) -> dict[str, dict]:
        """Per policy, the typed values its row is written from (plain JSON: numbers, text,
        booleans, lists of years, nulls). Kept with an award, they write its explanation again
        exactly as proposed, whatever the enterprise's figures become (:meth:`render`)."""
        b = self.features.base(enterprise, figures, designations, data_since)
        return {p.id: {c: b[c] for c in p.columns} for p in self.policies}

    def render(self, policy_id: str, kept: dict) -> dict:
        """A policy's row (status … inputs) written again from its kept values."""
        p = next(p for p in self.policies if p.id == policy_id)
        status, tier, amount, bound, zh, en, inputs = _row(p, kept, kept.get("enterprise_id"))
        return {"status": status, "tier": tier, "amount_yuan": amount, "cap_bound": bound,
                "explanation_zh": zh, "explanation_en": en, "inputs": inputs}

    def invalid_rows(self, enterprise_id: int, defects: list) -> list[dict]:
        """The rows of an enterprise with a bad value: invalid_data, with its reasons."""
        from ..evaluate import invalid_words

        out = []
        for p in self.policies:
            zh, en, inputs = invalid_words(*self.titles[p.id], defects)
            out.append({"enterprise_id": enterprise_id, "policy_id": p.id, "year": self.year,
                        "status": "invalid_data", "tier": None, "amount_yuan": None,
                        "cap_bound": None, "explanation_zh": zh, "explanation_en": en,
                        "inputs": inputs})
        return out


def _row(p: Policy, b: dict, enterprise) -> tuple:
    """``p.row(b)``; a value DuckDB refuses is the RangeError the batch raises."""
    try:
        return p.row(b)
    except Refused as refused:
        part, key, line = refused.place
        raise RangeError(p.id, p.label, enterprise, refused.value, part=part,
                         limit=refused.limit, file=p.file, line=line, key=key) from None


def interpreter(pack: Pack, year: int) -> Interpreter:
    """The compiled interpreter for ``pack`` and ``year`` (compiled once, then cached)."""
    key = ("interpret", year)  # a pack never changes: its policies in force follow the year
    found = pack._compiled.get(key)
    if found is None:
        found = pack._compiled[key] = Interpreter(pack, year)
    return found
