"""How near each enterprise is to a pool's rung: criteria met or missed, and by how much.

No Django. From the columns of :mod:`.evaluate`, numpy computes per enterprise the number of
criteria missed and a distance (the sum of the relative shortfalls, each capped at 1, a
missing value counting as a full miss); the closest-to-next-rung list is ordered by
(missed, distance). Words are rendered only for the rows someone reads (:func:`words`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from industrybrain.engine.vocab import format_money

from .rules import Criterion, Pool

TINY = 1e-9


@dataclass
class Margins:
    """Per enterprise of a table (aligned arrays)."""

    enterprise_id: np.ndarray
    missed: np.ndarray  # int: criteria not met (unknown counts as missed)
    distance: np.ndarray  # float: sum of relative shortfalls, each in [0, 1]
    signed: np.ndarray  # (n, k) float in [-1, 1]: > 0 met with room, < 0 short; missing -1
    lhs: np.ndarray  # (n, k) float, nan when missing
    rhs: np.ndarray  # (n, k)
    met: np.ndarray  # (n, k) bool (unknown: False)
    known: np.ndarray  # (n, k) bool


def _f(table: pa.Table, name: str) -> np.ndarray:
    return table[name].to_numpy(zero_copy_only=False).astype(float)


def _b(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    col = table[name]
    known = ~col.is_null().to_numpy(zero_copy_only=False)
    values = col.fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    return values, known


def compute(pool: Pool, table: pa.Table) -> Margins:
    """The margins of every row of ``table`` (the output of evaluate.run) for ``pool``."""
    n, k = table.num_rows, len(pool.criteria)
    lhs, rhs = np.full((n, k), np.nan), np.full((n, k), np.nan)
    met, known = np.zeros((n, k), bool), np.zeros((n, k), bool)
    for j, c in enumerate(pool.criteria):
        lhs[:, j] = _f(table, f"{pool.id}__lhs__{c.id}")
        rhs[:, j] = _f(table, f"{pool.id}__rhs__{c.id}")
        met[:, j], known[:, j] = _b(table, f"{pool.id}__met__{c.id}")
    up = np.array([c.compare.op in (">", ">=") for c in pool.criteria], bool)
    scale = np.maximum(np.abs(rhs), TINY)
    with np.errstate(invalid="ignore"):
        room = np.where(up, lhs - rhs, rhs - lhs) / scale
    signed = np.where(np.isnan(room), -1.0, np.clip(room, -1.0, 1.0))
    short = np.where(met, 0.0, np.where(np.isnan(room), 1.0, np.clip(-room, 0.0, 1.0)))
    # A strict comparison missed exactly at the threshold still is a miss.
    short = np.where(~met & (short == 0), TINY, short)
    return Margins(
        enterprise_id=table["enterprise_id"].to_numpy(zero_copy_only=False),
        missed=(~met).sum(axis=1), distance=short.sum(axis=1), signed=signed,
        lhs=lhs, rhs=rhs, met=met, known=known & ~np.isnan(lhs) & ~np.isnan(rhs))


def order(m: Margins) -> np.ndarray:
    """Row indices from the closest to the farthest: fewest criteria missed, then the
    smallest total shortfall, then the most room above the thresholds, then the enterprise
    id (a stable order)."""
    return np.lexsort((m.enterprise_id, -m.signed.sum(axis=1), m.distance, m.missed))


def _pct(x: float) -> str:
    return f"{x * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _pp(x: float) -> str:
    return f"{x * 100:.1f}".rstrip("0").rstrip(".")


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def value_text(c: Criterion, x: float, lang: str = "zh") -> str:
    if c.show == "percent":
        return _pct(x)
    if c.show == "money":
        return format_money(int(round(x)), lang)
    unit = c.unit_zh if lang == "zh" else c.unit_en
    return f"{_num(x)} {unit}".strip()


def gap_text(c: Criterion, gap: float, lang: str = "zh") -> str:
    if c.show == "percent":
        return f"{_pp(gap)} 个百分点" if lang == "zh" else f"{_pp(gap)} percentage points"
    return value_text(c, gap, lang)


def words(c: Criterion, lhs: float | None, rhs: float | None, met: bool | None,
          lang: str = "zh") -> str:
    """'研发费用占比 2.6%，还差 0.4 个百分点' / '营业收入 1.2亿元，已达到 1亿元'."""
    name = c.name_zh if lang == "zh" else c.name_en
    if lhs is None or rhs is None or np.isnan(lhs) or np.isnan(rhs):
        return f"{name}：数据缺失" if lang == "zh" else f"{name}: data missing"
    now, thr = value_text(c, lhs, lang), value_text(c, rhs, lang)
    up = c.compare.op in (">", ">=")
    if met and up:
        return f"{name} {now}，已达到 {thr}" if lang == "zh" else f"{name} {now}, meets {thr}"
    if met:
        return f"{name} {now}，在 {thr} 以内" if lang == "zh" else f"{name} {now}, within {thr}"
    gap = gap_text(c, abs(rhs - lhs), lang)
    if up:
        return (f"{name} {now}，还差 {gap}" if lang == "zh" else f"{name} {now}, {gap} short")
    return (f"{name} {now}，超出 {gap}（上限 {thr}）" if lang == "zh"
            else f"{name} {now}, {gap} over the limit of {thr}")
