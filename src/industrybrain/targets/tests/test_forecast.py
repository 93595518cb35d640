"""The status rules (targets.views.status_rules) on histories an officer could check by hand."""

import pytest

from industrybrain.targets.forecast import Goal, assess, trend

AT_LEAST_100_BY_2025 = Goal("at_least", 100, deadline=2025)


def test_a_value_that_meets_the_goal_is_achieved():
    outlook = assess([(2021, 90), (2022, 101)], AT_LEAST_100_BY_2025)
    assert outlook.status == "achieved" and outlook.value == 101


def test_a_steady_rise_that_reaches_the_goal_is_on_track():
    outlook = assess([(2020, 50), (2021, 60), (2022, 70)], AT_LEAST_100_BY_2025)
    assert outlook.status == "on_track"
    assert outlook.forecast == pytest.approx(100)
    assert outlook.low <= outlook.forecast <= outlook.high  # a perfect line has no spread


def test_a_rise_too_slow_even_at_the_top_of_the_interval_is_off_track():
    outlook = assess([(2020, 50), (2021, 51), (2022, 52)], AT_LEAST_100_BY_2025)
    assert outlook.status == "off_track" and outlook.high < 100


def test_a_noisy_history_that_may_still_make_it_is_at_risk():
    outlook = assess([(2018, 40), (2019, 70), (2020, 45), (2021, 80), (2022, 60)],
                     AT_LEAST_100_BY_2025)
    assert outlook.status == "at_risk"
    assert outlook.forecast < 100 <= outlook.high


def test_a_passed_deadline_not_met_is_off_track():
    outlook = assess([(2021, 3000), (2022, 3300)], Goal("about", 3400, deadline=2022))
    assert outlook.status == "achieved"  # within 5% of “about 3400”
    outlook = assess([(2021, 2000), (2022, 2500)], Goal("about", 3400, deadline=2022))
    assert outlook.status == "off_track" and "2022" in outlook.reason


def test_progress_runs_from_the_baseline_and_expected_follows_the_straight_path():
    outlook = assess([(2021, 20), (2022, 40)], AT_LEAST_100_BY_2025, baseline=(2021, 20))
    assert outlook.progress == pytest.approx(0.25)
    assert outlook.expected == pytest.approx(0.25)


def test_one_year_gives_no_forecast_and_judges_by_the_path():
    behind = assess([(2022, 10)], AT_LEAST_100_BY_2025, baseline=(2020, 0))
    assert behind.forecast is None and behind.status == "at_risk"
    ahead = assess([(2022, 60)], AT_LEAST_100_BY_2025, baseline=(2020, 0))
    assert ahead.status == "on_track"


def test_lower_is_better_uses_the_low_end():
    outlook = assess([(2020, 12), (2021, 11), (2022, 10)], Goal("at_most", 7, deadline=2025))
    assert outlook.status in ("on_track", "at_risk")
    assert outlook.forecast == pytest.approx(7)


def test_no_history_is_no_data():
    assert assess([], AT_LEAST_100_BY_2025).status == "no_data"


def test_two_points_give_an_interval_of_half_the_projected_change():
    point, low, high = trend([(2021, 10), (2022, 20)], 2025)
    assert point == pytest.approx(50) and high - point == pytest.approx(15)
