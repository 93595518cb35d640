"""The yearly recompute: evaluate the pools' rules, PROPOSE entries and exits for review,
and store each member's standing (closest to the next rung) and the promotion forecast.

Membership never changes here unless ``accept`` is given (the demo loader fills the demo
city's pools so; an officer reviews proposals one by one or in bulk on the review page).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from industrybrain.engine.explain import describe
from industrybrain.enterprises.models import AnnualFigures
from industrybrain.policies import snapshot as snapshots

from . import evaluate, forecast, margins
from .models import (
    Action,
    Decision,
    ExitKind,
    Flow,
    Forecast,
    Membership,
    Origin,
    Proposal,
    Standing,
)
from .rules import Pool, pools

SYSTEM_NOTE = "年度重算自动采纳（演示数据）"


def data_years() -> list[int]:
    return sorted(AnnualFigures.objects.order_by().values_list("year", flat=True).distinct())


def current_year() -> int | None:
    years = data_years()
    return years[-1] if years else None


def review_date(year: int) -> dt.date:
    """Entries and exits of the review of year Y's data are dated 31 December of Y."""
    return dt.date(year, 12, 31)


def tables_by_year(years: list[int], snap=None) -> dict[int, pa.Table]:
    snap = snap or snapshots.take()
    return {y: evaluate.run(pools(), y, *snap.tables) for y in years}


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table[name].fill_null(False).to_numpy(zero_copy_only=False).astype(bool)


def passed(pool: Pool, table: pa.Table) -> np.ndarray:
    """Rows standing on the pool's rung or a higher one of its ladder."""
    ladder = pools().ladder(pool.ladder)
    out = np.zeros(table.num_rows, bool)
    for r in ladder.rungs[ladder.index(pool.rung):]:
        out |= _col(table, f"rung__{ladder.id}__{r.id}")
    return out


def _entry_reason(pool: Pool) -> tuple[str, str]:
    # In words (the engine's describe), never the expression's identifiers.
    return (f"符合{pool.name_zh}入库规则：{describe(pool.entry, 'zh')}"[:500],
            f"meets the entry rule of the {pool.name_en}: {describe(pool.entry, 'en')}"[:500])


def propose(year: int, table: pa.Table) -> dict[str, int]:
    """Create the proposals of ``year`` (a re-run adds nothing twice); returns counts."""
    ids = table["enterprise_id"].to_numpy(zero_copy_only=False)
    open_by_pool = defaultdict(set)
    for pool_id, eid in Membership.objects.filter(exited_on__isnull=True).values_list("pool", "enterprise_id"):
        open_by_pool[pool_id].add(eid)
    rows, counts = [], {"enter": 0, "exit": 0}
    for pool in pools().pools:
        members = open_by_pool[pool.id]
        is_member = np.isin(ids, np.fromiter(members, dtype=ids.dtype, count=len(members)))
        exits = {x.id: _col(table, f"{pool.id}__exit__{x.id}") for x in pool.exits}
        any_exit = np.zeros(len(ids), bool)
        for v in exits.values():
            any_exit |= v
        enter = _col(table, f"{pool.id}__entry") & ~is_member & ~any_exit & ~passed(pool, table)
        zh, en = _entry_reason(pool)
        for eid in ids[enter]:
            rows.append(Proposal(pool=pool.id, enterprise_id=int(eid), year=year, action=Action.ENTER,
                                 reason_zh=zh, reason_en=en))
        counts["enter"] += int(enter.sum())
        for x in pool.exits:  # promoted first: it names the happier reason
            hit = exits[x.id] & is_member
            for eid in ids[hit]:
                rows.append(Proposal(
                    pool=pool.id, enterprise_id=int(eid), year=year, action=Action.EXIT,
                    exit_kind=ExitKind.PROMOTED if x.id == "promoted" else ExitKind.CRITERIA,
                    reason_zh=f"{x.name_zh}（{describe(x.node, 'zh')}）"[:500],
                    reason_en=f"{x.name_en} ({describe(x.node, 'en')})"[:500]))
            is_member = is_member & ~hit
            counts["exit"] += int(hit.sum())
    Proposal.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return counts


