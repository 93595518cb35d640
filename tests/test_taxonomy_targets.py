"""The Changzhou 2022 taxonomy and targets hold together.

These tests read the YAML only (no seeds needed except where stated): codes match the data
contract, numbers match what the articles print, conflicts are linked both ways, and the
measures name only columns and codes the database has.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from industrybrain.packs import pack_dir

PACK = pack_dir("changzhou_2022")
DATA = Path(__file__).resolve().parents[1] / "src" / "industrybrain" / "data"

# docs/data-contract.md, "taxonomy codes": the only codes the database accepts.
CONTRACT_CLUSTERS = {
    "high_end_equipment", "new_energy", "new_materials", "nev_auto_parts", "green_steel",
    "textile_apparel", "electronic_info", "biomedicine", "building_materials",
    "energy_saving_env",
}
CONTRACT_CHAINS = {
    "integrated_circuit", "robotics", "industrial_energy_internet",
    "intelligent_connected_vehicle", "carbon_composites", "biomedicine_chain",
    "aerospace_info", "telecom_5g",
}
# docs/data-contract.md: columns of the enterprises and figures tables.
ENTERPRISE_COLUMNS = {
    "enterprise_id", "uscc", "name", "district", "industry_code", "ownership", "founded_on",
    "is_manufacturing", "is_listed", "cluster", "chains", "chain_leader",
}
FIGURE_COLUMNS = {
    "revenue", "industrial_output", "tax", "local_contribution", "rd_spending", "employees",
    "invention_patents", "energy_tce", "tech_upgrade_investment", "above_scale",
}
MEASURE_OPS = {
    "count_designation", "count_new_designation", "count_new_designation_per_year",
    "sum_figure", "share_figure", "share_designation", "count_enterprises",
    "count_chain_leader", "count_clusters", "count_newly_above_scale", "sum_awards_paid",
    "count_projects", "share_diagnosed",
}
MEASURE_WORDS = {
    "where", "since", "per", "year", "in", "and", "or", "not", "at_least", "more_than",
    "less_than", "at_most", "previous_year", "strategic_cluster", "registered", "large",
    "manufacturing",
}

KINDS = {"target", "baseline", "qualitative"}
COMPARATORS = {"at_least", "more_than", "about", "between", "at_most", "equal"}
UNITS = {
    "亿元", "万元", "万美元", "亿美元", "万欧元", "%", "家", "个", "件", "万户", "倍", "名", "项",
    "万人", "万套", "位", "个工作日", "平方米", "条",
}
STAGES = {"upstream", "midstream", "downstream"}
INDUSTRY_CODE = re.compile(r"^[A-T]\d{2,4}$")  # GB/T 4754-2017: section letter + 2–4 digits


def _load(name: str):
    with open(PACK / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


TAXONOMY = _load("taxonomy.yaml")
TARGETS = _load("targets.yaml")["targets"]
BY_ID = {t["id"]: t for t in TARGETS}
with open(DATA / "designations.yaml", encoding="utf-8") as _fh:
    DESIGNATIONS = {d["code"] for d in yaml.safe_load(_fh)}
with open(DATA / "districts.yaml", encoding="utf-8") as _fh:
    DISTRICTS = {d["code"] for d in yaml.safe_load(_fh)}
STRATEGIC = {i["code"] for i in TAXONOMY["strategic_emerging_clusters"]["items"]}


def _citations(item: dict) -> list[dict]:
    return ([item["citation"]] if "citation" in item else []) + item.get("citations", [])


# --- reading a number as the articles print it ------------------------------------------

_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "亿": Decimal(10) ** 8,
                "万": Decimal(10) ** 4, "": Decimal(1)}
_BASE_UNITS = "个工作日|平方米|美元|欧元|元|家|个|件|户|项|名|人|套|位|条|%"
_WRITTEN = re.compile(
    r"^.*?(?P<a>\d+(?:\.\d+)?)?(?:[—-](?P<b>\d+(?:\.\d+)?))?(?:余|多)?"
    rf"(?P<mult>万亿|千亿|亿|万)?(?:余|多)?(?P<unit>{_BASE_UNITS})$"
)
# Numbers the articles write in words; each is (value, unit) in the target's own terms.
_IN_WORDS = {
    "倍增": (Decimal(2), "倍"),
    "万亿": (Decimal(10000), "亿元"),
    "三分之二": (Decimal("66.67"), "%"),
    "三分之一": (Decimal("33.33"), "%"),
    "第一": (Decimal(1), "位"),
}


def _split_unit(unit: str) -> tuple[Decimal, str]:
    """'亿元' -> (10^8, '元'); '家' -> (1, '家')."""
    for prefix in ("万亿", "千亿", "亿", "万"):
        if unit.startswith(prefix) and unit != prefix:
            return _MULTIPLIERS[prefix], unit[len(prefix):]
    return Decimal(1), unit


def parse_as_written(text: str) -> tuple[Decimal, Decimal | None, str]:
    """Return (value, value_max or None, base unit) in base units, e.g. '2.5万亿元' ->
    (2.5e12, None, '元'); the number read is the last one, so '2000亿元以上1家' -> 1 家."""
    if text in _IN_WORDS:
        value, unit = _IN_WORDS[text]
        mult, base = _split_unit(unit)
        return value * mult, None, base
    m = _WRITTEN.match(text)
    if not m or (m["a"] is None and m["mult"] is None):
        raise ValueError(f"cannot read a number in {text!r}")
    mult = _MULTIPLIERS[m["mult"] or ""]
    a = Decimal(m["a"]) if m["a"] else Decimal(1)
    b = Decimal(m["b"]) * mult if m["b"] else None
    return a * mult, b, m["unit"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2.5万亿元", (Decimal("2.5e12"), None, "元")),
        ("3—5家", (Decimal(3), Decimal(5), "家")),
        ("1-2家", (Decimal(1), Decimal(2), "家")),
        ("2000亿元以上1家", (Decimal(1), None, "家")),
        ("100—500亿元以上工业企业(集团)24家", (Decimal(24), None, "家")),
        ("1000余万元", (Decimal("1e7"), None, "元")),
        ("1万余家", (Decimal(10000), None, "家")),
        ("千亿元", (Decimal("1e11"), None, "元")),
        ("43%", (Decimal(43), None, "%")),
        ("第12位", (Decimal(12), None, "位")),
    ],
)
def test_parse_as_written(text, expected) -> None:
    assert parse_as_written(text) == expected


def test_parse_as_written_refuses_text_without_a_number() -> None:
    with pytest.raises(ValueError):
        parse_as_written("规上工业企业")


# --- taxonomy -------------------------------------------------------------------------


def test_all_ten_clusters_with_contract_codes() -> None:
    codes = [c["code"] for c in TAXONOMY["clusters"]]
    assert len(codes) == 10 and set(codes) == CONTRACT_CLUSTERS


def test_all_eight_chains_with_contract_codes() -> None:
    codes = [c["code"] for c in TAXONOMY["chains"]]
    assert len(codes) == 8 and set(codes) == CONTRACT_CHAINS


@pytest.mark.parametrize("group", ["clusters", "chains"])
def test_every_cluster_and_chain_is_complete(group: str) -> None:
    for item in TAXONOMY[group]:
        where = f"{group}:{item['code']}"
        assert item["name_zh"] and item["name_en"], where
        assert _citations(item), f"{where} has no citation"
        segments = item["segments"]
        assert segments, f"{where} has no segments"
        assert len({s["code"] for s in segments}) == len(segments), f"{where}: duplicate segment"
        for seg in segments:
            assert seg["stage"] in STAGES, f"{where}.{seg['code']}: stage {seg['stage']!r}"
            assert seg["name_zh"] and seg["name_en"], f"{where}.{seg['code']}"
            # A segment comes from the articles (cited) or is an assumption with its reason.
            if seg.get("source") == "assumption":
                assert seg.get("reason"), f"{where}.{seg['code']}: assumption without reason"
            else:
                assert _citations(seg), f"{where}.{seg['code']}: no citation, not an assumption"


def test_cluster_segments_come_from_the_articles() -> None:
    # Clusters are described segment by segment in 002/004; nothing is made up there.
    for cluster in TAXONOMY["clusters"]:
        for seg in cluster["segments"]:
            assert seg.get("source") != "assumption", f"{cluster['code']}.{seg['code']}"


def test_high_end_equipment_segments_named_by_the_articles() -> None:
    cluster = next(c for c in TAXONOMY["clusters"] if c["code"] == "high_end_equipment")
    names = "".join(s["name_zh"] for s in cluster["segments"])
    for word in ("机器人", "数控机床", "农机", "工程机械", "特高压", "轨道交通装备", "轴承"):
        assert word in names, word


def test_cluster_industry_codes_are_well_formed_and_unambiguous() -> None:
    # Longest-prefix mapping needs every prefix to belong to one cluster only.
    owner: dict[str, str] = {}
    for cluster in TAXONOMY["clusters"]:
        assert cluster["industry_codes_source"] == "assumption", cluster["code"]
        assert cluster["industry_codes"], cluster["code"]
        for entry in cluster["industry_codes"]:
            code = entry["code"]
            assert INDUSTRY_CODE.match(code), code
            assert entry["name_zh"], code
            assert code not in owner, f"{code} in both {owner.get(code)} and {cluster['code']}"
            owner[code] = cluster["code"]
    assert TAXONOMY["cluster_mapping"]["rule"] == "longest_prefix"
    assert TAXONOMY["cluster_mapping"]["reason"]
    assert owner["C31"] == "green_steel"


def _cluster_of(industry_code: str) -> str | None:
    best = None
    for cluster in TAXONOMY["clusters"]:
        for entry in cluster["industry_codes"]:
            prefix = entry["code"]
            if industry_code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, cluster["code"])
    return best[1] if best else None


@pytest.mark.parametrize(
    "industry_code, cluster",
    [
        ("C3120", "green_steel"),
        ("C3825", "new_energy"),  # inside C382 (high_end_equipment) but longer
        ("C3823", "high_end_equipment"),
        ("C3491", "high_end_equipment"),
        ("C3551", "textile_apparel"),
        ("C3581", "biomedicine"),
        ("C3841", "nev_auto_parts"),
        ("C3612", "nev_auto_parts"),
        ("C3091", "new_materials"),
        ("C3011", "building_materials"),
        ("C3973", "electronic_info"),
        ("C3591", "energy_saving_env"),
        ("C1311", None),
    ],
)
def test_longest_prefix_mapping(industry_code: str, cluster: str | None) -> None:
    assert _cluster_of(industry_code) == cluster


def test_chain_hints_and_related_clusters_use_known_codes() -> None:
    for chain in TAXONOMY["chains"]:
        assert set(chain["related_clusters"]) <= CONTRACT_CLUSTERS, chain["code"]
        for entry in chain["industry_hints"]:
            assert INDUSTRY_CODE.match(entry["code"]), entry


def test_chain_leader_rule_is_three_to_five_per_chain() -> None:
    rule = TAXONOMY["chain_leader_rule"]
    assert (rule["min"], rule["max"], rule["per"]) == (3, 5, "chain")
    assert "3—5家" in rule["citation"]["quote"]
    linked = [BY_ID[t] for t in rule["targets"]]
    assert {t["scope"] for t in linked} == {f"chain:{c}" for c in CONTRACT_CHAINS}
    for t in linked:
        assert (t["comparator"], t["value"], t["value_max"], t["unit"]) == ("between", 3, 5, "家")
        assert t["measure"] == f"count_chain_leader: {t['scope'].split(':')[1]}"


def test_strategic_clusters_future_industries_and_services() -> None:
    strategic = TAXONOMY["strategic_emerging_clusters"]
    assert [i["name_zh"] for i in strategic["items"]] == ["智能制造装备", "新能源", "新能源汽车"]
    assert BY_ID[strategic["total_target"]]["value"] == 8000
    for item in strategic["items"]:
        if "same_as_cluster" in item:
            assert item["same_as_cluster"] in CONTRACT_CLUSTERS
    future = {f["name_zh"] for f in TAXONOMY["future_industries"]}
    assert future == {"人工智能", "6G", "细胞治疗", "超材料", "无人驾驶", "元宇宙"}
    services = {s["name_zh"] for s in TAXONOMY["productive_services"]["items"]}
    assert services == {"现代物流", "检验检测", "研发设计", "人力资源", "产业金融"}


# --- cluster targets ------------------------------------------------------------------

# 002 “打造十大先进制造业集群”, cluster by cluster (亿元, 2025).
ARTICLE_CLUSTER_TARGETS = {
    "high_end_equipment": 6000, "new_energy": 1500, "new_materials": 1500,
    "nev_auto_parts": 4000, "green_steel": 3000, "textile_apparel": 700,
    "electronic_info": 1500, "biomedicine": 1000, "building_materials": 500,
    "energy_saving_env": 800,
}


def test_cluster_targets_match_the_article_and_the_taxonomy() -> None:
    for cluster in TAXONOMY["clusters"]:
        code = cluster["code"]
        scale = cluster["scale_target"]
        target = BY_ID[scale["target"]]
        assert target["scope"] == f"cluster:{code}"
        assert (target["value"], target["unit"], target["deadline"]) == (
            scale["value"], scale["unit"], scale["year"],
        ), code
        assert target["value"] == ARTICLE_CLUSTER_TARGETS[code], code
        # The heading quote names the cluster, so the number is tied to the right one.
        quotes = [c["quote"] for c in _citations(target)]
        assert any(cluster["name_zh"] in q for q in quotes), code


def test_cluster_targets_sum() -> None:
    cluster_targets = [
        t for t in TARGETS if t["scope"].startswith("cluster:") and t["id"].endswith("_scale_2025")
    ]
    assert len(cluster_targets) == 10
    total = sum(t["value"] for t in cluster_targets)
    assert total == sum(ARTICLE_CLUSTER_TARGETS.values()) == 20500
    assert TAXONOMY["clusters_scale_sum_2025"]["value"] == total
    # The clusters are part of industry: their sum stays under the 2.5万亿元 total.
    assert total < BY_ID["industrial_scale_2025"]["value"] == 25000
    # 3个以上规模超3000亿元: three cluster targets reach 3000 (only two exceed it).
    assert sum(t["value"] >= 3000 for t in cluster_targets) >= BY_ID["clusters_over_3000_2025"]["value"]
    # The two strategic clusters that are also clusters fit inside the 8000亿元 total.
    strategic = ARTICLE_CLUSTER_TARGETS["new_energy"] + ARTICLE_CLUSTER_TARGETS["nev_auto_parts"]
    assert strategic < BY_ID["strategic_emerging_clusters_scale_2025"]["value"]


# --- targets --------------------------------------------------------------------------


def test_ids_unique() -> None:
    counts = Counter(t["id"] for t in TARGETS)
    assert not [i for i, n in counts.items() if n > 1]


@pytest.mark.parametrize("t", TARGETS, ids=[t["id"] for t in TARGETS])
def test_target_is_well_formed(t: dict) -> None:
    assert t["kind"] in KINDS
    assert t["name_zh"] and t["name_en"]
    assert t["indicator"] in {"computed", "entered"}
    scope_kind, _, code = t["scope"].partition(":")
    assert scope_kind in {"city", "cluster", "chain", "district"}
    if scope_kind == "cluster":
        assert code in CONTRACT_CLUSTERS
    elif scope_kind == "chain":
        assert code in CONTRACT_CHAINS
    elif scope_kind == "district":
        assert code in DISTRICTS
    else:
        assert code == ""
    assert _citations(t), "no citation"
    if t["kind"] == "baseline":
        assert isinstance(t["baseline_year"], int)
        assert "deadline" not in t
    elif t["kind"] == "target":
        # A target without a year must say why.
        assert isinstance(t["deadline"], int) or t.get("deadline_note")
        assert "baseline_year" not in t
    if t["kind"] == "qualitative":
        assert "value" not in t and "as_written" not in t
        return
    assert t["comparator"] in COMPARATORS
    assert t["unit"] in UNITS
    assert isinstance(t["value"], (int, float))
    if t["comparator"] == "between":
        assert t["value"] < t["value_max"]
    else:
        assert "value_max" not in t
    if t.get("period") == "annual":
        assert t["start_year"] <= t["deadline"]
    if t["unit"] == "倍":
        assert "relative_to" in t
        assert t["relative_to"] is None or t["relative_to"] in BY_ID


@pytest.mark.parametrize(
    "t", [t for t in TARGETS if t["kind"] != "qualitative"], ids=lambda t: t["id"]
)
def test_quote_contains_the_number_as_written(t: dict) -> None:
    written = t["as_written"]
    assert any(written in c["quote"] for c in _citations(t)), (
        f"{t['id']}: no quote contains {written!r}"
    )
    value, value_max, base = parse_as_written(written)
    mult, unit_base = _split_unit(t["unit"])
    assert base == unit_base, f"{t['id']}: {written!r} is in {base}, the target in {t['unit']}"
    # Fractions written in words are rounded to two decimals in `value`.
    tolerance = Decimal("0.01") if written in _IN_WORDS else Decimal(0)
    assert abs(Decimal(str(t["value"])) * mult - value) <= tolerance, t["id"]
    if value_max is not None:
        assert Decimal(str(t["value_max"])) * mult == value_max, t["id"]


@pytest.mark.parametrize(
    "t", [t for t in TARGETS if t["indicator"] == "computed"], ids=lambda t: t["id"]
)
def test_computed_measures_name_known_columns_and_codes(t: dict) -> None:
    op, sep, rest = t["measure"].partition(": ")
    assert sep and op in MEASURE_OPS, t["measure"]
    known = (
        DESIGNATIONS | FIGURE_COLUMNS | ENTERPRISE_COLUMNS | CONTRACT_CLUSTERS | CONTRACT_CHAINS
        | STRATEGIC | MEASURE_OPS | MEASURE_WORDS
    )
    unknown = [w for w in re.findall(r"\b[a-z][a-z0-9_]*\b", rest) if w not in known]
    assert not unknown, f"{t['id']}: unknown names {unknown} in {t['measure']!r}"


def test_conflicts_are_two_way() -> None:
    for t in TARGETS:
        for other in t.get("conflicts_with", []):
            assert other in BY_ID, f"{t['id']} conflicts with unknown {other}"
            assert t["id"] in BY_ID[other].get("conflicts_with", []), f"{other} -> {t['id']}"


def test_the_known_conflicts_are_kept() -> None:
    a, b = BY_ID["chains_total_scale_2025_001"], BY_ID["chains_total_scale_2025_002"]
    assert (a["value"], b["value"]) == (6500, 5200)
    assert {c["seed"][:3] for c in _citations(a)} == {"001"}
    assert {c["seed"][:3] for c in _citations(b)} == {"002"}
    goal, now = BY_ID["high_tech_enterprises_2022_goal"], BY_ID["high_tech_enterprises_now"]
    assert (goal["kind"], now["kind"]) == ("target", "baseline")
    assert goal["value"] == now["value"] == 3400
    assert now["id"] in goal["conflicts_with"]


@pytest.mark.parametrize(
    "target_id, value, unit",
    [
        ("industrial_scale_2025", 25000, "亿元"),
        ("manufacturing_va_share_gdp_2025", 43, "%"),
        ("listed_companies_2025", 150, "家"),
        ("listing_reserve_2025", 600, "家"),
        ("little_giants_2025", 350, "家"),
        ("little_giants_national_2025", 100, "家"),
        ("single_champions_2025", 50, "家"),
        ("gazelles_2025", 500, "家"),
        ("unicorns_2025", 50, "家"),
        ("on_cloud_enterprises_2025", 20000, "家"),
        ("on_cloud_new_per_year", 3000, "家"),
        ("star_cloud_cumulative_2025", 1600, "家"),
        ("iip_platforms_2025", 50, "个"),
        ("green_factories_2025", 100, "家"),
        ("green_factories_national_2025", 35, "家"),
        ("five_g_base_stations_2025", 28000, "个"),
        ("digital_core_share_gdp_2025", 13, "%"),
        ("market_entities_new_14th", 70, "万户"),
        ("enterprise_entities_new_14th", 20, "万户"),
        ("above_scale_industrial_new_14th", 3000, "家"),
        ("invention_patents_2025", 20000, "件"),
        ("tech_upgrade_investment_share_2025", 60, "%"),
        ("high_tech_output_share_2025", 50, "%"),
        ("gdp_2021", 8807.6, "亿元"),
        ("tax_revenue_2021", 1049, "亿元"),
        ("listed_companies_2021", 81, "家"),
        ("little_giants_national_new_2021", 16, "家"),
        ("on_cloud_enterprises_2021", 10000, "家"),
    ],
)
def test_headline_figures(target_id: str, value, unit: str) -> None:
    t = BY_ID[target_id]
    assert (t["value"], t["unit"]) == (value, unit)


def test_computed_and_entered_both_present() -> None:
    # The monitor's closing note reports this split; both kinds must exist.
    kinds = Counter(t["indicator"] for t in TARGETS)
    assert kinds["computed"] >= 40 and kinds["entered"] >= 40
