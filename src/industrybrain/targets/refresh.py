"""Recompute every computed indicator and assess every target: one RefreshRun.

Run monthly (``industrybrain targets-refresh``) after the month's data are loaded; each
run keeps its assessments so that the cockpit can say what changed since last month.
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from industrybrain.core import bounds, dataversion
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.synth.calibration import REFERENCE_SIZE

from . import indicators
from .forecast import Goal, as_decimal, assess
from .models import Assessment, IndicatorValue, Kind, RefreshRun, Status, Target

PLAN_START = 2021  # first year of the 14th Five-Year Plan; targets.yaml counts “新增” from it


def demo_scale() -> float:
    """1 for a real city. For a database holding only the synthetic city, its size over the
    size the synthetic city is calibrated at (30,000 = all of Changzhou): a 3,000-firm demo
    holds a tenth of the city's counts and money, so it is compared with a tenth of a goal."""
    if Enterprise.objects.filter(is_synthetic=False).exists():
        return 1.0
    n = Enterprise.objects.count()
    return n / REFERENCE_SIZE if n else 1.0


def scale_of(target: Target, scale: float) -> float:
    op = target.measure.partition(":")[0].strip()
    if not target.is_computed or op not in indicators.SCALED_OPS or target.measure_unit == "%":
        return 1.0
    return scale


def recompute_values(targets=None, scale: float | None = None) -> dict[str, str]:
    """Replace the computed values of computed targets; return {code: why not} for those
    that could not be computed (no data yet), so the page can say so."""
    years = indicators.years_with_data()
    scale = demo_scale() if scale is None else scale
    now = timezone.now()
    cache: dict[tuple[str, str], dict] = {}
    missing: dict[str, str] = {}
    rows = []
    targets = [t for t in (targets or Target.objects.all()) if t.is_computed and t.measure]
    for target in targets:
        key = (target.measure, target.measure_unit)
        try:
            if key not in cache:
                cache[key] = indicators.compute(target.measure, target.measure_unit, years, scale)
        except indicators.NoData as exc:
            missing[target.code] = str(exc)
            cache[key] = {}
        for (year, district), value in cache[key].items():
            rows.append(IndicatorValue(
                target=target, year=year, district_id=district, value=value,
                unit=target.measure_unit, origin="computed", query=target.measure, computed_at=now,
            ))
    with transaction.atomic():
        IndicatorValue.objects.filter(target__in=targets, origin="computed").delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=1000)
        dataversion.bump(dataversion.TARGETS)
    return missing


def chosen_values(values) -> dict[tuple[int, int | None], IndicatorValue]:
    """One value per (year, district): computed if any, else the entry with the latest
    source date. Other entries stay stored and are shown as conflicts, not discarded."""
    chosen: dict[tuple[int, int | None], IndicatorValue] = {}
    for v in values:
        key = (v.year, v.district_id)
        best = chosen.get(key)
        rank = (v.origin == "computed", v.source_date or timezone.datetime.min.date(), v.pk or 0)
        if best is None or rank > (best.origin == "computed",
                                   best.source_date or timezone.datetime.min.date(), best.pk or 0):
            chosen[key] = v
    return chosen


def goal_of(target: Target, by_code: dict[str, Target], scale: float = 1.0) -> Decimal | None:
    """The goal in the indicator's unit, shrunk for a demo sample (demo_scale)."""
    goal = target.goal
    if target.unit == "倍" and not target.implied:
        base = by_code.get(target.relative_to)
        goal = base.value * target.value if base is not None and base.value is not None else None
    factor = scale_of(target, scale)
    if goal is None or factor == 1.0:
        return goal
    return (goal * Decimal(str(factor))).quantize(Decimal("0.0001"))


def _baseline(target: Target, history: dict[int, float]) -> tuple[int, float] | None:
    if target.period == "annual" or "since" in target.measure:
        # Counts of what is new start from nothing in the year before counting starts.
        start = target.start_year or PLAN_START
        return (start - 1, 0.0)
    if PLAN_START in history:
        return (PLAN_START, history[PLAN_START])
    return None


