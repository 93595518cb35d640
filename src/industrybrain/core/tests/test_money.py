import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from industrybrain.core.bounds import MONEY_YUAN
from industrybrain.core.money import format_yuan, wan_to_yuan, yuan_to_wan


def test_amounts_are_shown_with_their_unit():
    assert format_yuan(12_345_678_900) == "123.46 亿元"
    assert format_yuan(1_000_000) == "100.00 万元"
    assert format_yuan(None) == "—"
    assert format_yuan(2_000_000_000_000, "万元") == "200,000,000.00 万元"


def test_english_pages_read_amounts_in_cny_millions_and_billions():
    with translation.override("en"):
        assert format_yuan(12_345_678_900) == "CNY 12.35 bn"
        assert format_yuan(120_000_000) == "CNY 120.00 million"
        assert format_yuan(2_865_000) == "CNY 2.87 million"
        assert format_yuan(50_000) == "CNY 50,000"
        assert format_yuan(None) == "—"
        # A column in one Chinese unit keeps one English unit, as exact as the Chinese.
        assert format_yuan(123_456_789, "亿元") == "CNY 123 million"
        assert format_yuan(2_865_432, "万元") == "CNY 2,865,432"
        assert "亿" not in format_yuan(10**12) and "万" not in format_yuan(10**5)


@given(st.integers(min_value=-MONEY_YUAN.high, max_value=MONEY_YUAN.high))
def test_english_amount_is_the_chinese_amount_in_other_words(amount):
    """The law: both languages name the same number, to the precision each shows."""
    from decimal import Decimal

    chinese = format_yuan(amount)
    with translation.override("en"):
        english = format_yuan(amount)
    number, unit = chinese.split()
    yuan = Decimal(number.replace(",", "")) * (10**8 if unit == "亿元" else 10**4)
    words = english.removeprefix("CNY ").split()
    scale = {"bn": 10**9, "million": 10**6}.get(words[-1], 1) if len(words) > 1 else 1
    in_english = Decimal(words[0].replace(",", "")) * scale
    # Each rounds half a unit of its last shown digit at most.
    assert abs(in_english - amount) <= scale / 200 + 1
    assert abs(yuan - amount) <= (10**8 if unit == "亿元" else 10**4) / 200


def test_wan_parsing_is_exact_or_refused():
    assert wan_to_yuan("0.0001") == 1
    assert wan_to_yuan("1,234.5") == 12_345_000
    with pytest.raises(ValueError):
        wan_to_yuan("0.00001")
    with pytest.raises(ValueError):
        wan_to_yuan("abc")


@given(st.integers(min_value=0, max_value=MONEY_YUAN.high))
def test_yuan_round_trips_through_wan(amount):
    assert wan_to_yuan(str(yuan_to_wan(amount))) == amount


@given(st.integers(min_value=MONEY_YUAN.high + 1, max_value=10**26))
def test_amounts_beyond_the_plausible_range_are_refused(amount):
    with translation.override("zh-hans"), pytest.raises(ValueError, match="数值超出合理范围"):
        wan_to_yuan(str(yuan_to_wan(amount)))


@pytest.mark.parametrize("text", ["1e999999", "1e308", "-1e999999", "１２３", "١٢٣", "1e-999999999"])
def test_huge_tiny_and_non_ascii_amounts_raise_value_error_only(text):
    with pytest.raises(ValueError):
        wan_to_yuan(text)


def test_wan_is_written_plainly():
    assert str(yuan_to_wan(100_000)) == "10"
    assert str(yuan_to_wan(1_234_500)) == "123.45"
