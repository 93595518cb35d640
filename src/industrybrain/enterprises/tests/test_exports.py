import io

import pytest
from openpyxl import load_workbook

from industrybrain.enterprises.imports import import_bytes
from industrybrain.enterprises.models import AnnualFigures, Enterprise

pytestmark = pytest.mark.django_db


def test_formulas_in_names_are_neutralised_in_csv_and_xlsx(client_as, city):
    Enterprise.objects.filter(pk=city["a"].pk).update(name='=HYPERLINK("http://evil","x")')
    client = client_as("admin")
    text = client.get("/enterprises/export/enterprises.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(client.get("/enterprises/export/enterprises.xlsx").content))
    names = [row[1].value for row in book.active.iter_rows(min_row=2)]
    cell = next(c for row in book.active.iter_rows(min_row=2) for c in row if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert city["b"].name in names


def test_an_export_loads_back_unchanged(client_as, city, users):
    client = client_as("admin")
    for kind in ("enterprises", "figures", "designations"):
        data = client.get(f"/enterprises/export/{kind}.xlsx").content
        report = import_bytes(kind, f"{kind}.xlsx", data, users["admin"])
        assert report.applied and report.created == 0 and report.updated == 0, (kind, report.rejects)
        assert report.unchanged == report.rows > 0


def test_templates_download_with_chinese_headers(client_as, city):
    client = client_as("admin")
    book = load_workbook(io.BytesIO(client.get("/enterprises/templates/figures.xlsx").content))
    headers = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert headers[:3] == ["统一社会信用代码", "年份", "营业收入（万元）"]
    csv_text = client.get("/enterprises/templates/enterprises.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("统一社会信用代码,企业名称,所属辖市区")


def test_a_crash_while_writing_leaves_the_database_as_it_was(city, users, monkeypatch):
    from industrybrain.enterprises.imports import staging
    from industrybrain.enterprises.models import StagedFigures

    real_swap = staging.swap

    def swap_then_crash(*args):
        real_swap(*args)  # every row written inside the final transaction, then the power goes
        raise RuntimeError("power cut")

    monkeypatch.setattr(staging, "swap", swap_then_crash)
    before = list(AnnualFigures.objects.order_by("pk").values())
    data = f"统一社会信用代码,年份,营业收入（万元）\n{city['a'].uscc},2022,100\n".encode()
    with pytest.raises(RuntimeError):
        import_bytes("figures", "年度.csv", data, users["admin"])
    assert list(AnnualFigures.objects.order_by("pk").values()) == before
    assert not StagedFigures.objects.exists()
    monkeypatch.setattr(staging, "swap", real_swap)  # the lock was released: the next one runs
    assert import_bytes("figures", "年度.csv", data, users["admin"]).applied
