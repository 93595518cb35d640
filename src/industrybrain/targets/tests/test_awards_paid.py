"""The policy-funds targets are measured from the ledger: what was actually paid."""

from decimal import Decimal

import pytest

from industrybrain.policies import ledger
from industrybrain.policies.tests.test_ledger import make_award
from industrybrain.targets.indicators import NoData, compute

pytestmark = pytest.mark.django_db


def test_nothing_paid_yet_is_no_data_not_zero(city):
    with pytest.raises(NoData):
        compute("sum_awards_paid: per year", "亿元", [2022])


def test_paid_awards_count_per_year_per_district_and_cumulatively(city, users):
    for enterprise, amount, year in ((city["a"], 2_000_000, 2021), (city["c"], 1_000_000, 2022),
                                     (city["b"], 500_000, 2022)):
        award = make_award(enterprise, amount, year=year)
        assert ledger.approve(award.pk, users["reviewer"]) == "paid"
    wujin, xinbei = city["a"].district_id, city["c"].district_id
    per_year = compute("sum_awards_paid: per year", "万元", [2021, 2022])
    assert per_year[(2021, None)] == Decimal(200)
    assert per_year[(2022, None)] == Decimal(150)
    assert per_year[(2022, wujin)] == Decimal(50) and per_year[(2022, xinbei)] == Decimal(100)
    since = compute("sum_awards_paid: since 2021", "亿元", [2021, 2022])
    assert since[(2022, None)] == Decimal("0.035")  # 350万元 paid since 2021
