"""The checked contract tables pivoted wide: one row per enterprise, one numpy column per
variable and year, only for what the pack reads (:class:`~..check.Usage`).

The columns are those of ``compile.base_sql``'s ``base`` relation, with the same meaning,
built by scattering rows into place instead of by joins and GROUP BY:

    cur[v], prev[v]   this year's and last year's value (a year without a row: unknown)
    hmax[v]           highest value of any earlier row (bool: whether one was true)
    hany[v]           whether any earlier row holds a known value (has_history)
    hgap[v]           the known history, max(founding year, data_since) .. last year, has a
                      year without a known value, or its start is unknown
    dfirst[c]         first year granted, up to this year (NEVER: not granted)
    dheld[c], dnew[c], dprev[c]   held this year; a grant dated this year; held last year

Enterprises are in ascending id order (the result's order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..check import Usage
from ..vocab import VARIABLES
from .logic import Col

NEVER = np.int32(2**30)
_DATA_KINDS = {"money": "int", "count": "int", "float": "float", "bool": "bool", "text": "text"}
# Largest absolute value of each figure (inputs.RANGES; a value outside it is a defect, set
# to null before the engine sees it).
_AGE_BOUND = 10**7


@dataclass
class Wide:
    year: int
    ids: np.ndarray  # enterprise ids, ascending
    order: np.ndarray | None  # position in the input table of each row (None: already sorted)
    cols: dict[str, Col] = field(default_factory=dict)  # v_<var>, p_<var>, hmax_<var>
    hany: dict[str, np.ndarray] = field(default_factory=dict)
    hgap: dict[str, np.ndarray] = field(default_factory=dict)
    dfirst: dict[str, np.ndarray] = field(default_factory=dict)
    dheld: dict[str, np.ndarray] = field(default_factory=dict)
    dnew: dict[str, np.ndarray] = field(default_factory=dict)
    dprev: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    def rows(self, idx: np.ndarray) -> Wide:
        """These rows only (positions, ascending): each column is cut when a rule first reads
        it, so a policy's amounts are computed for the few enterprises that reach a tier
        without copying the columns they do not read."""
        return Wide(self.year, self.ids[idx], None, _Cut(self.cols, idx, _cut_col),
                    *(_Cut(d, idx, _cut_array) for d in (self.hany, self.hgap, self.dfirst,
                                                        self.dheld, self.dnew, self.dprev)))


class _Cut(dict):
    """A dict of columns read through a row selection, each cut on first use."""

    def __init__(self, source: dict, idx: np.ndarray, cut):
        super().__init__()
        self.source, self.idx, self.cut = source, idx, cut

    def __missing__(self, key):
        value = self[key] = self.cut(self.source[key], self.idx)
        return value


def _cut_array(v, idx: np.ndarray):
    if isinstance(v, (pa.Array, pa.ChunkedArray)):
        return v.take(pa.array(idx))
    return v if np.ndim(v) == 0 else v[idx]


def _cut_col(c: Col, idx: np.ndarray) -> Col:
    return Col(_cut_array(c.v, idx), _cut_array(c.k, idx), c.t, c.s, c.bound)


def bound_of(var: str) -> float:
    from ..inputs import RANGES

    if var == "age_years":
        return _AGE_BOUND
    lo, hi = RANGES.get(var, (0, float("inf")))
    return float(max(abs(lo), abs(hi)))


def values(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values, valid) of an Arrow column; values under nulls are arbitrary."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if arr.null_count == 0:
        valid = np.ones(len(arr), bool)
    else:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_boolean(arr.type):
        return pc.fill_null(arr, False).to_numpy(zero_copy_only=False), valid
    if pa.types.is_null(arr.type):
        return np.zeros(len(arr), np.int64), valid
    if arr.null_count == 0:
        return arr.to_numpy(), valid
    # Zero copy past the validity bitmap: the value buffer holds something under each null.
    dtype = arr.type.to_pandas_dtype()
    data = np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr) + arr.offset)
    return data[arr.offset:], valid


def years_of(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(calendar year, valid) of a date32 column: a table of years by day for 1900–2100
    (one gather), the calendar for dates outside it."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    days, valid = values(arr.cast(pa.int32()))
    days = np.where(valid, days, 0)
    table = _year_table()
    off = days - _FIRST_DAY
    if len(days) and 0 <= int(off.min()) and int(off.max()) < len(table):
        return table[off], valid
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970, valid


_FIRST_DAY = int(np.datetime64("1900-01-01", "D").astype(np.int64))


@lru_cache(maxsize=1)
def _year_table() -> np.ndarray:
    days = np.arange(_FIRST_DAY, int(np.datetime64("2101-01-01", "D").astype(np.int64)))
    return (days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
            + 1970).astype(np.int32)


class Positions:
    """Enterprise id -> row of the wide table (-1: not an enterprise of the snapshot)."""

    def __init__(self, ids: np.ndarray):
        self.ids = ids
        self.low = int(ids[0]) if len(ids) else 0
        span = int(ids[-1]) - self.low + 1 if len(ids) else 0
        # Ids that run on without gaps (the usual case) are their own rows, less the first;
        # dense ids go through a lookup table, others through a binary search.
        self.dense = span == len(ids)
        self.table = None
        if not self.dense and 0 < span <= 4 * len(ids) + 1024:
            self.table = np.full(span, -1, np.int64)
            self.table[ids - self.low] = np.arange(len(ids))

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.ids):
            return np.full(len(keys), -1, np.int64)
        if not len(keys):
            return np.zeros(0, np.int64)
        rows = keys - self.low
        span = len(self.ids) if self.dense else len(self.table) if self.table is not None \
            else 0
        inside = 0 <= int(rows.min()) and int(rows.max()) < span
        if self.dense:
            return rows if inside else np.where((rows >= 0) & (rows < span), rows, -1)
        if self.table is not None:
            if inside:
                return self.table[rows]
            ok = (rows >= 0) & (rows < span)
            return np.where(ok, self.table[np.where(ok, rows, 0)], -1)
        pos = np.minimum(np.searchsorted(self.ids, keys), len(self.ids) - 1)
        return np.where(self.ids[pos] == keys, pos, -1)


def pivot(tables: dict[str, pa.Table], usage: Usage, year: int,
          data_since: int | None) -> Wide:
    ent = tables["enterprises"]
    raw_ids = ent["enterprise_id"].to_numpy()
    order = None
    if len(raw_ids) > 1 and not bool(np.all(raw_ids[1:] > raw_ids[:-1])):
        order = np.argsort(raw_ids, kind="stable")
    ids = raw_ids if order is None else raw_ids[order]
    wide = Wide(year, ids, order)
    pos = Positions(ids)

    def ent_col(name: str) -> pa.Array:
        col = ent[name].combine_chunks()
        return col if order is None else col.take(pa.array(order))

    needed = set(usage.variables)
    founded = valid_f = None
    if "age_years" in needed or any(f in ("first_time_exceeds", "first_time", "has_history")
                                    for f, _ in usage.history):
        founded, valid_f = years_of(ent_col("founded_on"))
    for var in needed:
        meta = VARIABLES[var]
        if meta.source == "enterprises":
            col = ent_col(var)
            kind = _DATA_KINDS[meta.kind]
            if kind == "text":
                wide.cols[f"v_{var}"] = Col(col, col.is_valid().to_numpy(zero_copy_only=False),
                                            "text")
            else:
                v, k = values(col)
                wide.cols[f"v_{var}"] = Col(v & k if kind == "bool" else v, k, kind, 0,
                                            bound_of(var))
        elif var in ("is_chain_leader", "in_chain"):
            col = ent_col("chain_leader" if var == "is_chain_leader" else "chains")
            length, k = values(pc.list_value_length(col))
            wide.cols[f"v_{var}"] = Col((length > 0) & k, k, "bool")
        elif var == "age_years":
            wide.cols["v_age_years"] = Col((year - founded).astype(np.int64), valid_f, "int", 0,
                                           _AGE_BOUND)
    _figures(wide, tables["figures"], usage, pos, founded, valid_f, data_since)
    _designations(wide, tables["designations"], usage, pos)
    return wide


def _figures(wide: Wide, fig: pa.Table, usage: Usage, pos: Positions,
             founded: np.ndarray | None, valid_f: np.ndarray | None,
             data_since: int | None) -> None:
    year, n = wide.year, wide.n
    figs = sorted({v for v in usage.variables if VARIABLES[v].source == "figures"}
                  | {v for _, v in usage.history})
    if not figs:
        return
    prevs = {v for f, v in usage.history if f in ("prev", "increase")}
    hist = {v for f, v in usage.history if f in ("first_time_exceeds", "first_time",
                                                  "has_history")}
    rows = pos(fig["enterprise_id"].to_numpy())
    fy = fig["year"].to_numpy()
    mine = rows >= 0
    at = {year: np.flatnonzero(mine & (fy == year))}
    if prevs:
        at[year - 1] = np.flatnonzero(mine & (fy == year - 1))
    rows_at = {y: rows[idx] for y, idx in at.items()}
    if hist:
        # The years up to this one as a matrix [year][enterprise], only the years some row
        # holds: each history column is a reduction down the earlier years (as OpenFisca
        # holds periods), this year's and last year's values are rows of it.
        used = mine & (fy <= year)
        everything = bool(used.all())
        low = int(fy.min()) if len(fy) else year
        offset = fy - np.int16(low) if len(fy) else fy
        present = np.flatnonzero(np.bincount(offset[used], minlength=1)) if used.any() \
            else np.zeros(0, np.int64)
        years = present + low
        code = np.zeros(int(offset.max()) + 1 if len(fy) else 1, np.int64)
        code[present] = np.arange(len(present))
        kept = None if everything else np.flatnonzero(used)
        flat = code[offset] if everything else code[offset[kept]]
        flat *= n
        flat += rows if everything else rows[kept]
        ny, early = len(years), int(np.count_nonzero(years < year))
        line = {int(y): i for i, y in enumerate(years)}
        # The first year of the known history (compile.history_start): NULL-skipping GREATEST.
        since = -2**31 if data_since is None else int(data_since)
        start = np.maximum(np.where(valid_f, founded, -2**31), since)
        start_known = valid_f | (data_since is not None)
        counted = years[:early, None] >= start[None, :]
    for var in figs:
        kind = _DATA_KINDS[VARIABLES[var].kind]
        vals, valid = values(fig[var])
        bound = bound_of(var)
        if var in hist:
            known = np.zeros(ny * n, bool)
            known[flat] = valid if kept is None else valid[kept]
            known = known.reshape(ny, n)
            if kind == "bool":
                matrix = np.zeros(ny * n, bool)
                matrix[flat] = vals if kept is None else vals[kept]
                matrix = matrix.reshape(ny, n)
                matrix &= known
                hv = matrix[:early].any(axis=0).astype(np.int64)
            else:
                matrix = np.zeros(ny * n, np.int64 if kind == "int" else np.float64)
                matrix[flat] = vals if kept is None else vals[kept]
                matrix = matrix.reshape(ny, n)
                floor = np.iinfo(np.int64).min if kind == "int" else -np.inf
                hv = np.where(known[:early], matrix[:early], floor).max(axis=0, initial=floor)
            some = known[:early].any(axis=0)
            hin = np.count_nonzero(known[:early] & counted, axis=0)
            wide.cols[f"hmax_{var}"] = Col(hv, some, "int" if kind == "bool" else kind, 0,
                                           bound)
            wide.hany[var] = some
            wide.hgap[var] = ~start_known | (np.maximum(year - start, 0) - hin > 0)
        for y, name in ((year, "v"), (year - 1, "p")):
            if name == "p" and var not in prevs:
                continue
            if var in hist and y in line:  # a row of the matrix, no copy
                v, k = matrix[line[y]], known[line[y]]
            elif var in hist:
                v, k = np.zeros(n, matrix.dtype), np.zeros(n, bool)
            else:
                idx, where = at[y], rows_at[y]
                v = np.zeros(n, np.int64 if kind == "int" else vals.dtype)
                k = np.zeros(n, bool)
                v[where] = vals[idx]
                k[where] = valid[idx]
                if kind == "bool":
                    v &= k
            wide.cols[f"{name}_{var}"] = Col(v, k, kind, 0, bound)


def _designations(wide: Wide, des: pa.Table, usage: Usage, pos: Positions) -> None:
    codes = sorted({c for _, c in usage.codes})
    if not codes:
        return
    year, n = wide.year, wide.n
    entered = {c for f, c in usage.codes if f == "entered"}
    coded = des["code"].combine_chunks().dictionary_encode()
    names = coded.dictionary.to_pylist()
    index, _ = values(coded.indices)
    rows = pos(des["enterprise_id"].to_numpy())
    granted, gvalid = years_of(des["granted_on"])
    expires, evalid = years_of(des["expires_on"])
    usable = (rows >= 0) & gvalid & (granted <= year)
    for code in codes:
        first = np.full(n, NEVER, np.int32)
        held = np.zeros(n, bool)
        if code in names:
            mine = usable & (index == names.index(code))
            r, g = rows[mine], granted[mine]
            np.minimum.at(first, r, g.astype(np.int32))
            held[r[~evalid[mine] | (expires[mine] >= year)]] = True
            if code in entered:
                new = np.zeros(n, bool)
                new[r[g == year]] = True
                was = np.zeros(n, bool)
                last = (g <= year - 1) & (~evalid[mine] | (expires[mine] >= year - 1))
                was[r[last]] = True
                wide.dnew[code], wide.dprev[code] = new, was
        elif code in entered:
            wide.dnew[code], wide.dprev[code] = held, held
        wide.dfirst[code], wide.dheld[code] = first, held
