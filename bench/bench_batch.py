"""A full policy run for a city: snapshot -> engine -> stored proposals, with the split.

    .venv/bin/python bench/bench_batch.py [--enterprises 300000] [--keep DIR]
    .venv/bin/python bench/bench_batch.py --database-url postgres://postgres@127.0.0.1:5432/ib_bench

The city is the calibrated synthetic one (industrybrain.synth), loaded once into a fresh
database (SQLite in a temporary IB_DATA_DIR, or the PostgreSQL database named by
--database-url / DATABASE_URL; a database already holding the city is reused). Baselines
measured in the same run:

- bare read: the snapshot's own statements (snapshot.statements) read with a bare DB-API
  cursor, rows fetched and dropped (SQLite), or ``COPY (statement) TO STDOUT`` into memory
  (PostgreSQL): the floor for the snapshot, which must also make Arrow tables of them;
- bare insert: the rows the first run stored, inserted again into a scratch table made as
  the award table is (its columns, indexes, one-award key and foreign keys; journaled; the
  insert committed, so the deferred foreign-key checks run), by executemany (SQLite) or COPY
  (PostgreSQL): the floor for storing, which also re-checks, writes the award messages (the
  outbox) and bumps the data version in each chunk's transaction. Printed beside it, the
  lower floor earlier versions used: a temporary table without foreign keys (on PostgreSQL
  also without a journal).

Bare read and snapshot alternate ``--repeat`` times (medians). Prints figures and ratios;
asserts nothing.
"""

import argparse
import json
import os
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--enterprises", type=int, default=300_000)
parser.add_argument("--seed", type=int, default=2022)
parser.add_argument("--year", type=int, default=2022)
parser.add_argument("--keep", help="IB_DATA_DIR to reuse (SQLite): the city is loaded once")
parser.add_argument("--database-url", help="PostgreSQL (default: SQLite, or DATABASE_URL)")
parser.add_argument("--repeat", type=int, default=3, help="bare read / snapshot pairs")
parser.add_argument("--json", help="also write the figures to this file (bench/goals.py reads it)")
args = parser.parse_args()
if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url

os.environ.setdefault("IB_DATA_DIR", args.keep or tempfile.mkdtemp(prefix="ib-bench-batch-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from industrybrain.demo import loader as demo  # noqa: E402
from industrybrain.policies import runs, snapshot  # noqa: E402
from industrybrain.policies.models import Award, Message  # noqa: E402


def say(*a):
    print(*a, flush=True)


def load():
    call_command("setup", verbosity=0)
    if demo.synthetic_count() >= args.enterprises:
        say(f"city already loaded: {demo.synthetic_count():,} enterprises")
        return
    from industrybrain.synth import generate_city

    t = time.perf_counter()
    city = generate_city(n_enterprises=args.enterprises, seed=args.seed)
    counts = demo.load_city(city, progress=lambda *_: None)
    say(f"city generated and loaded in {time.perf_counter() - t:.1f} s: {counts}")


def bare_read():
    """The snapshot's statements, read and dropped: no conversion at all."""
    t = time.perf_counter()
    for sql, params, _names, _types in snapshot.statements(up_to_year=args.year).values():
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                size = 0
                with cur.copy(snapshot.copy_sql(sql), params or None) as copy:
                    for block in copy:
                        size += len(block)
            else:
                cur.execute(sql, params)
                while cur.fetchmany(snapshot.CHUNK):
                    pass
    return time.perf_counter() - t


def timed_snapshot():
    t = time.perf_counter()
    snapshot.take(up_to_year=args.year)
    return time.perf_counter() - t


def bare_insert(run):
    """The awards ``run`` created, inserted again into a scratch table: one executemany
    (SQLite) or one COPY (PostgreSQL). Two floors: (1) a temporary table of their columns and
    indexes (no foreign keys, no journal on PostgreSQL): the lowest; (2) a table made as the
    award table is made -- its columns, indexes, unique key and foreign keys, journaled, the
    insert committed so that the deferred foreign-key checks run, as a run's chunks commit.
    Storing is judged against (2): the same rows into a table of the same shape."""
    fields = [f for f in Award._meta.concrete_fields if not f.primary_key]
    q = connection.ops.quote_name
    cols = ", ".join(q(f.column) for f in fields)
    table = q(Award._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {table} WHERE run_id = %s",
                    [run.pk])
        rows = cur.fetchall()
    return _insert(rows, cols, table, real=False), _insert(rows, cols, table, real=True), \
        len(rows)


def _insert(rows, cols, table, real: bool) -> float:
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_awards")
        if connection.vendor == "postgresql":
            kind = "" if real else "TEMPORARY "
            cur.execute(f"CREATE {kind}TABLE bench_awards (LIKE {table} INCLUDING ALL)")
            if real:  # LIKE copies no foreign key: the award table's own, as defined
                cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = %s::regclass AND contype = 'f'",
                            [Award._meta.db_table])
                for (definition,) in cur.fetchall():
                    cur.execute(f"ALTER TABLE bench_awards ADD {definition}")
        elif real:  # the award table's own statement: columns, key, foreign keys
            cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s",
                        [Award._meta.db_table])
            cur.execute(cur.fetchone()[0].replace(table, "bench_awards", 1))
        else:
            cur.execute(f"CREATE TEMPORARY TABLE bench_awards AS SELECT {cols} FROM {table} "
                        "WHERE 1 = 0")
        if connection.vendor == "sqlite":
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        "AND tbl_name = %s AND sql IS NOT NULL", [Award._meta.db_table])
            for name, sql in cur.fetchall():
                cur.execute(sql.replace(q(name), q(f"bench_{name}"))
                            .replace(table, "bench_awards"))
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.copy(f"COPY bench_awards ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO bench_awards ({cols}) VALUES "
                            f"({', '.join(['%s'] * len(rows[0]))})", rows)
    took = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_awards")
    return took


