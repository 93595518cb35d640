"""An assessment's stored reason (written in Chinese by targets/forecast.py and
targets/refresh.py) in English, for English pages. Each sentence those modules write has
its pattern here; targets/tests/test_reasons.py runs every branch of the forecast through it,
so a new sentence without a pattern fails there."""

from __future__ import annotations

import re

_NUMBER = r"([\d,.\-]+)"
PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile("^" + p + "$"), en) for p, en in (
    ("尚无数据", "No data yet"),
    (r"(\d+)年数值已满足目标", "The {0} value already meets the goal"),
    (r"已到目标年（(\d+)年）仍未达到", "The goal year ({0}) has passed and the goal is not met"),
    ("只有一年数据，无法预测趋势；进度落后于应达进度",
     "Only one year of data, so no trend; progress is behind the straight path"),
    ("只有一年数据，无法预测趋势；进度不落后",
     "Only one year of data, so no trend; progress is not behind the straight path"),
    (r"按趋势(\d+)年可达" + _NUMBER + "，满足目标", "On the trend, {1} by {0}: meets the goal"),
    (r"按趋势(\d+)年约" + _NUMBER + "，未满足目标；区间内仍有可能",
     "On the trend, about {1} by {0}: short of the goal, though still possible within the interval"),
    (r"按趋势(\d+)年约" + _NUMBER + "，区间" + _NUMBER + "–" + _NUMBER + "均达不到目标",
     "On the trend, about {1} by {0}; the whole interval {2}–{3} misses the goal"),
    ("由经办人设定", "Set by the officer"),
    ("状态待经办人设定", "Awaiting the officer's status"),
    ("文章所述基数", "The baseline the articles state"),
    ("文章所述基数；系统同年计算值见数值",
     "The baseline the articles state; the system's value for the same year is under values"),
    ("倍增的基数文章未给出，需录入基数后才能判断",
     "The articles give no baseline for the doubling: enter the baseline to assess it"),
)]


def in_english(reason: str) -> str:
    """The English of a stored reason; the reason itself when no pattern knows it."""
    for pattern, english in PATTERNS:
        if m := pattern.match(reason or ""):
            return english.format(*m.groups())
    return reason or ""
