"""Corrupt values for tests and benchmarks of the engine's input contract: one bad value
(NaN, ±inf, a negative amount, a number past its range) in a share of the enterprises."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CORRUPTIONS = [  # (column, value): what one bad cell holds
    ("energy_tce", float("nan")), ("energy_tce", float("inf")), ("energy_tce", -3.5),
    ("local_contribution", -1_000_000), ("revenue", 10**16), ("rd_spending", -1),
    ("revenue", float("nan")), ("employees", -5),
]


def corrupt_figures(figures: pa.Table, year: int, share: float, seed: int):
    """A copy of ``figures`` where ``share`` of the enterprises with a row in ``year`` have one
    bad value in it; returns (table, the corrupt enterprise ids)."""
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(pc.equal(figures["year"], year).to_numpy(zero_copy_only=False))
    chosen = np.sort(rng.choice(rows, size=int(len(rows) * share), replace=False))
    kinds = rng.integers(0, len(CORRUPTIONS), len(chosen))
    cols = {name: figures[name].to_pylist() if name in {c for c, _ in CORRUPTIONS}
            else figures[name] for name in figures.column_names}
    for row, k in zip(chosen.tolist(), kinds.tolist(), strict=True):
        column, value = CORRUPTIONS[k]
        cols[column][row] = value
    # As a loader would hand them over: a column holding a NaN or a fraction is float64.
    out = {}
    for name, col in cols.items():
        if not isinstance(col, list):
            out[name] = col
        elif any(isinstance(v, float) for v in col):
            out[name] = pa.array([None if v is None else float(v) for v in col], pa.float64())
        else:
            out[name] = pa.array(col, figures.schema.field(name).type)
    ids = figures["enterprise_id"].take(pa.array(chosen)).to_pylist()
    return pa.table(out), sorted(set(ids))
