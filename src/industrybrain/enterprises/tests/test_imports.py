"""Bad input gets a clear error naming row, column and reason, and changes nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from conftest import make_uscc
from industrybrain.core.models import ImportBatch
from industrybrain.enterprises.imports import KINDS, import_bytes, import_upload
from industrybrain.enterprises.models import AnnualFigures, Designation, Enterprise

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADERS = KINDS["enterprises"].headers()
FIGURE_HEADERS = ["统一社会信用代码", "年份", "营业收入（万元）", "税收（万元）", "是否规上"]


def csv_bytes(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot():
    return (
        list(Enterprise.objects.order_by("pk").values()),
        list(AnnualFigures.objects.order_by("pk").values()),
        list(Designation.objects.order_by("pk").values()),
    )


def enterprise_row(serial, name=None, district="武进区", code="C3484"):
    return [make_uscc(serial), name or f"常州导入{serial}号科技有限公司", district, code, "民营",
            "2018-03-01", "是", "否", ""]


def test_a_good_enterprise_file_applies_whole_with_history(reference, users):
    rows = [enterprise_row(100 + i) for i in range(5)]
    report = import_bytes("enterprises", "企业.xlsx", xlsx_bytes(ENTERPRISE_HEADERS, rows), users["admin"])
    assert report.applied and report.created == 5 and not report.rejects
    enterprise = Enterprise.objects.get(uscc=make_uscc(100))
    assert enterprise.district.name_zh == "武进区" and enterprise.is_manufacturing
    # No cluster in the file: C3484 files under 高端装备 by the taxonomy's code mapping.
    assert enterprise.cluster.code == "high_end_equipment"
    record = enterprise.history.get()
    assert record.history_user == users["admin"] and "企业.xlsx" in record.history_change_reason
    # Loading the same file again changes nothing and says so.
    again = import_bytes("enterprises", "企业.xlsx", xlsx_bytes(ENTERPRISE_HEADERS, rows), users["admin"])
    assert again.applied and again.unchanged == 5 and again.created == 0


@pytest.mark.parametrize("mutate, column, reason", [
    (lambda r: r.__setitem__(0, r[0][:-1] + ("0" if r[0][-1] != "0" else "1")), "统一社会信用代码", "校验位错误"),
    (lambda r: r.__setitem__(0, "9132"), "统一社会信用代码", "18位"),
    (lambda r: r.__setitem__(1, "=HYPERLINK(\"http://x\",\"点我\")"), "企业名称", "公式字符"),
    (lambda r: r.__setitem__(1, ""), "企业名称", "必填项为空"),
    (lambda r: r.__setitem__(2, "火星区"), "所属辖市区", "未知的辖市区"),
    (lambda r: r.__setitem__(3, "Z9999"), "行业代码", "没有行业代码"),
    (lambda r: r.__setitem__(4, "私有化"), "所有制类型", "所有制类型应为"),
    (lambda r: r.__setitem__(5, "2018-02-30"), "成立日期", "日期格式"),
])
def test_one_bad_row_rejects_the_whole_file(city, users, mutate, column, reason):
    before = snapshot()
    rows = [enterprise_row(200 + i) for i in range(4)]
    mutate(rows[2])
    report = import_bytes("enterprises", "企业.csv", csv_bytes(ENTERPRISE_HEADERS, rows), users["admin"])
    assert not report.applied
    assert any(r.row == 4 and r.column == column and reason in r.reason for r in report.rejects), report.rejects
    assert snapshot() == before
    assert ImportBatch.objects.filter(applied=False, rejected__gte=1).exists()


def test_wrong_headers_are_named(city, users):
    report = import_bytes("enterprises", "企业.csv", csv_bytes(["代码", "名称"], [["1", "2"]]), users["admin"])
    assert not report.applied
    columns = {r.column for r in report.rejects}
    assert {"代码", "名称", "统一社会信用代码", "企业名称"} <= columns
    assert all(r.row == 1 for r in report.rejects)


def test_duplicates_within_the_file_and_against_the_database(city, users):
    rows = [enterprise_row(300), enterprise_row(300, name="另一个名字有限公司"),
            enterprise_row(301, name=city["a"].name)]
    report = import_bytes("enterprises", "企业.csv", csv_bytes(ENTERPRISE_HEADERS, rows), users["admin"])
    reasons = {(r.row, r.column): r.reason for r in report.rejects}
    assert "与第2行重复" in reasons[(3, "统一社会信用代码")]
    assert city["a"].uscc in reasons[(4, "企业名称")]
    assert not report.applied


def figures_file(rows, headers=FIGURE_HEADERS):
    return csv_bytes(headers, rows)


def test_figures_update_in_place_and_keep_blanks_as_they_were(city, users):
    a = city["a"]
    before = AnnualFigures.objects.get(enterprise=a, year=2021)
    rows = [[a.uscc, 2021, "15000.5", "", "是"], [a.uscc, 2022, "16000", "800", "是"]]
    report = import_bytes("figures", "年度.csv", figures_file(rows), users["admin"])
    assert report.applied and report.updated == 1 and report.created == 1, report.rejects
    after = AnnualFigures.objects.get(enterprise=a, year=2021)
    assert after.revenue == 150_005_000  # 15000.5 万元, exact in 元
    assert after.industrial_output == before.industrial_output  # column not in the file
    assert after.tax is None  # blank stays blank, never 0
    new = AnnualFigures.objects.get(enterprise=a, year=2022)
    assert new.tax == 8_000_000
    change = after.history.latest()
    assert change.history_type == "~" and change.history_user == users["admin"]


@pytest.mark.parametrize("cell, reason", [
    ("一百万", "不是数字"),
    ("-5", "不能为负数"),
    ("12.345678", "4位小数"),
])
def test_bad_numbers_are_refused(city, users, cell, reason):
    before = snapshot()
    rows = [[city["a"].uscc, 2022, "100", "1", "是"], [city["b"].uscc, 2022, cell, "1", "是"]]
    report = import_bytes("figures", "年度.csv", figures_file(rows), users["admin"])
    assert not report.applied
    assert [(r.row, r.column) for r in report.rejects] == [(3, "营业收入（万元）")]
    assert reason in report.rejects[0].reason
    assert snapshot() == before


def test_a_unit_mix_up_is_caught_against_history(city, users):
    # A's revenue was 120 百万元 = 12000 万元 in 2021; 元 entered as 万元 is 10,000 times that.
    before = snapshot()
    rows = [[city["a"].uscc, 2022, "132000000", "1", "是"]]
    report = import_bytes("figures", "年度.csv", figures_file(rows), users["admin"])
    assert not report.applied
    assert "疑似单位错误" in report.rejects[0].reason and report.rejects[0].row == 2
    assert snapshot() == before


def test_figures_for_an_unknown_enterprise_are_refused(city, users):
    rows = [[make_uscc(999), 2022, "100", "1", "是"]]
    report = import_bytes("figures", "年度.csv", figures_file(rows), users["admin"])
    assert not report.applied and "没有该企业" in report.rejects[0].reason


def test_text_in_an_xlsx_number_column_and_a_formula(city, users):
    rows = [[city["a"].uscc, 2022, "=1+1", "1", "是"], [city["b"].uscc, "二〇二二", 100, 1, "是"]]
    report = import_bytes("figures", "年度.xlsx", xlsx_bytes(FIGURE_HEADERS, rows), users["admin"])
    got = {(r.row, r.column) for r in report.rejects}
    assert got == {(2, "营业收入（万元）"), (3, "年份")}


def test_a_huge_upload_is_refused_before_parsing(city, users, settings):
    settings.IMPORT_MAX_BYTES = 20 * 2**20
    upload = SimpleUploadedFile("big.csv", b"x" * (50 * 2**20), content_type="text/csv")
    before = snapshot()
    report = import_upload("figures", upload, users["admin"])
    assert not report.applied and "文件过大" in report.rejects[0].reason
    assert snapshot() == before


def test_not_a_spreadsheet(city, users):
    report = import_bytes("figures", "年度.xlsx", b"PK\x03\x04 broken zip", users["admin"])
    assert not report.applied and report.rejects[0].row == 0
    report = import_bytes("figures", "年度.pdf", b"%PDF", users["admin"])
    assert "只接受" in report.rejects[0].reason


def test_designations_fill_expiry_and_reload_idempotently(city, users):
    rows = [[city["b"].uscc, "高新技术企业", "2021-11-30", "", ""],
            [city["c"].uscc, "little_giant_national", "2021年7月19日", "", ""]]
    headers = KINDS["designations"].headers()
    report = import_bytes("designations", "认定.csv", csv_bytes(headers, rows), users["admin"])
    assert report.applied and report.created == 2, report.rejects
    high_tech = Designation.objects.get(enterprise=city["b"], type__code="high_tech")
    assert str(high_tech.expires_on) == "2024-11-29"
    again = import_bytes("designations", "认定.csv", csv_bytes(headers, rows), users["admin"])
    assert again.applied and again.unchanged == 2 and Designation.objects.count() == 3


def test_unknown_designation_type(city, users):
    headers = KINDS["designations"].headers()
    rows = [[city["b"].uscc, "宇宙500强", "2021-11-30", "", ""]]
    report = import_bytes("designations", "认定.csv", csv_bytes(headers, rows), users["admin"])
    assert not report.applied and "未知的认定类型" in report.rejects[0].reason


def test_import_page_shows_the_rejects_report(client_as, city):
    client = client_as("admin")
    rows = [[city["a"].uscc, 2022, "abc", "1", "是"]]
    upload = SimpleUploadedFile("年度.csv", figures_file(rows), content_type="text/csv")
    response = client.post("/enterprises/import/", {"kind": "figures", "file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "未导入" in page and "营业收入（万元）" in page
    rejects = client.get("/enterprises/import/rejects.csv").content.decode("utf-8-sig")
    assert "2,营业收入（万元）" in rejects


def test_the_rejects_report_speaks_the_readers_language(client_as, city):
    client = client_as("admin")
    rows = [[city["a"].uscc, 2022, "-5", "1", "是"]]
    upload = SimpleUploadedFile("年度.csv", figures_file(rows), content_type="text/csv")
    page = client.post("/enterprises/import/", {"kind": "figures", "file": upload},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "must not be negative" in page and "was not imported" in page
