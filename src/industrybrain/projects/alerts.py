"""Alerts on a project: a milestone past its planned date (slippage), an element need past its
date, an inspection overdue under the pack's cadence. One place decides each, so the list,
the detail page and the bulletin agree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from .config import config
from .models import STAGES, ElementNeed, NeedStatus

# Between 入库 and 达产 a project is under way and must be visited.
UNDER_WAY = ["registered", "started", "completed"]


def behind_q(today: dt.date) -> Q:
    """A milestone whose planned date has passed and that has no actual date."""
    q = Q(pk__in=[])
    for s in STAGES:
        q |= Q(**{f"{s}_planned__lt": today, f"{s}_actual__isnull": True})
    return q


def overdue_needs_q(today: dt.date) -> Q:
    return Exists(ElementNeed.objects.filter(project=OuterRef("pk"), due_on__lt=today)
                  .exclude(status=NeedStatus.SECURED))


def inspection_due_before(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=config().inspection_due.days)


def annotate(queryset: QuerySet, today: dt.date | None = None) -> QuerySet:
    """Each project with last_inspection, overdue_needs (a count), and the flags behind,
    needs_overdue and inspection_overdue."""
    today = today or timezone.localdate()
    return queryset.annotate(
        last_inspection=Max("inspections__inspected_on"),
        overdue_needs=Count("needs", filter=Q(needs__due_on__lt=today) & ~Q(needs__status=NeedStatus.SECURED),
                            distinct=True),
    )


def inspection_overdue(project, today: dt.date | None = None) -> bool:
    """Under way, and not inspected within the cadence (counted from 入库 when never)."""
    today = today or timezone.localdate()
    if project.stage not in UNDER_WAY:
        return False
    last = getattr(project, "last_inspection", None)
    if last is None and not hasattr(project, "last_inspection"):
        last = project.inspections.aggregate(m=Max("inspected_on"))["m"]
    since = last or project.registered_actual
    return since is not None and since < inspection_due_before(today)


def filter_alert(queryset: QuerySet, alert: str, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    if alert == "behind":
        return queryset.filter(behind_q(today))
    if alert == "needs":
        return queryset.filter(overdue_needs_q(today))
    if alert == "large":
        return queryset.filter(is_large=True)
    if alert == "inspection":
        due = inspection_due_before(today)
        return queryset.filter(stage__in=UNDER_WAY).annotate(last=Max("inspections__inspected_on")).filter(
            Q(last__lt=due) | Q(last__isnull=True, registered_actual__lt=due))
    return queryset


def flags(project, today: dt.date | None = None) -> list[str]:
    """The alerts of one project as words for the reader."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    out = []
    slip = project.open_slip(today)
    if slip:
        out.append(_("%(stage)s滞后%(days)s天") % {"stage": slip["label"], "days": slip["days"]})
    overdue = getattr(project, "overdue_needs", None)
    if overdue is None:
        overdue = sum(1 for n in project.needs.all() if n.is_overdue(today))
    if overdue:
        out.append(_("要素保障逾期%(n)s项") % {"n": overdue})
    if inspection_overdue(project, today):
        out.append(_("巡查逾期"))
    return out