@transaction.atomic
def accept(proposals, user=None, note: str = "") -> int:
    """Apply proposals: an entry opens a membership, an exit closes the open one. Dated on
    the review date of the proposal's year; kept as they were decided."""
    now = timezone.now()
    done = 0
    open_rows = {(m.pool, m.enterprise_id): m for m in Membership.objects.filter(exited_on__isnull=True)}
    new, closing = [], []
    for p in proposals:
        if p.status != Decision.PENDING:
            continue
        key = (p.pool, p.enterprise_id)
        when = review_date(p.year)
        if p.action == Action.ENTER and key not in open_rows:
            m = Membership(pool=p.pool, enterprise_id=p.enterprise_id, entered_on=when,
                           entry_origin=Origin.RULE, entry_reason=p.reason_zh, entered_by=user)
            new.append(m)
            open_rows[key] = m
        elif p.action == Action.EXIT and key in open_rows and open_rows[key].pk:
            m = open_rows.pop(key)
            m.exited_on = max(when, m.entered_on)
            m.exit_kind, m.exit_reason, m.exited_by = p.exit_kind, p.reason_zh, user
            closing.append(m)
        p.status, p.decided_by, p.decided_at, p.note = Decision.ACCEPTED, user, now, note
        done += 1
    Membership.objects.bulk_create(new, batch_size=5000)
    # Few distinct values: one UPDATE per group beats a CASE per row (bulk_update).
    groups = defaultdict(list)
    for m in closing:
        groups[(m.exited_on, m.exit_kind, m.exit_reason)].append(m.pk)
    for (day, kind, reason), pks in groups.items():
        for i in range(0, len(pks), 900):
            Membership.objects.filter(pk__in=pks[i:i + 900]).update(
                exited_on=day, exit_kind=kind, exit_reason=reason, exited_by=user)
    decided = [p.pk for p in proposals if p.decided_at == now]
    for i in range(0, len(decided), 900):
        Proposal.objects.filter(pk__in=decided[i:i + 900]).update(
            status=Decision.ACCEPTED, decided_by=user, decided_at=now, note=note)
    return done


@transaction.atomic
def reject(proposals, user, note: str) -> int:
    now = timezone.now()
    rows = [p for p in proposals if p.status == Decision.PENDING]
    pks = [p.pk for p in rows]
    for i in range(0, len(pks), 900):
        Proposal.objects.filter(pk__in=pks[i:i + 900]).update(
            status=Decision.REJECTED, decided_by=user, decided_at=now, note=note)
    return len(rows)


def transitions(pool: Pool, tables: dict[int, pa.Table]) -> list[forecast.Transition]:
    """Candidates of each year (entry rule true) and whether they were promoted next year."""
    out = []
    years = sorted(tables)
    for y, nxt in zip(years, years[1:], strict=False):
        t, t1 = tables[y], tables[nxt]
        cand = _col(t, f"{pool.id}__entry")
        m = margins.compute(pool, t.filter(pa.array(cand)))
        promoted_next = dict(zip(t1["enterprise_id"].to_pylist(),
                                 _col(t1, f"{pool.id}__exit__promoted"), strict=True))
        y_arr = np.array([promoted_next.get(int(e), False) for e in m.enterprise_id], float)
        out.append(forecast.Transition(y, m.enterprise_id, m.signed, y_arr))
    return out


