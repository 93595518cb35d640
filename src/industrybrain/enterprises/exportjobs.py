"""Large exports as background jobs, on the same queue as the policy runs (policies/jobs.py).

An export of more than ``IB_EXPORT_BACKGROUND_ROWS`` rows (the figures of the demo city are
189,812) is not built inside the request: ``start`` records an ExportJob and hands it to
whoever runs jobs (settings.IB_JOBS): a thread of the web process (the embedded default),
the ``industrybrain worker`` process (which polls queued exports after queued runs), or at
once (``inline``: tests, the CLI). The job streams rows into a file under
DATA_DIR/exports, writing its progress every few thousand rows; the page of the job shows
the progress and, when done, the download link. Only the user who asked sees the job.

A job's progress writes are its heartbeat: ``reap`` fails a running job silent for longer
than ``IB_EXPORT_STALE_SECONDS`` (its process died), and a queued one that the embedded
runner never started. Files are kept ``IB_EXPORT_KEEP_DAYS`` days.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core.scope import scope_enterprises
from industrybrain.enterprises import exports
from industrybrain.enterprises.filters import filter_enterprises
from industrybrain.enterprises.models import Enterprise, ExportJob

log = logging.getLogger(__name__)


def background_rows() -> int:
    return int(getattr(settings, "IB_EXPORT_BACKGROUND_ROWS", 20_000))


def stale_after() -> float:
    return float(getattr(settings, "IB_EXPORT_STALE_SECONDS", 120))


def keep_days() -> int:
    return int(getattr(settings, "IB_EXPORT_KEEP_DAYS", 7))


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def enterprises_for(user, params: str):
    """The enterprises the job's user may see, filtered as the list was when it asked."""
    return filter_enterprises(scope_enterprises(user, Enterprise.objects.all()),
                              QueryDict(params))


def start(user, kind: str, fmt: str, params: str) -> ExportJob:
    job = ExportJob.objects.create(kind=kind, fmt=fmt, params=params, created_by=user)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(pk: int) -> None:
    backend = getattr(settings, "IB_JOBS", "thread")
    if backend == "inline":
        execute(pk)
    elif backend == "thread":
        threading.Thread(target=_in_thread, args=(pk,), daemon=True, name=f"export-{pk}").start()
    # "worker" and "redis://…": the worker's poll finds the queued job (policies/jobs.py)


def _in_thread(pk: int) -> None:
    try:
        execute(pk)
    finally:
        connection.close()  # a thread's connection is not closed by the request cycle


def execute(pk: int) -> ExportJob | None:
    """Claim the queued job and write its file; None when another process claimed it."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=pk, status="queued").update(
            status="running", started_at=now, heartbeat=now):
        return None
    job = ExportJob.objects.select_related("created_by").get(pk=pk)
    name = f"{job.kind}-{job.pk}-{secrets.token_hex(8)}.{job.fmt}"
    part = folder() / (name + ".part")
    try:
        enterprises = enterprises_for(job.created_by, job.params)
        total = exports.count_for(job.kind, enterprises)
        ExportJob.objects.filter(pk=pk).update(rows_total=total)

        def progress(n):
            ExportJob.objects.filter(pk=pk, status="running").update(
                rows_done=n, heartbeat=timezone.now())

        headers, rows = exports.rows_for(job.kind, enterprises, job.fmt)
        if job.fmt == "xlsx":
            with open(part, "wb") as handle:
                exports.write_xlsx(handle, headers, rows, progress)
        else:
            with open(part, "w", encoding="utf-8-sig", newline="") as handle:
                exports.write_csv(handle, headers, rows, progress)
        part.rename(folder() / name)
        ExportJob.objects.filter(pk=pk, status="running").update(
            status="done", file_name=name, finished_at=timezone.now())
    except Exception as exc:
        log.exception("export job %s failed", pk)
        part.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=pk).update(
            status="failed", finished_at=timezone.now(),
            error=_("导出失败：%(reason)s") % {"reason": type(exc).__name__})
    return ExportJob.objects.get(pk=pk)


def reap() -> int:
    """Fail running jobs whose progress stopped, and queued ones the embedded runner never
    started (the process that queued them died); delete files past their keeping time.
    Called by the export page and the worker's poll: the worker closes stale connections
    itself, and a page must not (inside a transaction that would close it under the request;
    PostgreSQL then answers "the connection is closed")."""
    now = timezone.now()
    silent = now - timedelta(seconds=stale_after())
    n = ExportJob.objects.filter(status="running", heartbeat__lt=silent).update(
        status="failed", finished_at=now, error=_("导出中断：进程已停止，请重新导出"))
    if getattr(settings, "IB_JOBS", "thread") in ("thread", "inline"):
        n += ExportJob.objects.filter(status="queued", created_at__lt=silent).update(
            status="failed", finished_at=now, error=_("排队后无人执行，请重新导出"))
    keep = timedelta(days=keep_days())
    for job in ExportJob.objects.filter(finished_at__lt=now - keep).exclude(file_name=""):
        (folder() / job.file_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_name="")
    return n


def run_queued(log_line=print) -> int:
    """The worker's share: execute every queued export, oldest first. Returns how many."""
    done = 0
    for pk in ExportJob.objects.filter(status="queued").order_by("pk").values_list(
            "pk", flat=True):
        job = execute(pk)
        if job is not None:
            done += 1
            log_line(f"export #{pk}: {job.status} {job.rows_done} rows")
    return done