def assess_target(target: Target, history: dict[int, float], goal: Decimal | None,
                  latest_year: int | None):
    """An Outlook-like dict for one target and one history (city or a district)."""
    if target.kind == Kind.QUALITATIVE:
        status = target.officer_status or Status.NO_DATA
        return {"status": status, "reason": "由经办人设定" if target.officer_status else "状态待经办人设定"}
    if target.kind == Kind.BASELINE:
        # The stated baseline (goal) is shown beside the system's value of the same year.
        value = history.get(target.baseline_year) if target.baseline_year else None
        return {"status": Status.BASELINE, "year": target.baseline_year, "value": value,
                "reason": "文章所述基数" + ("；系统同年计算值见数值" if value is not None else "")}
    if goal is None or not target.comparator:
        return {"status": Status.NO_DATA, "reason": "倍增的基数文章未给出，需录入基数后才能判断"}
    outlook = assess(
        sorted(history.items()),
        Goal(target.comparator, float(goal),
             float(target.value_max) if target.value_max is not None else None, target.deadline),
        baseline=_baseline(target, history), today_year=latest_year,
    )
    return {"status": outlook.status, "reason": outlook.reason, "year": outlook.year,
            "value": outlook.value, "progress": outlook.progress, "expected": outlook.expected,
            "forecast": outlook.forecast, "low": outlook.low, "high": outlook.high}


def _plausible(value) -> Decimal | None:
    """``value`` as stored, or None outside an indicator value's range (core.bounds): a
    trend extrapolated from values near the ceiling, or a doubling of one, is no forecast
    and no goal the database would take."""
    value = as_decimal(value)
    if value is None or not value.is_finite():
        return None
    bound = bounds.INDICATOR_VALUE
    return value if bound.low <= value <= bound.high else None


def _assessment(run, target, district, goal, result) -> Assessment:
    return Assessment(
        run=run, target=target, district=district, status=result["status"],
        year=result.get("year"), value=_plausible(result.get("value")), goal=_plausible(goal),
        progress=result.get("progress"), expected=result.get("expected"),
        forecast=_plausible(result.get("forecast")), forecast_low=_plausible(result.get("low")),
        forecast_high=_plausible(result.get("high")), reason=result["reason"][:300],
    )


def district_goal(target: Target, goal: Decimal, series: dict, district_id: int) -> Decimal | None:
    """The district's share of a city goal (the split note of the target page, targets.views)."""
    if target.measure_unit == "%":
        return goal
    city, own = series.get(None, {}), series.get(district_id, {})
    base_year = PLAN_START if PLAN_START in city else (max(city) if city else None)
    if base_year is None or not city.get(base_year):
        return None
    return (goal * Decimal(str(own.get(base_year, 0))) / Decimal(str(city[base_year]))).quantize(
        Decimal("0.0001"))


@transaction.atomic
def assess_all(seconds: float = 0.0, scale: float | None = None) -> RefreshRun:
    """Assess every target for the city and, where split, for every district."""
    years = indicators.years_with_data()
    scale = demo_scale() if scale is None else scale
    run = RefreshRun.objects.create(latest_year=years[-1] if years else None, seconds=seconds,
                                    scale=scale)
    targets = list(Target.objects.all())
    by_code = {t.code: t for t in targets}
    values = defaultdict(list)
    for v in IndicatorValue.objects.all():
        values[v.target_id].append(v)
    districts = list(District.objects.all())
    rows = []
    for target in targets:
        series: dict[int | None, dict[int, float]] = defaultdict(dict)
        for (year, district), v in chosen_values(values[target.pk]).items():
            series[district][year] = float(v.value)
        goal = goal_of(target, by_code, scale)
        rows.append(_assessment(run, target, None, goal,
                                assess_target(target, series.get(None, {}), goal, run.latest_year)))
        if target.kind != Kind.TARGET or goal is None:
            continue
        for district in districts:
            if district.pk not in series:
                continue
            d_goal = district_goal(target, goal, series, district.pk)
            if d_goal is None:
                continue
            rows.append(_assessment(run, target, district, d_goal,
                                    assess_target(target, series[district.pk], d_goal, run.latest_year)))
    Assessment.objects.bulk_create(rows, batch_size=1000)
    dataversion.bump(dataversion.TARGETS)  # a new run: the cockpit's figures change with it
    return run


def refresh() -> tuple[RefreshRun, dict[str, str]]:
    """Recompute the computed indicators, then assess everything: one new RefreshRun."""
    started = time.monotonic()
    missing = recompute_values()
    run = assess_all()
    run.seconds = round(time.monotonic() - started, 2)
    run.save(update_fields=["seconds"])
    return run, missing
