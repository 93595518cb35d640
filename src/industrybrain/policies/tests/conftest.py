"""A 2022 for the small city: A and C cross 100亿元 revenue for the first time with complete
data (登峰计划, 200万元 each); B crosses it but its R&D is unknown (qualifies, amount
pending)."""

from decimal import Decimal

import pytest

YI = 100_000_000


@pytest.fixture
def year2022(city, settings):
    from industrybrain.enterprises.models import AnnualFigures

    settings.IB_JOBS = "inline"
    for key, rd in (("a", 5 * YI), ("b", None), ("c", 5 * YI)):
        AnnualFigures.objects.create(
            enterprise=city[key], year=2022, revenue=150 * YI, industrial_output=140 * YI,
            rd_spending=rd, local_contribution=6 * YI, tax=8 * YI,
            energy_tce=Decimal("1000.00"), above_scale=True)
    return city


@pytest.fixture
def proposed(year2022, users):
    """One finished run of 2022; returns the awards by enterprise key."""
    from industrybrain.policies import jobs, runs
    from industrybrain.policies.models import Award

    run = runs.start(2022, users["admin"])
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return {k: Award.objects.filter(enterprise=e, policy_id="dengfeng").first()
            for k, e in year2022.items()}
