"""What an expression may name: snapshot variables, designation codes, units.

The variables are the columns of the data contract (docs/data-contract.md): ``figures``
columns are per enterprise and year, ``enterprises`` columns are per enterprise. Each has
Chinese and English labels for explanations and a ``kind`` that says how to show a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Variable:
    name: str
    source: str  # "figures" (per year) | "enterprises" (per enterprise) | "derived"
    kind: str  # "money" (integer 元) | "count" | "float" | "bool" | "text"
    label_zh: str
    label_en: str

    @property
    def type(self) -> str:
        """The expression type: number, bool or text."""
        return {"bool": "bool", "text": "text"}.get(self.kind, "number")


_VARS = [
    ("revenue", "figures", "money", "营业收入", "revenue"),
    ("industrial_output", "figures", "money", "工业总产值", "industrial output"),
    ("tax", "figures", "money", "税收", "tax paid"),
    ("local_contribution", "figures", "money", "地方贡献", "local fiscal contribution"),
    ("rd_spending", "figures", "money", "研发投入", "R&D spending"),
    ("employees", "figures", "count", "从业人员", "employees"),
    ("invention_patents", "figures", "count", "有效发明专利", "invention patents"),
    ("energy_tce", "figures", "float", "综合能耗（吨标准煤）", "energy use (tce)"),
    ("tech_upgrade_investment", "figures", "money", "技改投资", "technical upgrade investment"),
    ("above_scale", "figures", "bool", "规模以上企业", "above designated size"),
    ("is_manufacturing", "enterprises", "bool", "制造业企业", "manufacturing enterprise"),
    ("is_listed", "enterprises", "bool", "上市企业", "listed company"),
    ("ownership", "enterprises", "text", "所有制", "ownership"),
    ("district", "enterprises", "text", "辖市区", "district"),
    ("industry_code", "enterprises", "text", "行业代码", "industry code"),
    ("cluster", "enterprises", "text", "所属集群", "cluster"),
    ("is_chain_leader", "derived", "bool", "产业链链主", "chain leader"),
    ("in_chain", "derived", "bool", "属于重点产业链", "in a key industry chain"),
    ("age_years", "derived", "count", "成立年数", "years since founding"),
]
VARIABLES: dict[str, Variable] = {v[0]: Variable(*v) for v in _VARS}

# Organisations that are not enterprises (a cluster's promotion body, a platform project),
# for `entity: organisation` policies; their table is described in docs/policy-packs.md.
_ORG_VARS = [
    ("kind", "organisations", "text", "机构类型", "kind of organisation"),
    ("cluster", "organisations", "text", "所属集群", "cluster"),
    ("national_cluster", "organisations", "bool", "所属集群为国家级集群",
     "its cluster is a national cluster"),
    ("newly_national_cluster", "organisations", "bool", "所属集群本年新获评国家级",
     "its cluster was newly rated national this year"),
    ("reviewed", "organisations", "bool", "本年度通过评审", "passed this year's review"),
]
ORG_VARIABLES: dict[str, Variable] = {v[0]: Variable(*v) for v in _ORG_VARS}


# The words for the stored values of text variables, so that an explanation says 民营, not
# "private". Ownership mirrors enterprises.models.Ownership (a test keeps them equal; the
# engine imports no Django); clusters come from the pack's taxonomy (cluster_values).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "ownership": {"state": ("国有", "state-owned"), "private": ("民营", "private"),
                  "foreign": ("外资", "foreign-invested"),
                  "hmt": ("港澳台", "Hong Kong, Macao or Taiwan-invested"),
                  "collective": ("集体", "collective"), "other": ("其他", "other")},
    "kind": {"promotion_body": ("集群促进机构", "cluster promotion body"),
             "platform": ("公共服务平台项目", "public-service platform project")},
}

# The words for the choices an assumption may take (assumptions.yaml `choices`).
CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "highest": ("只按达到的最高一档", "the highest tier reached only"),
    "all": ("达到的各档累加", "every tier reached, added up"),
    "first_time_ever": ("历史上首次", "for the first time ever"),
    "entered_this_year": ("本年进入（含退出后重新进入）", "entered this year (re-entries count)"),
}


def assumption_text(assumption, lang: str = "zh") -> str:
    """An assumption's value as a reader reads it: 200万元, 30%, 只按达到的最高一档."""
    words = CHOICE_LABELS.get(assumption.text)
    if assumption.choices and words:
        return words[0] if lang == "zh" else words[1]
    return assumption.text


_DISTRICTS = Path(__file__).resolve().parent.parent / "data" / "districts.yaml"