def store_standings(year: int, table: pa.Table, tables: dict[int, pa.Table] | None = None) -> dict:
    """Replace the standings and forecasts of ``year``: every open member of every pool."""
    ids = table["enterprise_id"].to_numpy(zero_copy_only=False)
    open_by_pool = defaultdict(list)
    for pool_id, eid in Membership.objects.filter(exited_on__isnull=True).values_list("pool", "enterprise_id"):
        open_by_pool[pool_id].append(eid)
    rows, summary = [], {}
    for pool in pools().pools:
        mask = np.isin(ids, np.array(open_by_pool[pool.id], dtype=ids.dtype))
        m = margins.compute(pool, table.filter(pa.array(mask)))
        probs = None
        if tables:
            trans = transitions(pool, {y: t for y, t in tables.items() if y <= year})
            w = forecast.fit_all(trans)
            bt = forecast.backtest(trans).summary()
            if w is not None and len(m.enterprise_id):
                probs = forecast.predict(w, forecast.features(m.signed))
            Forecast.objects.update_or_create(pool=pool.id, year=year, defaults={
                "expected": float(probs.sum()) if probs is not None else 0.0, "backtest": bt,
                "model": {"weights": [] if w is None else [round(float(v), 4) for v in w],
                          "features": ["intercept", *[c.id for c in pool.criteria], "share_met"]}})
        for rank, i in enumerate(margins.order(m), start=1):
            values = {c.id: [None if np.isnan(m.lhs[i, j]) else float(m.lhs[i, j]),
                             None if np.isnan(m.rhs[i, j]) else float(m.rhs[i, j]),
                             bool(m.met[i, j])] for j, c in enumerate(pool.criteria)}
            rows.append(Standing(pool=pool.id, year=year, enterprise_id=int(m.enterprise_id[i]),
                                 missed=int(m.missed[i]), distance=float(m.distance[i]), rank=rank,
                                 values=values,
                                 probability=None if probs is None else round(float(probs[i]), 4)))
        summary[pool.id] = len(m.enterprise_id)
    with transaction.atomic():
        Standing.objects.filter(year=year).delete()
        Standing.objects.bulk_create(rows, batch_size=5000)
    return summary


def positions(table: pa.Table) -> dict[str, np.ndarray]:
    """Per ladder, each row's highest rung this year ("" off the ladder)."""
    out = {}
    for ladder in pools().ladders:
        pos = np.full(table.num_rows, "", dtype=object)
        for r in ladder.rungs:  # lowest first: a higher rung overwrites
            pos[_col(table, f"rung__{ladder.id}__{r.id}")] = r.id
        out[ladder.id] = pos
    return out


def store_flows(tables: dict[int, pa.Table]) -> int:
    """Replace the stored flows: for each pair of consecutive years, per ladder and district,
    how many enterprises went from which rung to which (staying put included)."""
    from industrybrain.enterprises.models import Enterprise

    district_of = dict(Enterprise.objects.values_list("pk", "district_id"))
    years = sorted(tables)
    rows = []
    for y0, y1 in zip(years, years[1:], strict=False):
        a, b = tables[y0], tables[y1]
        ids = b["enterprise_id"].to_numpy(zero_copy_only=False)
        pa_, pb = positions(a), positions(b)
        index_a = {int(e): i for i, e in enumerate(a["enterprise_id"].to_numpy(zero_copy_only=False))}
        for ladder in pools().ladders:
            counts: dict[tuple, int] = defaultdict(int)
            for i, eid in enumerate(ids):
                j = index_a.get(int(eid))
                src = pa_[ladder.id][j] if j is not None else ""
                dst = pb[ladder.id][i]
                if src == "" and dst == "":
                    continue
                d = district_of.get(int(eid))
                counts[(d, src, dst)] += 1
                counts[(None, src, dst)] += 1
            rows += [Flow(ladder=ladder.id, year=y1, district_id=d, source=s, target=t, count=n)
                     for (d, s, t), n in counts.items()]
    with transaction.atomic():
        Flow.objects.filter(year__in=years[1:]).delete()
        Flow.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def run(years: list[int] | None = None, accept_all: bool = False, progress=lambda s: None) -> dict:
    """Recompute ``years`` (default: the latest): proposals for each, accepted at once only
    when ``accept_all`` (the demo fill); then standings and forecasts of the last year."""
    all_years = data_years()
    years = years or all_years[-1:]
    if not years:
        return {}
    snap = snapshots.take()
    tables = tables_by_year([y for y in all_years if y <= max(years)], snap)
    out = {}
    for y in years:
        counts = propose(y, tables[y])
        if accept_all:
            pending = list(Proposal.objects.filter(year=y, status=Decision.PENDING))
            accept(pending, note=SYSTEM_NOTE)
        progress(f"  {y}年：建议入库 {counts['enter']} 家次，建议出库 {counts['exit']} 家次")
        out[y] = counts
    store_standings(years[-1], tables[years[-1]], tables)
    store_flows(tables)
    return out
