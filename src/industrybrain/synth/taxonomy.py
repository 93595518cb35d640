"""Industries, clusters, chains and districts of the synthetic city.

Every enterprise draws a GB/T 4754-2017 four-digit class from INDUSTRY_CLASSES; its
cluster and candidate chains follow from that class alone, so the mapping is
consistent and documented in one place (docs/calibration.md repeats it).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

CLUSTERS = (
    "high_end_equipment",
    "new_energy",
    "new_materials",
    "nev_auto_parts",
    "green_steel",
    "textile_apparel",
    "electronic_info",
    "biomedicine",
    "building_materials",
    "energy_saving_env",
)

CHAINS = (
    "integrated_circuit",
    "robotics",
    "industrial_energy_internet",
    "intelligent_connected_vehicle",
    "carbon_composites",
    "biomedicine_chain",
    "aerospace_info",
    "telecom_5g",
)

# Share of enterprises by group at the reference size. Clusters hold about two thirds
# of the firms the bureau tracks; "other_industry" is manufacturing and utilities
# outside the ten clusters (chemicals, metal products, food, power); "services" are the
# producer services the policies also reach (software, testing, design, logistics).
GROUP_SHARES = {
    "high_end_equipment": 0.22,
    "nev_auto_parts": 0.09,
    "new_energy": 0.03,
    "new_materials": 0.06,
    "green_steel": 0.03,
    "textile_apparel": 0.08,
    "electronic_info": 0.09,  # with software and IT services (I65)
    "biomedicine": 0.03,
    "building_materials": 0.03,
    "energy_saving_env": 0.04,
    "other_industry": 0.175,
    "services": 0.125,
}


@dataclass(frozen=True)
class IndustryClass:
    code: str  # GB/T 4754-2017 section letter + 4-digit class
    group: str  # a cluster code, "other_industry" or "services"
    weight: float  # relative share within its group
    chains: tuple[str, ...]  # chains a firm of this class may belong to
    terms: tuple[str, ...]  # trade words for synthetic names
    energy: str = "general"  # energy-intensity group: steel, cement, power, chemical, general, light


C = IndustryClass
INDUSTRY_CLASSES: tuple[IndustryClass, ...] = (
    # 高端装备: machine tools, pumps and hydraulics, bearings, robots, farm and construction machinery, rail, power equipment
    C("C3421", "high_end_equipment", 8, (), ("数控机床", "精密机床")),
    C("C3444", "high_end_equipment", 8, (), ("液压", "液压科技")),
    C("C3451", "high_end_equipment", 8, (), ("轴承", "精密轴承")),
    C("C3491", "high_end_equipment", 6, ("robotics",), ("机器人", "智能装备")),
    C("C3492", "high_end_equipment", 2, ("robotics",), ("特种机器人",)),
    C("C3499", "high_end_equipment", 14, (), ("机械", "精密机械", "通用设备")),
    C("C3514", "high_end_equipment", 6, (), ("工程机械", "重工")),
    C("C3571", "high_end_equipment", 5, (), ("农业机械", "农机")),
    C("C3716", "high_end_equipment", 5, (), ("轨道交通设备", "轨道装备")),
    C("C3811", "high_end_equipment", 5, (), ("电机", "发电设备")),
    C("C3821", "high_end_equipment", 8, (), ("变压器", "电气")),
    C("C3823", "high_end_equipment", 8, (), ("电气设备", "开关")),
    C("C4011", "high_end_equipment", 7, (), ("自动化", "工控科技")),
    C("C3744", "high_end_equipment", 2, ("aerospace_info",), ("航空部件", "航空科技")),
    # 新能源: photovoltaics (the cluster's core), wind, power electronics, solar generation
    C("C3825", "new_energy", 12, (), ("光伏科技", "光能", "太阳能")),
    C("C3415", "new_energy", 3, (), ("风电设备", "风能")),
    C("C3849", "new_energy", 3, (), ("储能", "储能科技")),
    C("D4416", "new_energy", 2, (), ("光伏电力", "新能源发电"), "power"),
    # 新材料: carbon fibre and graphene, synthetic materials, special fibres, electronic materials
    C("C3091", "new_materials", 6, ("carbon_composites",), ("碳材料", "碳纤维", "石墨烯科技")),
    C("C3062", "new_materials", 4, ("carbon_composites",), ("复合材料",)),
    C("C2659", "new_materials", 6, (), ("新材料", "高分子材料"), "chemical"),
    C("C2829", "new_materials", 3, ("carbon_composites",), ("化纤", "纤维科技"), "chemical"),
    C("C3985", "new_materials", 3, ("integrated_circuit",), ("电子材料",)),
    # 新能源汽车及汽车核心零部件: vehicles, parts, lithium batteries (C384)
    C("C3612", "nev_auto_parts", 2, ("intelligent_connected_vehicle",), ("新能源汽车", "汽车")),
    C("C3670", "nev_auto_parts", 14, (), ("汽车部件", "汽车零部件", "车业")),
    C("C3660", "nev_auto_parts", 2, (), ("专用车", "车身")),
    C("C3841", "nev_auto_parts", 5, (), ("锂电", "电池", "动力电池")),
    # 绿色精品钢: iron, steel, rolling, ferro-alloys
    C("C3110", "green_steel", 1, (), ("炼铁",), "steel"),
    C("C3120", "green_steel", 2, (), ("钢铁", "特钢"), "steel"),
    C("C3130", "green_steel", 8, (), ("钢材", "金属材料", "钢管"), "steel"),
    C("C3140", "green_steel", 1, (), ("合金",), "steel"),
    # 高端纺织服装: spinning, weaving, dyeing, garments, textile machinery
    C("C1711", "textile_apparel", 4, (), ("纺织", "棉纺")),
    C("C1751", "textile_apparel", 5, (), ("化纤织造", "织造")),
    C("C1752", "textile_apparel", 3, (), ("印染", "染整")),
    C("C1819", "textile_apparel", 5, (), ("服饰", "服装")),
    C("C1829", "textile_apparel", 3, (), ("针织", "制衣")),
    C("C3551", "textile_apparel", 2, (), ("纺织机械",)),
    # 新一代电子信息技术: ICs, discrete devices, PCBs, sensors, telecom equipment, computers
    C("C3973", "electronic_info", 3, ("integrated_circuit",), ("微电子", "集成电路")),
    C("C3972", "electronic_info", 3, (), ("半导体",)),
    C("C3962", "electronic_info", 2, ("intelligent_connected_vehicle",), ("智能车载", "车联科技")),
    C("C3964", "electronic_info", 1, ("robotics",), ("服务机器人",)),
    C("C3982", "electronic_info", 6, (), ("电路板", "电子")),
    C("C3983", "electronic_info", 4, ("intelligent_connected_vehicle",), ("传感科技", "传感器")),
    C("C3976", "electronic_info", 3, (), ("光电", "光电子")),
    C("C3921", "electronic_info", 3, ("telecom_5g",), ("通信设备", "通信科技")),
    C("C3922", "electronic_info", 2, ("telecom_5g",), ("通信终端",)),
    C("C3963", "electronic_info", 1, (), ("无人机", "航空电子")),
    C("C3911", "electronic_info", 2, (), ("计算机", "信息设备")),
    # 生物医药及新型医疗器械
    C("C2710", "biomedicine", 3, ("biomedicine_chain",), ("药业", "制药"), "chemical"),
    C("C2720", "biomedicine", 4, ("biomedicine_chain",), ("药业", "医药")),
    C("C2761", "biomedicine", 2, ("biomedicine_chain",), ("生物科技", "生物制药")),
    C("C3581", "biomedicine", 4, ("biomedicine_chain",), ("医疗器械", "医疗设备")),
    C("C3584", "biomedicine", 4, ("biomedicine_chain",), ("医疗用品", "医用器械")),
    # 新型建筑材料: cement, concrete, prefabricated parts, insulation, special glass
    C("C3011", "building_materials", 1, (), ("水泥",), "cement"),
    C("C3021", "building_materials", 3, (), ("水泥制品", "建材")),
    C("C3022", "building_materials", 3, (), ("构件", "混凝土")),
    C("C3034", "building_materials", 2, (), ("保温材料", "节能建材")),
    C("C3042", "building_materials", 2, (), ("特种玻璃", "玻璃")),
    # 节能环保: environmental equipment, fans and separators, recycling
    C("C3591", "energy_saving_env", 6, (), ("环保设备", "环保科技", "水处理")),
    C("C3597", "energy_saving_env", 3, (), ("水处理设备", "节水设备")),
    C("N7721", "energy_saving_env", 2, (), ("水务", "环境治理"), "light"),
    C("C4210", "energy_saving_env", 2, (), ("再生资源", "资源回收")),
    # Other industry outside the ten clusters
    C("C2614", "other_industry", 4, (), ("化工", "化学"), "chemical"),
    C("C3562", "other_industry", 1, ("integrated_circuit",), ("半导体设备",)),
    C("C2641", "other_industry", 3, (), ("涂料", "化工"), "chemical"),
    C("C2929", "other_industry", 8, (), ("塑业", "塑胶制品")),
    C("C3311", "other_industry", 7, (), ("钢结构", "金属结构")),
    C("C3399", "other_industry", 10, (), ("五金", "金属制品")),
    C("C3391", "other_industry", 4, (), ("铸造", "铸件")),
    C("C1391", "other_industry", 3, (), ("食品", "农产品加工")),
    C("C2110", "other_industry", 3, (), ("家具", "木业")),
    C("C2319", "other_industry", 3, (), ("印务", "包装")),
    C("C4190", "other_industry", 3, (), ("制品", "工贸")),
    C("D4411", "other_industry", 0.5, (), ("发电", "电力"), "power"),
    C("D4412", "other_industry", 0.6, (), ("热电", "能源"), "power"),
    # software and IT services belong to the electronic-information cluster (the pack maps I65 there)
    C("I6513", "electronic_info", 5, (), ("软件", "信息技术"), "light"),
    C("I6520", "electronic_info", 1, ("integrated_circuit",), ("芯片设计", "微电子设计"), "light"),
    C("I6531", "electronic_info", 3, ("industrial_energy_internet",), ("系统集成", "数字科技"), "light"),
    C("I6532", "electronic_info", 2, ("industrial_energy_internet",), ("物联网科技", "智联科技"), "light"),
    # Producer services outside the clusters
    C("I6431", "services", 2, ("industrial_energy_internet",), ("工业互联网", "互联网科技"), "light"),
    C("M7441", "services", 1, ("aerospace_info",), ("遥感测绘", "空间信息"), "light"),
    C("M7340", "services", 1, ("biomedicine_chain",), ("医药研发", "生物医药研究"), "light"),
    C("M7452", "services", 3, (), ("检测", "检验检测"), "light"),
    C("M7484", "services", 3, (), ("工程设计", "设计院"), "light"),
    C("M7491", "services", 2, (), ("工业设计",), "light"),
    C("M7514", "services", 2, (), ("节能技术", "节能服务"), "light"),
    C("G5920", "services", 3, (), ("仓储", "物流"), "light"),
)
del C

# Clusters whose firms are mostly in high-technology manufacturing; their latent
# innovation score is shifted up, so R&D, patents and the innovation ladder cluster there.
HIGH_TECH_GROUPS = {
    "high_end_equipment": 0.4,
    "new_energy": 0.6,
    "new_materials": 0.5,
    "nev_auto_parts": 0.4,
    "electronic_info": 0.8,
    "biomedicine": 0.8,
    "energy_saving_env": 0.3,
    "services": 0.2,
}

# Products for 单项冠军产品 (single champion products), by group.
CHAMPION_PRODUCTS = {
    "high_end_equipment": ("高精度圆锥滚子轴承", "大型智能拖拉机", "特高压变压器", "工业机器人减速器", "盾构机主轴承"),
    "new_energy": ("高效单晶硅光伏组件", "光伏跟踪支架", "风电变桨轴承"),
    "new_materials": ("高性能碳纤维", "石墨烯导热膜", "氨纶纤维"),
    "nev_auto_parts": ("动力锂电池电芯", "汽车电子驻车制动器", "汽车座椅骨架"),
    "green_steel": ("轴承钢棒材", "高强度帘线钢"),
    "textile_apparel": ("高档牛仔面料", "功能性化纤面料"),
    "electronic_info": ("功率半导体器件", "高频印制电路板", "光纤连接器"),
    "biomedicine": ("一次性医用导管", "原料药盐酸二甲双胍", "骨科植入器械"),
    "building_materials": ("高性能混凝土外加剂", "节能镀膜玻璃"),
    "energy_saving_env": ("工业废水处理成套设备", "高效离心风机"),
    "other_industry": ("精密铸件", "特种涂料"),
    "services": ("工业软件平台",),
}

# Industrial firms (sections B, C, D) are above-scale at 2000万元 revenue. Services use
# the NBS service thresholds: 1000万元 for scientific and technical services (M) and
# environmental management (N), 2000万元 for software/IT (I) and logistics (G).
ABOVE_SCALE_THRESHOLD_YUAN = {"B": 20_000_000, "C": 20_000_000, "D": 20_000_000,
                              "G": 20_000_000, "I": 20_000_000, "M": 10_000_000,
                              "N": 10_000_000}


@dataclass(frozen=True)
class District:
    code: str
    name_zh: str
    division: str


def load_districts() -> tuple[District, ...]:
    """The seven districts from src/industrybrain/data/districts.yaml, in file order."""
    text = resources.files("industrybrain.data").joinpath("districts.yaml").read_text("utf-8")
    return tuple(District(d["code"], d["name_zh"], str(d["division"])) for d in yaml.safe_load(text))


def load_designation_codes() -> dict[str, dict]:
    """The designation vocabulary from src/industrybrain/data/designations.yaml, by code."""
    text = resources.files("industrybrain.data").joinpath("designations.yaml").read_text("utf-8")
    return {d["code"]: d for d in yaml.safe_load(text)}


# Share of enterprises by district. 武进 and 新北 are the two large industrial districts;
# no article gives the split, so it is an assumption (see docs/calibration.md).
DISTRICT_SHARES = {
    "liyang": 0.10, "jintan": 0.10, "wujin": 0.28, "xinbei": 0.22,
    "tianning": 0.10, "zhonglou": 0.09, "jingkai": 0.11,
}

# Where a group is concentrated: its district shares are multiplied by these factors
# (溧阳 and 金坛 host the battery makers, 新北 the photovoltaic and electronics firms,
# 经开区 the rail and steel works), then renormalised.
DISTRICT_TILT = {
    "nev_auto_parts": {"liyang": 2.0, "jintan": 2.0, "wujin": 1.3},
    "new_energy": {"xinbei": 2.0, "jintan": 1.3},
    "electronic_info": {"xinbei": 1.8, "wujin": 1.2},
    "green_steel": {"jingkai": 2.5, "tianning": 1.5},
    "high_end_equipment": {"wujin": 1.3, "jingkai": 1.3},
    "textile_apparel": {"wujin": 1.3, "zhonglou": 1.3},
    "services": {"tianning": 1.8, "zhonglou": 1.8, "xinbei": 1.2},
    "biomedicine": {"xinbei": 1.5, "jintan": 1.2},
}
