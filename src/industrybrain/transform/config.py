"""The transform app's configuration, read from the pack's transform.yaml: the maturity scale
(levels and dimensions), the capabilities providers offer and projects need, the
certifications, the bounds of a recommended project and the demo programme. The code keeps
no such constant of its own (DESIGN §4)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import yaml

from industrybrain.packs import pack_dir

PACK = "changzhou_2022"


@dataclass(frozen=True)
class Item:
    """A labelled entry of the configuration (a level, dimension, capability, certification)."""

    id: str
    name_zh: str
    name_en: str
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    levels: tuple[Item, ...]
    dimensions: tuple[Item, ...]
    capabilities: tuple[Item, ...]
    certifications: tuple[Item, ...]
    scale_name_zh: str
    scale_name_en: str
    cost_max_yuan: int
    payback_max_years: int
    rating_min: int
    rating_max: int
    subsidy_policy: str
    raw: dict

    @property
    def min_level(self) -> int:
        return min(int(i.id) for i in self.levels)

    @property
    def max_level(self) -> int:
        return max(int(i.id) for i in self.levels)

    def level(self, value: int) -> Item | None:
        return next((i for i in self.levels if int(i.id) == value), None)

    def dimension(self, dimension_id: str) -> Item | None:
        return next((i for i in self.dimensions if i.id == dimension_id), None)

    def capability(self, capability_id: str) -> Item | None:
        return next((i for i in self.capabilities if i.id == capability_id), None)

    def certification(self, certification_id: str) -> Item | None:
        return next((i for i in self.certifications if i.id == certification_id), None)

    def overall(self, levels: list[int]) -> int | None:
        """A firm's overall level from its dimensions: the mean rounded down
        (transform.yaml maturity_scale.overall, an assumption)."""
        if not levels:
            return None
        return max(self.min_level, math.floor(sum(levels) / len(levels)))


def _items(rows, key="id") -> tuple[Item, ...]:
    return tuple(Item(id=str(r[key]), name_zh=r["name_zh"], name_en=r["name_en"],
                      dimensions=tuple(r.get("dimensions", ()))) for r in rows)


def parse(raw: dict) -> Config:
    scale = raw["maturity_scale"]
    levels = _items(scale["levels"], key="level")
    numbers = sorted(int(i.id) for i in levels)
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ValueError("transform.yaml: maturity levels must be consecutive whole numbers")
    dimensions = _items(scale["dimensions"])
    known = {d.id for d in dimensions}
    capabilities = _items(raw["capabilities"])
    for c in capabilities:
        unknown = set(c.dimensions) - known
        if unknown:
            raise ValueError(f"transform.yaml: capability {c.id} names unknown dimensions {sorted(unknown)}")
    bounds = raw["project_bounds"]
    return Config(
        levels=levels, dimensions=dimensions, capabilities=capabilities,
        certifications=_items(raw["certifications"]),
        scale_name_zh=scale["name_zh"], scale_name_en=scale["name_en"],
        cost_max_yuan=int(bounds["cost_max_yuan"]),
        payback_max_years=int(bounds["payback_max_years"]),
        rating_min=int(raw["rating_scale"]["min"]), rating_max=int(raw["rating_scale"]["max"]),
        subsidy_policy=raw["programme"]["project_subsidy"]["policy"], raw=raw,
    )


@lru_cache(maxsize=1)
def config() -> Config:
    return parse(yaml.safe_load((pack_dir(PACK) / "transform.yaml").read_text(encoding="utf-8")))
