"""Every reason the forecast and the refresh write reads in English on an English page."""

import re

import pytest

from industrybrain.targets.forecast import Goal, assess
from industrybrain.targets.reasons import in_english

HAN = re.compile(r"[\u3400-\u9fff]")
GOAL = Goal("at_least", 100, deadline=2025)


@pytest.mark.parametrize("history, goal, baseline", [
    ([], GOAL, None),  # no data
    ([(2021, 90), (2022, 101)], GOAL, None),  # achieved
    ([(2021, 2000), (2022, 2500)], Goal("about", 3400, deadline=2022), None),  # deadline passed
    ([(2022, 50)], GOAL, None),  # one year, not behind
    ([(2022, 45)], GOAL, (2020, 40)),  # one year, behind the path
    ([(2020, 50), (2021, 60), (2022, 70)], GOAL, None),  # on track
    ([(2018, 40), (2019, 70), (2020, 45), (2021, 80), (2022, 60)], GOAL, None),  # at risk
    ([(2020, 50), (2021, 51), (2022, 52)], GOAL, None),  # off track
])
def test_every_forecast_reason_has_english(history, goal, baseline):
    reason = assess(history, goal, baseline=baseline).reason
    english = in_english(reason)
    assert english and not HAN.search(english), reason


def test_the_refreshs_own_reasons_have_english():
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "refresh.py").read_text(encoding="utf-8")
    written = {"由经办人设定", "状态待经办人设定", "文章所述基数", "文章所述基数；系统同年计算值见数值",
               "倍增的基数文章未给出，需录入基数后才能判断"}
    for reason in written:
        assert reason.split("；")[0] in source
        assert not HAN.search(in_english(reason)), reason


def test_an_unknown_reason_is_shown_as_it_is():
    assert in_english("经办人备注") == "经办人备注"
