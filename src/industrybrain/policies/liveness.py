"""Runs that recover by themselves: who runs a run, its heartbeat, the reaper, stop signals.

A claimed run carries its worker (``host:pid:start``) and a lease token. While it runs, a
heartbeat thread stamps ``heartbeat`` every ``IB_RUN_HEARTBEAT_SECONDS``; every write of the
run names its lease, so once a run was failed (heartbeat too old) or cancelled (an officer),
a worker that was only slow cannot write to it again — it stops at its next checkpoint.

``reap`` fails a running run whose heartbeat is older than ``IB_RUN_STALE_BEATS`` intervals
(any host: the heartbeat is the only thing another machine can see), or at once when its
process is gone from this host (the PID is dead, or reused: another start time).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# Set by SIGTERM/SIGINT (see ``stop_on_signals``): the run stops at its next checkpoint.
STOP = threading.Event()
_STOP_SIGNAL = {"name": ""}


class Stopped(Exception):
    """The run must stop: a stop signal, or its lease was taken (failed or cancelled)."""


def interval() -> float:
    return float(getattr(settings, "IB_RUN_HEARTBEAT_SECONDS", 5))


def stale_after() -> float:
    return interval() * float(getattr(settings, "IB_RUN_STALE_BEATS", 3))


def hostname() -> str:
    # A setting, so that a test can play "another host" on this one.
    return getattr(settings, "IB_HOSTNAME", "") or socket.gethostname()


def _start_time(pid: int) -> str:
    """The process's start (clock ticks after boot, /proc/<pid>/stat field 22), "" if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]


def me() -> str:
    return f"{hostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def gone(worker: str) -> bool:
    """True when ``worker`` is surely dead: same host, and its PID is free or belongs to a
    process started at another time. Another host cannot be asked: its heartbeat decides."""
    host, _sep, rest = worker.partition(":")
    pid, _sep, start = rest.partition(":")
    if host != hostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return bool(start) and _start_time(int(pid)) not in ("", start)


def reap(**where) -> int:
    """Fail the running runs (filtered by ``where``) whose process died or went silent; on
    the embedded backends also queued runs that no one will pick up. Returns how many."""
    from industrybrain.core import audit
    from industrybrain.policies.models import Run

    now = timezone.now()
    limit = stale_after()
    n = 0
    for run in Run.objects.filter(status__in=["queued", "running"], **where):
        reason = None
        if run.status == "running":
            silent = (now - (run.heartbeat or run.started_at or now)).total_seconds()
            if silent > limit:
                reason = _("心跳中断：%(s)d 秒无心跳（超过 %(limit)d 秒），进程 %(w)s 视为已停止") % {
                    "s": silent, "limit": limit, "w": run.worker or "—"}
            elif run.worker and gone(run.worker):
                reason = _("进程中断：%(w)s 已退出") % {"w": run.worker}
        elif _embedded() and (now - run.created_at).total_seconds() > max(limit, 60):
            # thread/inline: the process that queued it runs it at once; still queued a
            # minute later means that process died before it started.
            reason = _("排队后无人执行（发起进程已停止）")
        if reason and Run.objects.filter(pk=run.pk, status=run.status, lease=run.lease).update(
                status="failed", error=reason, finished_at=now):
            audit.record(None, "run_failed", run, detail={"reason": reason})
            n += 1
    return n


def _embedded() -> bool:
    return getattr(settings, "IB_JOBS", "thread") in ("thread", "inline")


class Heartbeat:
    """Stamps the run's heartbeat every interval from a thread of its own (the engine stage
    can compute for minutes without a checkpoint), and notices when the lease was taken."""

    def __init__(self, run_id: int, lease: str):
        self.run_id, self.lease = run_id, lease
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"heartbeat-{run_id}")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join(timeout=interval() + 5)

    def _beat(self):
        from industrybrain.policies.models import Run

        try:
            while not self._done.wait(interval()):
                try:
                    alive = Run.objects.filter(pk=self.run_id, status="running",
                                               lease=self.lease).update(heartbeat=timezone.now())
                except Exception as exc:  # a missed beat is not fatal; the reaper is patient
                    log.warning("heartbeat of run %s failed: %s", self.run_id, exc)
                    connection.close()
                    continue
                if not alive:
                    self.lost.set()
                    return
        finally:
            connection.close()

    def check(self) -> None:
        """A checkpoint: raise Stopped when a signal asked to stop or the lease is gone."""
        if STOP.is_set():
            raise Stopped(_("收到停止信号（%(sig)s），测算已停止") % {"sig": _STOP_SIGNAL["name"]})
        if self.lost.is_set():
            raise Stopped(_("测算已被取消或判定中断"))


def stop_on_signals():
    """SIGTERM and Ctrl-C ask the current run to stop at its next checkpoint (it is then
    marked failed) instead of killing the process inside the engine. A second signal exits
    at once; the reaper then fails the run by its heartbeat. Returns a function that puts
    the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, _frame):
        if STOP.is_set():
            os._exit(128 + signum)
        _STOP_SIGNAL["name"] = signal.Signals(signum).name
        STOP.set()

    before = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore():
        for sig, old in before.items():
            signal.signal(sig, old)
    return restore


def backoff(attempt: int, first: float = 1.0, most: float = 30.0) -> float:
    """Seconds to wait before retry ``attempt`` (1, 2, 4 … at most ``most``)."""
    return min(most, first * 2 ** max(0, attempt - 1))


def sleep(seconds: float) -> bool:
    """Sleep unless asked to stop; True when a stop signal arrived."""
    return STOP.wait(seconds) if seconds > 0 else STOP.is_set()

