"""Every stored number has a plausible range (core/bounds.py, docs/bounds.md): imports refuse
what lies outside with row, column and "数值超出合理范围", never a traceback; the database
refuses it too; and what is stored can always be summed (issue 11)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_uscc
from industrybrain.core import bounds
from industrybrain.core.models import ImportBatch
from industrybrain.core.money import wan_to_yuan
from industrybrain.enterprises.imports import cells, import_bytes
from industrybrain.enterprises.models import AnnualFigures, Enterprise
from industrybrain.enterprises.tests.test_imports import csv_bytes, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield

HEADERS = ["统一社会信用代码", "年份", "营业收入（万元）", "工业总产值（万元）", "从业人员（人）",
           "有效发明专利（件）", "综合能耗（吨标准煤）"]
COLUMN = {2: "营业收入（万元）", 3: "工业总产值（万元）", 4: "从业人员（人）",
          5: "有效发明专利（件）", 6: "综合能耗（吨标准煤）"}


def good_row(enterprise):
    return [enterprise.uscc, 2022, "15000", "14000", "860", "37", "5230.25"]


@pytest.mark.parametrize("position, cell, reason", [
    (2, "1e15", "数值超出合理范围"),
    (2, "1e308", "数值超出合理范围"),
    (2, "1e999999", "数值超出合理范围"),
    (2, "1e999999999", "数值超出合理范围"),
    (3, "900000000000000", "数值超出合理范围"),  # 9×10¹⁴ 万元: broke the cockpit's SUM
    (3, "900000000.0001", "数值超出合理范围"),
    (2, "1e-999999999", "4位小数"),
    (6, "1e30", "数值超出合理范围"),  # was decimal.InvalidOperation in cells.tce
    (6, "1e999999", "数值超出合理范围"),
    (4, "3000001", "数值超出合理范围"),
    (5, "1e7", "数值超出合理范围"),
    (2, "NaN", "不是数字"),
    (2, "Infinity", "不是数字"),
    (2, "1" * 60, "不是数字"),
    (2, "１２３", "半角阿拉伯数字"),  # full-width
    (4, "٣٠٠", "半角阿拉伯数字"),  # Arabic-Indic
    (2, "12３", "半角阿拉伯数字"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_out_of_range_and_exotic_numbers_are_refused_by_row_and_column(city, users, position, cell, reason, fmt):
    before = snapshot()
    bad = good_row(city["b"])
    bad[position] = cell
    rows = [good_row(city["a"]), bad]
    data = (csv_bytes if fmt == "csv" else xlsx_bytes)(HEADERS, rows)
    report = import_bytes("figures", f"年度.{fmt}", data, users["admin"])
    assert not report.applied
    assert [(r.row, r.column) for r in report.rejects] == [(3, COLUMN[position])]
    assert reason in report.rejects[0].reason
    assert snapshot() == before
    assert ImportBatch.objects.filter(applied=False, rejected=1).exists()


@pytest.mark.parametrize("value", [1e15, 1e308, 10**30, -1e-300])
def test_huge_numeric_xlsx_cells_are_refused_not_crashed(city, users, value):
    rows = [[city["a"].uscc, 2022, value, None, None, None, None]]
    report = import_bytes("figures", "年度.xlsx", xlsx_bytes(HEADERS, rows), users["admin"])
    assert not report.applied
    assert [(r.row, r.column) for r in report.rejects] == [(2, "营业收入（万元）")]


def test_values_at_the_ceiling_are_stored_exactly(city, users):
    top = bounds.MONEY_MAX_WAN
    giant = Enterprise.objects.create(uscc=make_uscc(600), name="常州巨型有限公司", district=city["a"].district,
                                      industry_code="C3484", ownership="state")
    rows = [[giant.uscc, 2022, str(top), str(top), "3000000", "1000000", "1000000000"]]
    report = import_bytes("figures", "年度.csv", csv_bytes(HEADERS, rows), users["admin"])
    assert report.applied, report.rejects
    stored = AnnualFigures.objects.get(enterprise=giant, year=2022)
    assert stored.revenue == stored.industrial_output == 9 * 10**12
    assert stored.energy_tce == Decimal("1000000000")


def test_full_width_digits_in_dates_codes_and_years_are_refused(city, users):
    from industrybrain.enterprises.imports import KINDS

    headers = KINDS["enterprises"].headers()
    row = [make_uscc(500), "常州全角科技有限公司", "武进区", "Ｃ３４８４", "民营", "２０１８-03-01",
           "是", "否", ""]
    report = import_bytes("enterprises", "企业.csv", csv_bytes(headers, [row]), users["admin"])
    got = {r.column: r.reason for r in report.rejects}
    assert "行业代码" in got and "半角阿拉伯数字" in got["成立日期"]
    figures = [[city["a"].uscc, "２０２２", "1", "1", "1", "1", "1"]]
    report = import_bytes("figures", "年度.csv", csv_bytes(HEADERS, figures), users["admin"])
    assert [(r.column, "半角" in r.reason) for r in report.rejects] == [("年份", True)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[+-]?\d{0,30}(\.\d{0,30})?([eE][+-]?\d{1,12})?", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**40, max_value=10**40),
    st.decimals(allow_nan=True, allow_infinity=True),
))
def test_every_cell_parser_returns_a_value_in_range_or_a_cell_error(value):
    """The law: no input makes a number parser raise anything but CellError, and what it
    accepts lies inside the column's documented range."""
    parsers = [
        (cells.money_wan, bounds.MONEY_YUAN),
        (cells.tce, bounds.ENERGY_TCE),
        (cells.count_within(bounds.EMPLOYEES), bounds.EMPLOYEES),
        (cells.count_within(bounds.INVENTION_PATENTS), bounds.INVENTION_PATENTS),
    ]
    for parse, bound in parsers:
        try:
            parsed = parse(value)
        except cells.CellError:
            continue
        assert bound.low <= parsed <= bound.high
    try:
        cells.year(value)
    except cells.CellError:
        pass


