"""On a generated city with its generated programme, the coverage and maturity figures of
the progress page, the API and the target monitor equal a calculation by hand from the rows."""

import math
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(users):
    from industrybrain.demo.loader import load_city
    from industrybrain.synth import generate_city
    from industrybrain.transform import demo

    load_city(generate_city(n_enterprises=600, seed=11), progress=lambda s: None)
    counts = demo.load(seed=11, progress=lambda s: None)
    assert counts["diagnoses"] > 100 and counts["reports"] > 50 and counts["started"] > 0
    return users


def _by_hand(year):
    """Manufacturers, diagnosed (a report filed by the end of ``year``), above scale (the
    figures of ``year`` or the latest before), per district code: plain Python over rows."""
    from industrybrain.enterprises.models import AnnualFigures, Enterprise
    from industrybrain.transform.models import Diagnosis

    firms = {e.pk: e.district.code for e in Enterprise.objects.select_related("district")
             if e.is_manufacturing}
    done = {d.enterprise_id for d in Diagnosis.objects.all()
            if d.status != "cancelled" and d.reported_on and d.reported_on.year <= year}
    fy = max(y for y in AnnualFigures.objects.values_list("year", flat=True) if y <= year)
    above = {f.enterprise_id for f in AnnualFigures.objects.filter(year=fy) if f.above_scale}
    table = defaultdict(Counter)
    for pk, district in firms.items():
        for key in (district, "city"):
            table[key]["manufacturers"] += 1
            table[key]["diagnosed"] += pk in done
            table[key]["above"] += pk in above
            table[key]["above_diagnosed"] += pk in done and pk in above
    return table


@pytest.mark.parametrize("year", [2022, 2024])
def test_coverage_matches_a_hand_calculation(generated, client, year):
    from industrybrain.enterprises.models import District
    from industrybrain.transform import stats

    hand = _by_hand(year)
    codes = dict(District.objects.values_list("pk", "code"))
    got = stats.coverage(year, "district")
    for key, c in got.items():
        h = hand[codes[key] if key else "city"]
        assert (c.manufacturers, c.diagnosed, c.above_scale, c.above_scale_diagnosed) == (
            h["manufacturers"], h["diagnosed"], h["above"], h["above_diagnosed"])
    city = hand["city"]
    assert city["diagnosed"] > 0 and city["above_diagnosed"] > 0
    # The page shows the same figures.
    client.force_login(generated["admin"])
    page = client.get(f"/transform/progress/?year={year}").content.decode()
    shown = re.search(r'id="city-diagnosed">(\d+)<', page).group(1)
    assert int(shown) == city["diagnosed"]
    share = round(100 * city["diagnosed"] / city["manufacturers"], 1)
    assert f'id="city-share">{share}%' in page
    # And the API.
    api = client.get(f"/api/diagnosis-coverage/?year={year}").json()
    total = next(r for r in api if r["district"] is None)
    assert total["diagnosed"] == city["diagnosed"] and total["share"] == share
    # The .json suffix every API endpoint takes gives the same answer.
    assert client.get(f"/api/diagnosis-coverage.json?year={year}").json() == api


def test_maturity_distribution_matches_a_hand_calculation(generated, client):
    from industrybrain.transform import stats
    from industrybrain.transform.models import DimensionScore, Report

    levels = defaultdict(list)
    for s in DimensionScore.objects.all():
        levels[s.report_id].append(s.level)
    hand = defaultdict(Counter)
    for r in Report.objects.all():
        overall = math.floor(sum(levels[r.pk]) / len(levels[r.pk]))  # transform.yaml's rule
        assert r.overall_level == overall
        hand[r.filed_on.year][overall] += 1
    assert stats.maturity_by_year() == dict(hand)
    assert len(hand) >= 3  # the distribution moves over the years


def test_the_target_monitor_reads_the_same_coverage(generated):
    from industrybrain.targets.indicators import compute
    from industrybrain.transform import stats

    values = compute("share_diagnosed: above_scale", "%", [2022])
    last = stats.report_years()[-1]
    assert (last, None) in values  # the diagnosis years beyond the figures' are added
    hand = _by_hand(last)["city"]
    expected = round(100 * hand["above_diagnosed"] / hand["above"], 1)
    assert values[(last, None)] == Decimal(str(expected))
    manufacturing = compute("share_diagnosed: manufacturing", "%", [2022])
    assert manufacturing[(last, None)] < values[(last, None)]  # 规上 firms go first


def test_a_firm_sees_its_maturity_beside_its_peers(generated, client):
    from industrybrain.transform import stats
    from industrybrain.transform.models import Diagnosis

    d = Diagnosis.objects.filter(status="accepted").select_related("enterprise").first()
    bench = stats.benchmark(d.enterprise)
    assert bench is not None and bench["peers"] >= 1
    client.force_login(generated["admin"])
    page = client.get(f"/transform/enterprises/{d.enterprise_id}/").content.decode()
    assert "同行平均" in page and "成熟度与同行对比" in page
