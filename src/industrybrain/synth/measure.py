"""What a generated city actually contains: the measures behind docs/calibration.md and
the tests. Each measure reads only the three contract tables, as the target monitor
would, so nulls are left out of sums rather than read as zero."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import calibration as cal
from .city import City

YI = cal.YI


class Frame:
    """The city's tables as numpy columns, with enterprise attributes joined to figures."""

    def __init__(self, city: City):
        e, f, d = city.enterprises, city.figures, city.designations
        self.city = city
        self.industry = np.asarray(e.column("industry_code").to_numpy(zero_copy_only=False), dtype=str)
        self.cluster = e.column("cluster").to_numpy(zero_copy_only=False)
        self.chain_leader = e.column("chain_leader").to_pylist()
        self.fid = f.column("enterprise_id").to_numpy() - 1
        self.year = f.column("year").to_numpy()
        self.d_id = d.column("enterprise_id").to_numpy() - 1
        self.d_code = np.asarray(d.column("code").to_numpy(zero_copy_only=False), dtype=str)
        self.d_year = d.column("granted_on").to_numpy().astype("datetime64[Y]").astype(int) + 1970
        exp = d.column("expires_on").to_numpy(zero_copy_only=False)
        self.d_expiry_year = np.where(np.isnat(exp), 9999, exp.astype("datetime64[Y]").astype(int) + 1970)
        self._figures = f

    def col(self, name: str) -> np.ndarray:
        """A figures column as float64 with NaN for null."""
        arr = self._figures.column(name)
        if pa.types.is_boolean(arr.type):
            return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)
        return arr.to_numpy(zero_copy_only=False).astype(np.float64)

    def industrial_rows(self) -> np.ndarray:
        return np.isin(np.char.ljust(self.industry, 1).astype("U1"), ["B", "C", "D"])[self.fid]

    def wide(self, name: str, years: list[int]) -> np.ndarray:
        """(n, len(years)) matrix of a column; NaN where null or no row."""
        out = np.full((len(self.industry), len(years)), np.nan)
        values = self.col(name).astype(np.float64) if name != "above_scale" else \
            np.array([np.nan if v is None else float(v) for v in self.col(name)])
        for j, y in enumerate(years):
            rows = self.year == y
            out[self.fid[rows], j] = values[rows]
        return out

    def held(self, code: str, year: int) -> int:
        m = (self.d_code == code) & (self.d_year <= year) & (self.d_expiry_year >= year)
        return len(np.unique(self.d_id[m]))

    def ever_by(self, code: str, year: int) -> int:
        return len(np.unique(self.d_id[(self.d_code == code) & (self.d_year <= year)]))

    def newly(self, code: str, year: int) -> np.ndarray:
        """Enterprise indexes newly holding `code` in `year` (first grant of that code)."""
        m = self.d_code == code
        ids, years = self.d_id[m], self.d_year[m]
        first = {}
        for i, y in zip(ids.tolist(), years.tolist(), strict=True):
            first[i] = min(first.get(i, y), y)
        return np.array(sorted(i for i, y in first.items() if y == year), dtype=np.int64)

    def sum_where(self, name: str, year: int, mask: np.ndarray | None = None) -> float:
        v = self.col(name)
        m = (self.year == year) & ~np.isnan(v)
        if mask is not None:
            m &= mask
        return float(v[m].sum())


def first_crossings(frame: Frame, threshold_yuan: float, years: list[int]) -> dict[int, list[int]]:
    """Enterprise indexes whose revenue first exceeds the threshold in each year, with at
    least one earlier non-null year below it and no earlier year above it."""
    rev = frame.wide("revenue", years)
    out = {}
    for j in range(1, len(years)):
        before = rev[:, :j]
        had_history = (~np.isnan(before)).any(axis=1)
        never = ~(np.nan_to_num(before, nan=0.0) >= threshold_yuan).any(axis=1)
        out[years[j]] = np.flatnonzero((rev[:, j] >= threshold_yuan) & had_history & never).tolist()
    return out


