"""Batch runs: snapshot -> engine -> proposed awards, idempotently.

A run stores one Award per enterprise x policy x year (x tier where tiers add up: the slot;
a unique constraint shared with applications). Running again updates proposals still open,
withdraws those no longer found, and never touches an award a person decided, paid or holds
through an application: every write re-checks the status in its own transaction (rows
locked), so a decision taken while the run computes survives. A run killed half-way leaves
committed chunks behind (each with its messages: the outbox); the next run picks them up.
Liveness (heartbeat, lease, reaper, stop signals) is ``liveness``.
"""

from __future__ import annotations

import json
import os
import time
import traceback
import uuid
from collections import Counter
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.core import audit, dataversion
from industrybrain.engine import PackError, evaluate
from industrybrain.policies import catalogue, liveness, snapshot
from industrybrain.policies.liveness import Stopped
from industrybrain.policies.models import Award, Message, Run

S = Award.Status
# Engine statuses stored without money (a reviewer sees them; nothing pays them).
UNPRICED = {"insufficient_data": S.INSUFFICIENT, "amount_pending": S.AMOUNT_PENDING,
            "invalid_data": S.INVALID}
# A run may rewrite these (when it made them); reviewers and applications own the rest.
OPEN = (S.PROPOSED, S.WITHDRAWN, *UNPRICED.values())
CHUNK = int(os.environ.get("IB_RUN_CHUNK", 5000))
# The one-award and one-message keys (the models' unique constraints): a conflict on them
# is skipped, any other broken constraint fails the chunk.
AWARD_KEY = ["enterprise", "policy_id", "year", "slot"]
# The fields of the rows ``store`` builds for new awards, in order (the rest are the run's).
AWARD_COLUMNS = ("enterprise_id", "policy_id", "tier", "slot", "status", "amount_yuan",
                 "cap_bound", "budget_line", "cluster_code", "citation", "explanation_zh",
                 "explanation_en", "inputs", "kept")
MESSAGE_KEY = ["enterprise", "kind", "policy_id", "year"]
# Test hook for the crash test: sleep this long after each committed chunk.
PAUSE = float(os.environ.get("IB_RUN_PAUSE_AFTER_CHUNK", 0))
# Test hook: called as chunk_hook(run, phase, index) before each write of ``store``
# (phase "create", "update" or "withdraw"), after the read: a deterministic race window.
chunk_hook = None
# Test hook for the crash tests: the process SIGKILLs itself at this point ("engine",
# "create:1", "deliver:0", "done", …; see _crash_point), as a power cut would.
CRASH_AT = "IB_RUN_CRASH_AT"

# What the run page shows for each count (people read words, not keys).
COUNT_LABELS = {
    "created": gettext_lazy("新建"), "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"), "withdrawn": gettext_lazy("撤回"),
    "kept_decided": gettext_lazy("已有决定，未改动"),
    "kept_application": gettext_lazy("已由企业申请办理，未改动"),
    "insufficient_data": S.INSUFFICIENT.label, "amount_pending": S.AMOUNT_PENDING.label,
    "invalid_data": S.INVALID.label, "proposed_yuan": gettext_lazy("拟奖励金额"),
    "messages": gettext_lazy("新消息"), "delivered": gettext_lazy("已送达消息"),
    "emails": gettext_lazy("邮件"),
    "invalid_enterprises": gettext_lazy("数据有误的企业（家）"),
}


# The stages a run goes through (Run.stage, Run.timings' keys), in words.
STAGE_LABELS = {
    "queued": gettext_lazy("排队中"), "snapshot": gettext_lazy("读取数据"),
    "engine": gettext_lazy("规则测算"), "store": gettext_lazy("保存结果"),
    "push": gettext_lazy("推送消息"), "done": gettext_lazy("完成"),
    "total": gettext_lazy("合计"),
}


def stage_label(stage: str) -> str:
    if not stage:
        return ""
    return str(STAGE_LABELS.get(stage, _("处理中")))


