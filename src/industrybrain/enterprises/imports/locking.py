"""One import of a kind at a time.

The lock is a row per kind (ImportLock) taken by one conditional UPDATE in its own short
transaction, so it works the same on SQLite and PostgreSQL and never holds a database lock
while the import runs: "free, or its holder's heartbeat is stale" -> "mine". The holder
renews the heartbeat after every chunk it writes; a killed import's lock passes to the next
import after IMPORT_LOCK_STALE_SECONDS.
"""

import os
import socket
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.enterprises.models import ImportLock


class ImportBusy(Exception):
    """Another import of the same kind is running; the message says who and since when."""


class LockLost(Exception):
    """This import's lock went stale and passed to another import."""


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "IMPORT_LOCK_STALE_SECONDS", 120))


@contextmanager
def import_lock(kind: str, user=None):
    """Hold the lock for ``kind`` for the duration of the block; yields a heartbeat function."""
    token = uuid.uuid4().hex
    holder = (user.get_username() if user is not None and user.is_authenticated
              else f"{socket.gethostname()}:{os.getpid()}")[:150]
    now = timezone.now()
    try:
        with transaction.atomic():
            ImportLock.objects.get_or_create(kind=kind)
    except IntegrityError:
        pass  # created at the same moment by another import: it exists now
    taken = ImportLock.objects.filter(kind=kind).filter(
        Q(token="") | Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at__isnull=True)
    ).update(token=token, holder=holder, started_at=now, heartbeat_at=now)
    if not taken:
        current = ImportLock.objects.filter(kind=kind).first()
        since = timezone.localtime(current.started_at) if current and current.started_at else None
        raise ImportBusy(_("另一个导入正在进行（%(holder)s，开始于 %(since)s），请稍后再试") % {
            "holder": current.holder if current else "?",
            "since": f"{since:%H:%M:%S}" if since else "?"})

    def heartbeat():
        if not ImportLock.objects.filter(kind=kind, token=token).update(heartbeat_at=timezone.now()):
            raise LockLost(_("导入超时，锁已被另一个导入接管；本次导入未做任何改动"))

    try:
        yield heartbeat
    finally:
        ImportLock.objects.filter(kind=kind, token=token).update(token="", heartbeat_at=None)
