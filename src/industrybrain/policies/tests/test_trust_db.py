"""Issue 9's defects through the database path: figures in the database -> snapshot -> run ->
proposals, and the pages a reviewer reads. (The Python API's side of each defect is tested
in src/industrybrain/engine/tests/.)"""

import datetime as dt
from decimal import Decimal

import pytest

from industrybrain.policies import jobs, runs, snapshot
from industrybrain.policies.models import Award

pytestmark = pytest.mark.django_db
YI, WAN = 10**8, 10**4
FULL = {"rd_spending": 5 * YI, "local_contribution": 6 * YI, "energy_tce": Decimal("1000.00")}


def _firm(city, key, founded=2010):
    from conftest import make_uscc
    from industrybrain.enterprises.models import Enterprise

    base = city["a"]
    return Enterprise.objects.create(
        uscc=make_uscc(100 + ord(key), base.district.division), name=f"常州测试{key}有限公司",
        district=base.district, industry_code="C3484", ownership="private",
        founded_on=dt.date(founded, 3, 1), cluster=base.cluster)


def _figures(enterprise, year, **values):
    from industrybrain.enterprises.models import AnnualFigures

    AnnualFigures.objects.update_or_create(enterprise=enterprise, year=year, defaults=values)


def _run(user=None):
    run = runs.start(2022, user)
    jobs.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def _award(enterprise, policy):
    return Award.objects.get(enterprise=enterprise, policy_id=policy)


def test_years_without_a_row_are_unknown_through_the_database(city, settings):
    settings.IB_JOBS = "inline"
    settings.IB_DATA_SINCE = 2017
    holes = _firm(city, "H")
    for year, revenue in ((2017, 60), (2018, 70)):
        _figures(holes, year, revenue=revenue * YI)
    _figures(holes, 2022, revenue=105 * YI, **FULL)
    only_now = _firm(city, "N")
    _figures(only_now, 2022, revenue=105 * YI, **FULL)
    young = _firm(city, "Y", founded=2021)
    _figures(young, 2021, revenue=90 * YI)
    _figures(young, 2022, revenue=105 * YI, **FULL)
    assert snapshot.take().data_since == 2017
    _run()
    h = _award(holes, "dengfeng")
    assert h.status == "insufficient_data" and h.amount_yuan is None
    assert "缺少2019–2021年营业收入" in h.explanation_zh
    assert _award(only_now, "dengfeng").status == "insufficient_data"
    y = _award(young, "dengfeng")
    assert (y.status, y.amount_yuan) == ("proposed", 2_000_000)


def test_data_since_defaults_to_the_first_year_in_the_database(city, settings):
    settings.IB_DATA_SINCE = None
    assert snapshot.take().data_since == 2019  # the fixture's figures start in 2019
    assert snapshot.take([city["a"].pk]).data_since == 2019  # site-wide, not per firm


def test_the_engine_checks_the_same_ranges_the_database_enforces():
    from industrybrain.core import bounds
    from industrybrain.engine.inputs import RANGES

    assert {k: (int(b.low), int(b.high)) for k, b in bounds.FIGURES.items()} == {
        k: (int(lo), int(hi)) for k, (lo, hi) in RANGES.items()}


def test_a_bad_value_in_the_database_marks_one_enterprise_and_the_run_goes_on(
        city, settings, client_as, users):
    from django.db import IntegrityError, transaction

    from industrybrain.enterprises.models import Designation, DesignationType

    settings.IB_JOBS = "inline"
    for key in ("a", "c"):
        _figures(city[key], 2022, revenue=150 * YI, **FULL, above_scale=True)
    bad = _firm(city, "B")
    # A negative amount never reaches the database (its CHECK constraint refuses it) ...
    with pytest.raises(IntegrityError), transaction.atomic():
        _figures(bad, 2021, above_scale=False, local_contribution=-100 * WAN)
    # ... but a list membership that expires before it was granted does, and the engine
    # marks that one enterprise instead of stopping the city.
    Designation.objects.create(enterprise=bad, type=DesignationType.objects.get(
        code="china_top_500"), granted_on=dt.date(2022, 9, 1), expires_on=dt.date(2021, 1, 1))
    run = _run(users["admin"])
    assert run.counts["invalid_enterprises"] == 1 and run.counts["invalid_data"] >= 1
    award = _award(bad, "leading_enterprise")
    assert award.status == "invalid_data" and award.amount_yuan is None
    assert "到期日期早于认定日期" in award.explanation_zh
    assert award.inputs["invalid"][0]["column"] == "expires_on"
    # The rest of the city is priced.
    assert _award(city["a"], "dengfeng").amount_yuan == 2_000_000
    page = client_as("reviewer").get("/policies/review/?year=2022&status=invalid_data")
    text = page.content.decode()
    assert page.status_code == 200 and bad.name in text and "到期日期早于认定日期" in text


def test_amount_pending_is_listed_for_collection_and_priced_by_a_rerun(city, settings,
                                                                      client_as, users):
    settings.IB_JOBS = "inline"
    _figures(city["a"], 2022, revenue=150 * YI, local_contribution=6 * YI,
             energy_tce=Decimal("1000.00"))  # R&D unknown
    _run(users["admin"])
    award = _award(city["a"], "dengfeng")
    assert (award.status, award.tier, award.amount_yuan) == ("amount_pending", "over_100yi", None)
    page = client_as("reviewer").get("/policies/review/?year=2022&status=amount_pending")
    text = page.content.decode()
    assert "需补充数据" in text and "需补充2022年研发投入" in text and city["a"].name in text
    # The figure arrives; the re-run prices the same award (same key) in place.
    _figures(city["a"], 2022, rd_spending=5 * YI)
    run = _run(users["admin"])
    award.refresh_from_db()
    assert (award.status, award.amount_yuan) == ("proposed", 2_000_000)
    assert run.counts["updated"] >= 1


def test_amounts_that_depend_on_placeholders_are_marked(city, settings, client_as, users):
    settings.IB_JOBS = "inline"
    _figures(city["a"], 2022, revenue=150 * YI, **FULL)
    _run(users["admin"])
    award = _award(city["a"], "dengfeng")
    text = client_as("reviewer").get(f"/policies/awards/{award.pk}/").content.decode()
    assert "含暂定参数" in text and "研发投入占营业收入多少算技术创新满分" in text
    response = client_as("owner_a").get("/policies/calculator/", follow=True)
    assert "含暂定参数" in response.content.decode()


def test_exactly_at_the_threshold_the_calculator_says_equal_not_zero_short(city, client_as):
    # The enterprise's own calculator reads the database: revenue exactly 100亿元 in 2022.
    _figures(city["a"], 2022, revenue=100 * YI, **FULL)
    text = client_as("owner_a").get("/policies/calculator/", follow=True).content.decode()
    assert "营业收入恰为 100亿元，与门槛相等；「超」须严格大于 100亿元" in text
    assert "还差 0" not in text
