"""The events the policy engine and the target monitor react to exist, with history."""

import numpy as np
import pytest

from industrybrain.synth.measure import Frame, first_crossings, newly_above_scale, policy_events

YI = 100_000_000


@pytest.fixture(scope="module")
def frame(city):
    return Frame(city)


@pytest.fixture(scope="module")
def events(city):
    return policy_events(city)


@pytest.mark.parametrize("year", [2021, 2022])
def test_first_time_above_100_yi(frame, year):
    crossed = first_crossings(frame, 100 * YI, list(range(2016, 2023)))[year]
    assert len(crossed) >= 2
    rev = frame.wide("revenue", list(range(2016, 2023)))
    for i in crossed:
        history = rev[i, : year - 2016]
        assert (~np.isnan(history)).sum() >= 3 and np.nanmax(history) < 100 * YI


def test_first_time_above_500_yi_and_none_above_1000(events):
    assert events["revenue first > 500亿元"][2022] == 1
    assert sum(events["revenue first > 1000亿元"].values()) == 0


def test_a_firm_back_above_100_yi_is_not_a_first_time(frame):
    rev = frame.wide("revenue", list(range(2016, 2023)))
    dipped = (rev[:, 0] >= 100 * YI) & (rev[:, 4] < 100 * YI) & (rev[:, 5] >= 100 * YI)
    assert dipped.any()


@pytest.mark.parametrize("code", ["china_manufacturing_500", "china_private_500", "china_top_500"])
def test_new_500_list_entries_in_2021_or_2022(events, code):
    assert events[f"newly {code}"][2021] + events[f"newly {code}"][2022] >= 1


def test_no_fortune_global_500(events):
    assert sum(events["newly fortune_global_500"].values()) == 0


@pytest.mark.parametrize("year", [2021, 2022])
def test_newly_above_scale_with_rising_local_contribution(frame, year):
    new, rising = newly_above_scale(frame, year)
    assert len(new) > 100
    assert len(rising) / len(new) > 0.6


@pytest.mark.parametrize("code", ["little_giant_national", "little_giant_provincial"])
@pytest.mark.parametrize("year", [2021, 2022])
def test_new_little_giants_have_history(frame, code, year):
    new = frame.newly(code, year)
    assert len(new) >= 10
    years_before = np.array([((frame.fid == i) & (frame.year < year)).sum() for i in new])
    assert (years_before >= 2).mean() > 0.9


def test_designation_ladder_is_respected(frame):
    for higher, lower in (("gazelle", "high_tech"), ("potential_unicorn", "gazelle"),
                          ("unicorn", "potential_unicorn")):
        for i in np.unique(frame.d_id[frame.d_code == higher]):
            first_higher = frame.d_year[(frame.d_id == i) & (frame.d_code == higher)].min()
            lower_years = frame.d_year[(frame.d_id == i) & (frame.d_code == lower)]
            assert len(lower_years) and lower_years.min() <= first_higher
