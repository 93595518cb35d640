"""The monthly bulletin (月通报) and the quarterly review (季督查) of the major projects, as PDF
(reportlab with the embedded Chinese font, in the style of the targets' monthly report) and
.xlsx: the rates with their definitions, the new projects, the projects most behind and why."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.db.models import Q
from django.utils import timezone

from industrybrain.core.money import format_yuan
from industrybrain.enterprises.models import District
from industrybrain.targets.report import FONT, _styles, cn_date

from . import alerts, rates
from .models import ElementNeed, NeedStatus

MOST_BEHIND = 20


def collect(projects, district, start: dt.date, end: dt.date, kind: str, quarter: int | None = None) -> dict:
    """Everything a bulletin (kind "bulletin") or a review (kind "review") shows."""
    today = timezone.localdate()
    place = district.name_zh if district else "常州市"
    if kind == "bulletin":
        title = f"{place}重大项目推进情况月通报（{end.year}年{end.month}月）"
    else:
        title = f"{place}重大项目季度督查报告（{end.year}年第{quarter}季度）"
    month = end.replace(day=1)
    city = rates.compute(projects, month).get(None) or {m.key: rates.Cell() for m in rates.METRICS}
    names = dict(District.objects.values_list("pk", "name_zh"))
    by_district = sorted(((names.get(k, "—"), v) for k, v in rates.compute(projects, month, "district").items()),
                         key=lambda kv: kv[0])
    new = list(projects.filter(registered_actual__gte=start, registered_actual__lte=end)
               .select_related("district").order_by("registered_actual", "code"))
    asof = min(today, end)  # a past period is reported as it stood at its end
    overdue = {}
    for n in ElementNeed.objects.filter(project__in=projects, due_on__lt=asof).exclude(
            Q(status=NeedStatus.SECURED) & Q(secured_on__lte=asof)).order_by("due_on"):
        overdue.setdefault(n.project_id, []).append(n)
    behind = []
    for p in projects.filter(registered_actual__lte=asof).select_related("district"):
        slip = p.open_slip(asof)
        if slip is None:
            continue
        needs = overdue.get(p.pk, [])
        causes = [p.delay_cause] if p.delay_cause else []
        causes += [f"{n.get_kind_display()}（{n.department}，逾期{(asof - n.due_on).days}天）" for n in needs]
        behind.append({"p": p, "slip": slip, "causes": "；".join(causes) or "未说明原因",
                       "has_cause": bool(causes)})
    behind.sort(key=lambda b: -b["slip"]["days"])
    inspections_overdue = alerts.filter_alert(projects, "inspection", today).count()
    return {
        "title": title, "kind": kind, "district": district, "start": start, "end": end, "today": today,
        "city": city, "by_district": by_district, "new": new, "behind": behind[:MOST_BEHIND],
        "behind_total": len(behind), "inspections_overdue": inspections_overdue,
        "needs_overdue": sum(len(v) for v in overdue.values()),
        "large_new": sum(1 for p in new if p.is_large),
        "under_way": projects.filter(Q(stage__in=alerts.UNDER_WAY)).count(),
    }


def file_name(data: dict, fmt: str) -> str:
    return quote(f"{data['title']}.{fmt}")


def _rate(cell) -> str:
    return "—" if cell.rate is None else f"{cell.rate}%"


def _fraction(key, cell) -> str:
    if key == "investment":
        return f"{cell.num:.2f}/{cell.den:.2f}亿元"
    return f"{int(cell.num)}/{int(cell.den)}个"


def rate_rows(data):
    return [(str(m.label), _rate(data["city"][m.key]), _fraction(m.key, data["city"][m.key]),
             f"分子：{m.numerator}；分母：{m.denominator}；对象：{m.cohort}") for m in rates.METRICS]


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append([data["title"], f"编制日期：{cn_date(data['today'])}",
                  f"统计期：{cn_date(data['start'])}至{cn_date(data['end'])}"])
    sheet.append(["指标", "数值", "分子/分母", "定义"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rate_rows(data):
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["辖市区"] + [str(m.label) for m in rates.METRICS])
    for name, cells in data["by_district"]:
        sheet.append([name] + [_rate(cells[m.key]) for m in rates.METRICS])
    new = book.create_sheet("新入库项目")
    new.append(["项目编号", "项目名称", "辖市区", "入库日期", "计划总投资（亿元）", "超100亿元或10亿美元"])
    for p in data["new"]:
        new.append([p.code, p.name, p.district.name_zh, cn_date(p.registered_actual),
                    float(p.planned_yuan) / 10**8, "是" if p.is_large else "否"])
    behind = book.create_sheet("滞后项目")
    behind.append(["项目编号", "项目名称", "辖市区", "滞后节点", "计划日期", "滞后天数", "原因", "责任人", "挂钩领导"])
    for b in data["behind"]:
        p = b["p"]
        behind.append([p.code, p.name, p.district.name_zh, b["slip"]["label"], cn_date(b["slip"]["planned"]),
                       b["slip"]["days"], b["causes"], p.officer, p.leader])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rates_chart(data):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(460, 110)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 80, 10, 340, 90
    chart.data = [[float(data["city"][m.key].rate or 0) for m in rates.METRICS]]
    chart.categoryAxis.categoryNames = [str(m.label) for m in rates.METRICS]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor = colors.HexColor("#1565c0")
    drawing.add(chart)
    return drawing


def _grid(rows, widths, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = st["small"]
    table = Table([[Paragraph(str(x), cell) for x in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3eaf3")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def to_pdf(data: dict) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=data["title"], author="产业大脑")
    story = [Paragraph(data["title"], st["title"]),
             Paragraph(f"编制日期：{cn_date(data['today'])}　统计期：{cn_date(data['start'])}至{cn_date(data['end'])}"
                       f"　在建项目{data['under_way']}个　滞后项目{data['behind_total']}个"
                       f"　要素保障逾期{data['needs_overdue']}项　巡查逾期项目{data['inspections_overdue']}个",
                       st["base"]),
             Paragraph("一、开工率、竣工率、达产率与投资完成率", st["h2"]), _rates_chart(data),
             _grid([("指标", "数值", "分子/分母", "定义")] + rate_rows(data),
                   [24 * mm, 18 * mm, 36 * mm, 190 * mm], st)]
    story += [Paragraph("二、各辖市区", st["h2"]),
              _grid([["辖市区"] + [str(m.label) for m in rates.METRICS]] +
                    [[name] + [_rate(c[m.key]) for m in rates.METRICS] for name, c in data["by_district"]],
                    [40 * mm] + [40 * mm] * len(rates.METRICS), st)]
    story.append(Paragraph(f"三、新入库项目（{len(data['new'])}个，其中超100亿元或10亿美元项目{data['large_new']}个）", st["h2"]))
    if data["new"]:
        story.append(_grid([("项目编号", "项目名称", "辖市区", "入库日期", "计划总投资")] + [
            (p.code, p.name, p.district.name_zh, cn_date(p.registered_actual), format_yuan(p.planned_yuan, "亿元"))
            for p in data["new"][:60]], [30 * mm, 110 * mm, 30 * mm, 40 * mm, 50 * mm], st))
    else:
        story.append(Paragraph("本期没有新入库项目。", st["base"]))
    story.append(Paragraph("四、进度滞后最多的项目及原因", st["h2"]))
    if data["behind"]:
        story.append(_grid([("项目名称", "辖市区", "滞后节点", "计划日期", "滞后", "原因", "责任人/挂钩领导")] + [
            (b["p"].name, b["p"].district.name_zh, b["slip"]["label"], cn_date(b["slip"]["planned"]),
             f"{b['slip']['days']}天", b["causes"], f"{b['p'].officer}/{b['p'].leader or '—'}")
            for b in data["behind"]], [60 * mm, 20 * mm, 18 * mm, 28 * mm, 16 * mm, 86 * mm, 32 * mm], st))
    else:
        story.append(Paragraph("没有滞后项目。", st["base"]))
    doc.build(story)
    return out.getvalue()
