"""On a synthetic city loaded like the demo: every chain and cluster page shows something, the
city tables match the ``ecomplexity`` library, and a figure is the same on every page."""

import numpy as np
import pytest

from industrybrain.industry.tests.test_complexity import assert_matches_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic(reference):
    from industrybrain.demo import loader as demo
    from industrybrain.synth import generate_city

    counts = demo.load_city(generate_city(n_enterprises=3000, seed=2022), progress=lambda *_: None)
    return counts


def test_the_city_tables_match_the_library(synthetic):
    from industrybrain.industry import citytables
    from industrybrain.industry.complexity import density, presence, proximity

    tables = citytables.compute(citytables.latest_year())
    produced = tables.output.sum(axis=0) > 0
    x = tables.output[:, produced]
    assert x.shape[0] == 7 and x.shape[1] > 40
    assert_matches_library(x)
    # The stored tables use the same LQ and presence; density differs only for the
    # segments nobody is specialised in, which the supply links complete.
    m = tables.has
    assert np.array_equal(m, presence(tables.lq))
    absent = m.sum(axis=0) == 0
    touched = set()
    for a, b in citytables.supply_links(tables.segments):
        if absent[a] or absent[b]:
            touched |= {a, b}
    plain = density(m, proximity(m))
    same = [j for j in range(len(tables.segments)) if j not in touched]
    assert len(same) > 20 and np.allclose(tables.omega[:, same], plain[:, same])


def test_every_page_shows_placed_enterprises_and_gaps(synthetic, users):
    from industrybrain.industry import citytables, mapdata

    tables = citytables.compute(citytables.latest_year())
    for owner in mapdata.all_owners():
        data = mapdata.page_data(owner, users["admin"], tables=tables)
        assert sum(s["firms"] for s in data["segments"]) > 0, owner.code
        assert data["leaders"], owner.code
        # One number, one definition: the page's segment output is the city table's column sum.
        for s in data["segments"]:
            assert s["output"] == pytest.approx(tables.output[:, tables.column(s["id"])].sum()), (owner.code, s["name"])


def test_the_demo_loader_reports_placements(synthetic):
    from industrybrain.industry.models import SegmentPlacement

    assert synthetic["placements"] == SegmentPlacement.objects.count() > 1000
