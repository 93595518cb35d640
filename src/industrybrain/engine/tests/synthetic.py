"""A small, seeded synthetic snapshot for engine tests (the calibrated city is in synth/)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

CODES = ["little_giant_provincial", "little_giant_national", "single_champion_product",
         "china_top_500", "china_manufacturing_500", "china_private_500", "specialised_sme",
         "high_tech", "star_enterprise", "tech_center_national", "china_quality_award"]


def snapshot(n: int, years: range = range(2016, 2023), seed: int = 7,
             missing: float = 0.02, giants: int = 0) -> tuple[pa.Table, pa.Table, pa.Table]:
    """``n`` enterprises with figures for ``years``; ``missing`` of the values are null.

    The first ``giants`` enterprises start between 5亿元 and 900亿元 and grow 25% a year, so
    that they cross the 100/500/1000亿元 thresholds during the years.
    """
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    founded = rng.integers(1990, years[-1] + 1, n)
    enterprises = pa.table({
        "enterprise_id": ids,
        "uscc": pa.array([""] * n),
        "name": pa.array([f"e{i}" for i in range(n)]),
        "district": pa.array(rng.choice(["wujin", "xinbei", "liyang"], n)),
        "industry_code": pa.array(["C3484"] * n),
        "ownership": pa.array(rng.choice(["private", "state", "foreign"], n, p=[.8, .1, .1])),
        "founded_on": pa.array((founded - 1970).astype("int32") * 365, pa.int32()).cast(
            pa.date32()),
        "is_manufacturing": pa.array(rng.random(n) < 0.6),
        "is_listed": pa.array(rng.random(n) < 0.01),
        "cluster": pa.array(np.where(rng.random(n) < 0.3, "new_energy", None), pa.string()),
        "chains": pa.array([[] for _ in range(n)], pa.list_(pa.string())),
        "chain_leader": pa.array([[] for _ in range(n)], pa.list_(pa.string())),
    })
    ny = len(years)
    # Log-normal revenue: most firms small, a few above 100亿元; grows 0-20% a year.
    base = np.exp(rng.normal(16.5, 2.2, n))
    growth = np.cumprod(1 + rng.uniform(-0.05, 0.2, (ny, n)), axis=0)
    if giants:
        base[:giants] = np.exp(rng.uniform(np.log(5e8), np.log(9e10), giants))
        growth[:, :giants] = 1.25 ** np.arange(1, ny + 1)[:, None]
    revenue = (base * growth).astype(np.int64)

    def col(values, dtype):
        arr = np.asarray(values).reshape(-1)
        if pa.types.is_integer(dtype):
            arr = arr.astype(np.int64)
        mask = rng.random(arr.shape[0]) < missing
        return pa.array(arr, dtype, mask=mask)

    figures = pa.table({
        "enterprise_id": np.tile(ids, ny),
        "year": np.repeat(np.array(list(years), dtype=np.int16), n),
        "revenue": col(revenue, pa.int64()),
        "industrial_output": col(revenue * 0.9, pa.int64()),
        "tax": col(revenue * 0.04, pa.int64()),
        "local_contribution": col(revenue * rng.uniform(0.01, 0.04, (ny, n)), pa.int64()),
        "rd_spending": col(revenue * rng.uniform(0, 0.06, (ny, n)), pa.int64()),
        "employees": col(np.maximum(revenue // 1_000_000, 1), pa.int32()),
        "invention_patents": col(rng.integers(0, 50, (ny, n)), pa.int32()),
        "energy_tce": col(np.round(revenue / 1e4 * rng.uniform(0.01, 0.1, (ny, n)), 2),
                          pa.float64()),
        "tech_upgrade_investment": col(revenue * rng.uniform(0, 0.05, (ny, n)), pa.int64()),
        "above_scale": col(revenue >= 20_000_000, pa.bool_()),
    })
    k = n // 5
    holders = rng.choice(ids, k)
    granted_year = rng.integers(years[0], years[-1] + 1, k)
    designations = pa.table({
        "enterprise_id": holders,
        "code": pa.array(rng.choice(CODES, k)),
        "granted_on": pa.array((granted_year - 1970).astype("int32") * 365 + 120,
                               pa.int32()).cast(pa.date32()),
        "expires_on": pa.array([None] * k, pa.date32()),
        "product": pa.array([None] * k, pa.string()),
    })
    return enterprises, figures, designations
