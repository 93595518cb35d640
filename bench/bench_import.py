"""Import throughput and how long an import keeps other writers waiting.

A 100,000-row annual-figures file goes through the full import (every row checked, staged in
chunks, one final transaction with history) against a baseline measured in the same run:
parsing the same CSV and bulk-inserting the same rows in one transaction, no checks, no
history. While the import runs, a second connection writes every 50 ms (an officer's save:
one UPDATE, its own transaction, as an approval is) and records how long each write waited.
On SQLite that wait is the longest write-lock hold of the import as another writer sees it.
Then the bomb files of the tests are refused, each timed.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--xlsx] [--json]

Prints rows per second, ratios to the baseline, the longest write wait during the import and
during the baseline's single transaction; asserts nothing about time. ``--json`` prints one
JSON object instead (tests/test_import_under_load.py reads it).
"""

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import threading
import time

os.environ.setdefault("IB_DATA_DIR", tempfile.mkdtemp(prefix="ib-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from stdnum.cn import uscc as uscc_std  # noqa: E402

from industrybrain.enterprises.imports import import_bytes, staging  # noqa: E402
from industrybrain.enterprises.models import AnnualFigures, District, Enterprise  # noqa: E402

YEARS = 5


def make_enterprises(n):
    district = District.objects.get(code="wujin")
    objs = []
    for i in range(n):
        body = f"91320412MA{i:07d}"
        objs.append(Enterprise(
            uscc=body + uscc_std.calc_check_digit(body), name=f"基准测试{i}有限公司（合成）",
            district=district, industry_code="C3484", ownership="private", is_synthetic=True,
        ))
    Enterprise.objects.bulk_create(objs, batch_size=5000)
    return list(Enterprise.objects.values_list("pk", "uscc"))


def figures_csv(enterprises, first_year):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "年份", "营业收入（万元）", "工业总产值（万元）", "税收（万元）",
                     "地方贡献（万元）", "从业人员（人）", "是否规上"])
    for k, (_, uscc) in enumerate(enterprises):
        for y in range(YEARS):
            revenue = 1000 + (k * 37 % 5000) * (1 + y / 10)
            writer.writerow([uscc, first_year + y, f"{revenue:.2f}", f"{revenue * 0.9:.2f}",
                             f"{revenue * 0.04:.2f}", f"{revenue * 0.015:.2f}", 50 + k % 300, "是"])
    return out.getvalue().encode("utf-8-sig")


def baseline(data, ids):
    """The floor: read the CSV and insert the rows, nothing checked, nothing recorded."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    with transaction.atomic():
        AnnualFigures.objects.bulk_create([
            AnnualFigures(enterprise_id=ids[r[0]], year=int(r[1]) + 100,
                          revenue=int(float(r[2]) * 10000), industrial_output=int(float(r[3]) * 10000),
                          tax=int(float(r[4]) * 10000), local_contribution=int(float(r[5]) * 10000),
                          employees=int(r[6]), above_scale=True)
            for r in rows
        ], batch_size=2000)
    return len(rows)


class Prober(threading.Thread):
    """Another writer: every 50 ms one short write on its own connection, timed."""

    def __init__(self, enterprise_id, busy_timeout):
        super().__init__(daemon=True)
        self.enterprise_id, self.busy_timeout = enterprise_id, busy_timeout
        self.writes, self.errors = [], []  # (started, seconds waited)
        self.stopping = threading.Event()

    def run(self):
        try:
            with connections["default"].cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                else:
                    cursor.execute(f"SET lock_timeout = '{int(self.busy_timeout * 1000)}ms'")
            while not self.stopping.is_set():
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        Enterprise.objects.filter(pk=self.enterprise_id).update(is_listed=False)
                    self.writes.append((started, time.perf_counter() - started))
                except Exception as exc:  # the measurement: a locked database is a result
                    self.errors.append(f"{exc.__class__.__name__}: {exc}")
                self.stopping.wait(0.05)
        finally:
            connections["default"].close()

    def during(self, start, end):
        return [w for s, w in self.writes if start <= s <= end]


def measured(work, prober):
    start = time.perf_counter()
    result = work()
    end = time.perf_counter()
    waits = prober.during(start, end)
    return result, end - start, waits


def time_final_transaction(timings):
    """Wrap the import's final transaction (conflict check + swap) to time it from inside."""
    real_conflicts, real_swap = staging.conflicts, staging.swap

    def conflicts(*args):
        timings.append(time.perf_counter())
        return real_conflicts(*args)

    def swap(*args):
        real_swap(*args)
        timings[-1] = time.perf_counter() - timings[-1]

    staging.conflicts, staging.swap = conflicts, swap


def bombs():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src", "industrybrain",
                                    "enterprises", "tests"))
    from test_import_bombs import BOMBS, with_parts, workbook_bytes

    from industrybrain.enterprises.imports.reader import FileError, read_table

    base, out = workbook_bytes(), {}
    for name, (part, write, _reason) in BOMBS.items():
        data = with_parts(base, {part: write()})
        start = time.perf_counter()
        try:
            read_table("bomb.xlsx", data)
        except FileError:
            out[name] = time.perf_counter() - start
    return out


