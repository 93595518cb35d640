"""The job queue for runs.

The Run row is the job record (status, progress, heartbeat, claim), so no library table
would add anything; what differs is only who picks a queued run up (settings.IB_JOBS):

``thread``   (embedded default) a thread of the web process, no extra server;
``worker``   a separate ``industrybrain worker`` process polling the database;
``redis://…`` the same worker, woken through a Redis list (a real broker, a setting away);
``inline``   at once, in the caller (tests, the CLI).
"""

from __future__ import annotations

import threading
import time

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


def work(once: bool = False, poll: float = 2.0, log=print) -> None:
    """The worker loop: run queued runs, oldest first, until stopped (or once)."""
    from industrybrain.policies import runs
    from industrybrain.policies.models import Run

    client = _redis() if backend().startswith("redis://") else None
    while True:
        close_old_connections()
        queued = list(Run.objects.filter(status="queued").order_by("pk").values_list("pk", flat=True))
        for pk in queued:
            run = runs.execute(pk)
            if run is not None:
                log(f"run #{pk}: {run.status} {run.counts} {run.timings}")
        if once:
            return
        if client is not None:
            client.brpop(QUEUE, timeout=int(poll * 5))
        else:
            time.sleep(poll)
