"""`industrybrain simulate`: the cost of the coming years and a reform's losers, from the CLI."""

import io

import pytest
from django.core.management import CommandError, call_command

from industrybrain.enterprises.models import AnnualFigures

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossing(city):
    """Enterprise A nears 100亿元 of revenue in 2021 and passes it in 2022: a 登峰 award."""
    AnnualFigures.objects.filter(enterprise=city["a"], year=2021).update(
        revenue=99 * 10**8, rd_spending=3 * 10**8, local_contribution=3 * 10**8,
        energy_tce=90_000)
    AnnualFigures.objects.create(enterprise=city["a"], year=2022, revenue=120 * 10**8,
                                 industrial_output=110 * 10**8, rd_spending=4 * 10**8,
                                 local_contribution=4 * 10**8, energy_tce=100_000,
                                 above_scale=True)
    return city


def run(*args):
    out = io.StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_years_are_costed_against_the_envelope(crossing):
    # 20% growth with little spread carries A past 100亿元 in 2022 in every run.
    args = ("--from-year", "2021", "--to-year", "2023", "--runs", "3", "--seed", "1",
            "--growth", "0.2", "--spread", "0.01")
    text = run(*args)
    assert "年度政策性资金 100.00 亿元" in text
    assert "2022年  平均" in text and "2023年  平均" in text and "占年度资金" in text
    assert "登峰计划" in text and "dengfeng" not in text  # names, never ids
    # The 登峰 amount rests on weights and benchmarks the articles do not give.
    assert "含暂定参数" in text and "登峰计划的金额依赖暂定参数" in text
    assert text == run(*args)  # seeded: the same answer twice


def test_a_reform_names_its_losers(crossing):
    text = run("--from-year", "2022", "--reform", "ceiling_share=50%")
    assert "受损 1 项" in text and "登峰计划" in text and "dengfeng" not in text


def test_bad_arguments_are_refused(crossing):
    with pytest.raises(CommandError, match="名称=值"):
        run("--from-year", "2022", "--reform", "ceiling_share")
    with pytest.raises(CommandError, match="unknown assumption 'nosuch'"):
        run("--from-year", "2022", "--reform", "nosuch=1")
    with pytest.raises(CommandError, match="晚于"):
        run("--from-year", "2022", "--to-year", "2022")
