"""开工率, 竣工率, 达产率 and investment completion: one definition each, computed here and
nowhere else, so the page, the bulletin and the review show the same number.

Each rate counts a cohort of projects for a period (a year up to the end of one month):
the milestone's rate counts the listed projects (入库 by the period's end) whose planned date
of that milestone falls in the period; the numerator is those that reached it by the end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import ProjectInvestment


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    numerator: str
    denominator: str
    cohort: str


METRICS = [
    Metric("started", _("开工率"), _("队列中截至月末已实际开工的项目数"),
           _("队列中的项目数"),
           _("已入库（入库日期不晚于月末）、计划开工日期在当年1月1日至月末之间的重大项目")),
    Metric("completed", _("竣工率"), _("队列中截至月末已实际竣工的项目数"),
           _("队列中的项目数"),
           _("已入库、计划竣工日期在当年1月1日至月末之间的重大项目")),
    Metric("producing", _("达产率"), _("队列中截至月末已实际达产的项目数"),
           _("队列中的项目数"),
           _("已入库、计划达产日期在当年1月1日至月末之间的重大项目")),
    Metric("investment", _("投资完成率"), _("队列项目截至月末的累计完成投资（亿元）"),
           _("队列项目的计划总投资（亿元）"),
           _("当年入库（入库日期在当年1月1日至月末之间）的重大项目")),
]
METRIC = {m.key: m for m in METRICS}


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass
class Cell:
    num: Decimal = Decimal(0)
    den: Decimal = Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        return (self.num * 100 / self.den).quantize(Decimal("0.1")) if self.den else None


def _rows(queryset, end: dt.date):
    fields = ["pk", "district_id", "cluster_id", "registered_actual", "planned_yuan"] + [
        f"{s}_{k}" for s in ("started", "completed", "producing") for k in ("planned", "actual")]
    rows = list(queryset.filter(registered_actual__lte=end).values(*fields))
    done = dict(ProjectInvestment.objects.filter(project__in=[r["pk"] for r in rows], month__lte=end)
                .values_list("project").annotate(t=Sum("amount_yuan")))
    for r in rows:
        r["done"] = done.get(r["pk"], 0)
    return rows


def compute(queryset, month: dt.date, by: str | None = None) -> dict:
    """{group: {metric key: Cell}} for the year of ``month`` up to its end. ``by`` is None
    (one group, key None), "district" or "cluster" (key: the id; None for no cluster)."""
    end = month_end(month)
    start = dt.date(end.year, 1, 1)
    out: dict = defaultdict(lambda: {m.key: Cell() for m in METRICS})
    for r in _rows(queryset, end):
        group = r[f"{by}_id"] if by else None
        cells = out[group]
        for s in ("started", "completed", "producing"):
            planned, actual = r[f"{s}_planned"], r[f"{s}_actual"]
            if planned is not None and start <= planned <= end:
                cells[s].den += 1
                if actual is not None and actual <= end:
                    cells[s].num += 1
        if start <= r["registered_actual"] <= end:
            cells["investment"].den += Decimal(r["planned_yuan"]) / 10**8
            cells["investment"].num += Decimal(r["done"]) / 10**8
    return dict(out)


def monthly(queryset, year: int, last_month: int) -> list[tuple[dt.date, dict]]:
    """The city's rates at the end of each month of ``year`` up to ``last_month``."""
    return [(dt.date(year, m, 1), compute(queryset, dt.date(year, m, 1)).get(None) or
             {k.key: Cell() for k in METRICS}) for m in range(1, last_month + 1)]


def latest_month(queryset) -> dt.date:
    """The month the figures are complete for: the last full month before today, or the
    month of the latest milestone when the data end earlier (an old import)."""
    from django.utils import timezone

    today = timezone.localdate()
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    latest = queryset.filter(Q(registered_actual__isnull=False)).order_by("-registered_actual") \
        .values_list("registered_actual", flat=True).first()
    if latest is None or latest >= previous:
        return previous
    return latest.replace(day=1)
