"""The rules a project's record must keep, shared by the forms and the import: each broken
rule gives the field and a reason a person understands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core.money import format_yuan

from .config import config
from .models import STAGES, Stage

# Exchange rates (元 per unit) outside these bounds are a typing slip, not a market.
FX_RANGE = {"USD": (Decimal("5"), Decimal("9")), "EUR": (Decimal("5"), Decimal("10")),
            "JPY": (Decimal("0.03"), Decimal("0.1")), "HKD": (Decimal("0.6"), Decimal("1.2"))}
# An actual milestone needs the one before it from 开工 on: nothing is completed unstarted.
NEEDS_PREVIOUS = {"completed": "started", "producing": "completed"}


def check(values: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Problems of a project's values as (field, reason); an empty list when it is sound.
    ``values`` holds model field names (district_id or district, planned_yuan, done_yuan,
    currency, planned_foreign, fx_rate, fx_date, <stage>_planned, <stage>_actual)."""
    today = today or timezone.localdate()
    c = config()
    problems: list[tuple[str, str]] = []
    if not (values.get("district") or values.get("district_id")):
        problems.append(("district", _("项目必须有所属辖市区")))
    problems += _dates(values, today)
    problems += _money(values, c)
    return problems


def _dates(values, today):
    problems = []
    for kind in ("planned", "actual"):
        previous = None
        for s in STAGES:
            day = values.get(f"{s}_{kind}")
            if day is None:
                continue
            if previous is not None and day < previous[1]:
                problems.append((f"{s}_{kind}", _("%(this)s（%(day)s）早于%(before)s（%(other)s），里程碑日期顺序不对") % {
                    "this": _label(s, kind), "day": cn(day), "before": _label(previous[0], kind),
                    "other": cn(previous[1])}))
            previous = (s, day)
    for s in STAGES:
        day = values.get(f"{s}_actual")
        if day is not None and day > today:
            problems.append((f"{s}_actual", _("%(this)s（%(day)s）晚于今天：实际日期只能记已发生的事") % {
                "this": _label(s, "actual"), "day": cn(day)}))
    for s, before in NEEDS_PREVIOUS.items():
        if values.get(f"{s}_actual") and not values.get(f"{before}_actual"):
            problems.append((f"{s}_actual", _("尚未%(before)s的项目不能记%(this)s") % {
                "before": Stage(before).label, "this": Stage(s).label}))
    return problems


def _money(values, c):
    problems = []
    currency = values.get("currency") or "CNY"
    if currency != "CNY":
        rate, when = values.get("fx_rate"), values.get("fx_date")
        if values.get("planned_foreign") is None:
            problems.append(("planned_foreign", _("外币项目请填写外币计划投资额")))
        if rate is None:
            problems.append(("fx_rate", _("外币项目请填写折算汇率")))
        elif currency in FX_RANGE and not FX_RANGE[currency][0] <= rate <= FX_RANGE[currency][1]:
            low, high = FX_RANGE[currency]
            problems.append(("fx_rate", _("汇率%(rate)s不在合理范围%(low)s–%(high)s内（1外币合人民币元）") % {
                "rate": rate, "low": low, "high": high}))
        if when is None:
            problems.append(("fx_date", _("外币项目请填写汇率日期")))
        elif when > timezone.localdate():
            problems.append(("fx_date", _("汇率日期不能晚于今天")))
    planned, done = values.get("planned_yuan"), values.get("done_yuan") or 0
    if planned is None:
        if currency == "CNY":
            problems.append(("planned_yuan", _("请填写计划总投资")))
        return problems
    if not c.planned_min_yuan <= planned <= c.planned_max_yuan:
        problems.append(("planned_yuan", _("计划总投资%(amount)s不在重大项目的合理范围（%(low)s至%(high)s）内，"
                                           "请检查金额单位（亿元、万元）") % {
            "amount": format_yuan(planned, "亿元"), "low": format_yuan(c.planned_min_yuan, "亿元", 0),
            "high": format_yuan(c.planned_max_yuan, "亿元", 0)}))
    elif done > planned * c.over_plan_factor:
        problems.append(("done_yuan", _("累计完成投资%(done)s超过计划总投资%(planned)s的%(factor)s倍，"
                                        "请检查金额单位") % {
            "done": format_yuan(done, "亿元"), "planned": format_yuan(planned, "亿元"),
            "factor": c.over_plan_factor}))
    return problems


def _label(stage: str, kind: str) -> str:
    if kind == "planned":
        return _("%(stage)s计划日期") % {"stage": Stage(stage).label}
    return _("%(stage)s实际日期") % {"stage": Stage(stage).label}


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
