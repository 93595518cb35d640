"""A full policy run for a city: snapshot -> engine -> stored proposals, with the split.

    .venv/bin/python bench/bench_batch.py [--enterprises 300000] [--keep DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_bench .venv/bin/python bench/bench_batch.py

The city is the calibrated synthetic one (industrybrain.synth), loaded once into a fresh
database (SQLite in a temporary IB_DATA_DIR, or the empty PostgreSQL database named by
DATABASE_URL). Baselines measured in the same run: reading the same rows with a bare
DB-API cursor (the floor for the snapshot) and inserting the same number of award rows
with a bare executemany (the floor for storing). Prints figures and ratios; asserts nothing.
"""

import argparse
import os
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--enterprises", type=int, default=300_000)
parser.add_argument("--seed", type=int, default=2022)
parser.add_argument("--year", type=int, default=2022)
parser.add_argument("--keep", help="IB_DATA_DIR to reuse (SQLite): the city is loaded once")
args = parser.parse_args()

os.environ.setdefault("IB_DATA_DIR", args.keep or tempfile.mkdtemp(prefix="ib-bench-batch-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from industrybrain.demo import loader as demo  # noqa: E402
from industrybrain.policies import runs  # noqa: E402
from industrybrain.policies.models import Award  # noqa: E402


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


def baseline_read():
    t = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("enterprises_enterprise", "enterprises_annualfigures",
                      "enterprises_designation", "industry_chainmembership"):
            cur.execute(f"SELECT * FROM {table}")
            while cur.fetchmany(20_000):
                pass
    return time.perf_counter() - t


def baseline_insert(n):
    rows = [(i, "bench", 2022, f"t{i}", 1000 + i) for i in range(n)]
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE bench_awards (e bigint, p varchar(64), y int, "
                    "t varchar(64), a bigint, UNIQUE (e, p, y, t))")
        cur.executemany("INSERT INTO bench_awards VALUES (%s, %s, %s, %s, %s)", rows)
        cur.execute("DROP TABLE bench_awards")
    return time.perf_counter() - t


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
    read = baseline_read()
    first, total = one_run("first run (stores every proposal)")
    again, total2 = one_run("re-run (same data: nothing to write)")
    n = first.counts["created"]
    insert = baseline_insert(max(n, 1))
    say(f"baseline: bare cursor read of the four tables {read:.1f} s; bare executemany of "
        f"{n:,} rows {insert:.2f} s")
    say(f"ratios: snapshot / bare read = {first.timings['snapshot'] / read:.2f}; "
        f"store / bare insert = {first.timings['store'] / insert:.2f}; "
        f"engine share of the run = {first.timings['engine'] / total:.0%}; "
        f"re-run / first run = {total2 / total:.2f}")


main()
