"""Data versions: one small durable counter per kind of data.

Whatever is computed from the data and kept (the cockpit's figures) is kept under the
versions of the kinds it reads; a change bumps its kind in the same transaction, so that
once the change is visible, so is the new version, in every process (WSGI workers, the
run worker):

    dataversion.bump(dataversion.ENTERPRISES)          # inside the change's transaction
    key = dataversion.current([ENTERPRISES, TARGETS])  # part of a cache key
    html = dataversion.remember("cockpit", [ENTERPRISES, TARGETS], "city", render)
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from industrybrain.core.models import DataVersion

ENTERPRISES = "enterprises"  # enterprises, annual figures, designations, chain memberships
AWARDS = "awards"  # proposals, decisions, the ledger
TARGETS = "targets"  # targets, indicator values (computed or entered), assessments
KINDS = (ENTERPRISES, AWARDS, TARGETS)


def bump(kind: str) -> None:
    """Mark data of ``kind`` as changed. Call it inside the transaction of the change, so
    that the new version and the change become visible together (or not at all), and
    after the change's own writes: the version's row is then locked last (on PostgreSQL
    until the commit), never before rows another transaction may hold while it bumps."""
    if kind not in KINDS:
        raise ValueError(f"unknown data kind {kind!r}; one of {KINDS}")
    fields = {"version": F("version") + 1, "token": secrets.token_hex(8),
              "changed_at": timezone.now()}
    # A savepoint, so that the rare first insert racing another one cannot break the
    # caller's transaction.
    with transaction.atomic():
        if DataVersion.objects.filter(kind=kind).update(**fields):
            return
        try:
            with transaction.atomic():
                DataVersion.objects.create(kind=kind, version=1, token=fields["token"],
                                           changed_at=fields["changed_at"])
        except IntegrityError:
            DataVersion.objects.filter(kind=kind).update(**fields)


def current(kinds) -> str:
    """The versions of ``kinds`` as one short string, for a cache key: it changes whenever
    any of them is bumped (one query)."""
    kinds = sorted(kinds)
    if not kinds:
        return ""
    # Plain SQL: every kept page asks this on each request, and building the ORM's query
    # cost ten times running it (225 against 19 us, test client on a loaded machine).
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, version, token FROM {table} WHERE kind IN "
                       f"({', '.join(['%s'] * len(kinds))})", kinds)
        found = {kind: (version, token) for kind, version, token in cursor.fetchall()}
    return ",".join(f"{kind}={found[kind][0]}.{found[kind][1]}" if kind in found else f"{kind}=0"
                    for kind in kinds)


# The kind of data each watched model is part of (filled by ``watch``).
_WATCHED: dict[type, str] = {}


def kind_of(model) -> str | None:
    """The kind of data a model's rows are part of, if it is watched."""
    return _WATCHED.get(model)


def watch(kind: str, *models) -> None:
    """Bump ``kind`` whenever one of ``models`` is saved row by row (an edit in the admin):
    bulk writes send no signal and call ``bump`` themselves. Deletes are not watched by a
    signal: a receiver would turn every bulk delete of these models into a bump per row;
    whoever deletes calls ``bump`` (the admin: core.admin.HistoryAdmin, through ``kind_of``)."""
    from django.db.models.signals import post_save

    def changed(sender, **kwargs):
        bump(kind)

    for model in models:
        _WATCHED[model] = kind
        post_save.connect(changed, sender=model, weak=False,
                          dispatch_uid=f"dataversion-{kind}-{model._meta.label}")


# Values kept in this process as they are (no pickling: a page's Python objects), by key.
_here: OrderedDict[str, Any] = OrderedDict()
_here_guard = threading.Lock()
KEPT_HERE = 512


def remember_here(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in this process under ``key`` (the caller's key must hold the
    data versions it depends on: ``current``), the least recently used dropped past
    KEPT_HERE. For values costly to pickle that a page reads on every request (the
    calculator's rows); the value is shared by threads: never mutate it."""
    with _here_guard:
        if key in _here:
            _here.move_to_end(key)
            return _here[key]
    value = compute()
    with _here_guard:
        _here[key] = value
        while len(_here) > KEPT_HERE:
            _here.popitem(last=False)
    return value


_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


def remember(name: str, kinds, scope: str, compute: Callable[[], Any],
             timeout: int = 24 * 3600, per_language: bool = True) -> Any:
    """``compute()``, once per version of ``kinds``, ``scope`` and language (unless the value
    has no words: ``per_language=False``), in each process (Django's cache: per process by
    default, shared if a deployment configures one).

    ``scope`` must name everything the value depends on besides the data and the language
    (a role's city or district). The versions are read before computing, so a value is
    never filed under a version older than the data it was computed from; a change
    committed meanwhile files the next request under the new version. While one thread
    computes a key, the others asking for it wait for that result instead of computing it
    again (a new version under load costs one computation, not one per user)."""
    from django.utils.translation import get_language

    key = f"ib:{name}:{current(kinds)}:{scope}:{get_language() if per_language else '-'}"
    value = cache.get(key)
    if value is not None:
        return value
    with _computing_guard:
        lock = _computing.setdefault(key, threading.Lock())
    try:
        with lock:
            value = cache.get(key)
            if value is None:
                value = compute()
                cache.set(key, value, timeout)
    finally:
        with _computing_guard:
            _computing.pop(key, None)
    return value
