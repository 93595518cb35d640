"""The plausible range of every stored number, and where the range comes from.

One table, read by the import cells (a value outside is refused with row, column and
"数值超出合理范围"), by the models (validators for forms and the admin, CHECK constraints
in the database) and by docs/bounds.md, which a test keeps in step with this file.

Why the money ceiling is 9万亿元 (9×10¹² 元): the largest Chinese enterprises report a few
万亿元 a year (Fortune Global 500, 2023: State Grid 3.56万亿元 revenue, CNPC 3.2万亿元,
Sinopec 3.1万亿元), so 9万亿元 leaves more than twice the largest as margin. It also keeps
every sum exact: a signed 64-bit integer (SQLite's SUM, int64 in Arrow) holds 9.22×10¹⁸, so a
sum of up to 1,000,000 rows at the ceiling (the design's city scale) cannot overflow;
PostgreSQL sums bigint into numeric and cannot overflow at all.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Bound:
    low: int | Decimal
    high: int | Decimal
    unit: str
    source: str


YUAN_PER_WAN = 10_000

MONEY_YUAN = Bound(
    0, 9 * 10**12, "元",
    "Fortune Global 500 (2023): the largest Chinese firm (State Grid) had revenue of about "
    "3.56万亿元; 9万亿元 is more than twice that, and 1,000,000 rows at 9万亿元 still sum "
    "inside a signed 64-bit integer",
)
EMPLOYEES = Bound(
    0, 3_000_000, "人",
    "Fortune Global 500 (2023): the largest Chinese employer (CNPC) had about 1.09 million "
    "employees; the ceiling is almost three times that",
)
INVENTION_PATENTS = Bound(
    0, 1_000_000, "件",
    "Huawei, the largest holder, reported more than 140,000 valid patents worldwide at the "
    "end of 2023; the ceiling is about seven times that",
)
ENERGY_TCE = Bound(
    Decimal(0), Decimal(10**9), "吨标准煤",
    "National Bureau of Statistics, 2023 communiqué: China's whole energy consumption was "
    "5.72 billion tce; no single enterprise uses a sixth of that (1 billion tce)",
)

# AnnualFigures column -> its bound. Money columns hold integer 元.
FIGURES = {
    "revenue": MONEY_YUAN,
    "industrial_output": MONEY_YUAN,
    "tax": MONEY_YUAN,
    "local_contribution": MONEY_YUAN,
    "rd_spending": MONEY_YUAN,
    "tech_upgrade_investment": MONEY_YUAN,
    "employees": EMPLOYEES,
    "invention_patents": INVENTION_PATENTS,
    "energy_tce": ENERGY_TCE,
}

# Money typed in 万元 (imports, forms): the same ceiling.
MONEY_MAX_WAN = Decimal(MONEY_YUAN.high) / YUAN_PER_WAN

OUT_OF_RANGE = _("数值超出合理范围")


def out_of_range_message(bound: Bound, unit_shown: str | None = None) -> str:
    """'数值超出合理范围（0 至 90,000,000 万元）' in the reader's language."""
    high = bound.high
    unit = unit_shown or bound.unit
    if unit_shown == "万元" and bound.unit == "元":
        high = Decimal(high) / YUAN_PER_WAN
    return _("数值超出合理范围（%(low)s 至 %(high)s %(unit)s）") % {
        "low": f"{bound.low:,}", "high": f"{high:,.0f}", "unit": unit}

# --- Money and values outside the yearly figures (CHECK constraints in each app) ----------
# The same ceiling as revenue: no award, payment, budget line, project or cluster target is
# larger than the largest firm's yearly revenue; any sum of them stays exact (see above).
AWARD_YUAN = Bound(
    1, MONEY_YUAN.high, "元",
    "an award and a payment are money paid (at least 1 元); the ceiling is revenue's: the "
    "largest award of the 2022 policies is a few 千万元",
)
BUDGET_YUAN = Bound(
    1, MONEY_YUAN.high, "元",
    "a budget line is money to spend (at least 1 元); the ceiling is revenue's, above the "
    "whole national general budget's expenditure of 2023 (27.5万亿元 ÷ 3)",
)
PROJECT_YUAN = Bound(
    0, MONEY_YUAN.high, "元",
    "the largest single industrial investments in China are a few 千亿元 (e.g. a refinery "
    "complex); the ceiling is revenue's",
)
INDICATOR_VALUE = Bound(
    Decimal(-10**15), Decimal(10**15), "in the target's unit",
    "the largest value computable from figures inside their ranges: 1,000,000 rows at the "
    "9万亿元 ceiling are 9×10¹⁴ 万元, and a growth from 1 元 to the ceiling is 9×10¹⁴ %; "
    "negative for rates of change (China's GDP of 2023 was about 1.26×10¹⁰ 万元)",
)

# (app label, model, column) -> its bound, for the CHECK constraints and docs/bounds.md.
MONEY = {
    ("policies", "Award", "amount_yuan"): AWARD_YUAN,
    ("policies", "LedgerEntry", "amount_yuan"): AWARD_YUAN,
    ("policies", "Budget", "amount_yuan"): BUDGET_YUAN,
    ("projects", "Project", "planned_yuan"): PROJECT_YUAN,
    ("projects", "Project", "done_yuan"): PROJECT_YUAN,
    ("projects", "ProjectInvestment", "amount_yuan"): PROJECT_YUAN,
    ("industry", "Cluster", "target_2025_yuan"): PROJECT_YUAN,
    ("targets", "IndicatorValue", "value"): INDICATOR_VALUE,
    # A target's stated value and ceiling, and what a refresh assesses (the value now, the
    # goal, the forecast and its range), are numbers in the same units.
    ("targets", "Target", "value"): INDICATOR_VALUE,
    ("targets", "Target", "value_max"): INDICATOR_VALUE,
    ("targets", "Assessment", "value"): INDICATOR_VALUE,
    ("targets", "Assessment", "goal"): INDICATOR_VALUE,
    ("targets", "Assessment", "forecast"): INDICATOR_VALUE,
    ("targets", "Assessment", "forecast_low"): INDICATOR_VALUE,
    ("targets", "Assessment", "forecast_high"): INDICATOR_VALUE,
}


def check(column: str, bound: Bound, name: str, *, nullable: bool = False):
    """A CHECK constraint keeping ``column`` inside ``bound`` (and NULL, if ``nullable``)."""
    from django.db import models

    condition = models.Q(**{f"{column}__gte": bound.low, f"{column}__lte": bound.high})
    if nullable:
        condition |= models.Q(**{f"{column}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def validators(bound: Bound) -> list:
    """The same range for model forms and the admin (a message naming the field)."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    return [MinValueValidator(bound.low), MaxValueValidator(bound.high)]
