"""The overview pages and files: bad parameters answer 400, the bulletin is a PDF with
Chinese text on a rendered page, the demo pipeline shows projects behind with their causes,
and a lead becomes a project in one click."""

import datetime as dt
import os
import shutil
import subprocess

import pytest

from industrybrain.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/projects/?district=nowhere", "/projects/?page=0", "/projects/?year=abc", "/projects/?stage=x",
    "/projects/rates/?month=2022-13", "/projects/rates/?month=%00", "/projects/gantt/?chain=x",
    "/projects/checklist/?week=yesterday", "/projects/bulletin.pdf?month=20x", "/projects/review.xlsx?quarter=5",
])
def test_bad_parameters_answer_400(client_as, users, url):
    assert client_as("admin").get(url).status_code == 400


def test_the_monthly_bulletin_renders_with_chinese_text(client_as, users, twenty, tmp_path):
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: apt-get install poppler-utils fonts-wqy-microhei")
        pytest.skip("needs poppler-utils (pdftoppm)")
    Project.objects.filter(code="W3").update(delay_cause="用地指标未落实")
    response = client_as("admin").get("/projects/bulletin.pdf", {"month": "2022-06"})
    pdf = response.content
    assert response.status_code == 200 and pdf.startswith(b"%PDF") and b"FontFile2" in pdf
    (tmp_path / "b.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "b.pdf"),
                    str(tmp_path / "p")], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert sum(1 for px in image.tobytes() if px < 128) > 500, "the first page is blank"
    text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "常州市重大项目推进情况月通报（2022年6月）" in text
    assert "55.6%" in text and "开工率" in text and "用地指标未落实" in text and "测试项目W3" in text


def test_the_quarterly_review_xlsx_lists_the_projects_behind(client_as, users, twenty):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_as("admin").get("/projects/review.xlsx", {"year": 2022, "quarter": 2})
    book = load_workbook(BytesIO(response.content))
    assert book["指标"]["A1"].value == "常州市重大项目季度督查报告（2022年第2季度）"
    behind = [row[1] for row in book["滞后项目"].iter_rows(min_row=2, values_only=True)]
    assert "测试项目W3" in behind and "测试项目W1" not in behind


def test_the_checklist_lists_an_officers_projects_under_way(client_as, users, twenty):
    page = client_as("wujin").get("/projects/checklist/", {"officer": "张伟"}).content.decode()
    assert "责任人：张伟" in page and "测试项目W3" in page and "测试项目X1" not in page
    assert "测试项目W9" not in page  # in full production: no longer visited


def test_the_gantt_view_of_a_district(client_as, users, twenty):
    response = client_as("admin").get("/projects/gantt/", {"district": "xinbei"})
    assert response.status_code == 200
    assert "测试项目X1" in response.content.decode() and "测试项目W1" not in response.content.decode()
    assert "vendor/echarts-6.1.0.min.js" in response.content.decode()


def test_a_lead_becomes_a_project_in_one_click_and_only_once(client_as, users, reference):
    client = client_as("admin")
    data = {"name": "某光伏组件项目", "district": "jintan", "chain": "", "planned_yi": "30", "stage": "signed",
            "lead": "LEAD-42", "investor": "某新能源集团"}
    first = client.post("/projects/from-lead/", data)
    second = client.post("/projects/from-lead/", data)
    assert first.status_code == 302 and first["Location"] == second["Location"]
    p = Project.objects.get(source_lead="LEAD-42")
    assert p.stage == "signed" and p.planned_yuan == 30 * 10**8 and p.district.code == "jintan"
    assert client.post("/projects/from-lead/", {**data, "district": "nowhere"}).status_code == 400
    assert client_as("analyst").post("/projects/from-lead/", data).status_code == 403


def test_the_demo_pipeline_shows_projects_behind_with_their_causes(client_as, users, reference):
    from industrybrain.projects import demo

    counts = demo.load(seed=7, progress=lambda *_: None)
    for year in range(2021, dt.date.today().year):  # every full year: 111 listed, 4 of them large
        listed = Project.objects.registered_in(year)
        assert listed.count() == 111 and listed.filter(is_large=True).count() == 4
    assert Project.objects.filter(currency="USD", is_large=True).exists()
    assert counts["inspections"] > 0
    page = client_as("admin").get("/projects/", {"alert": "behind"})
    shown = list(page.context["page"])
    assert len(shown) >= 10
    assert all(p.delay_cause for p in shown)  # every project behind says why
    text = page.content.decode()
    assert any(c in text for c, _ in demo.CAUSES)
    assert client_as("admin").get("/projects/rates/").status_code == 200


def test_the_target_monitor_counts_the_listed_projects(reference):
    """新增入库市重大产业项目111个，其中超100亿元或10亿美元项目4个 (004): the two baselines are
    computed from the project list, per district and for the city."""
    from industrybrain.projects import demo
    from industrybrain.targets import indicators

    demo.load(seed=7, progress=lambda *_: None)
    new = indicators.compute("count_projects: registered", "个", [2021, 2022])
    large = indicators.compute("count_projects: registered large", "个", [2021])
    assert new[(2021, None)] == new[(2022, None)] == 111 and large[(2021, None)] == 4
    assert sum(v for (y, d), v in new.items() if y == 2021 and d is not None) == 111


def test_the_lead_link_waits_for_the_watch_list(client_as, users):
    from industrybrain.projects.views import _lead_model

    response = client_as("admin").get("/projects/from-lead/1/")
    assert response.status_code == 404 if _lead_model() is None else response.status_code in (200, 404)
    assert client_as("analyst").get("/projects/from-lead/1/").status_code == 403


def test_a_watch_list_lead_becomes_a_project_in_one_click(client_as, users):
    from industrybrain.enterprises.models import District
    from industrybrain.industry.models import ChainSegment, InvestmentLead

    segment = ChainSegment.objects.filter(chain__isnull=False).first()
    lead = InvestmentLead.objects.create(
        company="某储能科技集团", segment=segment, district=District.objects.get(code="wujin"),
        source="chain", stage="signed", officer="王敏", investment_wan=250000)
    client = client_as("wujin")
    form = client.get(f"/projects/from-lead/{lead.pk}/")
    assert form.status_code == 200 and "某储能科技集团" in form.content.decode()
    data = {k: ("" if v is None else v) for k, v in form.context["form"].initial.items()}
    created = client.post(f"/projects/from-lead/{lead.pk}/", data)
    p = Project.objects.get(source_lead=f"industry.InvestmentLead#{lead.pk}")
    assert created["Location"] == f"/projects/{p.pk}/"
    assert p.stage == "signed" and p.planned_yuan == 25 * 10**8 and p.segment == segment
    assert p.chain == segment.chain and p.district.code == "wujin" and p.officer == "王敏"
    again = client.get(f"/projects/from-lead/{lead.pk}/")  # the second click finds it
    assert again.status_code == 302 and again["Location"] == f"/projects/{p.pk}/"
