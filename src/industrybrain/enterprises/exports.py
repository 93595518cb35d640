"""Excel and CSV out, in the same columns the imports read, so an export can be edited and
loaded back. Text that a spreadsheet would run as a formula is neutralised."""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

from industrybrain.core.money import yuan_to_wan
from industrybrain.enterprises.imports.cells import FORMULA_LEADS
from industrybrain.enterprises.models import AnnualFigures, Designation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Prefix a quote to text that starts like a formula (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _yes(value):
    return None if value is None else ("是" if value else "否")


def rows_for(kind, enterprises):
    from industrybrain.enterprises.imports import KINDS

    headers = KINDS[kind].headers()
    if kind == "enterprises":
        rows = (
            [e.uscc, e.name, e.district.name_zh, e.industry_code, e.get_ownership_display(),
             e.founded_on, _yes(e.is_manufacturing), _yes(e.is_listed),
             e.cluster.name_zh if e.cluster else None]
            for e in enterprises.select_related("district", "cluster").order_by("id").iterator()
        )
    elif kind == "figures":
        figures = AnnualFigures.objects.filter(enterprise__in=enterprises).select_related(
            "enterprise").order_by("enterprise_id", "year")
        rows = (
            [f.enterprise.uscc, f.year, yuan_to_wan(f.revenue), yuan_to_wan(f.industrial_output),
             yuan_to_wan(f.tax), yuan_to_wan(f.local_contribution), yuan_to_wan(f.rd_spending),
             f.employees, f.invention_patents, f.energy_tce,
             yuan_to_wan(f.tech_upgrade_investment), _yes(f.above_scale)]
            for f in figures.iterator(chunk_size=5000)
        )
    else:
        designations = Designation.objects.filter(enterprise__in=enterprises).select_related(
            "enterprise", "type").order_by("enterprise_id", "granted_on")
        rows = (
            [d.enterprise.uscc, d.type.name_zh, d.granted_on, d.expires_on, d.product or None]
            for d in designations.iterator(chunk_size=5000)
        )
    return headers, rows


def write_xlsx(stream, headers, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    workbook.save(stream)


def _xlsx_cell(value):
    if value is None:
        return None
    if hasattr(value, "as_tuple"):  # Decimal: Excel holds doubles; 万元 with 4 places is exact enough to show
        return float(value)
    return neutralise(value)


def write_csv(stream, headers, rows):
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])


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
