"""Targets load from the pack idempotently; indicators computed from the database are right
on the small `city` fixture (checked by hand: A, B in 武进; C, D in 新北)."""

import datetime as dt
from decimal import Decimal

import pytest

from industrybrain.enterprises.models import Designation, DesignationType, District
from industrybrain.targets import indicators
from industrybrain.targets.loading import load_targets
from industrybrain.targets.models import Assessment, IndicatorValue, Target
from industrybrain.targets.refresh import refresh

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing_and_keeps_the_officer_status(reference):
    first = load_targets()
    assert first["created"] == first["targets"] == Target.objects.count() >= 170
    Target.objects.filter(code="landmark_industries_2025").update(officer_status="in_progress")
    again = load_targets()
    assert (again["created"], again["updated"], again["stale"]) == (0, 0, [])
    assert Target.objects.get(code="landmark_industries_2025").officer_status == "in_progress"


def test_both_sides_of_a_conflict_are_kept_with_their_sources(reference):
    load_targets()
    a = Target.objects.get(code="chains_total_scale_2025_001")
    b = Target.objects.get(code="chains_total_scale_2025_002")
    assert (a.value, b.value) == (Decimal(6500), Decimal(5200))
    assert a.conflicts_with == [b.code] and b.conflicts_with == [a.code]
    assert a.citations[0]["seed"].startswith("001") and b.citations[0]["seed"].startswith("002")


def test_items_carry_their_section_heading(reference):
    load_targets()
    assert Target.objects.get(code="industrial_scale_2025").section == "规模效益"
    assert Target.objects.get(code="gdp_2021").kind == "baseline"
    assert Target.objects.filter(kind="qualitative").count() >= 10


def test_cluster_scale_is_the_output_of_its_enterprises_per_district(city):
    values = indicators.compute(
        "sum_figure: industrial_output where cluster = high_end_equipment", "亿元", [2021])
    wujin, xinbei = (District.objects.get(code=c).pk for c in ("wujin", "xinbei"))
    # output = 120 * serial * 9e5 元: A+B = 120*3*9e5, C+D = 120*7*9e5
    assert values[(2021, wujin)] == Decimal("3.24")
    assert values[(2021, xinbei)] == Decimal("7.56")
    assert values[(2021, None)] == Decimal("10.80")


def test_designations_are_counted_when_held_and_new_ones_in_their_year(city):
    Designation.objects.create(enterprise=city["c"], type=DesignationType.objects.get(code="high_tech"),
                               granted_on=dt.date(2021, 10, 1))
    held = indicators.compute("count_designation: high_tech", "家", [2019, 2020, 2021])
    new = indicators.compute("count_new_designation_per_year: high_tech", "家", [2020, 2021])
    assert (2019, None) not in held
    assert held[(2020, None)] == 1 and held[(2021, None)] == 2
    assert new[(2020, None)] == 1 and new[(2021, None)] == 1


def test_share_of_high_tech_output_uses_the_holders_of_that_year(city):
    share = indicators.compute(
        "share_figure: industrial_output where high_tech and above_scale / industrial_output where above_scale",
        "%", [2019, 2021])
    # only A (serial 1 of 1+2+3+4) is high-tech in 2021; nobody in 2019
    assert share[(2021, None)] == Decimal("10.00")
    assert share[(2019, None)] == Decimal("0.00")


def test_an_unknown_measure_is_refused_by_name(city):
    with pytest.raises(indicators.MeasureError, match="count_dreams"):
        indicators.compute("count_dreams: all", "家", [2021])


def test_refresh_stores_values_with_provenance_and_assesses_every_target(city):
    load_targets()
    run, missing = refresh()
    value = IndicatorValue.objects.get(target__code="industrial_scale_2025", year=2021, district=None)
    assert value.origin == "computed" and value.query == "sum_figure: industrial_output"
    assert value.computed_at is not None
    city_rows = Assessment.objects.filter(run=run, district__isnull=True)
    assert city_rows.count() == Target.objects.count()
    assert "policy_funds_per_year" in missing  # the awards ledger is not there yet
    # a district's cluster goal is its share of the city goal in the base year
    wujin = Assessment.objects.get(run=run, target__code="cluster_high_end_equipment_scale_2025",
                                   district__code="wujin")
    whole = city_rows.get(target__code="cluster_high_end_equipment_scale_2025")
    assert wujin.goal == pytest.approx(whole.goal * Decimal(3) / Decimal(10))
