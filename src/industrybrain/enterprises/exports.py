"""Excel and CSV out, in the same columns the imports read, so an export can be edited and
loaded back. Text that a spreadsheet would run as a formula is neutralised.

Rows stream from the database in chunks (``values_list``: no model instance per row) into
a streaming .xlsx writer (core/xlsx.py), so memory does not grow with the rows; large exports run as
background jobs (exportjobs.py) that report their progress through ``progress``."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from industrybrain.core import xlsx
from industrybrain.core.money import yuan_to_wan
from industrybrain.enterprises.imports.cells import FORMULA_LEADS
from industrybrain.enterprises.models import AnnualFigures, Designation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {"enterprises": _("企业名录"), "figures": _("年度数据"), "designations": _("认定名单")}


def neutralise(value):
    """Prefix a quote to text that starts like a formula (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _yes(value):
    return None if value is None else ("是" if value else "否")


CHUNK = 5000
FIGURE_MONEY = ("revenue", "industrial_output", "tax", "local_contribution", "rd_spending")


def _wan_float(value):
    # 万元 for Excel, which holds doubles: the nearest double to the exact quotient.
    return None if value is None else value / 10_000


def count_for(kind, enterprises) -> int:
    """How many rows ``rows_for`` yields (one cheap COUNT), for the progress bar."""
    if kind == "enterprises":
        return enterprises.count()
    model = AnnualFigures if kind == "figures" else Designation
    return model.objects.filter(enterprise__in=enterprises).count()


def rows_for(kind, enterprises, fmt="csv"):
    """The import's headers and a generator of rows. For .xlsx, 万元 amounts are floats
    (Excel holds doubles); for .csv the exact Decimal."""
    from industrybrain.enterprises.imports import KINDS

    headers = KINDS[kind].headers()
    if kind == "figures":
        return headers, _figure_rows(enterprises, _wan_float if fmt == "xlsx" else yuan_to_wan)
    if kind == "enterprises":
        rows = (
            [e.uscc, e.name, e.district.name_zh, e.industry_code, e.get_ownership_display(),
             e.founded_on, _yes(e.is_manufacturing), _yes(e.is_listed),
             e.cluster.name_zh if e.cluster else None]
            for e in enterprises.select_related("district", "cluster").order_by("id").iterator()
        )
    else:
        designations = Designation.objects.filter(enterprise__in=enterprises).select_related(
            "enterprise", "type").order_by("enterprise_id", "granted_on")
        rows = (
            [d.enterprise.uscc, d.type.name_zh, d.granted_on, d.expires_on, d.product or None]
            for d in designations.iterator(chunk_size=5000)
        )
    return headers, rows


def _figure_rows(enterprises, wan):
    figures = AnnualFigures.objects.filter(enterprise__in=enterprises).order_by(
        "enterprise_id", "year").values_list(
        "enterprise__uscc", "year", *FIGURE_MONEY, "employees", "invention_patents",
        "energy_tce", "tech_upgrade_investment", "above_scale")
    for (uscc, year, revenue, output, tax, local, rd, employees, patents, energy, upgrade,
         above) in figures.iterator(chunk_size=CHUNK):
        yield [uscc, year, wan(revenue), wan(output), wan(tax), wan(local), wan(rd),
               employees, patents, energy, wan(upgrade), _yes(above)]


def write_xlsx(stream, headers, rows, progress=None):
    """Write a one-sheet workbook row by row (core.xlsx streams it); ``progress(n)`` is
    called every CHUNK rows with the count so far, and once at the end."""
    def cells():
        yield headers
        n = 0
        for row in rows:
            yield [_xlsx_cell(v) for v in row]
            n += 1
            if progress is not None and n % CHUNK == 0:
                progress(n)
        if progress is not None:
            progress(n)

    xlsx.write(stream, cells())


def _xlsx_cell(value):
    if value is None or type(value) in (int, float):
        return value
    if hasattr(value, "as_tuple"):  # Decimal: Excel holds doubles; 万元 with 4 places is exact enough to show
        return float(value)
    return neutralise(value)


def write_csv(stream, headers, rows, progress=None):
    writer = csv.writer(stream)
    writer.writerow(headers)
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        n += 1
        if progress is not None and n % CHUNK == 0:
            progress(n)
    if progress is not None:
        progress(n)


def table_response(name, fmt, headers, rows):
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, headers, rows)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        write_csv(text, headers, rows)
        # UTF-8 with a BOM so that Excel on a Chinese Windows opens it without garbling.
        response = HttpResponse(("\ufeff" + text.getvalue()).encode("utf-8"),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
