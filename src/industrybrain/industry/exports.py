"""A chain page's data as .xlsx: segments, gaps, 链主 and candidates, districts."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from industrybrain.core.localize import local
from industrybrain.enterprises.exports import XLSX, neutralise


def _yi(value):
    return None if value is None else round(value / 1e8, 4)


def owner_workbook(owner, data) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("环节")
    sheet.append([_("环节"), _("环节位置"), _("本地企业（家）"), _("产出（亿元）"), _("上年产出（亿元）"),
                  _("增长（%）"), _("占全链产出（%）"), _("短板"), _("短板原因")])
    for s in data["segments"]:
        sheet.append([neutralise(s["name"]), s["stage"], s["firms"], _yi(s["output"]), _yi(s["before"]),
                      None if s["growth"] is None else round(s["growth"], 2), round(s["share"] * 100, 2),
                      _("是") if s["gap"] else _("否"), "；".join(s["gap_reasons"])])
    gaps = book.create_sheet(_("短板排序"))
    gaps.append([_("名次"), _("环节"), _("关联密度"), _("最接近的辖市区"), _("相近环节"), _("说明"),
                 _("目标企业画像：行业代码"), _("目标企业画像：技术"), _("目标企业画像：规模")])
    for g in data["gaps"]:
        gaps.append([g["rank"], neutralise(g["name"]), g["density"], g["best_district"], "、".join(g["related"]),
                     g["explain"], "；".join(g["profile"]["codes"]), g["profile"]["technology"],
                     g["profile"]["size"]])
    leaders = book.create_sheet(_("链主与候选"))
    leaders.append([_("名次"), _("企业"), _("得分"), _("已认定链主"), _("产出（亿元）"), _("理由")])
    for row in data["leaders"]:
        leaders.append([row["rank"], neutralise(row["enterprise"].name), row["score"],
                        _("是") if row["is_leader"] else _("否"), _yi(row["output"]), "；".join(row["reasons"])])
    districts = book.create_sheet(_("辖市区"))
    districts.append([_("辖市区"), _("企业（家）"), _("产出（亿元）"), _("增长（%）"), _("区位熵"),
                      _("全市趋势（亿元）"), _("结构效应（亿元）"), _("本地效应（亿元）")])
    for d in data["districts"]:
        districts.append([local(d["district"]), d["firms"], _yi(d["output"]),
                          None if d["growth"] is None else round(d["growth"], 2), round(d["lq"], 3),
                          _yi(d["trend"]), _yi(d["mix"]), _yi(d["local"])])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"{owner.code}-{data['year']}.xlsx\""
    return response
