"""开工率, 竣工率, 达产率 and investment completion against a hand calculation on twenty
projects (conftest.twenty), January to June 2022.

By hand — 开工 cohort (listed by 30 June, planned start in Jan–Jun 2022):
  武进 W1 W2 W3 W4 W5 (W6 plans August; W12 is listed only in July), 新北 X1 X2 X3 X4 (X8 never listed)
  started by 30 June: W1 W2 W4, X1 X3 (W5 started on 5 July)      -> 5/9 = 55.6%
竣工 cohort: W7 W8 X5 X6; completed by 30 June: W7 X5             -> 2/4 = 50.0%
达产 cohort: W9 W10 W11 X7; in production by 30 June: W9 W11 X7   -> 3/4 = 75.0%
  (W11 reached it on 30 June itself: the end of the month counts)
Investment: listed in Jan–Jun 2022: W1-W6 planned 61亿元, X1-X4 110亿元, 171亿元 in all;
  done by 30 June: W1 3 (its July 1亿元 is later), W2 2, W4 1, X1 10, X3 5 = 21亿元 -> 12.3%
"""

import datetime as dt
from decimal import Decimal

import pytest

from industrybrain.projects import rates
from industrybrain.projects.models import Project

pytestmark = pytest.mark.django_db
JUNE = dt.date(2022, 6, 1)


def test_the_city_rates_match_the_hand_calculation(twenty):
    city = rates.compute(Project.objects.all(), JUNE)[None]
    assert (city["started"].num, city["started"].den, city["started"].rate) == (5, 9, Decimal("55.6"))
    assert (city["completed"].num, city["completed"].den, city["completed"].rate) == (2, 4, Decimal("50.0"))
    assert (city["producing"].num, city["producing"].den, city["producing"].rate) == (3, 4, Decimal("75.0"))
    assert (city["investment"].num, city["investment"].den) == (21, 171)
    assert city["investment"].rate == Decimal("12.3")


def test_the_district_rates_match_the_hand_calculation(twenty):
    from industrybrain.enterprises.models import District

    by = rates.compute(Project.objects.all(), JUNE, "district")
    w, x = by[District.objects.get(code="wujin").pk], by[District.objects.get(code="xinbei").pk]
    assert (w["started"].num, w["started"].den, x["started"].num, x["started"].den) == (3, 5, 2, 4)
    assert (w["completed"].rate, x["completed"].rate) == (Decimal("50.0"), Decimal("50.0"))
    assert (w["producing"].num, w["producing"].den, x["producing"].rate) == (2, 3, Decimal("100.0"))
    assert (w["investment"].rate, x["investment"].rate) == (Decimal("9.8"), Decimal("13.6"))


def test_a_month_earlier_the_cohort_is_smaller(twenty):
    march = rates.compute(Project.objects.all(), dt.date(2022, 3, 1))[None]
    # planned start Jan–Mar and listed by 31 March: W1 W2 X1 X2; started by then: W1 X1
    assert (march["started"].num, march["started"].den) == (2, 4)


def test_the_rates_page_shows_the_numbers_and_their_definitions(client_as, users, twenty):
    page = client_as("admin").get("/projects/rates/", {"month": "2022-06"})
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("55.6%", "50.0%", "75.0%", "12.3%", "21.00 亿元", "171.00 亿元"):
        assert shown in text, shown
    for definition in ("队列中截至月末已实际开工的项目数", "计划开工日期在当年1月1日至月末之间",
                       "队列项目的计划总投资（亿元）", "分子", "分母", "对象"):
        assert definition in text
    assert "武进区" in text and "新北区" in text  # by district


def test_a_district_officer_sees_the_own_district_rates_only(client_as, users, twenty):
    text = client_as("wujin").get("/projects/rates/", {"month": "2022-06"}).content.decode()
    assert "60.0%" in text  # 3/5 started in 武进
    assert "新北区" not in text
    assert client_as("owner_a").get("/projects/rates/").status_code == 403
