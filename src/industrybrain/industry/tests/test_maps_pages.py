"""The chain pages, the district map and page, the watch list and the exports, as each role
meets them; bad parameters answer 400 and never 500."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from industrybrain.industry.models import ChainSegment, InvestmentLead

pytestmark = pytest.mark.django_db


def test_every_chain_and_cluster_page_draws_its_graph(client_as, placed):
    client = client_as("admin")
    from industrybrain.industry.models import Chain, Cluster

    for owner, kind in [(c, "cluster") for c in Cluster.objects.all()] + [(c, "chain") for c in Chain.objects.all()]:
        response = client.get(reverse(f"industry:{kind}", args=[owner.code]))
        assert response.status_code == 200, owner.code
        page = response.content.decode()
        assert 'id="segment-graph"' in page and 'id="gaps"' in page and 'id="leaders"' in page
        assert owner.name_zh in page


def test_the_robotics_page_ranks_the_leader_and_its_gaps(client_as, placed):
    page = client_as("admin").get(reverse("industry:chain", args=["robotics"])).content.decode()
    leaders = page[page.index('id="leaders"'):page.index('id="gaps-card"')]
    assert placed["d"].name in leaders and "链主" in leaders and "理由" in page
    gaps = page[page.index('id="gaps"'):page.index("</table>", page.index('id="gaps"'))]
    # Only D is placed (in 核心零部件): every segment has fewer than 3 local enterprises.
    assert "工业机器人（本体）" in gaps and "系统集成与应用" in gaps and "核心零部件" in gaps
    assert "本地企业 1 家（少于 3 家）" in gaps and "本地企业 0 家（少于 3 家）" in gaps
    assert "每条产业链培育3—5家链主" in page


def test_segment_page_lists_its_enterprises_with_figures_and_honours(client_as, placed):
    bearings = ChainSegment.objects.get(cluster__code="high_end_equipment", code="bearings")
    page = client_as("admin").get(reverse("industry:segment", args=[bearings.pk])).content.decode()
    assert placed["a"].name in page and "高新技术企业" in page and "亿元" in page or "万元" in page
    assert placed["c"].name not in page
    fragment = client_as("admin").get(reverse("industry:segment", args=[bearings.pk]), {"partial": "1"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


@pytest.mark.parametrize("url,params", [
    ("/industry/chain/robotics/", {"year": "abc"}),
    ("/industry/chain/robotics/", {"year": "99999"}),
    ("/industry/cluster/high_end_equipment/", {"year": "-1"}),
    ("/industry/chain/robotics/data.xlsx", {"year": "1e9"}),
    ("/industry/map/", {"metric": "<script>"}),
    ("/industry/map/", {"owner": "chain:nope"}),
    ("/industry/map/", {"owner": "robotics"}),
    ("/industry/leads/", {"stage": "nope"}),
    ("/industry/leads/", {"district": "999999"}),
    ("/industry/leads/", {"segment": "x"}),
])
def test_bad_parameters_answer_400(client_as, placed, url, params):
    assert client_as("admin").get(url, params).status_code == 400


def test_unknown_codes_answer_404(client_as, placed):
    client = client_as("admin")
    assert client.get("/industry/chain/nope/").status_code == 404
    assert client.get("/industry/cluster/robotics/").status_code == 404
    assert client.get("/industry/segment/999999/").status_code == 404
    assert client.get("/districts/nowhere/").status_code == 404


def test_override_by_form_refuses_bad_input_and_reports_refusals(client_as, placed):
    client = client_as("admin")
    fabrics = ChainSegment.objects.get(cluster__code="textile_apparel", code="fabrics")
    assert client.post("/industry/placement/override/", {"enterprise": "x", "segment": fabrics.pk,
                                                         "reason": "r"}).status_code == 400
    assert client.post("/industry/placement/override/", {"enterprise": placed["a"].pk,
                                                         "segment": fabrics.pk}).status_code == 400
    response = client.post("/industry/placement/override/", {
        "enterprise": placed["a"].pk, "segment": fabrics.pk, "reason": "试"}, follow=True)
    assert response.status_code == 200 and "不能归入" in response.content.decode()
    assert client_as("analyst").post("/industry/placement/override/", {
        "enterprise": placed["a"].pk, "segment": fabrics.pk, "reason": "试"}).status_code == 403
    # A district officer cannot touch another district's enterprise.
    robots = ChainSegment.objects.get(cluster__code="high_end_equipment", code="robots")
    assert client_as("wujin").post("/industry/placement/override/", {
        "enterprise": placed["c"].pk, "segment": robots.pk, "reason": "试"}).status_code == 404


def test_district_officer_sees_the_own_district_only(client_as, placed):
    client = client_as("wujin")
    bearings = ChainSegment.objects.get(cluster__code="high_end_equipment", code="bearings")
    cnc = ChainSegment.objects.get(cluster__code="high_end_equipment", code="cnc_machine_tools")
    assert placed["a"].name in client.get(reverse("industry:segment", args=[bearings.pk])).content.decode()
    assert placed["c"].name not in client.get(reverse("industry:segment", args=[cnc.pk])).content.decode()
    page = client.get(reverse("industry:cluster", args=["high_end_equipment"])).content.decode()
    assert placed["c"].name not in page and placed["d"].name not in page
    districts = page[page.index('id="districts"'):]
    assert "武进区" in districts and "新北区" not in districts
    assert client.get("/districts/wujin/").status_code == 200
    assert client.get("/districts/xinbei/").status_code == 404
    ranking = client.get("/industry/map/").content.decode()
    assert "武进区" in ranking and "新北区" not in ranking[ranking.index('id="ranking"'):]


def test_enterprise_users_see_no_other_enterprise(client_as, placed):
    client = client_as("owner_a")
    page = client.get(reverse("industry:cluster", args=["high_end_equipment"])).content.decode()
    for key in "bcd":
        assert placed[key].name not in page
    cnc = ChainSegment.objects.get(cluster__code="high_end_equipment", code="cnc_machine_tools")
    assert placed["c"].name not in client.get(reverse("industry:segment", args=[cnc.pk])).content.decode()
    assert client.get("/industry/map/").status_code == 403
    assert client.get("/districts/wujin/").status_code == 403
    assert client.get("/industry/leads/").status_code == 403
    assert client.get("/industry/leads/new/").status_code == 403


def test_the_watch_list_keeps_every_edit(client_as, placed, users):
    client = client_as("wujin")
    gap = ChainSegment.objects.get(chain__code="robotics", code="robot_system_integration")
    form = client.get("/industry/leads/new/", {"segment": gap.pk}).content.decode()
    assert f'value="{gap.pk}" selected' in form
    data = {"company": "某协作机器人集成商", "segment": gap.pk, "district": placed["a"].district_id,
            "source": "chain", "stage": "lead", "officer": "张三", "next_step": "上门拜访",
            "next_step_on": "2023-03-01", "first_contact_on": "2023-02-01"}
    assert client.post("/industry/leads/new/", data).status_code == 302
    lead = InvestmentLead.objects.get(company="某协作机器人集成商")
    assert client.post(f"/industry/leads/{lead.pk}/", {**data, "stage": "visit"}).status_code == 302
    page = client.get(f"/industry/leads/{lead.pk}/").content.decode()
    assert page.count("wujin") >= 2 and "考察" in page and "线索" in page
    # Bad input: the next step before the first contact, money beyond 100亿元, another district.
    bad = client.post("/industry/leads/new/", {**data, "next_step_on": "2023-01-01"})
    assert bad.status_code == 400 and "早于" in bad.content.decode()
    assert client.post("/industry/leads/new/", {**data, "investment_wan": "99999999"}).status_code == 400
    xinbei = placed["c"].district_id
    assert client.post("/industry/leads/new/", {**data, "district": xinbei}).status_code == 400
    # The list and the chain page show it; 新北's officer does not exist here, the analyst reads.
    assert "某协作机器人集成商" in client_as("analyst").get("/industry/leads/").content.decode()
    assert "某协作机器人集成商" in client.get("/industry/chain/robotics/").content.decode()
    assert client_as("analyst").get(f"/industry/leads/{lead.pk}/").status_code == 403


def test_the_excel_export_holds_the_page_figures(client_as, placed):
    response = client_as("admin").get("/industry/chain/robotics/data.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["环节", "短板排序", "链主与候选", "辖市区"]
    segments = {row[0]: row for row in book["环节"].iter_rows(min_row=2, values_only=True)}
    assert segments["核心零部件（减速器、伺服、控制器）"][2] == 1
    assert any(placed["d"].name == row[1] for row in book["链主与候选"].iter_rows(min_row=2, values_only=True))


def test_the_district_page_gathers_its_chains_leads_and_awards(client_as, placed):
    page = client_as("admin").get("/districts/wujin/").content.decode()
    assert "武进区" in page and "高端装备" in page and "已拨付奖励" in page
    assert placed["a"].name in page and placed["c"].name not in page


def test_the_index_links_every_chain_page(client_as, placed):
    page = client_as("analyst").get("/industry/").content.decode()
    assert reverse("industry:chain", args=["robotics"]) in page
    assert reverse("industry:cluster", args=["new_energy"]) in page


def test_the_unplaced_are_listed_with_the_reason_and_can_be_placed(client_as, placed):
    page = client_as("wujin").get("/industry/cluster/high_end_equipment/unplaced/").content.decode()
    assert placed["b"].name in page and "C3484" in page and "没有环节认领" in page
    assert 'name="reason"' in page  # an officer may place it from here
    other = client_as("owner_c").get("/industry/cluster/high_end_equipment/unplaced/").content.decode()
    assert placed["b"].name not in other and 'name="reason"' not in other
    robots = ChainSegment.objects.get(cluster__code="high_end_equipment", code="robots")
    client_as("wujin").post("/industry/placement/override/", {
        "enterprise": placed["b"].pk, "segment": robots.pk, "reason": "核实为机器人企业"})
    page = client_as("wujin").get("/industry/cluster/high_end_equipment/unplaced/").content.decode()
    assert placed["b"].name not in page[page.index('id="unplaced"'):]


def test_page_queries_do_not_grow_with_the_enterprises(client_as, placed):
    """The chain page asks a bounded number of queries however many enterprises it shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_uscc
    from industrybrain.enterprises.models import AnnualFigures, District, Enterprise
    from industrybrain.industry.placement import place_all

    def count():
        client = client_as("admin")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/industry/cluster/high_end_equipment/").status_code == 200
        return len(queries)

    before = count()
    district = District.objects.get(code="jintan")
    made = Enterprise.objects.bulk_create([
        Enterprise(uscc=make_uscc(8000 + i, "320413"), name=f"计数轴承{i}有限公司", district=district,
                   industry_code="C3451", ownership="private", cluster=placed["a"].cluster)
        for i in range(30)])
    AnnualFigures.objects.bulk_create([AnnualFigures(enterprise=e, year=y, industrial_output=10**8,
                                                     revenue=10**8, above_scale=True)
                                       for e in made for y in (2020, 2021)])
    place_all()
    assert count() <= before + 2  # the cache key and the tables, recomputed for the new data