def import_only(data, args, prober, out):
    """The import with another writer beside it, as JSON: when each write committed, relative
    to the import's start and end, and what failed."""
    final = []
    time_final_transaction(final)
    start = time.perf_counter()
    report = import_bytes("figures", "bench.csv", data)
    end = time.perf_counter()
    prober.stopping.set()
    prober.join()
    out.update({
        "applied": report.applied, "created": report.created, "import_seconds": end - start,
        "writes_committed_during_import": sum(1 for s, w in prober.writes if start <= s and s + w < end),
        "import_longest_wait": max(prober.during(start, end), default=None),
        "final_transaction_seconds": final, "other_writer_errors": prober.errors,
    })
    print(json.dumps(out))
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time the same rows as .xlsx")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--busy-timeout", type=float, default=30.0,
                        help="how long the other writer waits for a lock before it fails (s)")
    parser.add_argument("--import-only", action="store_true",
                        help="one import with the other writer, no baseline (for the test)")
    args = parser.parse_args()
    call_command("setup", verbosity=0)
    enterprises = make_enterprises(args.rows // YEARS)
    ids = {uscc: pk for pk, uscc in enterprises}
    data = figures_csv(enterprises, 2016)
    prober = Prober(enterprises[0][0], args.busy_timeout)
    prober.start()
    out = {"database": connection.vendor, "rows": args.rows}
    if args.import_only:
        return import_only(data, args, prober, out)

    n, base, base_waits = measured(lambda: baseline(data, ids), prober)
    final = []
    time_final_transaction(final)
    report, full, waits = measured(lambda: import_bytes("figures", "bench.csv", data), prober)
    assert report.applied and report.created == args.rows, report.summary()
    again, rerun, _ = measured(lambda: import_bytes("figures", "bench.csv", data), prober)
    assert again.applied and again.unchanged == args.rows
    changed = data.replace(b",\xe6\x98\xaf\r\n", b",\xe5\x90\xa6\r\n")  # 是规上 -> 否: all updated
    update, updating, update_waits = measured(
        lambda: import_bytes("figures", "bench.csv", changed), prober)
    assert update.applied and update.updated == args.rows, update.summary()
    prober.stopping.set()
    prober.join()
    out.update({
        "baseline_seconds": base, "import_seconds": full, "rerun_seconds": rerun,
        "update_seconds": updating,
        "baseline_longest_wait": max(base_waits, default=None),
        "import_longest_wait": max(waits, default=None), "import_writes_during": len(waits),
        "update_longest_wait": max(update_waits, default=None),
        "update_writes_during": len(update_waits),
        "final_transaction_seconds": final, "other_writer_errors": prober.errors,
    })
    if args.json:
        print(json.dumps(out))
        return 0

    def wait(w):
        return "—" if w is None else f"{w:.2f} s"

    print(f"database: {connection.vendor}; file: {args.rows:,} rows, {len(data) / 2**20:.1f} MB CSV")
    print(f"baseline (parse + bulk insert, one transaction, no checks, no history): "
          f"{n / base:10,.0f} rows/s  {base:6.2f} s; another writer waited up to {wait(out['baseline_longest_wait'])}")
    print(f"import, CSV, new rows (checks + staged chunks + final swap + history): "
          f"{n / full:10,.0f} rows/s  {full:6.2f} s  ratio to baseline {full / base:.2f}x")
    print(f"re-import of the same file (all unchanged):                          "
          f"{n / rerun:10,.0f} rows/s  {rerun:6.2f} s  ratio to baseline {rerun / base:.2f}x")
    print(f"import, CSV, every row updated:                                      "
          f"{n / updating:10,.0f} rows/s  {updating:6.2f} s  ratio to baseline {updating / base:.2f}x")
    print(f"final transactions (conflict check + swap), s: {', '.join(f'{t:.2f}' for t in final)}")
    print(f"another writer during the imports: {len(waits) + len(update_waits)} writes, longest wait "
          f"{wait(out['import_longest_wait'])} (new rows), {wait(out['update_longest_wait'])} (updates); "
          f"errors: {prober.errors or 'none'}")

    if args.xlsx:
        from industrybrain.enterprises.exports import write_xlsx

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        buffer = io.BytesIO()
        write_xlsx(buffer, rows[0], ([r[0], int(r[1]) - 10, *r[2:]] for r in rows[1:]))
        start = time.perf_counter()
        report = import_bytes("figures", "bench.xlsx", buffer.getvalue())
        took = time.perf_counter() - start
        assert report.applied, report.summary()
        print(f"import, XLSX (checks + staged chunks + final swap + history):        "
              f"{n / took:10,.0f} rows/s  {took:6.2f} s  ratio to baseline {took / base:.2f}x")
    for name, seconds in bombs().items():
        print(f"bomb refused: {name:40s} {seconds:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
