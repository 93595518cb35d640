"""The figures the synthetic city is calibrated to, each with its source.

REFERENCE_SIZE: the calibration figures describe Changzhou as a whole, but the
synthetic city is a sample of a chosen size. We take 30,000 enterprises as "the city":
the firms the industry bureau actually follows (about 6,000 above-scale industrial firms
per DESIGN.md, the ~1万余家 on-cloud firms, 3,400 high-tech firms, 81 listed companies, and
the smaller suppliers around them) rather than all ~300,000 registered enterprises, most
of which never meet an industrial policy. At n = 30,000 every count of firms and every
money total below is used as is; at other sizes it is multiplied by n / 30,000, so
shares, ratios and per-firm distributions stay the same whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE_SIZE = 30_000
CALIBRATION_YEAR = 2021  # the year the articles report on

SEED_003 = "003_6ed5619743044b73.txt"
SEED_004 = "004_c12720918cdcb871.txt"
SEED_002 = "002_6c68dd992646a33b.txt"
SEED_001 = "001_ad50afaed758b5d7.txt"

YI = 100_000_000  # 1亿元 in 元

# 2025 cluster targets from 002 (亿元). 2021 cluster revenue = target / GROWTH_TO_2025.
CLUSTER_TARGETS_2025_YI = {
    "high_end_equipment": 6000, "new_energy": 1500, "new_materials": 1500,
    "nev_auto_parts": 4000, "green_steel": 3000, "textile_apparel": 700,
    "electronic_info": 1500, "biomedicine": 1000, "building_materials": 500,
    "energy_saving_env": 800,
}
CLUSTER_QUOTES = {
    "high_end_equipment": "■高端装备集群 … 到2025年，集群规模达6000亿元。",
    "new_energy": "■新能源集群 … 到2025年，集群规模达1500亿元。",
    "new_materials": "■新材料集群 … 到2025年，集群规模达1500亿元。",
    "nev_auto_parts": "■新能源汽车及汽车核心零部件集群 … 到2025年，集群规模达4000亿元。",
    "green_steel": "■绿色精品钢集群 … 到2025年，集群规模达3000亿元。",
    "textile_apparel": "■高端纺织服装集群 … 到2025年，集群规模达700亿元。",
    "electronic_info": "■新一代电子信息技术集群 … 到2025年，集群规模达1500亿元。",
    "biomedicine": "■生物医药及新型医疗器械集群 … 到2025年，集群规模达1000亿元。",
    "building_materials": "■新型建筑材料集群 … 到2025年，集群规模达500亿元。",
    "energy_saving_env": "节能环保集群 … 到2025年，集群规模达800亿元。",
}
INDUSTRIAL_SALES_2021_YI = 17_000  # 工业一般纳税人销售突破1.7万亿元 (004)
INDUSTRIAL_GROWTH_2021 = 1.271  # 增长27.1% (004)
INDUSTRIAL_SCALE_2025_YI = 25_000  # 全市工业规模总量超2.5万亿元 (002)
# Assumed growth of every cluster from 2021 to 2025: the articles' own ratio of the 2025
# industrial total (2.5万亿元) to the 2021 industrial sales (1.7万亿元), about 9.9% a year.
GROWTH_TO_2025 = INDUSTRIAL_SCALE_2025_YI / INDUSTRIAL_SALES_2021_YI
GDP_2021_YI = 8807.6
MANUFACTURING_VA_SHARE = 0.43
VALUE_ADDED_RATE = 0.22  # assumed value added / output of Changzhou industry
TOTAL_TAX_2021_YI = 1049
TRACKED_TAX_SHARE = 0.5  # assumed share of all taxes paid by the tracked enterprises
ABOVE_SCALE_INDUSTRIAL_2021 = 6_000  # DESIGN.md "~6k above-scale" (no article figure)
ENERGY_ABOVE_SCALE_2021_TCE = 20_000_000  # assumed; only the shares below are in 004
ENERGY_SHARES = {"steel": 0.497, "cement": 0.151, "power": 0.119}
INVENTION_PATENTS_2021 = 12_000  # assumed 2021 stock on the way to the 2025 goal of 20000


@dataclass(frozen=True)
class CalibrationFigure:
    """One figure the generator is calibrated to (or checked against)."""

    key: str
    what: str
    value: float  # at the reference size
    unit: str
    source: str  # seed file name, "DESIGN.md" or "assumption"
    quote: str  # verbatim from the source ("" for an assumption); " … " joins two pieces
    applied: str  # how the generator uses it
    scaled: bool = True  # multiplied by n / REFERENCE_SIZE

    def target(self, n: int) -> float:
        return self.value * n / REFERENCE_SIZE if self.scaled else self.value


F = CalibrationFigure
FIGURES: tuple[CalibrationFigure, ...] = (
    F("high_tech_2021", "high-tech enterprises held in 2021", 3400, "firms", SEED_003,
      "全市拥有高新技术企业3400家左右",
      "held-count target of high_tech (3-year validity, 80% renewal); new grants fill the gap"),
    F("high_tech_2022", "high-tech enterprises held in 2022", 3450, "firms", SEED_001,
      "今年，全市高企数量要达3400家左右", "held-count target for 2022 (about 3,400)"),
    F("listed_2021", "listed companies at end of 2021", 81, "firms", SEED_004,
      "新增上市企业10家，累计达81家", "71 listed before 2021 plus 10 new in 2021"),
    F("listed_new_2021", "new listings in 2021", 10, "firms", SEED_004,
      "新增上市企业10家，累计达81家", "grants of `listed` dated 2021"),
    F("little_giant_national_new_2021", "new national little giants in 2021", 16, "firms",
      SEED_004, "16家企业入选国家第三批专精特新“小巨人”，创历年新高",
      "2021 batch of little_giant_national; earlier batches 6 and 12 (smaller, 创历年新高), 2022: 24 (assumption)"),
    F("industrial_sales_2021", "revenue of industrial firms in 2021", INDUSTRIAL_SALES_2021_YI,
      "亿元", SEED_004, "工业一般纳税人销售突破1.7万亿元，增长27.1%",
      "sum of 2021 revenue of industrial firms (sections B-D) = this; clusters + other industry"),
    F("industrial_growth_2021", "growth of industrial revenue 2020→2021", 27.1, "%", SEED_004,
      "工业一般纳税人销售突破1.7万亿元，增长27.1%",
      "2020 group totals are 2021 totals / growth rates rescaled to give +27.1% overall", False),
    F("cluster_output_2021", "revenue of the ten clusters in 2021",
      sum(CLUSTER_TARGETS_2025_YI.values()) / GROWTH_TO_2025, "亿元", SEED_002,
      "全市工业规模总量超2.5万亿元",
      "each cluster's 2021 revenue = its 2025 target / (2.5万亿 / 1.7万亿); per cluster below"),
    F("gdp_2021_check", "manufacturing value added vs 43% of GDP 2021", GDP_2021_YI * MANUFACTURING_VA_SHARE,
      "亿元", SEED_003, "2021年，全市地区生产总值达8807.6亿元",
      "check only: manufacturing output x 0.22 (assumed value-added rate) ≈ 0.43 x 8807.6亿元"),
    F("on_cloud_2021", "enterprises on the cloud at end of 2021", 10_500, "firms", SEED_004,
      "1万余家触网上云企业", "cumulative on_cloud grants by 2021; 3,000 new a year from 2022 (002)"),
    F("star_cloud_2022", "provincial star-rated cloud firms by 2022", 1000, "firms", SEED_002,
      "每年新增上云企业3000家以上，其中省星级上云企业200家",
      "200 new a year from 2020, so that 1,600 (累计省星级上云企业1600家) is reached in 2025"),
    F("tax_2021", "taxes paid by tracked firms in 2021", TOTAL_TAX_2021_YI * TRACKED_TAX_SHARE, "亿元",
      SEED_004, "全口径税收收入首次突破1000亿元，达1049亿元",
      "firm taxes scaled so the tracked firms pay half (assumption) of the city's 1049亿元"),
    F("energy_steel_share", "steel's share of above-scale industrial energy 2021", 49.7, "%", SEED_004,
      "钢铁、水泥、电力生产行业占比分别达49.7%、15.1%和11.9%",
      "energy intensity of C31 firms scaled to this share", False),
    F("energy_cement_share", "cement's share of above-scale industrial energy 2021", 15.1, "%", SEED_004,
      "钢铁、水泥、电力生产行业占比分别达49.7%、15.1%和11.9%",
      "energy intensity of C3011 firms scaled to this share", False),
    F("energy_power_share", "power's share of above-scale industrial energy 2021", 11.9, "%", SEED_004,
      "钢铁、水泥、电力生产行业占比分别达49.7%、15.1%和11.9%",
      "energy intensity of D441x firms scaled to this share", False),
    F("star_enterprise_tax_growth", "share of 2021 star enterprises with tax growth", 66.7, "%", SEED_001,
      "全市仍有超三分之二的星级企业保持税收增长",
      "check only: star enterprises are the top taxpayers; share with 2021 tax > 2020 tax", False),
    F("fortune_global_500", "local Fortune Global 500 members", 0, "firms", SEED_001,
      "力争到2025年实现本土企业“世界500强”零的突破", "no fortune_global_500 designation is generated", False),
    F("chain_leaders", "chain leaders (链主) per chain", 4, "firms per chain", SEED_002,
      "每条产业链培育3—5家生态主导型产业链“链主”企业",
      "3-5 leaders per chain among its largest members (not scaled: a per-chain count)", False),
    F("above_scale_2021", "above-scale industrial firms in 2021", ABOVE_SCALE_INDUSTRIAL_2021, "firms",
      "DESIGN.md", "Changzhou: ~1M market entities, ~300k enterprises, ~6k above-scale",
      "the body of the revenue distribution is shifted so that this many industrial firms reach 2000万元 in 2021"),
    F("new_above_scale_per_year", "newly above-scale industrial firms a year (2021-2025 goal)", 600, "firms",
      SEED_002, "新增列统规上工业企业3000家",
      "check only: 3,000 over 2021-2025 is 600 a year net; the generator reports gross entries"),
    F("invention_patents_2021", "valid invention patents of industrial firms 2021", INVENTION_PATENTS_2021,
      "patents", "assumption", "",
      "patent stocks scaled to this; the 2025 goal is 工业企业有效发明专利拥有量超20000件 (002)"),
    F("energy_2021", "energy use of above-scale industrial firms 2021", ENERGY_ABOVE_SCALE_2021_TCE / 1e4,
      "万tce", "assumption", "", "energy intensities scaled to this total (only the shares are in 004)"),
)
del F


def cluster_revenue_2021_yuan(cluster: str) -> float:
    """2021 revenue of a cluster at the reference size, in 元."""
    return CLUSTER_TARGETS_2025_YI[cluster] / GROWTH_TO_2025 * YI


def all_figures() -> tuple[CalibrationFigure, ...]:
    """FIGURES plus one figure per cluster (2021 revenue from its 2025 target)."""
    per_cluster = tuple(
        CalibrationFigure(
            f"cluster_{code}_2021", f"{code} revenue in 2021",
            round(CLUSTER_TARGETS_2025_YI[code] / GROWTH_TO_2025, 1), "亿元", SEED_002,
            CLUSTER_QUOTES[code],
            f"2025 target {CLUSTER_TARGETS_2025_YI[code]}亿元 / {GROWTH_TO_2025:.4f}; "
            "planted giants first, then the tail firms are scaled to the remainder",
        )
        for code in CLUSTER_TARGETS_2025_YI
    )
    return FIGURES + per_cluster
