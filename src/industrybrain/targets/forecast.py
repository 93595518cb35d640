"""Progress, forecast and status of one target from its yearly history (pure Python).

The rules, as the monitor page shows them to officers (targets.views.status_rules):

* progress = (value now − baseline) / (goal − baseline); the straight path from the baseline
  year to the deadline says where the value should be now (``expected``).
* forecast: a straight-line trend fitted by least squares to the last ``WINDOW`` years,
  extended to the deadline, with an 80% prediction interval. With only two years there are
  no residuals, so the interval is the trend ± half the change it projects; with one year
  there is no trend and no forecast.
* status: 已达成 when the latest value already meets the goal; 正常推进 when the forecast
  meets it; 有风险 when the forecast misses it but the interval's favourable end reaches
  it (or there is no trend yet and the value is behind the straight path); 滞后 when even
  the favourable end misses it, or the deadline has passed without reaching it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

WINDOW = 5  # years of history the trend is fitted to: a five-year plan's horizon
ABOUT_TOLERANCE = 0.05  # “左右” (about) is met within ±5% of the value
DEFAULT_DEADLINE = 2025  # targets without a year belong to the 14th Five-Year Plan
# Two-sided 80% Student t quantiles by degrees of freedom (1..10); beyond 10 about 1.3.
_T80 = [3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372]

@dataclass(frozen=True)
class Goal:
    comparator: str  # at_least | more_than | about | between | at_most | equal
    value: float
    value_max: float | None = None
    deadline: int | None = None

    def met_by(self, x: float) -> bool:
        if self.comparator == "at_least":
            return x >= self.value
        if self.comparator == "more_than":
            return x > self.value
        if self.comparator == "at_most":
            return x <= self.value
        if self.comparator == "between":
            return self.value <= x <= (self.value_max if self.value_max is not None else self.value)
        # about / equal: close enough
        return abs(x - self.value) <= abs(self.value) * ABOUT_TOLERANCE

    @property
    def lower_is_better(self) -> bool:
        return self.comparator == "at_most"


@dataclass(frozen=True)
class Outlook:
    status: str
    reason: str
    year: int | None = None
    value: float | None = None
    progress: float | None = None
    expected: float | None = None
    forecast: float | None = None
    low: float | None = None
    high: float | None = None


def trend(history: list[tuple[int, float]], at_year: int) -> tuple[float, float, float] | None:
    """(point, low, high) of the straight-line trend at ``at_year``; None under two years."""
    points = sorted(history)[-WINDOW:]
    n = len(points)
    if n < 2:
        return None
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    point = my + slope * (at_year - mx)
    if n == 2:
        half = abs(slope * (at_year - xs[-1])) / 2
        return point, point - half, point + half
    residual = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, ys, strict=True))
    s = math.sqrt(residual / (n - 2))
    t = _T80[min(n - 2, len(_T80)) - 1]
    half = t * s * math.sqrt(1 + 1 / n + (at_year - mx) ** 2 / sxx)
    return point, point - half, point + half


def assess(history: list[tuple[int, float]], goal: Goal, baseline: tuple[int, float] | None = None,
           today_year: int | None = None) -> Outlook:
    """Assess a target from its yearly ``history`` [(year, value)] against ``goal``.

    ``baseline`` (year, value) anchors progress; without it the first year of the history
    does. ``today_year`` is the current year (defaults to the latest year of data) and
    decides whether the deadline has passed."""
    if not history:
        return Outlook("no_data", "尚无数据")
    history = sorted(history)
    year, value = history[-1]
    deadline = goal.deadline or DEFAULT_DEADLINE
    base_year, base_value = baseline or history[0]
    span = goal.value - base_value
    progress = (value - base_value) / span if span else None
    path = deadline - base_year
    expected = min(max((year - base_year) / path, 0.0), 1.0) if path > 0 else None
    common = {"year": year, "value": value, "progress": progress, "expected": expected}

    if goal.met_by(value):
        return Outlook("achieved", f"{year}年数值已满足目标", **common)
    if (today_year or year) > deadline or year >= deadline:
        return Outlook("off_track", f"已到目标年（{deadline}年）仍未达到", **common)
    projected = trend(history, deadline)
    if projected is None:
        behind = progress is not None and expected is not None and progress < expected
        status = "at_risk" if behind else "on_track"
        why = "只有一年数据，无法预测趋势；" + ("进度落后于应达进度" if behind else "进度不落后")
        return Outlook(status, why, **common)
    point, low, high = projected
    favourable = low if goal.lower_is_better else high
    common.update(forecast=point, low=low, high=high)
    if goal.met_by(point):
        return Outlook("on_track", f"按趋势{deadline}年可达{point:,.1f}，满足目标", **common)
    if goal.met_by(favourable) or (goal.comparator in ("about", "between", "equal")
                                   and low <= goal.value <= high):
        return Outlook("at_risk", f"按趋势{deadline}年约{point:,.1f}，未满足目标；区间内仍有可能", **common)
    return Outlook("off_track", f"按趋势{deadline}年约{point:,.1f}，区间{low:,.1f}–{high:,.1f}均达不到目标", **common)


def as_decimal(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(round(x, 4)))
