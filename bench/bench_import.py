"""Import throughput: a 100,000-row annual-figures file through the full import (every row
checked, one transaction, history written), against a baseline measured in the same run:
parsing the same CSV and bulk-inserting the same rows with no checks and no history.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--xlsx]

Prints rows per second and the ratio to the baseline; asserts nothing about time.
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time

os.environ.setdefault("IB_DATA_DIR", tempfile.mkdtemp(prefix="ib-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from stdnum.cn import uscc as uscc_std  # noqa: E402

from industrybrain.enterprises.imports import import_bytes  # noqa: E402
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time the same rows as .xlsx")
    args = parser.parse_args()
    call_command("setup", verbosity=0)
    enterprises = make_enterprises(args.rows // YEARS)
    ids = {uscc: pk for pk, uscc in enterprises}
    data = figures_csv(enterprises, 2016)
    print(f"database: {connection.vendor}; file: {args.rows:,} rows, {len(data) / 2**20:.1f} MB CSV")

    start = time.perf_counter()
    n = baseline(data, ids)
    base = time.perf_counter() - start
    print(f"baseline (parse + bulk insert, no checks, no history): {n / base:10,.0f} rows/s  {base:6.2f} s")

    start = time.perf_counter()
    report = import_bytes("figures", "bench.csv", data)
    full = time.perf_counter() - start
    assert report.applied and report.created == args.rows, report.summary()
    print(f"import, CSV  (checks + transaction + history):      {n / full:10,.0f} rows/s  {full:6.2f} s"
          f"  ratio to baseline {full / base:.2f}x")

    start = time.perf_counter()
    again = import_bytes("figures", "bench.csv", data)
    rerun = time.perf_counter() - start
    assert again.applied and again.unchanged == args.rows
    print(f"re-import of the same file (all unchanged):         {n / rerun:10,.0f} rows/s  {rerun:6.2f} s"
          f"  ratio to baseline {rerun / base:.2f}x")

    if args.xlsx:
        from industrybrain.enterprises.exports import write_xlsx

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        buffer = io.BytesIO()
        write_xlsx(buffer, rows[0], ([r[0], int(r[1]) - 10, *r[2:]] for r in rows[1:]))
        start = time.perf_counter()
        report = import_bytes("figures", "bench.xlsx", buffer.getvalue())
        took = time.perf_counter() - start
        assert report.applied, report.summary()
        print(f"import, XLSX (checks + transaction + history):      {n / took:10,.0f} rows/s  {took:6.2f} s"
              f"  ratio to baseline {took / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
