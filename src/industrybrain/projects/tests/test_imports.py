"""The project list import: Chinese headers, all or nothing, rejects naming row, column and
reason; a re-run changes nothing."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from industrybrain.projects.imports import ProjectSpec
from industrybrain.projects.models import Project

pytestmark = pytest.mark.django_db

HEADERS = ["项目编号", "项目名称", "辖市区", "投资方", "产业集群", "项目级别", "责任人", "挂钩领导", "币种",
           "计划总投资（亿元）", "外币计划投资（亿）", "汇率", "汇率日期", "入库日期", "计划开工日期",
           "实际开工日期", "计划竣工日期", "实际竣工日期"]


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "2022年市重大项目清单.xlsx"
    return out


GOOD = [
    ["XM2022-0001", "年产20GWh动力电池项目", "武进区", "某新能源集团", "新能源", "省重大项目", "张伟", "李明", "人民币",
     120, None, None, None, "2022-02-10", "2022-04-01", "2022-04-20", "2023-06-30", None],
    ["XM2022-0002", "高端轴承智能制造基地", "新北区", "某轴承公司", "高端装备", "市重大项目", "王敏", "", "美元",
     None, 10, 6.4515, "2022-01-04", "2022-03-01", "2022-05-01", None, "2023-12-31", None],
]


def test_a_clean_list_applies_whole_and_a_rerun_changes_nothing(client_as, users):
    client = client_as("admin")
    response = client.post("/projects/import/", {"file": xlsx(GOOD)})
    assert response.status_code == 200
    a, b = Project.objects.get(code="XM2022-0001"), Project.objects.get(code="XM2022-0002")
    assert a.planned_yuan == 120 * 10**8 and a.is_large and a.stage == "started" and a.level == "province"
    assert b.currency == "USD" and b.is_large and b.planned_yuan == 6_451_500_000 and b.fx_rate == Decimal("6.4515")
    assert a.history.first().history_change_reason.startswith("导入#")
    again = client.post("/projects/import/", {"file": xlsx(GOOD)})
    assert "新增 0，更新 0，未变 2" in again.content.decode()


def test_one_bad_row_rejects_the_file_with_row_column_and_reason(client_as, users):
    bad = [list(GOOD[0]), list(GOOD[1]),
           ["XM2022-0003", "某项目", "", "某公司", "", "", "赵六", "", "人民币", 5, None, None, None,
            "2022-02-10", "2022-04-01", None, "2022-03-01", None],
           ["XM2022-0004", "某项目二", "金坛区", "某公司", "", "", "赵六", "", "人民币", 50000, None, None, None,
            "2022-02-10", "2022-04-01", None, None, None],
           ["XM2022-0005", "某项目三", "金坛区", "某公司", "", "", "赵六", "", "人民币", 5, None, None, None,
            "2022-02-10", "2022-04-01", None, None, "2022-09-01"]]
    response = client_as("admin").post("/projects/import/", {"file": xlsx(bad)})
    assert response.status_code == 400
    rejects = {(r.row, r.column) for r in response.context["report"].rejects}
    assert (4, "辖市区") in rejects                      # no district
    assert (4, "计划竣工日期") in rejects                  # completion planned before the start
    assert (5, "计划总投资（亿元）") in rejects             # 5万亿元: the wrong unit
    assert (6, "实际竣工日期") in rejects                  # completed, never started
    text = response.content.decode()
    assert "项目必须有所属辖市区" in text and "请检查金额单位" in text
    assert not Project.objects.exists()  # nothing applied


def test_the_template_has_the_chinese_headers(client_as, users):
    from openpyxl import load_workbook

    response = client_as("admin").get("/projects/import/template.xlsx")
    headers = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    assert headers == ProjectSpec().headers() and "计划总投资（亿元）" in headers
    assert client_as("wujin").get("/projects/import/").status_code == 403


def test_an_oversized_file_is_refused_before_it_is_read(client_as, users, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = client_as("admin").post("/projects/import/", {"file": xlsx(GOOD)})
    assert "文件过大" in response.content.decode() and not Project.objects.exists()
