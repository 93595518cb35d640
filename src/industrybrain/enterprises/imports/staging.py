"""Short transactions for a big figures import, which still applies whole or not at all.

The slow part of an import (building 100,000 rows in Python) writes them into StagedFigures
in chunks, each chunk its own short transaction, so other writers (an approval, an officer's
edit, a run) get the SQLite write lock between chunks. Nothing a reader sees has changed yet.
Then one short transaction, plain set-based SQL with no Python per row:

1. refuse if any staged value's stored row changed since the check read it (optimistic
   concurrency: the staged ``was_*`` columns hold what the check saw; only the columns the
   file changes are compared and written, so an import of 税收 and an edit of 研发投入 to the
   same rows both stand), or if a row the check found absent now exists;
2. UPDATE the changed columns (COALESCE: a staged null leaves the stored value), INSERT the
   new rows, INSERT one history row each with the user and the reason;
3. mark the ImportBatch applied.

A crash before step 3 commits leaves AnnualFigures untouched; the staged rows of a dead
import are deleted by the next import of the kind (it holds the kind's lock, so they cannot
belong to a live one). On PostgreSQL the final transaction holds row locks on the changed
AnnualFigures rows only for its own short duration; approvals and runs never wait on them.
"""

import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from industrybrain.enterprises.imports.base import Conflict
from industrybrain.enterprises.models import AnnualFigures, StagedFigures

VALUE_COLUMNS = [f.column for f in AnnualFigures._meta.concrete_fields
                 if f.name not in ("id", "enterprise", "year")]
CHUNK_ROWS = 1_000


def _q(name):
    return connection.ops.quote_name(name)


def _distinct():
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


def yield_to_other_writers() -> None:
    """Leave SQLite's write lock free for a moment after a chunk. SQLite has no queue: a
    waiting writer's busy handler retries at most every 100 ms, so without a pause longer
    than that the next chunk would take the lock first and the writer would wait for the
    whole import. PostgreSQL queues lock waiters and needs no pause."""
    if connection.vendor == "sqlite":
        time.sleep(settings.IMPORT_CHUNK_PAUSE_SECONDS)


def stage(objects, after_chunk) -> None:
    """Write StagedFigures in chunks, each in its own (autocommit) transaction."""
    for start in range(0, len(objects), CHUNK_ROWS):
        StagedFigures.objects.bulk_create(objects[start:start + CHUNK_ROWS])
        after_chunk()
        yield_to_other_writers()


def conflicts(batch_id) -> None:
    """Raise Conflict when a staged row no longer matches what the check read."""
    figures, staged = _q(AnnualFigures._meta.db_table), _q(StagedFigures._meta.db_table)
    changed = " OR ".join(
        f"(s.{_q(c)} IS NOT NULL AND f.{_q(c)} {_distinct()} s.{_q('was_' + c)})" for c in VALUE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.row FROM {staged} s LEFT JOIN {figures} f ON f.id = s.target_id "
            f"WHERE s.batch_id = %s AND s.target_id IS NOT NULL AND (f.id IS NULL OR {changed}) "
            f"ORDER BY s.row", [batch_id])
        rows = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            f"SELECT s.row FROM {staged} s JOIN {figures} f "
            f"ON f.enterprise_id = s.enterprise_id AND f.year = s.year "
            f"WHERE s.batch_id = %s AND s.target_id IS NULL ORDER BY s.row", [batch_id])
        created = [r[0] for r in cursor.fetchall()]
    if rows or created:
        raise Conflict(rows, created)


def swap(batch_id, user, reason) -> None:
    """Move the staged rows into AnnualFigures with history. Call inside one transaction."""
    figures, staged = _q(AnnualFigures._meta.db_table), _q(StagedFigures._meta.db_table)
    history = AnnualFigures.history.model
    sets = ", ".join(f"{_q(c)} = COALESCE(s.{_q(c)}, {figures}.{_q(c)})" for c in VALUE_COLUMNS)
    columns = ", ".join(_q(c) for c in VALUE_COLUMNS)
    from_staged = ", ".join(f"s.{_q(c)}" for c in VALUE_COLUMNS)
    history_columns, history_values, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.name == "history_id":
            continue
        history_columns.append(_q(field.column))
        if field.name == "history_date":
            history_values.append("%s")
            params.append(timezone.now())
        elif field.name == "history_change_reason":
            history_values.append("%s")
            params.append(reason[:field.max_length or 100])
        elif field.name == "history_type":
            history_values.append("CASE WHEN s.target_id IS NULL THEN '+' ELSE '~' END")
        elif field.name == "history_user":
            history_values.append("%s")
            params.append(user.pk if user is not None and user.is_authenticated else None)
        else:
            history_values.append(f"f.{_q(field.column)}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {figures} SET {sets} FROM {staged} s "
            f"WHERE {figures}.id = s.target_id AND s.batch_id = %s", [batch_id])
        cursor.execute(
            f"INSERT INTO {figures} (enterprise_id, year, {columns}) "
            f"SELECT s.enterprise_id, s.year, {from_staged} FROM {staged} s "
            f"WHERE s.batch_id = %s AND s.target_id IS NULL", [batch_id])
        cursor.execute(
            f"INSERT INTO {_q(history._meta.db_table)} ({', '.join(history_columns)}) "
            f"SELECT {', '.join(history_values)} FROM {figures} f JOIN {staged} s "
            f"ON f.enterprise_id = s.enterprise_id AND f.year = s.year WHERE s.batch_id = %s",
            params + [batch_id])


def discard(batch_id=None, keep=None) -> None:
    """Delete the staged rows of ``batch_id``, or of every import but ``keep``, in chunks."""
    queryset = StagedFigures.objects.all()
    if batch_id is not None:
        queryset = queryset.filter(batch_id=batch_id)
    if keep is not None:
        queryset = queryset.exclude(batch_id=keep)
    while True:  # chunks: a short transaction each, like the staging
        last = list(queryset.order_by("id").values_list("id", flat=True)[4_999:5_000])
        if not last:
            queryset.delete()
            return
        queryset.filter(id__lte=last[0]).delete()
        yield_to_other_writers()
