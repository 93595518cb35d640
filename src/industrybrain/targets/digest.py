"""What the cockpit, the target list, the monthly report and the CLI all say: each target's
status, the counts by status, the changes since last month, the targets at risk. One
definition each, so the same count is the same on every page (a test compares them)."""

from __future__ import annotations

from datetime import timedelta

from .models import Assessment, Kind, RefreshRun, Status, Target

MONTH = timedelta(days=28)  # "last month": the latest run at least four weeks older
RISK_ORDER = {"off_track": 0, "at_risk": 1}


def previous_run(run: RefreshRun) -> RefreshRun | None:
    """Last month's run: the newest run at least MONTH older; else the run just before."""
    older = RefreshRun.objects.filter(ran_at__lte=run.ran_at - MONTH).first()
    return older or RefreshRun.objects.filter(pk__lt=run.pk).first()


# The order statuses are listed and counted in, on every page.
STATUS_ORDER = ["off_track", "at_risk", "on_track", "achieved", "no_data", "not_started",
                "in_progress", "baseline"]


def latest_assessments(district=None, run: RefreshRun | None = None) -> dict:
    """{target_id: Assessment} of a run (the latest by default), for the city or one
    district. For a district, targets that are not split fall back to the city row only
    when their value is entered (a public statistic), never when it is computed from
    enterprises."""
    run = run or RefreshRun.objects.first()
    if run is None:
        return {}
    rows = Assessment.objects.filter(run=run).select_related("target")
    city = {a.target_id: a for a in rows if a.district_id is None}
    if district is None:
        return city
    own = {a.target_id: a for a in rows if a.district_id == district.pk}
    for target_id, a in city.items():
        if target_id not in own and (not a.target.is_computed or a.target.kind == Kind.QUALITATIVE):
            own[target_id] = a
    return own



def current_status(target: Target, assessment: Assessment | None) -> str:
    # An officer's status for a qualitative item counts at once, not at the next refresh.
    if target.kind == Kind.QUALITATIVE:
        return target.officer_status or Status.NO_DATA
    return assessment.status if assessment else Status.NO_DATA


def count_statuses(targets, assessments: dict) -> dict[str, int]:
    """{status: number of targets} for ``targets`` (every item: targets, baselines and
    qualitative ones) by ``current_status``: the one count of the cockpit, the target list
    and the CLI."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for target in targets:
        status = current_status(target, assessments.get(target.pk))
        counts[status] = counts.get(status, 0) + 1
    return counts


def status_counts(district=None, run: RefreshRun | None = None) -> list[tuple[str, str, int]]:
    """[(status, label, n)] over all targets, for the city or a district, in STATUS_ORDER."""
    counts = count_statuses(Target.objects.all(), latest_assessments(district, run))
    return [(s, str(Status(s).label), counts[s]) for s in STATUS_ORDER]


def digest(district=None, run: RefreshRun | None = None) -> dict:
    """Statuses of the latest run, the changes since last month, and the targets at risk."""
    run = run or RefreshRun.objects.first()
    if run is None:
        return {"run": None, "rows": [], "changes": [], "risks": [], "counts": {}, "previous": None}
    rows = latest_assessments(district, run)
    previous = previous_run(run)
    before = latest_assessments(district, previous) if previous else {}
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
    ordered = sorted(rows.values(), key=lambda a: a.target.order)
    return {"run": run, "previous": previous, "rows": ordered, "changes": changes,
            "risks": risks, "counts": [(s, str(Status(s).label), n) for s, n in
                                       count_statuses(Target.objects.all(), rows).items() if n]}
