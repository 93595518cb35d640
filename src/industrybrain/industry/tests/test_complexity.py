"""LQ, proximity, relatedness density and shift-share: by hand on 5 districts x 6 segments,
against the ``ecomplexity`` library on random cities, and the laws they must keep."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from industrybrain.industry.complexity import (
    density,
    location_quotients,
    presence,
    proximity,
    shift_share,
)

# Five districts (rows) x six segments (columns); every district has 20 of the city's 100.
X = np.array([
    [10, 0, 5, 5, 0, 0],
    [0, 10, 0, 0, 10, 0],
    [5, 5, 5, 5, 0, 0],
    [0, 0, 0, 10, 10, 0],
    [5, 5, 0, 0, 0, 10],
], dtype=float)


def test_location_quotients_by_hand():
    lq = location_quotients(X)
    # (10/20) / (20/100): the district has half its output in a segment that is a fifth of the city's.
    assert lq[0, 0] == pytest.approx(2.5)
    assert lq[4, 5] == pytest.approx((10 / 20) / (10 / 100))  # 5.0: the only producer
    assert lq[2, 3] == pytest.approx((5 / 20) / (20 / 100))  # 1.25
    assert lq[1, 0] == 0
    assert presence(lq).sum(axis=0).tolist() == [3, 3, 2, 3, 2, 1]  # ubiquity


def test_proximity_and_density_by_hand():
    m = presence(location_quotients(X))
    phi = proximity(m)
    # Segments 0 and 1 are both present in districts 2 and 4; each is in 3 districts.
    assert phi[0, 1] == pytest.approx(2 / 3)
    assert phi[0, 2] == pytest.approx(2 / 3)  # together twice; max(3, 2) = 3
    assert phi[4, 1] == pytest.approx(1 / 3)
    assert phi[0, 4] == 0
    assert np.allclose(phi, phi.T) and np.allclose(np.diag(phi), 1)
    omega = density(m, phi)
    # District 3 has segments 3 and 4; around segment 0 the proximities sum to 1+2/3*3+1/3.
    assert omega[3, 0] == pytest.approx((2 / 3 + 0) / (1 + 2 / 3 + 2 / 3 + 2 / 3 + 0 + 1 / 3))
    assert omega[1, 5] == pytest.approx((1 / 3) / (1 / 3 + 1 / 3 + 1))
    assert omega[2, 2] == pytest.approx(1.0)  # has every segment close to 2


def _library(x):
    """RCA, Mcp, density and proximity from ``ecomplexity`` (rows in loc, prod order)."""
    import ecomplexity  # the test extra installs it (pyproject.toml)
    import pandas as pd
    rows = pd.DataFrame([{"year": 2022, "loc": r, "prod": s, "val": x[r, s]}
                         for r in range(x.shape[0]) for s in range(x.shape[1])])
    cols = {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns about ECI on tiny matrices; we use density
        out = ecomplexity.ecomplexity(rows, cols).sort_values(["loc", "prod"])
        prox = ecomplexity.proximity(rows, cols)
    phi = prox.pivot(index="prod_1", columns="prod_2", values="proximity").to_numpy()
    shape = x.shape
    return (out["rca"].to_numpy().reshape(shape), out["mcp"].to_numpy().reshape(shape),
            out["density"].to_numpy().reshape(shape), phi)


def assert_matches_library(x):
    rca, mcp, dens, phi = _library(x)
    lq = location_quotients(x)
    m = presence(lq)
    mine_phi = proximity(m)
    mine = density(m, mine_phi)
    finite = np.isfinite(rca)
    assert np.allclose(lq[finite], rca[finite])
    assert np.array_equal(m, np.nan_to_num(mcp))
    ok = np.isfinite(phi)
    assert np.allclose(mine_phi[ok], phi[ok])
    ok = np.isfinite(dens)
    assert ok.sum() > 0 and np.allclose(mine[ok], dens[ok])


def test_the_hand_example_matches_the_library():
    assert_matches_library(X)


def test_a_random_city_matches_the_library():
    rng = np.random.default_rng(7)
    x = rng.gamma(0.6, 1e8, size=(7, 40)) * (rng.random((7, 40)) < 0.7)
    x[:, 0] += 1  # every district produces something
    assert_matches_library(x)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (4, 5), elements=st.integers(0, 10**12).map(float)),
       arrays(np.float64, (4, 5), elements=st.integers(0, 10**12).map(float)))
def test_shift_share_adds_up_to_the_change(before, after):
    parts = shift_share(before, after)
    total = parts["trend"] + parts["mix"] + parts["local"]
    assert np.allclose(total, parts["change"], rtol=1e-6, atol=1e-3)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (5, 6), elements=st.integers(0, 10**12).map(float)))
def test_output_weighted_lq_is_one_and_density_is_a_share(x):
    lq = location_quotients(x)
    if x.sum() > 0:
        share = x.sum(axis=0) / x.sum()
        used = x.sum(axis=1) > 0
        # Each district's LQs, weighted by the city's segment shares, average to 1.
        assert np.allclose((lq[used] * share).sum(axis=1), 1.0)
    omega = density(presence(lq), proximity(presence(lq)))
    assert (omega >= -1e-12).all() and (omega <= 1 + 1e-12).all()


def test_a_segment_nobody_has_is_close_to_its_supply_links():
    from industrybrain.industry.complexity import proximity_with_links

    x = np.c_[X, np.zeros(5)]  # segment 6: no district produces it; segment 3 supplies it
    m = presence(location_quotients(x))
    plain = density(m, proximity(m))
    assert (plain[:, 6] == 0).all()  # co-location alone cannot rank it
    phi = proximity_with_links(m, [(3, 6)])
    assert phi[3, 6] == phi[6, 3] == 1 and phi[6, 6] == 1
    assert np.allclose(phi[:6, :6], proximity(m)[:6, :6])  # the others keep co-location
    omega = density(m, phi)
    # Districts 0, 2, 3 are specialised in segment 3 (LQ >= 1): half of segment 6's neighbourhood.
    assert omega[:, 6].tolist() == [0.5, 0.0, 0.5, 0.5, 0.0]
