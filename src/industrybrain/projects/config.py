"""The projects app's configuration, read from the pack's projects.yaml: the pipeline's
milestones, the tracking cadences of the articles, the element needs and the thresholds.
The code holds no such constant of its own (DESIGN §4: what the articles leave open lives in
the pack, marked as an assumption)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import yaml

from industrybrain.packs import pack_dir

PACK = "changzhou_2022"


@dataclass(frozen=True)
class Cadence:
    id: str
    mechanism: str
    name_zh: str
    name_en: str
    days: int
    kind: str
    citation: dict


@dataclass(frozen=True)
class Config:
    milestones: tuple[dict, ...]
    cadences: tuple[Cadence, ...]
    inspection_due: Cadence
    element_needs: tuple[dict, ...]
    large_yuan: int
    large_usd: int
    over_plan_factor: Decimal
    planned_min_yuan: int
    planned_max_yuan: int
    serious_slip_days: int
    raw: dict

    def cadence(self, cadence_id: str) -> Cadence:
        return next(c for c in self.cadences if c.id == cadence_id)

    def need(self, need_id: str) -> dict:
        return next(n for n in self.element_needs if n["id"] == need_id)


@lru_cache(maxsize=1)
def config() -> Config:
    raw = yaml.safe_load((pack_dir(PACK) / "projects.yaml").read_text(encoding="utf-8"))
    cadences = tuple(
        Cadence(id=c["id"], mechanism=str(c["mechanism"]), name_zh=c["name_zh"],
                name_en=c["name_en"], days=int(c["days"]), kind=c["kind"], citation=c["citation"])
        for c in raw["cadences"]
    )
    due = next(c for c in cadences if c.id == raw["inspection_due_cadence"]["value"])
    return Config(
        milestones=tuple(raw["milestones"]), cadences=cadences, inspection_due=due,
        element_needs=tuple(raw["element_needs"]),
        large_yuan=int(raw["large_project"]["yuan"]), large_usd=int(raw["large_project"]["usd"]),
        over_plan_factor=Decimal(str(raw["investment_done_over_plan_factor"]["value"])),
        planned_min_yuan=int(raw["planned_investment_range_yuan"]["min"]),
        planned_max_yuan=int(raw["planned_investment_range_yuan"]["max"]),
        serious_slip_days=int(raw["serious_slip_days"]["value"]), raw=raw,
    )
