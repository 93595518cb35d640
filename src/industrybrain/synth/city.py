"""generate_city: the calibrated synthetic city as three Arrow tables."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from . import calibration as cal
from . import contract
from .chains import draw_chains, to_list_array
from .designations import NEVER, Context, draw_designations, manufacturing_mask
from .figures import figures_table, innovation_figures, money_figures
from .identity import company_names, uscc_codes
from .population import GROUPS, OWNERSHIPS, draw_population
from .revenue import draw_revenue
from .taxonomy import CLUSTERS, HIGH_TECH_GROUPS, INDUSTRY_CLASSES, load_districts

HISTORY_YEARS = 4  # internal years before first_year, so designations have a past


@dataclass
class City:
    """The synthetic city: the three tables of docs/data-contract.md plus provenance."""

    enterprises: pa.Table
    figures: pa.Table
    designations: pa.Table
    calibration: list[dict] = field(default_factory=list)
    n: int = 0
    seed: int = 0
    first_year: int = 0
    last_year: int = 0

    def iter_batches(self, table: str, max_rows: int = 100_000):
        """Record batches of one table ("enterprises", "figures" or "designations")."""
        return getattr(self, table).to_batches(max_chunksize=max_rows)


def _stream(seed: int, part: str) -> np.random.Generator:
    """An independent random stream per part of the city, so changing how one part is
    drawn leaves the others as they were. crc32 (not hash()) keeps it stable across runs."""
    return np.random.default_rng([seed, zlib.crc32(part.encode())])


def generate_city(n_enterprises: int = 30000, seed: int = 2022, first_year: int = 2016,
                  last_year: int = 2022) -> City:
    """Generate the calibrated synthetic city.

    Deterministic: the same (n_enterprises, seed, first_year, last_year) give identical
    tables. Enterprise ids are 1..n; figures cover first_year..last_year from each firm's
    founding year; designations include grants from before first_year (history).
    Counts and money totals are calibrated at n = 30,000 and scale with n / 30,000.
    """
    n = int(n_enterprises)
    if n < 1:
        raise ValueError("n_enterprises must be at least 1")
    if not 1990 <= first_year <= last_year <= 2030:
        raise ValueError("need 1990 <= first_year <= last_year <= 2030")
    scale = n / cal.REFERENCE_SIZE
    years = np.arange(min(first_year - HISTORY_YEARS, cal.CALIBRATION_YEAR - 1),
                      max(last_year, cal.CALIBRATION_YEAR) + 1)

    pop = draw_population(_stream(seed, "population"), n, first_year, last_year)
    rev = draw_revenue(_stream(seed, "revenue"), pop, years, scale)
    shift = np.array([HIGH_TECH_GROUPS.get(g, -0.2) for g in GROUPS])[pop.group]
    innovation = _stream(seed, "innovation").standard_normal(n) + shift
    money = money_figures(_stream(seed, "money"), pop, rev, scale)

    manufacturing = manufacturing_mask(pop)
    section = np.array([c.code[0] for c in INDUSTRY_CLASSES])[pop.industry]
    ctx = Context(pop, rev, money["tax"], innovation, manufacturing, np.isin(section, ["C", "I", "M"]))
    designations, first_grant = draw_designations(_stream(seed, "designations"), ctx, scale, last_year)

    held = _held_matrix(designations, "high_tech", years, n)
    money.update(innovation_figures(_stream(seed, "innovation figures"), pop, rev, innovation, held, scale))
    figures = figures_table(_stream(seed, "gaps"), pop, rev, money, first_year, last_year)

    last = len(years) - 1 - int(years[-1] - last_year)
    member, leader = draw_chains(_stream(seed, "chains"), pop.industry, rev.value[:, last], rev.exists[:, last])
    listed = first_grant["listed"] != NEVER
    form = np.where(listed, 1, np.where(pop.giant >= 0, 2, 0))
    form = np.where((form == 0) & (_stream(seed, "legal form").random(n) < 0.05), 1, form)

    districts = load_districts()
    names = company_names(_stream(seed, "names"), [d.code for d in districts], pop.district,
                          [c.terms for c in INDUSTRY_CLASSES], pop.industry, form)
    division = np.array([d.division for d in districts])[pop.district]
    group_names = np.array(GROUPS, dtype=object)[pop.group]
    cluster = np.where(np.isin(group_names, CLUSTERS), group_names, None)
    enterprises = pa.table(
        [
            pa.array(np.arange(1, n + 1, dtype=np.int64)),
            pa.array(uscc_codes(_stream(seed, "uscc"), division), pa.string()),
            names,
            pa.array(np.array([d.code for d in districts])[pop.district], pa.string()),
            pa.array(np.array([c.code for c in INDUSTRY_CLASSES])[pop.industry], pa.string()),
            pa.array(np.array(OWNERSHIPS)[pop.ownership], pa.string()),
            pa.array(pop.founded_day, pa.date32()),
            pa.array(manufacturing, pa.bool_()),
            pa.array(listed, pa.bool_()),
            pa.array(cluster, pa.string()),
            to_list_array(member),
            to_list_array(leader),
        ],
        schema=contract.ENTERPRISES,
    )
    calibration = [
        {"key": f.key, "what": f.what, "value": f.target(n), "reference_value": f.value, "unit": f.unit,
         "source": f.source, "quote": f.quote, "applied": f.applied, "scaled": f.scaled}
        for f in cal.all_figures()
    ]
    return City(enterprises, figures, designations, calibration, n, seed, first_year, last_year)


def _held_matrix(table: pa.Table, code: str, years: np.ndarray, n: int) -> np.ndarray:
    """(n, years) bool: the designation is held in that year (the contract's definition)."""
    mask = np.asarray(table.column("code").to_numpy(zero_copy_only=False) == code)
    ids = table.column("enterprise_id").to_numpy()[mask] - 1
    granted = table.column("granted_on").to_numpy()[mask].astype("datetime64[Y]").astype(int) + 1970
    exp = table.column("expires_on").to_numpy(zero_copy_only=False)[mask]
    expires = np.where(np.isnat(exp), 9999, exp.astype("datetime64[Y]").astype(int) + 1970)
    held = np.zeros((n, len(years)), bool)
    for j, y in enumerate(years):
        held[ids[(granted <= y) & (expires >= y)], j] = True
    return held
