"""core.params: the laws of the parameter fields (issue 11: ASCII digits only, bounded)."""

import unicodedata

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from industrybrain.core import params

NON_ASCII_DIGITS = [c for c in map(chr, range(0x80, 0x10000))
                    if unicodedata.category(c) == "Nd" or c in "²³¹⁰⁴⁵⁶⁷⁸⁹"]
FIELDS = [params.IntegerField(), params.IdField(), params.YearField(), params.DecimalField(),
          params.WanField()]


@given(st.integers(min_value=-(2**63 - 1), max_value=2**63 - 1))
def test_every_int64_round_trips(n):
    assert params.IntegerField().clean(str(n)) == n


@given(st.text(min_size=0, max_size=6, alphabet="0123456789"),
       st.sampled_from(NON_ASCII_DIGITS), st.text(max_size=6, alphabet="0123456789"))
def test_a_non_ascii_digit_anywhere_is_refused(before, digit, after):
    for field in FIELDS:
        with pytest.raises(forms.ValidationError):
            field.clean(before + digit + after)


@pytest.mark.parametrize("text", ["1e3", "1e999999", "NaN", "Infinity", "0x10", "2022x",
                                  "99999999999999999999", "", "\x00"])
def test_numbers_in_other_spellings_are_refused(text):
    for field in (params.IntegerField(), params.IdField(), params.YearField()):
        with pytest.raises(forms.ValidationError):
            field.clean(text)


@given(st.decimals(min_value=-params.MAX_WAN, max_value=params.MAX_WAN, places=4,
                   allow_nan=False, allow_infinity=False))
def test_wan_is_exact_in_yuan_within_its_bound(wan):
    field = params.WanField(allow_negative=True)
    assert field.clean(f"{wan:f}") == int(wan * 10_000)


def test_wan_refuses_what_no_budget_is():
    field = params.WanField()
    for text, why in (("1" + "0" * 15, "超出合理范围"), ("1e30", "万元数"), ("-5", "负数"),
                      ("0.00001", "4位小数")):
        with pytest.raises(forms.ValidationError, match=why):
            field.clean(text)


def test_one_parameter_helpers_raise_bad_parameters_naming_it():
    with pytest.raises(params.BadParameters, match="year"):
        params.year({"year": "２０２２"})
    assert params.year({"year": "2022"}) == 2022
    assert params.identifier({}, "enterprise") is None
    with pytest.raises(params.BadParameters):
        params.text({"q": "a\x00b"}, "q")
