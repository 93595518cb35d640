"""The monthly report (月度报告) of the targets: PDF with an embedded Chinese font and charts,
and .xlsx. The city's report, or one district's (a district officer gets only the own)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import quote

from django.utils import timezone

from industrybrain.core import localize

from .digest import digest
from .models import Kind, Status
from .templatetags.targets_tags import format_measure

# Debian's WenQuanYi Micro Hei (fonts-wqy-microhei) first, then Noto CJK; IB_CJK_FONT wins.
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
FONT = "IBChinese"
STATUS_COLOURS = {"achieved": "#2e7d32", "on_track": "#1565c0", "at_risk": "#ef6c00",
                  "off_track": "#c62828", "no_data": "#9e9e9e"}


class FontMissing(RuntimeError):
    pass


def chinese_font() -> str:
    """The path of a font with Chinese glyphs that reportlab can embed."""
    for path in [os.environ.get("IB_CJK_FONT", "")] + FONT_CANDIDATES:
        if path and Path(path).is_file():
            return path
    raise FontMissing("找不到中文字体：请安装 fonts-wqy-microhei（apt-get install fonts-wqy-microhei），"
                      "或设置 IB_CJK_FONT 指向一个 .ttf/.ttc 文件")


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def collect(district=None) -> dict:
    """Everything the report shows, for the city (district None) or one district."""
    data = digest(district)
    today = timezone.localdate()
    title = f"{district.name_zh if district else '常州市'}产业发展目标监测月度报告"
    rows = []
    for a in data["rows"]:
        t = a.target
        status = (t.officer_status or Status.NO_DATA) if t.kind == Kind.QUALITATIVE else a.status
        rows.append({
            "code": t.code, "section": t.section, "name": t.name_zh, "kind": t.get_kind_display(),
            "goal": f"{t.get_comparator_display()} {t.as_written}" if t.as_written else "—",
            "deadline": t.deadline or t.baseline_year or "", "year": a.year or "",
            "value": format_measure(a.value, t.measure_unit),
            "goal_value": format_measure(a.goal, t.measure_unit),
            "progress": "" if a.share is None else f"{a.share:.1f}%",  # 完成度, as on the pages
            "forecast": format_measure(a.forecast, t.measure_unit),
            "status": status, "status_label": str(Status(status).label),
            "indicator": "系统计算" if t.is_computed else "人工录入",
            "source": "；".join(f"{localize.source_label(c['seed'])}：{c['quote']}" for c in t.citations),
            "conflict": "、".join(t.conflicts_with),
        })
    return {**data, "title": title, "district": district, "today": today, "table": rows,
            "clusters": [r for r in rows if r["code"].startswith("cluster_") and r["code"].endswith("_scale_2025")],
            "scale": data["run"].scale if data["run"] else 1.0}


def file_name(data: dict, fmt: str) -> str:
    return quote(f"{data['title']}_{data['today']:%Y%m}.{fmt}")


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "目标"
    sheet.append([data["title"], f"编制日期：{cn_date(data['today'])}"])
    headers = ["编号", "类别", "目标", "类型", "目标写法", "年份", "数据年份", "当前值", "目标值（比较用）",
               "完成度", "预测", "状态", "取数方式", "冲突条目", "出处"]
    keys = ["code", "section", "name", "kind", "goal", "deadline", "year", "value", "goal_value",
            "progress", "forecast", "status_label", "indicator", "conflict", "source"]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in data["table"]:
        sheet.append([row[k] for k in keys])
    changes = book.create_sheet("本月变化")
    changes.append(["目标", "上期状态", "本期状态", "上期数值", "本期数值"])
    for c in data["changes"]:
        unit = c["target"].measure_unit
        changes.append([c["target"].name_zh, c["before"].get_status_display(), c["now"].get_status_display(),
                        format_measure(c["before"].value, unit), format_measure(c["now"].value, unit)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        # A TTF font is embedded (subset) in the PDF, so any reader shows the Chinese.
        pdfmetrics.registerFont(TTFont(FONT, chinese_font(), subfontIndex=0))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {"base": base,
            "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=6),
            "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
            "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10)}


def _status_chart(counts):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(460, 120)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, 360, 100
    chart.data = [[n for _, _, n in counts]]
    chart.categoryAxis.categoryNames = [label for _, label, _ in counts]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin = 0
    chart.bars.strokeColor = None
    for i, (status, _, _) in enumerate(counts):
        chart.bars[(0, i)].fillColor = colors.HexColor(STATUS_COLOURS.get(status, "#607d8b"))
    drawing.add(chart)
    return drawing


def _cluster_chart(data):
    """Each cluster's latest value as a share of its (scaled) goal, in %."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = [a for a in data["rows"] if a.target.code.startswith("cluster_") and a.target.code.endswith("scale_2025")]
    if not rows:
        return None
    drawing = Drawing(460, 24 * len(rows) + 20)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 10, 290, 24 * len(rows)
    chart.data = [[float(a.value / a.goal * 100) if a.value is not None and a.goal else 0 for a in rows]]
    chart.categoryAxis.categoryNames = [a.target.name_zh.replace("集群规模", "") for a in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 120
    chart.bars[0].fillColor = colors.HexColor("#1565c0")
    drawing.add(chart)
    return drawing


def to_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=data["title"], author="产业大脑")
    story = [Paragraph(data["title"], st["title"]),
             Paragraph(f"编制日期：{cn_date(data['today'])}　数据年份：{data['run'].latest_year if data['run'] else '—'}",
                       st["base"])]
    if data["scale"] < 1:
        story.append(Paragraph(f"演示数据：合成城市为参照规模的{data['scale'] * 100:.0f}%，数量与金额目标按同一比例缩放后比较。", st["small"]))
    story += [Paragraph("一、目标状态", st["h2"])]
    if data["counts"]:  # before the first refresh there is nothing to chart (reportlab fails on empty data)
        story.append(_status_chart(data["counts"]))
    clusters = _cluster_chart(data)
    if clusters:
        story += [Paragraph("二、十大集群规模完成度（%）", st["h2"]), clusters]
    story.append(Paragraph("三、本月变化", st["h2"]))
    if data["changes"]:
        for c in data["changes"][:30]:
            unit = c["target"].measure_unit
            story.append(Paragraph(
                f"{c['target'].name_zh}：{c['before'].get_status_display()} → {c['now'].get_status_display()}，"
                f"{format_measure(c['before'].value, unit)} → {format_measure(c['now'].value, unit)}", st["base"]))
    else:
        story.append(Paragraph("与上月相比没有变化（或尚无上月数据）。", st["base"]))
    story.append(Paragraph("四、风险目标", st["h2"]))
    for a in data["risks"][:20]:
        story.append(Paragraph(f"【{a.get_status_display()}】{a.target.name_zh}：{a.reason}", st["base"]))
    story += [Paragraph("五、全部目标", st["h2"]), Spacer(1, 4)]
    cell = st["small"]
    table = [[Paragraph(h, cell) for h in ("目标", "目标写法", "年份", "当前值", "完成度", "预测", "状态", "取数")]]
    for r in data["table"]:
        table.append([Paragraph(str(x), cell) for x in (
            r["name"], r["goal"], r["deadline"], r["value"], r["progress"], r["forecast"],
            r["status_label"], r["indicator"])])
    grid = Table(table, colWidths=[80 * mm, 40 * mm, 14 * mm, 32 * mm, 14 * mm, 32 * mm, 18 * mm, 18 * mm],
                 repeatRows=1)
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                              ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3eaf3")),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(grid)
    doc.build(story)
    return out.getvalue()