def count_value(key: str, value) -> str:
    """A count as people read it: amounts with their unit, numbers with separators."""
    from industrybrain.core.money import format_yuan

    if key.endswith("_yuan"):
        return format_yuan(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def count_label(key: str) -> str:
    """The words for a run's count: ``kept_paid`` reads 未改动（已拨付）."""
    if key in COUNT_LABELS:
        return str(COUNT_LABELS[key])
    if key.startswith("kept_") and key[5:] in S.values:
        return _("未改动（%(status)s）") % {"status": S(key[5:]).label}
    return _("其他")


class RunRefused(Exception):
    pass


def clear_crashed(pack_id: str, year: int) -> int:
    """Fail the runs of a pack and year whose process died or went silent."""
    return liveness.reap(pack_id=pack_id, year=year)


def start(year: int, user=None, pack_id: str | None = None) -> Run:
    """Queue a run; refuses when the pack is invalid or a run of the year is under way."""
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


def cancel(run_id: int, user) -> bool:
    """An officer stops a queued or running run; the worker stops at its next checkpoint
    (its lease no longer matches). Returns False when the run had already ended."""
    who = user.get_username() if user is not None and user.is_authenticated else "—"
    done = Run.objects.filter(pk=run_id, status__in=["queued", "running"]).update(
        status="cancelled", error=_("已由 %(who)s 取消") % {"who": who},
        finished_at=timezone.now())
    if done:
        audit.record(user, "run_cancel", Run.objects.get(pk=run_id))
    return bool(done)


class _Job:
    """The claimed run as its worker writes it: every write names the lease."""

    def __init__(self, run: Run, beat: liveness.Heartbeat):
        self.run, self.beat = run, beat

    def _mine(self):
        return Run.objects.filter(pk=self.run.pk, status="running", lease=self.run.lease)

    def progress(self, stage: str, percent: int, **extra) -> None:
        _crash_point(stage)
        self.advance(stage, percent, **extra)

    def advance(self, stage: str, percent: int, **extra) -> None:
        """The run's stage and percentage; raises Stopped when the run is no longer this
        worker's (cancelled, reaped). ``store`` calls it inside each chunk's transaction:
        a cancelled run's chunk is rolled back, and the run row's update costs no commit
        of its own (one per chunk was a fifth of storing on PostgreSQL)."""
        self.beat.check()
        if not self._mine().update(stage=stage, progress=percent, heartbeat=timezone.now(),
                                   **extra):
            raise Stopped(_("测算已被取消或判定中断"))

    def checkpoint(self, phase: str, index: int) -> None:
        """Between two committed batches: stop if asked; the test hooks."""
        self.beat.check()
        _crash_point(f"{phase}:{index}")
        if index and PAUSE:
            time.sleep(PAUSE)

    def finish(self, **fields) -> bool:
        return bool(self._mine().update(finished_at=timezone.now(), **fields))


def execute(run_id: int, parquet: str | None = None) -> Run | None:
    """Run a queued run to the end (the job). Claims it first, so two workers never both
    run it. Returns the finished run, or None if someone else claimed it."""
    lease = uuid.uuid4().hex
    now = timezone.now()
    claimed = Run.objects.filter(pk=run_id, status="queued").update(
        status="running", started_at=now, heartbeat=now, worker=liveness.me(), lease=lease)
    if not claimed:
        return None
    run = Run.objects.get(pk=run_id)
    timings = {}
    with liveness.Heartbeat(run.pk, lease) as beat:
        job = _Job(run, beat)
        try:
            pack = catalogue.pack(run.pack_id)
            t = time.perf_counter()
            job.progress("snapshot", 5)
            snap = snapshot.take(up_to_year=run.year)
            timings["snapshot"] = round(time.perf_counter() - t, 3)
            job.progress("engine", 25, timings=timings)
            t = time.perf_counter()
            result, invalid = decide_and_explain(pack, run.year, snap, whole=bool(parquet))
            timings["engine"] = round(time.perf_counter() - t, 3)
            if parquet:
                import pyarrow.parquet as pq

                pq.write_table(result, parquet)
            job.progress("store", 50, timings=timings)
            t = time.perf_counter()
            counts = store(run, pack, result, snap, job=job)
            # Enterprises whose data break the contract (each also has invalid_data awards).
            counts["invalid_enterprises"] = invalid
            timings["store"] = round(time.perf_counter() - t, 3)
            job.progress("push", 95, timings=timings)
            t = time.perf_counter()
            from industrybrain.policies import push

            pushed = push.from_run(run, pack, result, check=job.checkpoint, batch=CHUNK)
            # The run's new messages are its award messages (written with the awards) plus
            # its near-miss messages: one count, not the second replacing the first.
            counts["messages"] = counts.get("messages", 0) + pushed.pop("messages")
            counts.update(pushed)
            _crash_point("done")
            timings["push"] = round(time.perf_counter() - t, 3)
            if job.finish(status="done", progress=100, stage="done", counts=counts,
                          timings=timings):
                audit.record(run.created_by, "run_done", run, detail={"counts": counts})
        except (Stopped, PackError) as exc:
            # A pack error (a rule's value past what can be computed: RangeError) is said
            # in its own words, naming the policy and the enterprise, not as a traceback.
            if job.finish(status="failed", error=str(exc), timings=timings):
                audit.record(run.created_by, "run_failed", run, detail={"reason": str(exc)})
        except Exception:  # the job must record why it failed rather than vanish
            if job.finish(status="failed", error=traceback.format_exc(), timings=timings):
                audit.record(run.created_by, "run_failed", run)
    return Run.objects.get(pk=run.pk)


def decide_and_explain(pack, year: int, snap, whole: bool = False) -> tuple[pa.Table, int]:
    """The engine's rows a run reads, and the number of enterprises with invalid data.

    Decide first, explain later: the wide backend decides every enterprise and policy
    without words; the money policies' rows a run stores or messages (eligible with an
    amount, amount pending, insufficient or invalid data, near miss: about 21,000 rows of a
    synthetic city of 300,000) are then written by the one-firm interpreter from the
    typed values each row is computed from (engine/interpret/kept.py), with no second SQL
    evaluation; only those rows are returned (the run reads no other). An enterprise's
    result depends only on its own rows and the site-wide ``data_since``, so these rows are
    those of the whole city's evaluation (the wide backend's decisions and near-miss flags
    equal the SQL path's: engine/tests/test_wide.py; the interpreter's rows the SQL's,
    words included: engine/tests/test_interpret.py).
    ``whole``: every enterprise's rows (the CLI's Parquet file)."""
    from industrybrain.engine import wide
    from industrybrain.engine.evaluate import checked_inputs, plan_for
    from industrybrain.engine.interpret.kept import explained

    # Words only for the policies whose rows a run stores or messages (money): the text of
    # the others was most of the engine's time and memory.
    money = [p.id for p in pack.policies if catalogue.carries_money(p)]
    if whole:
        result = evaluate(pack, year, *snap.tables, data_since=snap.data_since,
                          explain_policies=money)
        return result, len(pc.unique(result.filter(
            pc.equal(result["status"], "invalid_data"))["enterprise_id"]))
    year, checked, bad = checked_inputs(pack, year, *snap.tables)
    plan = plan_for(pack, year, "wide")
    found, decisions = wide.decide(plan, year, checked, snap.data_since)
    # The rows a run reads, straight from the decisions (no narrow table): money, eligible
    # with an amount, unpriced or near miss. Not an eligible row without money: nothing
    # stores or messages it, and there are many of them.
    chosen = wide.read_rows(plan, found, decisions, set(money))
    invalid = np.zeros(found.n, bool)
    if bad and plan.rules:
        invalid = np.isin(found.ids, np.fromiter(bad, np.int64, len(bad)))
        # An enterprise with invalid data: each money policy's row (invalid_data, with
        # the reasons), whatever its unreliable figures decided.
        chosen[:, invalid] = np.isin(plan.policy_ids, money)[:, None]
    rule, firm = np.nonzero(chosen)
    pairs = zip(found.ids[firm].tolist(), (plan.policy_ids[i] for i in rule), strict=True)
    result, _kept = explained(pack, year, checked, bad, pairs, snap.data_since)
    return result, int(invalid.sum())


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


def _existing(year: int, policy_ids) -> tuple[dict, dict]:
    """The year's awards of these policies, read once without locks: only to sort the rows.
    Returns the run's awards by (enterprise, policy) and the application awards' keys."""
    mine, applied = {}, {}
    for pk, e, p, t, slot, status, amount, expl, source in Award.objects.filter(
            year=year, policy_id__in=policy_ids).values_list(
            "pk", "enterprise_id", "policy_id", "tier", "slot", "status", "amount_yuan",
            "explanation_zh", "source").iterator(chunk_size=20_000):
        if source == Award.Source.APPLICATION:
            applied.setdefault((e, p), pk)
        elif (e, p) not in mine or status not in OPEN:
            # One run award per enterprise and policy; a decided one wins over stale rows.
            mine[(e, p)] = (pk, status, amount, expl, t, slot)
    return mine, applied


def store(run: Run, pack, result: pa.Table, snap, job: _Job | None = None) -> dict:
    rows = proposals_of(pack, result)
    cluster_of = {}
    if rows.num_rows:
        wanted = pc.is_in(snap.enterprises["enterprise_id"], value_set=pc.unique(rows["enterprise_id"]))
        sub = snap.enterprises.filter(wanted)
        cluster_of = dict(zip(sub["enterprise_id"].to_pylist(), sub["cluster"].to_pylist(),
                              strict=True))
    policies = {p.id: p for p in pack.policies}
    existing, applied = _existing(run.year, list(policies))
    citations = {p.id: catalogue.citation(p) for p in pack.policies}
    lines = {p.id: p.budget_line for p in pack.policies}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_decided": 0,
              "kept_application": 0, "withdrawn": 0, "insufficient_data": 0,
              "amount_pending": 0, "invalid_data": 0, "proposed_yuan": 0, "messages": 0}
    kept = Counter()
    new, changed, seen = [], [], set()
    texts = {}  # (enterprise, policy) -> the result row's words, for the award's message
    # The award's citation as the database stores it: one per policy, prepared once.
    cite = Award._meta.get_field("citation")
    cited = {p: json.dumps(c, cls=cite.encoder) for p, c in citations.items()}
    slots = {}  # (policy, tier) -> slot
    # Column by column, not a dict per row: the rows' Python values are all a run needs.
    names = ["enterprise_id", "policy_id", "tier", "status", "amount_yuan", "cap_bound",
             "explanation_zh", "explanation_en", "inputs"]
    columns = [rows[n].to_pylist() for n in names]
    columns.append(rows["kept"].to_pylist() if "kept" in rows.column_names
                   else [None] * rows.num_rows)
    for e, p, tier, engine_status, amount, cap, zh, en, inputs, values in zip(
            *columns, strict=True):
        key = (e, p)
        seen.add(key)
        tier, zh, en = tier or "", zh or "", en or ""
        slot = slots.get((p, tier))
        if slot is None:
            slot = slots[(p, tier)] = catalogue.slot(policies[p], tier)
        status = UNPRICED.get(engine_status, S.PROPOSED)
        if status != S.PROPOSED:
            counts[engine_status] += 1
            amount = None
        counts["proposed_yuan"] += amount or 0
        texts[key] = (tier, amount, zh, en)
        old = existing.get(key)
        if key in applied:
            counts["kept_application"] += 1  # the enterprise applied: the reviewer decides it
        elif old is None:
            # The award's row as the database takes it (AWARD_COLUMNS; _raw_insert adds
            # what all of the run's awards share); inputs and kept are already the engine's
            # JSON text: stored as they are, not decoded and encoded.
            new.append((e, p, tier, slot, status, amount, bool(cap), lines[p],
                        cluster_of.get(e) or "", cited[p], zh, en, inputs or "{}",
                        values or "{}"))
        elif old[1] not in OPEN:
            kept[old[1]] += 1  # paid, approved once, held or rejected: not re-proposed
        elif (old[1], old[2], old[3], old[4], old[5]) == (status, amount, zh, tier, slot):
            counts["unchanged"] += 1
        else:
            changed.append(Award(pk=old[0], enterprise_id=e, policy_id=p,
                                 tier=tier, slot=slot, status=status,
                                 amount_yuan=amount, cap_bound=bool(cap),
                                 explanation_zh=zh, explanation_en=en,
                                 inputs=_json(inputs), kept=_json(values), run=run,
                                 pack_version=run.pack_version, updated_at=timezone.now()))
    gone = [old[0] for key, old in existing.items()
            if key not in seen and old[1] in (S.PROPOSED, *UNPRICED.values())]
    total = len(new) + len(changed) + 1
    done = 0

    def step(n):
        """In the chunk's transaction, before the version's bump (locked last)."""
        nonlocal done
        done += n
        if job is not None:
            job.advance("store", 50 + 45 * done // total)

    def pause():
        if PAUSE:  # the crash tests' window, after the chunk's commit
            time.sleep(PAUSE)

    for i in range(0, len(new), CHUNK):
        chunk = new[i:i + CHUNK]
        _hook(run, "create", i // CHUNK, job)
        with transaction.atomic():
            # A key taken since the read (an application approved meanwhile) is skipped by
            # the database, not overwritten.
            # RETURNING names the rows this insert made (a skipped key returns nothing):
            # no second query to find them.
            made = _raw_insert(Award, AWARD_COLUMNS, chunk, AWARD_KEY, fixed={
                "year": run.year, "source": Award.Source.RUN, "pack_id": run.pack_id,
                "pack_version": run.pack_version, "run_id": run.pk, "reason": "",
                "first_approver_id": None, "first_approved_at": None},
                returning=("enterprise_id", "policy_id", "status"))
            counts["created"] += len(made)
            counts["kept_application"] += len(chunk) - len(made)
            counts["messages"] += _award_messages(
                run, pack, [(e, p) for e, p, st in made if st == S.PROPOSED], texts)
            step(len(chunk))
            dataversion.bump(dataversion.AWARDS)
        pause()
    fields = ["tier", "slot", "status", "amount_yuan", "cap_bound", "explanation_zh",
              "explanation_en", "inputs", "kept", "run", "pack_version", "updated_at"]
    for i in range(0, len(changed), CHUNK):
        chunk = changed[i:i + CHUNK]
        _hook(run, "update", i // CHUNK, job)
        with transaction.atomic():
            # Re-read under row locks: what a person decided since the read stays decided.
            still = dict(Award.objects.select_for_update().filter(
                pk__in=[a.pk for a in chunk], status__in=OPEN,
                source=Award.Source.RUN).order_by("pk").values_list("pk", "status"))
            todo = [a for a in chunk if a.pk in still]
            if todo:
                Award.objects.bulk_update(todo, fields)
            for st in Award.objects.filter(pk__in=[a.pk for a in chunk if a.pk not in still]
                                           ).values_list("status", flat=True):
                kept[st] += 1
            counts["updated"] += len(todo)
            became = [a for a in todo if a.status == S.PROPOSED and still[a.pk] != S.PROPOSED]
            counts["messages"] += _award_messages(run, pack, _keyed(became), texts)
            step(len(chunk))
            dataversion.bump(dataversion.AWARDS)
        pause()
    for i in range(0, len(gone), CHUNK):
        _hook(run, "withdraw", i // CHUNK, job)
        with transaction.atomic():
            counts["withdrawn"] += Award.objects.filter(
                pk__in=gone[i:i + CHUNK], status__in=(S.PROPOSED, *UNPRICED.values()),
                source=Award.Source.RUN).update(
                status=S.WITHDRAWN, amount_yuan=None,
                reason=_("重新测算后不再符合条件"), run=run)
            dataversion.bump(dataversion.AWARDS)  # last: award locks first, as approvals take them
    counts["kept_decided"] = sum(kept.values())
    for st, n in sorted(kept.items()):
        counts[f"kept_{st}"] = n
    if counts["created"] or counts["updated"]:
        audit.record(run.created_by, "proposals", run, detail={
            "created": counts["created"], "updated": counts["updated"], "year": run.year,
            "kept_decided": counts["kept_decided"],
            "kept_application": counts["kept_application"]})
    return counts


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_AT) == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _hook(run, phase, index, job):
    if job is not None:
        job.beat.check()
    _crash_point(f"{phase}:{index}")
    if chunk_hook is not None:
        chunk_hook(run, phase, index)


def _raw_insert(model, names, rows: list[tuple], key: list[str], fixed: dict | None = None,
                returning: tuple[str, ...] = ()):
    """Insert ``rows`` (tuples of the fields ``names``, by attribute name, each value as the
    database takes it: JSON already text or prepared); a row whose ``key`` is taken (an
    application approved since the read, a message already written) is skipped by the
    database, not overwritten. What ``bulk_create(ignore_conflicts=True)`` did, without
    its model instances and per-value preparation (most of the store's time), and stricter
    on SQLite: only that key is skipped (ON CONFLICT on it), where INSERT OR IGNORE also
    skipped a row that broke a check constraint (money on an unpriced award). ``fixed``:
    the values every row shares, by attribute name (prepared once, with auto_now fields).
    Returns the ``returning`` columns of the rows actually inserted, as tuples (INSERT ...
    RETURNING: SQLite >= 3.35 and PostgreSQL), or without ``returning`` their number."""
    rows = list(rows)
    if not rows:
        return [] if returning else 0
    fixed = fixed or {}
    now = timezone.now()
    by_name = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    constant, values = [], []
    for name, f in by_name.items():
        if name in names:
            continue
        if name not in fixed and not (getattr(f, "auto_now", False)
                                      or getattr(f, "auto_now_add", False)):
            # Django sets no database defaults: a forgotten field would fail every row.
            raise ValueError(f"{model.__name__}.{name}: no value")
        constant.append(f)
        values.append(f.get_db_prep_save(fixed.get(name, now), connection))
    tail = tuple(values)
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(f.column) for f in [by_name[n] for n in names] + constant)
    target = ", ".join(q(model._meta.get_field(n).column) for n in key)
    back = (" RETURNING " + ", ".join(q(model._meta.get_field(n).column) for n in returning)
            if returning else "")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            return _pg_insert(cur, table, columns, target, back, rows, tail,
                              [list(names).index(n) for n in returning])
        # SQLite, through the driver's own cursor with its "?" placeholders: Django's
        # wrapper rewrites every statement's "%s" with a regular expression, a tenth of
        # the insert's time at these statement sizes. Errors still reach the caller as
        # Django's (IntegrityError...).
        raw = cur.cursor
        width = len(names) + len(tail)
        one = f"({', '.join(['?'] * width)})"
        head = f"INSERT INTO {table} ({columns}) VALUES "
        conflict = f" ON CONFLICT ({target}) DO NOTHING"
        with connection.wrap_database_errors:
            if not returning:
                _sqlite_execute_many(raw, head + one + conflict, [r + tail for r in rows])
                return raw.rowcount
            # executemany drops RETURNING rows: multi-row VALUES statements instead, as
            # many rows each as the bound-parameter limit allows.
            per = max(1, (connection.features.max_query_params or 999) // width)
            made = []
            for i in range(0, len(rows), per):
                part = rows[i:i + per]
                params = [v for r in part for v in r + tail]
                made.extend(_sqlite_execute(raw, head + ", ".join([one] * len(part))
                                            + conflict + back, params).fetchall())
            return made


def _sqlite_execute(raw, sql, params):
    import sqlite3

    return sqlite3.Cursor.execute(raw, sql, params)


def _sqlite_execute_many(raw, sql, rows):
    import sqlite3

    return sqlite3.Cursor.executemany(raw, sql, rows)


def _pg_insert(cur, table, columns, target, back, rows, tail, returned):
    """PostgreSQL: COPY the rows straight into the table, in a savepoint. COPY cannot skip
    a taken key, but a key is seldom taken since the read (an application approved
    meanwhile): then the savepoint undoes the COPY and the rows go through a scratch table
    and one INSERT ... SELECT with the conflict rule. Either way every row that could be
    inserted is, and the others are skipped; a broken check fails the caller's chunk."""
    import psycopg

    try:
        with transaction.atomic(), connection.wrap_database_errors:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r + tail)
    except IntegrityError as exc:
        if not isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
            raise
    else:
        # Every row is in: what RETURNING would have named, read from the rows themselves.
        if not back:
            return len(rows)
        pick = itemgetter(*returned)
        return [pick(r) for r in rows] if len(returned) > 1 else [(pick(r),) for r in rows]
    stage = connection.ops.quote_name(f"ib_stage_{uuid.uuid4().hex[:12]}")
    cur.execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT {columns} FROM {table} "
                "WITH NO DATA")
    with cur.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r + tail)
    cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "
                f"ON CONFLICT ({target}) DO NOTHING" + back)
    made = [tuple(r) for r in cur.fetchall()] if back else cur.rowcount
    cur.execute(f"DROP TABLE {stage}")
    return made


def _keyed(awards) -> list:
    return [(a.enterprise_id, a.policy_id) for a in awards]


def _award_messages(run, pack, keys, texts) -> int:
    """The award messages of ``keys``, written in the caller's transaction (the outbox)."""
    from industrybrain.policies import push

    items = []
    for e, p in keys:
        tier, amount, zh, en = texts[(e, p)]
        items.append((pack.policy(p), {"enterprise_id": e, "tier": tier, "amount_yuan": amount,
                                       "explanation_zh": zh, "explanation_en": en}))
    # The count the insert gives is of the messages written (one already there is
    # skipped): no counting of the year's messages before and after.
    return _raw_insert(Message, push.AWARD_MESSAGE_COLUMNS,
                       push.award_messages(run.year, items), MESSAGE_KEY,
                       fixed={"read_at": None, "emailed": False, "delivered_at": None})


def _json(text):
    return json.loads(text) if text else {}