def median(xs):
    return sorted(xs)[len(xs) // 2]


def one_run(label):
    t = time.perf_counter()
    run = runs.start(args.year)
    run = runs.execute(run.pk)
    total = time.perf_counter() - t
    if run.status != "done":
        sys.exit(run.error)
    tm = run.timings
    say(f"{label}: {total:.1f} s end to end | snapshot {tm['snapshot']:.1f} s, engine "
        f"{tm['engine']:.1f} s, store {tm['store']:.1f} s, push {tm['push']:.1f} s | "
        f"created {run.counts['created']:,}, updated {run.counts['updated']:,}, "
        f"unchanged {run.counts['unchanged']:,}, messages {run.counts['messages']:,}")
    return run, total


def main():
    engine = connection.vendor
    say(f"database: {engine}; enterprises: {args.enterprises:,}")
    load()
    Award.objects.filter(year=args.year).delete()
    Message.objects.filter(year=args.year).delete()
    reads, snaps = [], []
    for _ in range(args.repeat):
        reads.append(bare_read())
        snaps.append(timed_snapshot())
    read, snap = median(reads), median(snaps)
    first, total = one_run("first run (stores every proposal)")
    again, total2 = one_run("re-run (same data: nothing to write)")
    lowest, insert, n = bare_insert(first)
    tm = first.timings
    say(f"(a) bare read of the snapshot's statements: {read:.2f} s "
        f"(runs: {', '.join(f'{x:.2f}' for x in reads)})")
    say(f"(b) snapshot: {snap:.2f} s (runs: {', '.join(f'{x:.2f}' for x in snaps)}); "
        f"in the first run {tm['snapshot']:.2f} s, in the re-run {again.timings['snapshot']:.2f} s; "
        f"snapshot / bare read = {snap / read:.2f}")
    say(f"(c) engine: {tm['engine']:.2f} s (re-run {again.timings['engine']:.2f} s)")
    say(f"(d) store: {tm['store']:.2f} s for {first.counts['created']:,} awards "
        f"({first.counts['messages']:,} messages); bare insert of the {n:,} rows into a "
        f"table of the award table's shape (keys, foreign keys, committed) {insert:.2f} s; "
        f"store / bare insert = {tm['store'] / insert:.2f} (into a temporary table without "
        f"foreign keys {lowest:.2f} s: {tm['store'] / lowest:.2f})")
    say(f"(e) total: first run {total:.2f} s (push {tm['push']:.2f} s), "
        f"re-run {total2:.2f} s; re-run / first run = {total2 / total:.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"database": engine, "enterprises": args.enterprises, "total": total,
                       "rerun": total2, "bare_read": read, "snapshot": snap,
                       "bare_insert": insert, "bare_insert_temporary": lowest, "store": tm["store"], "engine": tm["engine"],
                       "push": tm["push"], "snapshot_in_run": tm["snapshot"],
                       "created": first.counts["created"]}, f)


main()
