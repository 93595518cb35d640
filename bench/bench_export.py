"""The figures export of the demo city as a background job, against openpyxl's write-only
baseline measured in the same run.

    .venv/bin/python bench/bench_export.py [--before]

Uses the database in IB_DATA_DIR (default ./var, where `make demo` puts the demo city); when
it holds no figures, the demo city is generated first (`industrybrain demo-data`, 30,000
enterprises, 189,812 rows of yearly figures). Then:

  baseline  the same rows, already in memory as Python lists, appended to a write-only
            openpyxl workbook and saved: the least any .xlsx export of them can cost;
  job       the export as the site runs it (enterprises/exportjobs.py): a job reads the rows
            from the database in chunks (values_list), streams them through core/xlsx.py
            with its progress, and renames the finished file;
  before    (--before) the export as it was before issue 13: model instances with their
            enterprise, Decimal 万元, openpyxl write-only, inside the request.

Prints seconds, rows per second and each ratio to the baseline; asserts nothing about time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("IB_DATA_DIR", str(Path.cwd() / "var"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from industrybrain.core.money import yuan_to_wan  # noqa: E402
from industrybrain.enterprises import exportjobs, exports  # noqa: E402
from industrybrain.enterprises.models import AnnualFigures, Enterprise  # noqa: E402


def baseline(rows, headers, path):
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - started


def before(path):
    """The export as it was: one model instance per row, Decimal 万元 converted per cell."""
    started = time.perf_counter()
    headers, _rows = exports.rows_for("figures", Enterprise.objects.none())
    figures = AnnualFigures.objects.select_related("enterprise").order_by("enterprise_id", "year")
    rows = ([f.enterprise.uscc, f.year, yuan_to_wan(f.revenue), yuan_to_wan(f.industrial_output),
             yuan_to_wan(f.tax), yuan_to_wan(f.local_contribution), yuan_to_wan(f.rd_spending),
             f.employees, f.invention_patents, f.energy_tce,
             yuan_to_wan(f.tech_upgrade_investment), exports._yes(f.above_scale)]
            for f in figures.iterator(chunk_size=5000))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
    book.save(path)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", action="store_true", help="also time the export before issue 13")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not AnnualFigures.objects.exists():
        print("no figures in the database: generating the demo city (a few minutes)")
        call_command("demo_data", verbosity=0)
    n = AnnualFigures.objects.count()
    out = Path(tempfile.mkdtemp(prefix="ib-bench-export-"))

    headers, rows = exports.rows_for("figures", Enterprise.objects.all(), "xlsx")
    in_memory = [[exports._xlsx_cell(v) for v in row] for row in rows]
    base = baseline(in_memory, headers, out / "baseline.xlsx")
    del in_memory

    settings.IB_JOBS = "inline"
    user, _ = get_user_model().objects.get_or_create(username="bench-export", is_superuser=True)
    started = time.perf_counter()
    job = exportjobs.start(user, "figures", "xlsx", "")  # outside a transaction: runs at once
    job.refresh_from_db()
    took = time.perf_counter() - started
    assert job.status == "done" and job.rows_done == n, (job.status, job.error, job.rows_done)
    size = (exportjobs.folder() / job.file_name).stat().st_size

    print(f"figures export of {n:,} rows ({size / 1e6:.1f} MB)")
    print(f"  baseline (openpyxl write-only, rows in memory) {base:6.1f} s  {n / base:9,.0f} rows/s")
    print(f"  job (database -> file, with progress)          {took:6.1f} s  {n / took:9,.0f} rows/s"
          f"  {took / base:.2f}x baseline")
    if args.before:
        old = before(out / "before.xlsx")
        print(f"  before issue 13 (model instances, Decimal)      {old:6.1f} s  {n / old:9,.0f} rows/s"
              f"  {old / base:.2f}x baseline")
    (exportjobs.folder() / job.file_name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
