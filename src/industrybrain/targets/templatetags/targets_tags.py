from decimal import ROUND_HALF_UP, Decimal

from django import template

from industrybrain.core.money import format_yuan

register = template.Library()
YUAN_PER = {"元": 1, "万元": 10**4, "亿元": 10**8}
# Things counted one by one: a forecast of "2.2 家" is shown as 2 家 (intervals beside it).
WHOLE_UNITS = {"家", "个", "项", "位", "名", "件", "条"}


def format_measure(value, unit: str) -> str:
    """A value in a target's unit: money through core.money (12.35 亿元), counts with
    thousands separators (3,400 家), shares with one decimal (43.0%); '—' when missing."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if unit in YUAN_PER:
        return format_yuan(int(value * YUAN_PER[unit]), unit)
    if unit == "%":
        return f"{value:.1f}%"
    if unit in WHOLE_UNITS:
        return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,} {unit}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


@register.filter
def measure(value, unit):
    return format_measure(value, unit or "")


@register.filter
def share(value):
    """完成度 (Assessment.share, already a percentage): 78.4%, or '—'."""
    return "—" if value is None or value == "" else f"{float(value):.1f}%"


@register.filter
def percent(value):
    return "—" if value is None or value == "" else f"{float(value) * 100:.0f}%"


@register.filter
def measure_words(measure):
    """{{ target.measure|measure_words }}: how the system computes it, in words."""
    from industrybrain.targets.measure_words import describe

    return describe(measure)
