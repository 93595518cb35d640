"""Batch runs: snapshot -> engine -> proposed awards, idempotently.

A run stores one Award per enterprise x policy x year x tier (a unique constraint). Running
again updates proposals still open, withdraws those no longer found, and never touches an
award already decided or paid. A run killed half-way leaves committed chunks behind; the
next run picks them up as existing rows, so nothing is proposed twice.
"""

from __future__ import annotations

import os
import socket
import time
import traceback

import pyarrow as pa
import pyarrow.compute as pc
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit, dataversion
from industrybrain.engine import evaluate
from industrybrain.policies import catalogue, snapshot
from industrybrain.policies.models import Award, Run

S = Award.Status
# Engine statuses stored without money (a reviewer sees them; nothing pays them).
UNPRICED = {"insufficient_data": S.INSUFFICIENT, "amount_pending": S.AMOUNT_PENDING,
            "invalid_data": S.INVALID}
# A run may rewrite these; reviewers own the rest.
OPEN = (S.PROPOSED, S.WITHDRAWN, *UNPRICED.values())
CHUNK = int(os.environ.get("IB_RUN_CHUNK", 5000))
# Test hook for the crash test: sleep this long after each committed chunk.
PAUSE = float(os.environ.get("IB_RUN_PAUSE_AFTER_CHUNK", 0))


class RunRefused(Exception):
    pass


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str) -> bool:
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust its heartbeat instead
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_crashed(pack_id: str, year: int, stale_after: float = 600) -> int:
    """Mark runs whose process died (or went silent) as failed, freeing the year."""
    n = 0
    now = timezone.now()
    for run in Run.objects.filter(pack_id=pack_id, year=year, status__in=["queued", "running"]):
        silent = run.heartbeat and (now - run.heartbeat).total_seconds() > stale_after
        if (run.status == "running" and run.worker and not _alive(run.worker)) or silent:
            Run.objects.filter(pk=run.pk).update(status="failed", error=_("进程中断"),
                                                 finished_at=now)
            n += 1
    return n


def start(year: int, user=None, pack_id: str | None = None) -> Run:
    """Queue a run; refuses when the pack is invalid or a run of the year is under way."""
    from industrybrain.engine import PackError

    pack_id = pack_id or catalogue.pack_id()
    try:
        pack = catalogue.pack(pack_id)
    except PackError as exc:
        raise RunRefused(_("政策包未通过校验，不能测算：%(e)s") % {"e": exc}) from exc
    clear_crashed(pack_id, year)
    try:
        with transaction.atomic():
            run = Run.objects.create(pack_id=pack_id, pack_version=pack.version, year=year,
                                     created_by=user if user and user.is_authenticated else None)
    except IntegrityError:
        raise RunRefused(_("%(year)s年度的测算正在进行中") % {"year": year}) from None
    audit.record(user, "run_start", run, detail={"year": year, "pack": pack_id})
    return run


def _progress(run: Run, stage: str, percent: int, **extra) -> None:
    Run.objects.filter(pk=run.pk).update(stage=stage, progress=percent,
                                         heartbeat=timezone.now(), **extra)


def execute(run_id: int, parquet: str | None = None) -> Run | None:
    """Run a queued run to the end (the job). Claims it first, so two workers never both
    run it. Returns the finished run, or None if someone else claimed it."""
    claimed = Run.objects.filter(pk=run_id, status="queued").update(
        status="running", started_at=timezone.now(), heartbeat=timezone.now(), worker=_me())
    if not claimed:
        return None
    run = Run.objects.get(pk=run_id)
    timings = {}
    try:
        pack = catalogue.pack(run.pack_id)
        t = time.perf_counter()
        _progress(run, "snapshot", 5)
        snap = snapshot.take(up_to_year=run.year)
        timings["snapshot"] = round(time.perf_counter() - t, 3)
        _progress(run, "engine", 25, timings=timings)
        t = time.perf_counter()
        result = evaluate(pack, run.year, *snap.tables)
        timings["engine"] = round(time.perf_counter() - t, 3)
        if parquet:
            import pyarrow.parquet as pq

            pq.write_table(result, parquet)
        _progress(run, "store", 50, timings=timings)
        t = time.perf_counter()
        counts = store(run, pack, result, snap)
        timings["store"] = round(time.perf_counter() - t, 3)
        _progress(run, "push", 95, timings=timings)
        t = time.perf_counter()
        from industrybrain.policies import push

        counts.update(push.from_run(run, pack, result, counts.pop("_new_keys")))
        timings["push"] = round(time.perf_counter() - t, 3)
        Run.objects.filter(pk=run.pk).update(status="done", progress=100, stage="done",
                                             counts=counts, timings=timings,
                                             finished_at=timezone.now())
        audit.record(run.created_by, "run_done", run, detail={"counts": counts})
    except Exception:  # the job must record why it failed rather than vanish
        Run.objects.filter(pk=run.pk).update(status="failed", error=traceback.format_exc(),
                                             timings=timings, finished_at=timezone.now())
        audit.record(run.created_by, "run_failed", run)
    return Run.objects.get(pk=run.pk)


