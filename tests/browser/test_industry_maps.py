"""The industry maps on the demo city in chromium: every chain and cluster page draws its segment
graph, ranks 链主 candidates and gaps, and colours the district map; a click on a segment lists
its enterprises; the charts export as PNG and SVG. Screenshots are checked for drawn pixels.
Render times are written to the test's output (not asserted: speed lives in bench/)."""

import io
import time

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

CHAINS = ["integrated_circuit", "robotics", "industrial_energy_internet",
          "intelligent_connected_vehicle", "carbon_composites", "biomedicine_chain",
          "aerospace_info", "telecom_5g"]
CLUSTERS = ["high_end_equipment", "new_energy", "new_materials", "nev_auto_parts", "green_steel",
            "textile_apparel", "electronic_info", "biomedicine", "building_materials",
            "energy_saving_env"]


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    # Already on /login/: wait until the submission has led away from it.
    page.wait_for_url(lambda url: "/login/" not in url)


def drawn_share(png: bytes) -> float:
    """Share of the pixels that are not (near) white: a blank chart is close to 0."""
    histogram = Image.open(io.BytesIO(png)).convert("L").histogram()
    return sum(histogram[:235]) / sum(histogram)


@pytest.mark.parametrize("kind,code", [("chain", c) for c in CHAINS] + [("cluster", c) for c in CLUSTERS])
def test_each_map_draws_its_graph_leaders_gaps_and_districts(page, demo_server, kind, code, tmp_path):
    login(page, demo_server, "admin")
    started = time.perf_counter()
    page.goto(f"{demo_server['url']}/industry/{kind}/{code}/")
    page.wait_for_selector("#segment-graph[data-ready='1'] canvas")
    page.wait_for_selector("#district-map[data-ready='1'] canvas")
    print(f"render {kind} {code}: {time.perf_counter() - started:.2f} s")
    graph = page.locator("#segment-graph").screenshot(path=str(tmp_path / f"{code}-graph.png"))
    districts = page.locator("#district-map").screenshot(path=str(tmp_path / f"{code}-map.png"))
    assert drawn_share(graph) > 0.01 and drawn_share(districts) > 0.05
    assert page.locator("#leaders tbody tr td a").count() >= 1  # ranked, with links
    assert "得分" in page.inner_text("#leaders-card") and "理由" in page.inner_text("#leaders")
    assert page.locator("#gaps tbody tr").count() >= 1
    assert page.locator("#districts tbody tr").count() == 7
    if kind == "chain":
        assert "3—5家链主" in page.inner_text("#leader-target")


def test_a_click_on_a_segment_lists_its_enterprises_and_charts_export(page, demo_server):
    login(page, demo_server, "admin")
    page.goto(demo_server["url"] + "/industry/cluster/high_end_equipment/")
    page.wait_for_selector("#segment-graph[data-ready='1'] canvas")
    # The largest node's position on the canvas, from the chart itself.
    x, y = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('segment-graph'));
        const data = chart.getModel().getSeriesByIndex(0).getData();
        let best = 0;
        for (let i = 0; i < data.count(); i++) { if (data.get('value', i) > data.get('value', best)) best = i; }
        return chart.convertToPixel({seriesIndex: 0}, data.getItemLayout(best));
    }""")
    page.locator("#segment-graph").scroll_into_view_if_needed()
    box = page.locator("#segment-graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#segment-panel .segment-list tbody tr td a")
    assert "（合成）" in page.inner_text("#segment-panel")
    for kind in ("png", "svg"):
        with page.expect_download() as info:
            page.click(f"button[data-export='segment-graph'][data-type='{kind}']")
        assert info.value.suggested_filename.endswith("." + kind)
    with page.expect_download() as info:
        page.click("text=数据（Excel）")
    assert info.value.suggested_filename.endswith(".xlsx")


def test_the_district_map_ranks_and_a_district_officer_sees_the_own(page, demo_server, tmp_path):
    login(page, demo_server, "admin")
    page.goto(demo_server["url"] + "/industry/map/?owner=chain:robotics&metric=lq")
    page.wait_for_selector("#district-map[data-ready='1'] canvas")
    shot = page.locator("#district-map").screenshot(path=str(tmp_path / "map.png"))
    assert drawn_share(shot) > 0.05
    assert page.locator("#ranking tbody tr").count() == 7
    page.click("#ranking tbody tr:first-child a")
    page.wait_for_url("**/districts/**")
    assert "集群与产业链" in page.inner_text("main")
    page.context.clear_cookies()
    login(page, demo_server, "wujin")
    page.goto(demo_server["url"] + "/industry/map/")
    assert page.locator("#ranking tbody tr").count() == 1
    assert "武进区" in page.inner_text("#ranking")