# Vocabulary parsed elsewhere and handed over (engine.packcache keeps it with a cached pack,
# so a fresh process reads no YAML): ("districts",), ("designations",), ("clusters", root).
_GIVEN: dict[tuple, dict] = {}


def _load_yaml(path: Path):
    import yaml

    # libyaml, where installed, reads the 60 KB taxonomy 15x faster than pure Python.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def district_values() -> dict[str, tuple[str, str]]:
    if ("districts",) in _GIVEN:
        return _GIVEN[("districts",)]
    return {d["code"]: (d["name_zh"], d["name_en"]) for d in _load_yaml(_DISTRICTS)}


@lru_cache(maxsize=8)
def cluster_values(pack_root: Path | None) -> dict[str, tuple[str, str]]:
    """Cluster codes to names from a pack's taxonomy.yaml ({} when it has none)."""
    if ("clusters", pack_root) in _GIVEN:
        return _GIVEN[("clusters", pack_root)]
    path = Path(pack_root) / "taxonomy.yaml" if pack_root else None
    if path is None or not path.exists():
        return {}
    data = _load_yaml(path) or {}
    return {c["code"]: (c.get("name_zh", c["code"]), c.get("name_en", c["code"]))
            for c in data.get("clusters", []) if isinstance(c, dict) and "code" in c}


def parsed(pack_root: Path) -> dict[tuple, dict]:
    """The vocabulary a pack's explanations read, to keep with it (see :func:`given`)."""
    return {("districts",): district_values(), ("designations",): designations(),
            ("clusters", pack_root): cluster_values(pack_root)}


def given(vocabulary: dict[tuple, dict]) -> None:
    """Take vocabulary parsed before (by :func:`parsed`, from the same files) instead of
    reading the YAML again."""
    _GIVEN.update(vocabulary)


def value_labels(var: str, pack_root: Path | None = None) -> dict[str, tuple[str, str]]:
    """{stored value: (zh, en)} for a text variable; {} when its values are shown as they are."""
    if var == "district":
        return district_values()
    if var == "cluster":
        return cluster_values(pack_root)
    return VALUE_LABELS.get(var, {})


def value_label(var: str, value, lang: str = "zh", pack_root: Path | None = None) -> str:
    """The word for one stored value of ``var`` (the value itself when none is known)."""
    words = value_labels(var, pack_root).get(str(value))
    if words is None:
        return "" if value is None else str(value)
    return words[0] if lang == "zh" else words[1]


def variable(name: str) -> Variable | None:
    """An enterprise variable, else an organisation variable, else None."""
    return VARIABLES.get(name) or ORG_VARIABLES.get(name)
FIGURE_VARIABLES = [v.name for v in VARIABLES.values() if v.source == "figures"]

# Units multiply the number before them. Money units give integer 元; % gives a fraction.
UNITS: dict[str, tuple[Decimal, str]] = {
    "元": (Decimal(1), "money"),
    "万元": (Decimal(10_000), "money"),
    "亿元": (Decimal(100_000_000), "money"),
    "%": (Decimal("0.01"), "ratio"),
}

_DESIGNATIONS = Path(__file__).resolve().parent.parent / "data" / "designations.yaml"


@lru_cache(maxsize=1)
def designations() -> dict[str, dict]:
    """The designation vocabulary (src/industrybrain/data/designations.yaml) by code."""
    if ("designations",) in _GIVEN:
        return _GIVEN[("designations",)]
    return {d["code"]: d for d in _load_yaml(_DESIGNATIONS)}


def label(name: str, lang: str) -> str:
    var = variable(name)
    if var is None:
        return name
    return var.label_zh if lang == "zh" else var.label_en


def format_money(yuan: int | Decimal | None, lang: str = "zh") -> str:
    """Show an amount of 元 the way the articles do: 亿元 / 万元 / 元 (zh); CNY m / bn (en)."""
    if yuan is None:
        return "缺失" if lang == "zh" else "missing"
    y = Decimal(yuan)
    if lang == "zh":
        for div, unit in ((Decimal(100_000_000), "亿元"), (Decimal(10_000), "万元")):
            if abs(y) >= div:
                return f"{_g(y / div)}{unit}"
        return f"{_g(y)}元"
    for div, unit in ((Decimal(1_000_000_000), " bn"), (Decimal(1_000_000), " m")):
        if abs(y) >= div:
            return f"CNY {_g(y / div)}{unit}"
    return f"CNY {_g(y)}"


def _g(d: Decimal) -> str:
    # Same shape as the SQL side's printf('%g'): six significant digits, no trailing zeros.
    return f"{float(d):g}"
