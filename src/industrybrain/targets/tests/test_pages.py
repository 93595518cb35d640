"""What an officer notices on the monitor: scopes, entries refused with a reason, conflicts
shown, and reports that open (the PDF shows Chinese: a page rendered to PNG is not blank)."""

import io
import os
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from industrybrain.targets.loading import load_targets
from industrybrain.targets.models import IndicatorValue, Target
from industrybrain.targets.refresh import refresh

pytestmark = pytest.mark.django_db
GDP = "/targets/gdp_2021/enter/"


@pytest.fixture
def monitored(city):
    load_targets()
    refresh()
    return city


def _entry(**over):
    data = {"year": 2022, "value": "9550.1", "unit": "亿元", "source": "常州市统计局 2022年统计公报",
            "source_date": "2023-03-20"}
    data.update(over)
    return data


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_enterprise_users_and_users_without_a_role_are_refused(client_as, monitored):
    for role in ("owner_a", "nobody"):
        client = client_as(role)
        for url in ("/targets/", "/targets/gdp_2021/", "/targets/report.pdf"):
            assert client.get(url).status_code == 403, (role, url)


def test_anonymous_is_sent_to_login(client, monitored):
    response = client.get("/targets/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_district_officer_sees_only_the_own_district(client_as, monitored):
    page = client_as("wujin").get("/targets/cluster_high_end_equipment_scale_2025/").content.decode()
    admin = client_as("admin").get("/targets/cluster_high_end_equipment_scale_2025/").content.decode()
    # output 2021: 武进 3.24 亿元, 新北 7.56 亿元, city 10.80 亿元
    assert "3.24 亿元" in page and "7.56 亿元" not in page and "10.80 亿元" not in page
    assert "新北区" not in page
    assert "3.24 亿元" in admin and "7.56 亿元" in admin and "10.80 亿元" in admin


def test_the_list_shows_every_target_with_status_and_counts(client_as, monitored):
    page = client_as("analyst").get("/targets/").content.decode()
    assert "全市工业规模总量" in page and "来源冲突" in page
    assert page.count('data-code="') == Target.objects.count()


def test_a_conflict_shows_both_sources(client_as, monitored):
    page = client_as("reviewer").get("/targets/chains_total_scale_2025_001/").content.decode()
    assert "超6500亿元" in page and "5200亿元" in page
    # Each source by its article (title, outlet, date), never its file name.
    assert "加快打造长三角产业中轴 奋力建设国际化智造名城" in page and "常州日报" in page
    assert "推进“532”发展战略 打造长三角产业中轴" in page and ".txt" not in page
    assert "来源冲突" in page


def test_an_entry_in_the_wrong_unit_is_refused_with_the_reason(client_as, monitored):
    target = Target.objects.get(code="fdi_2021")  # 30.7亿美元
    client = client_as("admin")
    response = client.post(f"/targets/{target.code}/enter/", _entry(unit="万美元", value="307000"), follow=True)
    assert any("单位不符" in m and "亿美元" in m for m in _messages(response))
    assert not IndicatorValue.objects.filter(target=target).exists()


def test_an_entry_without_a_source_is_refused(client_as, monitored):
    response = client_as("admin").post(GDP, _entry(source=""), follow=True)
    assert any("数据来源" in m for m in _messages(response))
    assert not IndicatorValue.objects.filter(target__code="gdp_2021").exists()


def test_a_value_far_outside_the_history_is_refused(client_as, monitored):
    client = client_as("admin")
    client.post(GDP, _entry(year=2021, value="8807.6"))
    response = client.post(GDP, _entry(value="95501000"), follow=True)  # typed in 万元
    assert any("远超" in m for m in _messages(response))
    assert IndicatorValue.objects.filter(target__code="gdp_2021").count() == 1


def test_a_second_source_is_kept_beside_the_first_and_shown_as_a_conflict(client_as, monitored):
    client = client_as("admin")
    client.post(GDP, _entry())
    response = client.post(GDP, _entry(value="9600", source="常州日报 2023年1月"), follow=True)
    assert any("两者均已保留" in m for m in _messages(response))
    assert IndicatorValue.objects.filter(target__code="gdp_2021", year=2022).count() == 2
    same = client.post(GDP, _entry(value="9999"), follow=True)  # the first source again
    assert any("同一来源不能覆盖" in m for m in _messages(same))
    page = client.get("/targets/gdp_2021/").content.decode()
    assert "来源不一致" in page and "9,550.10 亿元" in page and "9,600.00 亿元" in page


def test_a_district_officer_enters_for_the_own_district_only(client_as, monitored, users):
    from industrybrain.enterprises.models import District

    xinbei = District.objects.get(code="xinbei")
    client_as("wujin").post(GDP, _entry(district=xinbei.pk))
    value = IndicatorValue.objects.get(target__code="gdp_2021")
    assert value.district.code == "wujin" and value.entered_by == users["wujin"]
    assert client_as("analyst").post(GDP, _entry()).status_code == 403


def test_the_officer_sets_a_qualitative_status(client_as, monitored):
    url = "/targets/landmark_industries_2025/"
    assert client_as("reviewer").post(url + "status/", {"status": "in_progress"}).status_code == 403
    client_as("admin").post(url + "status/", {"status": "in_progress", "note": "已出台方案"})
    page = client_as("analyst").get(url).content.decode()
    assert "推进中" in page and "已出台方案" in page


def test_the_xlsx_report_lists_the_targets_and_a_district_gets_its_own(client_as, monitored):
    book = load_workbook(io.BytesIO(client_as("admin").get("/targets/report.xlsx").content))
    names = [row[2] for row in book["目标"].iter_rows(min_row=3, values_only=True)]
    assert "全市工业规模总量" in names and len(names) == Target.objects.count()
    own = client_as("wujin").get("/targets/report.xlsx?district=xinbei")
    assert "武进区" in own["Content-Disposition"].encode().decode() or "%E6%AD%A6%E8%BF%9B" in own["Content-Disposition"]
    title = load_workbook(io.BytesIO(own.content))["目标"]["A1"].value
    assert title.startswith("武进区")


def test_the_pdf_report_shows_chinese_text_on_a_rendered_page(client_as, monitored, tmp_path):
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        # Like the postgres guard: never a vacuous pass in CI, where .ci/run installs it.
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: apt-get install poppler-utils fonts-wqy-microhei")
        pytest.skip("needs poppler-utils (pdftoppm)")
    pdf = client_as("admin").get("/targets/report.pdf").content
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # a TrueType font embedded
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"),
                    str(tmp_path / "p")], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(1 for px in image.tobytes() if px < 128)
    assert dark > 500, "the first page is blank"
    text = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "常州市产业发展目标监测月度报告" in text and "目标状态" in text


def test_the_api_gives_targets_with_status_and_citation_by_role(client_as, monitored):
    rows = client_as("admin").get("/api/targets/?page_size=500").json()
    first = rows["results"][0]
    assert {"code", "status", "citations", "latest"} <= set(first)
    assert first["citations"][0]["seed"].endswith(".txt")
    one = client_as("analyst").get(f"/api/targets/{first['code']}/").json()
    assert one["code"] == first["code"]
    assert client_as("owner_a").get("/api/targets/").status_code == 403
    assert client_as("wujin").get("/api/targets/").status_code == 200


def test_the_year_of_the_current_value_reads_in_the_page_language(client_as, monitored):
    client = client_as("analyst")
    chinese = client.get("/targets/gdp_2021/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/targets/gdp_2021/").content.decode()
    now = r'id="value-now">([^<]*)'
    assert re.search(r"（\d{4}年）", re.search(now, chinese).group(1))
    shown = re.search(now, english).group(1)
    assert re.search(r" \(\d{4}\)", shown) and "年" not in shown