def newly_above_scale(frame: Frame, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Industrial firms above-scale in `year` and not in `year - 1` (both known), and
    which of them raised their local contribution."""
    years = [year - 1, year]
    above = frame.wide("above_scale", years)
    local = frame.wide("local_contribution", years)
    industrial = np.isin(np.char.ljust(frame.industry, 1).astype("U1"), ["B", "C", "D"])
    new = industrial & (above[:, 1] == 1) & (above[:, 0] == 0)
    rising = new & (local[:, 1] > local[:, 0])
    return np.flatnonzero(new), np.flatnonzero(rising)


def produced(city: City) -> dict[str, float]:
    """The value the generated city actually has for every calibration figure key."""
    fr = Frame(city)
    ind = fr.industrial_rows()
    out: dict[str, float] = {}
    out["high_tech_2021"] = fr.held("high_tech", 2021)
    out["high_tech_2022"] = fr.held("high_tech", 2022)
    out["listed_2021"] = fr.ever_by("listed", 2021)
    out["listed_new_2021"] = len(fr.newly("listed", 2021))
    out["little_giant_national_new_2021"] = len(fr.newly("little_giant_national", 2021))
    out["industrial_sales_2021"] = fr.sum_where("revenue", 2021, ind) / YI
    prev = fr.sum_where("revenue", 2020, ind)
    out["industrial_growth_2021"] = 100 * (fr.sum_where("revenue", 2021, ind) / prev - 1) if prev else float("nan")
    in_cluster = np.array([c is not None for c in fr.cluster])[fr.fid]
    out["cluster_output_2021"] = fr.sum_where("revenue", 2021, in_cluster) / YI
    manufacturing = np.char.startswith(fr.industry, "C")[fr.fid]
    out["gdp_2021_check"] = fr.sum_where("industrial_output", 2021, manufacturing) * cal.VALUE_ADDED_RATE / YI
    out["on_cloud_2021"] = fr.ever_by("on_cloud", 2021)
    out["star_cloud_2022"] = fr.ever_by("star_cloud", 2022)
    out["tax_2021"] = fr.sum_where("tax", 2021) / YI
    above = np.array([bool(v) for v in fr.col("above_scale")]) & ind
    total_energy = fr.sum_where("energy_tce", 2021, above)
    for key, prefixes in (("steel", ("C31",)), ("cement", ("C3011",)), ("power", ("D441",))):
        rows = np.zeros(len(fr.fid), bool)
        for p in prefixes:
            rows |= np.char.startswith(fr.industry, p)[fr.fid]
        out[f"energy_{key}_share"] = 100 * fr.sum_where("energy_tce", 2021, above & rows) / total_energy \
            if total_energy else float("nan")
    out["energy_2021"] = total_energy / 1e4
    stars = fr.d_id[(fr.d_code == "star_enterprise") & (fr.d_year == 2022)]
    tax = fr.wide("tax", [2020, 2021])[stars]
    known = ~np.isnan(tax).any(axis=1)
    out["star_enterprise_tax_growth"] = 100 * float((tax[known, 1] > tax[known, 0]).mean()) if known.any() else float("nan")
    out["fortune_global_500"] = int((fr.d_code == "fortune_global_500").sum())
    leaders = np.zeros(8)
    from .taxonomy import CHAINS
    for row in fr.chain_leader:
        for chain in row:
            leaders[CHAINS.index(chain)] += 1
    out["chain_leaders"] = float(leaders.mean())
    out["chain_leaders_min"], out["chain_leaders_max"] = float(leaders.min()), float(leaders.max())
    out["above_scale_2021"] = int((above & (fr.year == 2021)).sum())
    out["new_above_scale_per_year"] = len(newly_above_scale(fr, 2022)[0])
    out["invention_patents_2021"] = fr.sum_where("invention_patents", 2021, ind)
    for code in cal.CLUSTER_TARGETS_2025_YI:
        rows = np.array([c == code for c in fr.cluster])[fr.fid]
        out[f"cluster_{code}_2021"] = fr.sum_where("revenue", 2021, rows) / YI
    return out


def policy_events(city: City) -> dict[str, dict[int, int]]:
    """Counts per year of the events the policy engine (issue 4) reacts to."""
    fr = Frame(city)
    years = list(range(city.first_year, city.last_year + 1))
    out = {}
    for label, yuan in (("revenue first > 100亿元", 100 * YI), ("revenue first > 500亿元", 500 * YI),
                        ("revenue first > 1000亿元", 1000 * YI)):
        out[label] = {y: len(v) for y, v in first_crossings(fr, yuan, years).items()}
    for code in ("china_top_500", "china_manufacturing_500", "china_private_500", "fortune_global_500",
                 "little_giant_national", "little_giant_provincial", "single_champion_enterprise",
                 "single_champion_product", "listed", "high_tech", "gazelle", "unicorn"):
        out[f"newly {code}"] = {y: len(fr.newly(code, y)) for y in years}
    out["newly above-scale (industrial)"] = {y: len(newly_above_scale(fr, y)[0]) for y in years[1:]}
    out["… of which local contribution rose"] = {y: len(newly_above_scale(fr, y)[1]) for y in years[1:]}
    return out

