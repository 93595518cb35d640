"""The job queue for runs (and the large exports of enterprises/exportjobs.py).

The Run row is the job record (status, progress, heartbeat, claim), so no library table
would add anything; what differs is only who picks a queued run up (settings.IB_JOBS):

``thread``   (embedded default) a thread of the web process, no extra server;
``worker``   a separate ``industrybrain worker`` process polling the database;
``redis://…`` the same worker, woken through a Redis list (a real broker, a setting away);
``inline``   at once, in the caller (tests, the CLI).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import close_old_connections, connection

QUEUE = "industrybrain:runs"


def backend() -> str:
    return getattr(settings, "IB_JOBS", "thread")


def enqueue(run_id: int) -> None:
    from industrybrain.policies import runs

    kind = backend()
    if kind == "inline":
        runs.execute(run_id)
    elif kind == "thread":
        threading.Thread(target=_in_thread, args=(run_id,), daemon=True,
                         name=f"run-{run_id}").start()
    elif kind.startswith("redis://"):
        _redis().lpush(QUEUE, run_id)
    # "worker": the worker's poll finds the queued row by itself


def _in_thread(run_id: int) -> None:
    from industrybrain.policies import runs

    try:
        runs.execute(run_id)
    finally:
        connection.close()  # a thread's connection is not closed by the request cycle


def _redis():
    import redis  # optional: pip install 'industrybrain[redis]'

    return redis.Redis.from_url(backend())


def work(once: bool = False, poll: float = 2.0, log=print, max_polls: int | None = None) -> None:
    """The worker loop: on every poll fail dead runs (heartbeat), deliver the outbox, run
    queued runs oldest first; until stopped (SIGTERM/Ctrl-C), drained (``once``) or after
    ``max_polls`` polls. A database error (the server restarting, a lock) never ends the
    loop: it is logged and retried with a growing pause."""
    from industrybrain.policies import liveness

    restore = liveness.stop_on_signals()
    try:
        _loop(once, poll, log, max_polls)
    finally:
        restore()


def _loop(once, poll, log, max_polls):
    from django.db import Error as DatabaseError

    from industrybrain.enterprises import exportjobs
    from industrybrain.policies import liveness, push, runs
    from industrybrain.policies.models import Run

    client = _redis() if backend().startswith("redis://") else None
    log(f"worker {liveness.me()}: polling every {poll:g} s; a run silent for "
        f"{liveness.stale_after():g} s is failed")
    failures = polls = 0
    interrupted = set()  # runs this worker claimed whose execution a database error cut
    while not liveness.STOP.is_set():
        polls += 1
        try:
            close_old_connections()
            for pk in sorted(interrupted):  # back to the queue: a re-run is idempotent
                if Run.objects.filter(pk=pk, status="running", worker=liveness.me()).update(
                        status="queued"):
                    log(f"run #{pk}: cut by a database error; queued again")
                interrupted.discard(pk)
            if n := liveness.reap():
                log(f"{n} run(s) without a live process marked failed")
            try:
                push.deliver()
            except DatabaseError:
                raise
            except Exception as exc:  # a mail server down: the outbox keeps the messages
                log(f"delivery failed ({exc}); kept in the outbox")
            queued = list(Run.objects.filter(status="queued").order_by("pk")
                          .values_list("pk", flat=True))
            for pk in queued:
                if liveness.STOP.is_set():
                    break
                interrupted.add(pk)
                run = runs.execute(pk)
                interrupted.discard(pk)
                if run is not None:
                    log(f"run #{pk}: {run.status} {run.counts} {run.timings}")
            # Large exports of the enterprise data share the queue (enterprises/exportjobs.py).
            exportjobs.reap()
            if not liveness.STOP.is_set():
                exportjobs.run_queued(log)
            failures = 0
        except DatabaseError as exc:
            failures += 1
            wait = liveness.backoff(failures, first=poll)
            log(f"database unavailable ({type(exc).__name__}: {exc}); retry in {wait:.0f} s")
            connection.close()  # a broken connection is not reused
            if max_polls is not None and polls >= max_polls:
                return
            if liveness.sleep(wait):
                break
            continue
        if once or (max_polls is not None and polls >= max_polls):
            return
        if client is not None:
            client.brpop(QUEUE, timeout=max(1, int(poll * 5)))
        elif liveness.sleep(poll):
            break
    log("stopped")
