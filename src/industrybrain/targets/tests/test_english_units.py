"""A target's value on an English page: its unit in English, the number the same (issue 13)."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from industrybrain.targets.templatetags.targets_tags import ENGLISH_SCALED, format_measure


@pytest.mark.parametrize(("value", "unit", "chinese", "english"), [
    (3400, "家", "3,400 家", "3,400 firms"),
    (Decimal("2.2"), "家", "2 家", "2 firms"),
    (25000, "亿元", "25,000.00 亿元", "CNY 2,500,000 million"),
    (Decimal("43.2"), "%", "43.2%", "43.2%"),
    (4, "个", "4 个", "4"),
    (2, "倍", "2 倍", "2 ×"),
    (150, "万户", "150 万户", "1.5 million households"),
    (50, "亿美元", "50 亿美元", "USD 5 bn"),
    (None, "家", "—", "—"),
])
def test_units_in_both_languages(value, unit, chinese, english):
    assert format_measure(value, unit) == chinese
    with translation.override("en"):
        assert format_measure(value, unit) == english


@given(st.decimals(min_value=0, max_value=10**7, places=2),
       st.sampled_from(["家", "个", "项", "位", "名", "件", "条", "倍", "个工作日", "平方米",
                        *ENGLISH_SCALED, "亿元", "万元", "%"]))
def test_no_chinese_unit_on_an_english_page(value, unit):
    with translation.override("en"):
        shown = format_measure(value, unit)
    assert not any(ch in shown for ch in "家个项位名件条倍万亿元户套美欧工作日平方米")
