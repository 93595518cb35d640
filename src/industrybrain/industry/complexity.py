"""Location quotients, relatedness density and shift-share, in numpy (no Django).

The formulas are those of the economic-complexity literature (Hidalgo, Klinger, Barabási &
Hausmann 2007, "The Product Space Conditions the Development of Nations") as implemented by
the ``ecomplexity`` package; tests/test_complexity.py checks these functions against it.
Regions are districts, activities are segments, values are output in 元.
"""

from __future__ import annotations

import numpy as np


def location_quotients(x: np.ndarray) -> np.ndarray:
    """LQ (revealed comparative advantage) of a regions x activities matrix:
    (x_rs / x_r) / (x_s / x). A region or activity with no output gives 0, never NaN."""
    x = np.asarray(x, dtype=float)
    region = x.sum(axis=1, keepdims=True)
    activity = x.sum(axis=0, keepdims=True)
    total = x.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (x / region) / (activity / total)
    return np.nan_to_num(lq, nan=0.0, posinf=0.0)


def presence(lq: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """M_rs: 1 where a region is specialised in an activity (LQ >= 1)."""
    return (np.asarray(lq) >= threshold).astype(float)


def proximity(m: np.ndarray) -> np.ndarray:
    """phi_ss' = (number of regions specialised in both) / max(ubiquity_s, ubiquity_s'):
    the smaller of the two conditional probabilities. Activities nobody is specialised in
    have zero proximity to everything."""
    m = np.asarray(m, dtype=float)
    both = m.T @ m
    ubiquity = m.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = both / np.maximum.outer(ubiquity, ubiquity)
    return np.nan_to_num(phi, nan=0.0)


def density(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Relatedness density omega_rs = sum_s' M_rs' phi_ss' / sum_s' phi_ss': the share of the
    activities close to s that region r already does (0 to 1)."""
    phi = np.asarray(phi, dtype=float)
    weight = phi.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        omega = np.asarray(m, dtype=float) @ (phi.T / weight[np.newaxis, :])
    return np.nan_to_num(omega, nan=0.0)


def shift_share(before: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """Decompose each cell's change (regions x activities) into the reference trend (the
    whole city's growth), the activity mix (the activity's growth above the city's) and the
    local effect (the region's growth in the activity above the activity's). The three add
    up to the change exactly."""
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    total_growth = after.sum() / before.sum() - 1 if before.sum() else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        act = np.nan_to_num(after.sum(axis=0) / before.sum(axis=0) - 1, nan=0.0, posinf=0.0)
        cell = np.nan_to_num(after / before - 1, nan=0.0, posinf=0.0)
    trend = before * total_growth
    mix = before * (act[np.newaxis, :] - total_growth)
    local = before * (cell - act[np.newaxis, :])
    # A cell with no output before grows from nothing: all of it is local.
    local = np.where(before > 0, local, after - before - trend - mix)
    return {"change": after - before, "trend": trend, "mix": mix, "local": local}


def proximity_with_links(m: np.ndarray, links: list[tuple[int, int]], weight: float = 1.0) -> np.ndarray:
    """Co-location proximity, completed for activities no region is specialised in.

    Hidalgo-Hausmann proximity comes from co-location, so an activity the city lacks entirely
    (the gap that matters most) would be close to nothing. For those activities only, the
    pack's supply links stand in: an absent activity is at ``weight`` from each activity it
    supplies or is supplied by. Activities present somewhere keep their co-location values.
    """
    phi = proximity(m)
    absent = np.asarray(m).sum(axis=0) == 0
    for a, b in links:
        if absent[a] or absent[b]:
            phi[a, b] = phi[b, a] = max(phi[a, b], weight)
    idx = np.flatnonzero(absent)
    phi[idx, idx] = 1.0
    return phi
