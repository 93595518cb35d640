import re
from decimal import ROUND_HALF_UP, Decimal

from django import template

from industrybrain.core.localize import in_english
from industrybrain.core.money import format_yuan

register = template.Library()
YUAN_PER = {"元": 1, "万元": 10**4, "亿元": 10**8}
# Things counted one by one: a forecast of "2.2 家" is shown as 2 家 (intervals beside it).
WHOLE_UNITS = {"家", "个", "项", "位", "名", "件", "条"}
# The pack's units as an English page writes them ("" where the target's name says what is
# counted: "Clusters over 300 billion yuan: 4").
ENGLISH_UNITS = {"家": "firms", "个": "", "项": "items", "位": "people", "名": "people", "件": "",
                 "条": "", "倍": "×", "个工作日": "working days", "平方米": "m²"}
# Units with a multiplier: the value in the plain unit, then formatted as English counts.
ENGLISH_SCALED = {"万人": (10**4, "people"), "万户": (10**4, "households"),
                  "万套": (10**4, "sets"), "万美元": (10**4, "USD"), "亿美元": (10**8, "USD"),
                  "万欧元": (10**4, "EUR")}


def _english_count(value: Decimal, word: str, currency: bool = False) -> str:
    """1,200,000 -> '1.2 million'; 3,400 -> '3,400'."""
    for size, name in ((10**9, "bn"), (10**6, "million")):
        if abs(value) >= size:
            shown = f"{value / size:,.2f}".rstrip("0").rstrip(".")
            number = f"{shown} {name}"
            break
    else:
        number = f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return f"{word} {number}" if currency else f"{number} {word}".strip()


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
    if in_english():
        if unit in ENGLISH_SCALED:
            size, word = ENGLISH_SCALED[unit]
            return _english_count(value * size, word, currency=word in ("USD", "EUR"))
        if unit in ENGLISH_UNITS:
            if unit in WHOLE_UNITS:
                value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
                return f"{value:,} {ENGLISH_UNITS[unit]}".strip()
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
            return f"{text} {ENGLISH_UNITS[unit]}".strip()
    if unit in WHOLE_UNITS:
        return f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,} {unit}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


@register.filter
def goal(target) -> str:
    """A target's number with its comparator: as the article writes it (超 1万亿元), or on an
    English page in English units (more than CNY 1,000 bn)."""
    if not target.as_written:
        return ""
    shown = target.as_written
    if in_english() and target.value is not None:
        shown = format_measure(target.value, target.unit)
        if target.value_max is not None:
            shown += " – " + format_measure(target.value_max, target.unit)
    return f"{target.get_comparator_display()} {shown}".strip()


@register.filter
def section(name: str) -> str:
    """A section heading of targets.yaml in the reader's language."""
    if not in_english() or not name:
        return name
    from django.conf import settings

    from industrybrain.targets.loading import section_names

    return section_names(getattr(settings, "IB_POLICY_PACK", "changzhou_2022")).get(name, name)


_LAST_CHINESE = re.compile(r"^.*[\u3400-\u9fff。，；：（）]", re.S)


@register.filter
def note(text: str) -> str:
    """A note of targets.yaml in the reader's language: each line is written "中文。English."
    and an English page shows what follows the last Chinese character of each line."""
    if not in_english() or not text:
        return text
    lines = []
    for line in text.splitlines():
        m = _LAST_CHINESE.match(line)
        english = line[m.end():].strip() if m else line
        lines.append(english if re.search(r"[A-Za-z]", english) else line)
    return "\n".join(lines)


@register.filter
def reason(text: str) -> str:
    """An assessment's reason in the reader's language (targets/reasons.py)."""
    if not in_english():
        return text
    from industrybrain.targets.reasons import in_english as english

    return english(text)


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
