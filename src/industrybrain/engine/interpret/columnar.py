"""The ``base`` columns of :mod:`.firm` for many enterprises at once, as Arrow arrays built
column by column with numpy and Arrow compute, never one Python pass per enterprise: the
same names, and the same values and Python types once a cell is read (``arr[i].as_py()``
or ``to_pylist()``; a value comes out of the same Arrow column ``Features.base`` reads it
from), so the kept values made from them equal :meth:`.Interpreter.kept`
(engine/tests/test_interpret.py). A city's kept values stay in these arrays; a dict is made
only for a row someone reads (:mod:`.kept`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .firm import Features


def _index(ids: np.ndarray, keys) -> np.ndarray:
    """Row of each key among the sorted, distinct ``ids``, -1 where it is not one of them.
    A lookup table where the ids are dense (a city's are), else a binary search: both
    cheaper than Arrow's hashing is_in and filter over a city's figures."""
    if not isinstance(keys, np.ndarray):
        keys = (keys.to_numpy() if isinstance(keys, pa.ChunkedArray)
                else keys.to_numpy(zero_copy_only=False))
    if not len(ids) or not len(keys):
        return np.full(len(keys), -1, np.int64)
    lo, hi = int(ids[0]), int(ids[-1])
    if hi - lo <= 4 * len(keys) + (1 << 20):
        # int32 rows: half the fresh memory (first touched memory is slow on a VM).
        table = np.full(hi - lo + 2, -1, np.int32)
        table[ids - lo] = np.arange(len(ids), dtype=np.int32)
        # Keys outside [lo, hi] look up the last slot, which is -1.
        at = keys - lo
        at[(at < 0) | (at > hi - lo)] = hi - lo + 1
        return table[at]
    pos = np.minimum(np.searchsorted(ids, keys), len(ids) - 1)
    return np.where(ids[pos] == keys, pos, -1)


def _spread(col, at: np.ndarray, rows: np.ndarray, n: int) -> pa.Array:
    """The values ``col[at]`` placed at ``rows`` of a column of ``n`` (null elsewhere)."""
    take = np.full(n, -1, np.int64)
    take[rows] = at
    got = col.take(pa.array(take, mask=take < 0))
    return got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got


def _masked(values: np.ndarray, known: np.ndarray, type_=None) -> pa.Array:
    """``values`` where ``known``, null elsewhere."""
    return pa.array(values, type=type_, mask=~np.asarray(known, bool))


def _rows_of(table: pa.Table, ids: np.ndarray, columns: list[str]) -> pa.Table:
    """The rows of ``ids`` of a checked table, only ``columns`` (and the id)."""
    at = np.flatnonzero(_index(ids, table["enterprise_id"]) >= 0)
    names = ["enterprise_id", *dict.fromkeys(c for c in columns if c != "enterprise_id")]
    return table.select(names).take(pa.array(at))


def _chunk(col) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def base_columns(features: Features, checked: dict[str, pa.Table],
                 want: np.ndarray | pa.Array, data_since: int | None
                 ) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """(enterprise ids, ``{base column: Arrow array}``) of the enterprises ``want`` (integer
    ids, in any order, repeats allowed) of the checked tables, in ascending id order; row i
    of every array is ids[i]."""
    f, year = features, features.year
    if isinstance(want, pa.Array | pa.ChunkedArray):
        want = want.to_numpy(zero_copy_only=False)
    wanted = want.astype(np.int64, copy=False)
    if len(wanted) > 1 and not (wanted[1:] > wanted[:-1]).all():
        wanted = np.unique(wanted)
    # Rows of the whole checked tables are found by position, not filtered out: a filter
    # copies every column of a city's figures, most of which no kept value reads.
    ent_all = checked["enterprises"]
    erow = _index(wanted, ent_all["enterprise_id"])
    at = np.flatnonzero(erow >= 0)
    at = at[np.argsort(erow[at], kind="stable")]
    ent = ent_all.take(pa.array(at))
    ids = wanted[erow[at]] if len(at) else wanted[:0]
    n = len(ids)
    fig = _rows_of(checked["figures"], ids, ["year", *f.figs, *f.prevs, *f.hist])
    des = _rows_of(checked["designations"], ids, ["code", "granted_on", "expires_on"]
                   ) if f.codes else None
    out: dict[str, pa.Array] = {}
    for v in f.ents:
        out[f"v_{v}"] = _chunk(ent[v])
    for name, col in (("is_chain_leader", "chain_leader"), ("in_chain", "chains")):
        if getattr(f, "chain_leader" if name == "is_chain_leader" else "in_chain"):
            out[f"v_{name}"] = _chunk(pc.greater(pc.list_value_length(ent[col]), 0))
    founded = pc.year(ent["founded_on"]) if (f.age or f.hist) else None
    if f.age:
        out["v_age_years"] = _chunk(pc.subtract(pa.scalar(year, pa.int64()), founded))
    rows = _index(ids, fig["enterprise_id"])
    fy = fig["year"].to_numpy().astype(np.int64)
    for y, prefix, names in ((year, "v", f.figs), (year - 1, "p", f.prevs)):
        at = np.flatnonzero((rows >= 0) & (fy == y))
        for v in names:
            out[f"{prefix}_{v}"] = _spread(fig[v], at, rows[at], n)
    if f.hist:
        _history(f, fig, rows, fy, founded, data_since, n, out)
    if f.codes:
        _designations(f, des, ids, out)
    return ids, out


def _segments(keys: np.ndarray) -> np.ndarray:
    """Start of each run of equal values in the sorted ``keys``."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys[:0]


def _history(f: Features, fig: pa.Table, rows: np.ndarray, fy: np.ndarray, founded,
             data_since: int | None, n: int, out: dict[str, pa.Array]) -> None:
    from ..wide.columns import values

    year = f.year
    fyear = founded.to_numpy(zero_copy_only=False)
    fvalid = founded.is_valid().to_numpy(zero_copy_only=False)
    since = -2**62 if data_since is None else int(data_since)
    start = np.maximum(np.where(fvalid, np.nan_to_num(fyear, nan=0).astype(np.int64), -2**62),
                       since)
    start_known = fvalid | (data_since is not None)
    out["hstart"] = _masked(start, start_known, pa.int64())
    earlier = np.flatnonzero((rows >= 0) & (fy < year))
    # In enterprise, then year order: the order the per-enterprise pass lists the years in.
    earlier = earlier[np.lexsort((fy[earlier], rows[earlier]))]
    er, ey = rows[earlier], fy[earlier]
    some = np.bincount(er, minlength=n) > 0  # any earlier row: else every aggregate is null
    for v in f.hist:
        col = _chunk(fig[v].take(pa.array(earlier)))
        vals, valid = values(col)
        if v in f.bools:  # the SQL's MAX over a boolean cast to an integer
            vals, type_ = vals.astype(np.int64), pa.int64()
        else:
            type_ = col.type
        rv, xv = er[valid], vals[valid]
        cnt = np.bincount(rv, minlength=n)
        hmax = np.zeros(n, xv.dtype)
        starts = _segments(rv)
        if len(starts):
            hmax[rv[starts]] = np.maximum.reduceat(xv, starts)
        out[f"hmax_{v}"] = _masked(hmax, cnt > 0, type_)
        out[f"hcnt_{v}"] = _masked(cnt.astype(np.int64), some, pa.int64())
        counted = valid & (ey >= start[er]) & start_known[er]
        rc = er[counted]
        hin = np.bincount(rc, minlength=n)
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum(hin, out=offsets[1:])
        # A firm with no earlier row: null; with some but an unknown start: an empty list.
        out[f"hyears_{v}"] = pa.ListArray.from_arrays(
            pa.array(offsets, pa.int32()), pa.array(ey[counted], pa.int64()),
            mask=pa.array(~some))
        out[f"hmiss_{v}"] = _masked(np.maximum(year - start, 0) - hin, start_known, pa.int64())


def _designations(f: Features, des: pa.Table, ids: np.ndarray, out: dict[str, pa.Array]) -> None:
    """The aggregates of the grants of the pack's codes; all null for an enterprise with
    no dated grant of any of them (as the per-enterprise pass leaves them)."""
    from ..wide.columns import years_of

    year, n = f.year, len(ids)
    code = des["code"]
    rows = _index(ids, des["enterprise_id"])
    granted, gvalid = years_of(des["granted_on"])
    expires, evalid = years_of(des["expires_on"])
    ours = _is(pc.is_in(code, value_set=pa.array(f.codes, pa.string()))) & gvalid & (rows >= 0)
    graded = np.zeros(n, bool)
    graded[rows[ours]] = True
    for c in f.codes:
        mine = ours & _is(pc.equal(code, c))
        r, g = rows[mine], granted[mine]
        ev, ex = evalid[mine], expires[mine]
        first = np.full(n, 2**31, np.int64)
        now = g <= year
        np.minimum.at(first, r[now], g[now])
        held = np.zeros(n, bool)
        held[r[now & (~ev | (ex >= year))]] = True
        out[f"dfirst_{c}"] = _masked(first, first < 2**31, pa.int64())
        out[f"dheld_{c}"] = _masked(held, graded, pa.bool_())
        if c in f.entered:
            new = np.zeros(n, bool)
            new[r[g == year]] = True
            was = np.zeros(n, bool)
            was[r[(g <= year - 1) & (~ev | (ex >= year - 1))]] = True
            out[f"dnew_{c}"] = _masked(new, graded, pa.bool_())
            out[f"dprev_{c}"] = _masked(was, graded, pa.bool_())
        elif f"dnew_{c}" not in out:
            out[f"dnew_{c}"] = out[f"dprev_{c}"] = pa.nulls(n)


def _is(mask) -> np.ndarray:
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