@given(st.text(max_size=50))
def test_wan_to_yuan_raises_only_value_error(text):
    try:
        yuan = wan_to_yuan(text)
    except ValueError:
        return
    assert abs(yuan) <= bounds.MONEY_YUAN.high
    assert re.fullmatch(r"[0-9.,+\-eE\s]*", text)


@pytest.mark.parametrize("column, value", [
    ("industrial_output", 9 * 10**18), ("revenue", -1), ("tax", 9 * 10**12 + 1),
    ("employees", 3_000_001), ("invention_patents", 1_000_001),
    ("energy_tce", Decimal("1000000000.01")),
])
def test_the_database_refuses_values_outside_the_range(city, column, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualFigures.objects.create(enterprise=city["a"], year=2023, **{column: value})


def test_two_enterprises_with_huge_output_can_no_longer_break_the_cockpit(city, users, client_as):
    """Issue 11: 工业总产值 of 9×10¹⁴ 万元 for two new enterprises passed (no earlier years for
    the unit check) and the cockpit's SUM then overflowed on SQLite (500 for every city-wide
    and district role). Now the import refuses it, the database refuses it, and two
    enterprises at the ceiling still sum."""
    from industrybrain.enterprises.imports import KINDS

    headers = KINDS["enterprises"].headers()
    new = [[make_uscc(700 + i), f"常州巨型{i}号有限公司", "武进区", "C3484", "民营", "2018-03-01",
            "是", "否", ""] for i in range(2)]
    assert import_bytes("enterprises", "企业.csv", csv_bytes(headers, new), users["admin"]).applied
    huge = [[row[0], 2022, "", "900000000000000", "", "", ""] for row in new]
    report = import_bytes("figures", "年度.csv", csv_bytes(HEADERS, huge), users["admin"])
    assert not report.applied
    assert {(r.row, r.column) for r in report.rejects} == {(2, "工业总产值（万元）"), (3, "工业总产值（万元）")}
    assert all("数值超出合理范围" in r.reason for r in report.rejects)
    for e in Enterprise.objects.filter(uscc__in=[row[0] for row in new]):
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualFigures.objects.create(enterprise=e, year=2022, industrial_output=9 * 10**18)
    at_ceiling = [[row[0], y, "", str(bounds.MONEY_MAX_WAN), "", "", ""] for row in new
                  for y in (2021, 2022)]
    assert import_bytes("figures", "年度.csv", csv_bytes(HEADERS, at_ceiling), users["admin"]).applied
    for role in ("admin", "wujin", "analyst"):
        response = client_as(role).get("/")
        assert response.status_code == 200, role


def test_the_bounds_page_documents_every_range():
    """docs/bounds.md lists each bounded column with its ceiling and its source."""
    page = (Path(__file__).resolve().parents[4] / "docs" / "bounds.md").read_text(encoding="utf-8")
    for column, bound in bounds.FIGURES.items():
        assert f"`{column}`" in page, column
        assert f"{bound.high:,}" in page, (column, bound.high)


def test_the_cli_prints_a_clean_error_not_a_traceback(city, tmp_path, capsys):
    """`industrybrain import` turns every failure into a CommandError (one line, exit 1):
    Django prints those without a traceback; anything else would print one."""
    bad = tmp_path / "年度.csv"
    bad.write_text(f"统一社会信用代码,年份,营业收入（万元）\n{city['a'].uscc},2022,1e999999\n")
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_data", "figures", str(bad))
    assert "第2行［营业收入（万元）］：数值超出合理范围" in capsys.readouterr().err
    with pytest.raises(CommandError, match="无法打开文件"):
        call_command("import_data", "figures", str(tmp_path / "nope.xlsx"))
