"""Money outside the yearly figures has a plausible range the database enforces (issue 11):
awards, payments, budgets, projects' investment, clusters' targets and indicator values
(core.bounds.MONEY, docs/bounds.md). A write outside the range is refused by a CHECK
constraint on SQLite and PostgreSQL alike, whatever wrote it (a script, a bug, SQL by hand),
and the forms that write these columns refuse it first with a message."""

import datetime as dt
import functools
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from industrybrain.core import bounds
from industrybrain.industry.models import Cluster
from industrybrain.policies.models import Award, Budget, LedgerEntry
from industrybrain.projects.models import Project, ProjectInvestment
from industrybrain.targets.models import IndicatorValue, Target

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def _award(city, users, value):
    return Award.objects.create(enterprise=city["a"], policy_id="dengfeng",
                                year=2000 + next(_serial), pack_id="changzhou_2022",
                                amount_yuan=value)


def _payment(city, users, value):
    award = _award(city, users, 10_000)
    return LedgerEntry.objects.create(
        award=award, enterprise=city["a"], policy_id="dengfeng", year=award.year,
        amount_yuan=value, budget_line="工业发展", approver=users["reviewer"])


def _budget(city, users, value):
    return Budget.objects.create(policy_id="dengfeng", year=2000 + next(_serial),
                                 amount_yuan=value)


def _project(city, users, value=None, column="planned_yuan"):
    n = next(_serial)
    values = {"code": f"BOUND-{n}", "name": f"测试项目{n}", "district": city["a"].district,
              "planned_yuan": 10**9, "officer": "张伟"}
    if value is not None:
        values[column] = value
    return Project.objects.create(**values)


def _investment(city, users, value):
    return ProjectInvestment.objects.create(project=_project(city, users),
                                            month=dt.date(2022, 1, 1), amount_yuan=value)


def _cluster(city, users, value):
    return Cluster.objects.create(code=f"bound-{next(_serial)}", name_zh="测试集群",
                                  name_en="test cluster", target_2025_yuan=value)


def _indicator(city, users, value):
    target = Target.objects.create(code=f"bound-{next(_serial)}", name_zh="测试指标",
                                   name_en="test target", kind="quantity", indicator="entered",
                                   unit="亿元")
    return IndicatorValue.objects.create(target=target, year=2022, value=value, unit="亿元",
                                         origin="entered", source="测试")


def _target(city, users, value, column="value"):
    return Target.objects.create(code=f"bound-{next(_serial)}", name_zh="测试指标",
                                 name_en="test target", kind="quantity", indicator="entered",
                                 unit="亿元", **{column: value})


def _assessment(city, users, value, column="value"):
    from industrybrain.targets.models import Assessment, RefreshRun

    return Assessment.objects.create(run=RefreshRun.objects.create(),
                                     target=_target(city, users, 1), status="on_track",
                                     **{column: value})


# (app, model, column) -> a function writing one row with the column at ``value``
WRITE = {
    ("policies", "Award", "amount_yuan"): _award,
    ("policies", "LedgerEntry", "amount_yuan"): _payment,
    ("policies", "Budget", "amount_yuan"): _budget,
    ("projects", "Project", "planned_yuan"): _project,
    ("projects", "Project", "done_yuan"):
        lambda city, users, value: _project(city, users, value, "done_yuan"),
    ("projects", "ProjectInvestment", "amount_yuan"): _investment,
    ("industry", "Cluster", "target_2025_yuan"): _cluster,
    ("targets", "IndicatorValue", "value"): _indicator,
    ("targets", "Target", "value"): _target,
    ("targets", "Target", "value_max"):
        lambda city, users, value: _target(city, users, value, "value_max"),
    **{("targets", "Assessment", column): functools.partial(_assessment, column=column)
       for column in ("value", "goal", "forecast", "forecast_low", "forecast_high")},
}


def test_every_bounded_column_is_tried_here():
    assert set(WRITE) == set(bounds.MONEY)


def _step(bound):
    # One unit: SQLite keeps a decimal column as a float, in which 10^15 + 0.0001 is 10^15.
    return Decimal(1) if isinstance(bound.high, Decimal) else 1


@pytest.mark.parametrize("key", sorted(bounds.MONEY), ids=lambda k: f"{k[1]}.{k[2]}")
def test_the_database_refuses_a_write_outside_the_range(city, users, key):
    bound, write = bounds.MONEY[key], WRITE[key]
    # the ends of the range are stored exactly ...
    for inside in (max(bound.low, 1) if key[2] == "planned_yuan" else bound.low, bound.high):
        with transaction.atomic():
            row = write(city, users, inside)
        stored = type(row).objects.filter(pk=row.pk).values_list(key[2], flat=True).get()
        assert stored == inside, (key, inside, stored)
    # ... one step outside either end is refused by the database itself
    for outside in (bound.high + _step(bound), bound.low - _step(bound)):
        with pytest.raises(IntegrityError), transaction.atomic():
            write(city, users, outside)


def test_the_bounds_page_documents_every_money_range():
    page = (Path(__file__).resolve().parents[1] / "docs" / "bounds.md").read_text(encoding="utf-8")
    for (_app, model, column), bound in bounds.MONEY.items():
        assert f"`{model}.{column}`" in page, (model, column)
        assert f"{bound.high:,}" in page, (model, column, bound.high)


def test_a_refresh_stores_an_implausible_forecast_as_none(city, users):
    """A trend extrapolated past the range (or a NaN) is no forecast: the refresh stores it
    empty instead of being refused by the constraint; the numbers inside are kept."""
    from industrybrain.targets.models import RefreshRun
    from industrybrain.targets.refresh import _assessment

    target = _target(city, users, 10)
    row = _assessment(RefreshRun.objects.create(), target, None, Decimal(2 * 10**15),
                      {"status": "on_track", "reason": "测试", "value": 12.5,
                       "forecast": 3e15, "low": float("nan"), "high": -2e15})
    row.save()
    row.refresh_from_db()
    assert (row.value, row.goal, row.forecast, row.forecast_low, row.forecast_high) == (
        Decimal("12.5"), None, None, None, None)