def proposals_of(pack, result: pa.Table) -> pa.Table:
    """The result rows that become awards: money policies, eligible with an amount above
    zero, or unpriced (insufficient data, amount pending, invalid data: stored so that a
    reviewer sees them, never paid)."""
    money = [p.id for p in pack.policies if catalogue.carries_money(p)]
    in_money = pc.is_in(result["policy_id"], value_set=pa.array(money))
    eligible = pc.and_(pc.equal(result["status"], "eligible"),
                       pc.greater(pc.fill_null(result["amount_yuan"], 0), 0))
    missing = pc.is_in(result["status"], value_set=pa.array(list(UNPRICED)))
    return result.filter(pc.and_(in_money, pc.or_(eligible, missing)))


def store(run: Run, pack, result: pa.Table, snap) -> dict:
    rows = proposals_of(pack, result)
    cluster_of = {}
    if rows.num_rows:
        wanted = pc.is_in(snap.enterprises["enterprise_id"], value_set=pc.unique(rows["enterprise_id"]))
        sub = snap.enterprises.filter(wanted)
        cluster_of = dict(zip(sub["enterprise_id"].to_pylist(), sub["cluster"].to_pylist(),
                              strict=True))
    existing = {
        (e, p, t): (pk, status, amount, expl)
        for pk, e, p, t, status, amount, expl in Award.objects.filter(
            year=run.year, pack_id=run.pack_id, source=Award.Source.RUN).values_list(
            "pk", "enterprise_id", "policy_id", "tier", "status", "amount_yuan",
            "explanation_zh").iterator(chunk_size=20_000)
    }
    citations = {p.id: catalogue.citation(p) for p in pack.policies}
    lines = {p.id: p.budget_line for p in pack.policies}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_decided": 0,
              "withdrawn": 0, "insufficient_data": 0, "amount_pending": 0, "invalid_data": 0,
              "proposed_yuan": 0}
    new, changed, seen, new_keys = [], [], set(), []
    for r in rows.to_pylist():
        key = (r["enterprise_id"], r["policy_id"], r["tier"] or "")
        seen.add(key)
        unpriced = r["status"] in UNPRICED
        status = UNPRICED.get(r["status"], S.PROPOSED)
        amount = None if unpriced else r["amount_yuan"]
        if unpriced:
            counts[r["status"]] += 1
        counts["proposed_yuan"] += amount or 0
        old = existing.get(key)
        if old is None:
            new.append(Award(
                enterprise_id=key[0], policy_id=key[1], year=run.year, tier=key[2],
                status=status, amount_yuan=amount, cap_bound=bool(r["cap_bound"]),
                budget_line=lines[key[1]], cluster_code=cluster_of.get(key[0]) or "",
                pack_id=run.pack_id, pack_version=run.pack_version,
                citation=citations[key[1]], explanation_zh=r["explanation_zh"] or "",
                explanation_en=r["explanation_en"] or "",
                inputs=_json(r["inputs"]), run=run))
            new_keys.append(key)
        elif old[1] not in OPEN:
            counts["kept_decided"] += 1  # paid, approved once, held or rejected: not re-proposed
        elif (old[1], old[2], old[3]) == (status, amount, r["explanation_zh"] or ""):
            counts["unchanged"] += 1
        else:
            changed.append(Award(pk=old[0], status=status, amount_yuan=amount,
                                 cap_bound=bool(r["cap_bound"]), explanation_zh=r["explanation_zh"] or "",
                                 explanation_en=r["explanation_en"] or "",
                                 inputs=_json(r["inputs"]), run=run, pack_version=run.pack_version,
                                 updated_at=timezone.now()))
    gone = [old[0] for key, old in existing.items()
            if key not in seen and old[1] in (S.PROPOSED, *UNPRICED.values())]
    total = len(new) + len(changed) + 1
    done = 0
    for i in range(0, len(new), CHUNK):
        with transaction.atomic():
            Award.objects.bulk_create(new[i:i + CHUNK])
            dataversion.bump(dataversion.AWARDS)
        done += len(new[i:i + CHUNK])
        counts["created"] += len(new[i:i + CHUNK])
        _progress(run, "store", 50 + 45 * done // total)
        if PAUSE:
            time.sleep(PAUSE)
    fields = ["status", "amount_yuan", "cap_bound", "explanation_zh", "explanation_en",
              "inputs", "run", "pack_version", "updated_at"]
    for i in range(0, len(changed), CHUNK):
        with transaction.atomic():
            Award.objects.bulk_update(changed[i:i + CHUNK], fields)
            dataversion.bump(dataversion.AWARDS)
        done += len(changed[i:i + CHUNK])
        counts["updated"] += len(changed[i:i + CHUNK])
        _progress(run, "store", 50 + 45 * done // total)
    if gone:
        with transaction.atomic():
            dataversion.bump(dataversion.AWARDS)
            for i in range(0, len(gone), CHUNK):
                counts["withdrawn"] += Award.objects.filter(
                    pk__in=gone[i:i + CHUNK], status__in=(S.PROPOSED, *UNPRICED.values())).update(
                    status=S.WITHDRAWN, amount_yuan=None,
                    reason=_("重新测算后不再符合条件"), run=run)
    if new:
        audit.record(run.created_by, "proposals", run, detail={
            "created": counts["created"], "updated": counts["updated"], "year": run.year})
    counts["_new_keys"] = new_keys
    return counts


def _json(text):
    import json

    return json.loads(text) if text else {}
