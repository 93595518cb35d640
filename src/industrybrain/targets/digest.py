"""What the cockpit and the monthly report both say: statuses, changes, targets at risk."""

from __future__ import annotations

from datetime import timedelta

from .models import Assessment, Kind, RefreshRun, Status

MONTH = timedelta(days=28)  # "last month": the latest run at least four weeks older
RISK_ORDER = {"off_track": 0, "at_risk": 1}


def previous_run(run: RefreshRun) -> RefreshRun | None:
    """Last month's run: the newest run at least MONTH older; else the run just before."""
    older = RefreshRun.objects.filter(ran_at__lte=run.ran_at - MONTH).first()
    return older or RefreshRun.objects.filter(pk__lt=run.pk).first()


def _rows(run, district):
    rows = Assessment.objects.filter(run=run).select_related("target")
    own = {a.target_id: a for a in rows if district is not None and a.district_id == district.pk}
    city = {a.target_id: a for a in rows if a.district_id is None}
    if district is None:
        return city
    # A district sees its own rows, and the city's rows of values officers enter (public).
    for target_id, a in city.items():
        if target_id not in own and not a.target.is_computed:
            own[target_id] = a
    return own


def digest(district=None, run: RefreshRun | None = None) -> dict:
    """Statuses of the latest run, the changes since last month, and the targets at risk."""
    run = run or RefreshRun.objects.first()
    if run is None:
        return {"run": None, "rows": [], "changes": [], "risks": [], "counts": {}, "previous": None}
    rows = _rows(run, district)
    previous = previous_run(run)
    before = _rows(previous, district) if previous else {}
    changes = []
    for target_id, a in rows.items():
        b = before.get(target_id)
        if b is None or a.target.kind == Kind.BASELINE:
            continue
        if a.status != b.status or a.value != b.value:
            changes.append({"target": a.target, "now": a, "before": b,
                            "status_changed": a.status != b.status})
    changes.sort(key=lambda c: (not c["status_changed"], c["target"].order))
    risks = sorted((a for a in rows.values() if a.status in RISK_ORDER and a.target.kind == Kind.TARGET),
                   key=lambda a: (RISK_ORDER[a.status], (a.progress or 0) - (a.expected or 0)))
    counts = {}
    for a in rows.values():
        if a.target.kind == Kind.TARGET:
            counts[a.status] = counts.get(a.status, 0) + 1
    ordered = sorted(rows.values(), key=lambda a: a.target.order)
    return {"run": run, "previous": previous, "rows": ordered, "changes": changes,
            "risks": risks, "counts": [(s, str(Status(s).label), counts.get(s, 0)) for s in
                                       ("achieved", "on_track", "at_risk", "off_track", "no_data")]}
