"""The input contract (docs/data-contract.md), checked before any SQL runs.

Two kinds of defect, treated differently on purpose:

* A defect of the **whole input** — a duplicate key, a column of the wrong type, a year
  that is not an integer, an unknown designation code — means the caller handed over the
  wrong thing; nothing it says can be trusted, so :func:`check` raises one
  :class:`~.errors.InputError` naming table, column, key and value.
* A defect in **one enterprise's values** — NaN, ±infinity, a negative amount, a number
  outside its plausible range, a fraction where the contract wants whole 元 — says nothing
  about the others. The value is set to null and the enterprise is listed as a
  :class:`Defect`; :func:`~.evaluate.evaluate` gives it the status ``invalid_data`` for
  every policy, with the reason in Chinese and English, and prices everybody else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from .contract import CONTRACT
from .errors import InputError
from .lazy import LazyModule
from .vocab import VARIABLES, designations

# Plausible ranges of the yearly figures (inclusive): the same numbers as core/bounds.py,
# which the database enforces (a test keeps the two in step; the engine imports no Django).
# Amounts are whole 元 and never negative (a refund is not a negative tax here).
MONEY_MAX = 9 * 10**12  # 9万亿元: more than twice the largest Chinese enterprise's revenue
RANGES: dict[str, tuple[float, float]] = {
    "revenue": (0, MONEY_MAX), "industrial_output": (0, MONEY_MAX), "tax": (0, MONEY_MAX),
    "local_contribution": (0, MONEY_MAX), "rd_spending": (0, MONEY_MAX),
    "tech_upgrade_investment": (0, MONEY_MAX),
    "employees": (0, 3_000_000), "invention_patents": (0, 1_000_000),
    "energy_tce": (0, 10**9),
}
YEARS = (1949, 2100)  # a figures year outside this is a wrong input, not a wrong value

pc = LazyModule("pyarrow.compute")
_INT_TYPES = (pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(),
              pa.uint32(), pa.uint64())


@dataclass(frozen=True)
class Defect:
    """One bad value of one enterprise: where it is and why it cannot be used."""

    enterprise_id: int
    table: str
    column: str
    year: int | None
    value: Any
    problem: str  # nan | infinite | negative | too_large | fraction | missing | order

    def reason(self, lang: str) -> str:
        label = _label(self.column, lang)
        zh = lang == "zh"
        what = {
            "nan": ("不是数字（NaN）", "is not a number (NaN)"),
            "infinite": ("为无穷大", "is infinite"),
            "negative": (f"为负数（{self.value}）", f"is negative ({self.value})"),
            "too_large": (f"超出合理范围（{self.value}）", f"is out of range ({self.value})"),
            "fraction": (f"应为整数（{self.value}）", f"is not a whole number ({self.value})"),
            "missing": ("缺失", "is missing"),
            "order": ("早于认定日期", "is before the date granted"),
        }[self.problem][0 if zh else 1]
        if self.year is not None:
            return f"{self.year}年{label}{what}" if zh else f"{label} of {self.year} {what}"
        return f"{label}{what}" if zh else f"{label} {what}"


def _label(column: str, lang: str) -> str:
    var = VARIABLES.get(column)
    if var is not None:
        return var.label_zh if lang == "zh" else var.label_en
    return {"granted_on": ("认定日期", "date granted"),
            "expires_on": ("到期日期", "expiry date")}.get(column, (column, column))[
        0 if lang == "zh" else 1]


def check_year(year: Any, period: tuple[int, int]) -> int:
    """The evaluation year as an int inside the pack's ``period`` (first, last), or an
    InputError: "2022" (a string), 2022.9 and True are not years; 2030 is outside."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError("the year must be an integer", "(argument)", "year", value=year)
    if not period[0] <= year <= period[1]:
        raise InputError(f"the pack's policies apply to {period[0]}–{period[1]}",
                         "(argument)", "year", value=year)
    return int(year)


def _key_of(columns: dict[str, list] | pa.Table, kind: str, i: int):
    def get(name):
        if name not in (columns.column_names if isinstance(columns, pa.Table) else columns):
            return None
        col = columns[name]
        return col[i].as_py() if isinstance(col, pa.ChunkedArray | pa.Array) else col[i]
    if kind == "figures":
        return (get("enterprise_id"), get("year"))
    return get("org_id" if kind == "organisations" else "enterprise_id")


def _python_array(values: list, name: str, kind: str, data: dict) -> pa.Array:
    """A column Arrow could not infer (mixed types, integers past int64): numbers become
    float64 (range checks then catch what no integer column can hold); anything else of the
    wrong kind is a whole-input error."""
    target = CONTRACT[kind].get(name)
    numeric = target is not None and (pa.types.is_integer(target) or pa.types.is_floating(target))
    if numeric:
        out = []
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float)):
                out.append(v)
            elif isinstance(v, int | Decimal) and not isinstance(v, bool):
                out.append(float(v))
            else:
                raise InputError(f"expected a number, got {type(v).__name__}", kind, name,
                                 _key_of(data, kind, i), v)
        return pa.array(out, pa.float64())
    for i, v in enumerate(values):
        try:
            pa.array([v], target)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            raise InputError(f"expected {target}, got {type(v).__name__}", kind, name,
                             _key_of(data, kind, i), v) from None
    return pa.array(values, target)


def as_table(data: Any, kind: str) -> pa.Table:
    """``data`` (an Arrow table, a dict of columns, or anything with to_arrow_table) as an
    Arrow table, types not yet conformed."""
    if isinstance(data, dict):
        cols = {}
        for name, values in data.items():
            if isinstance(values, pa.Array | pa.ChunkedArray):
                cols[name] = values
                continue
            values = list(values)
            try:
                cols[name] = pa.array(values)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
                cols[name] = _python_array(values, name, kind, data)
        lengths = {len(c) for c in cols.values()}
        if len(lengths) > 1:
            raise InputError("columns of different lengths", kind, "(all)",
                             value=sorted(lengths))
        return pa.table(cols)
    if not isinstance(data, pa.Table) and hasattr(data, "to_arrow_table"):
        data = data.to_arrow_table()
    if not isinstance(data, pa.Table):
        raise InputError("expected a pyarrow.Table or a dict of columns", kind, "(table)",
                         value=type(data).__name__)
    return data


def _first(table: pa.Table, kind: str, mask: pa.Array) -> tuple[Any, Any]:
    i = pc.indices_nonzero(mask)[0].as_py()
    return i, _key_of(table, kind, i)


def _whole_numbers(table: pa.Table, kind: str, name: str, typ: pa.DataType) -> pa.Array:
    """A key column (ids, years) as ``typ``: integers, no nulls, no fractions."""
    if name not in table.column_names:
        raise InputError("the column is required", kind, name)
    col = table[name].combine_chunks()
    if pa.types.is_null(col.type) and len(col):
        raise InputError("the key is missing", kind, name, _key_of(table, kind, 0), None)
    if col.null_count:
        i, key = _first(table, kind, pc.is_null(col))
        raise InputError("the key is missing", kind, name, key, None)
    if pa.types.is_floating(col.type) or pa.types.is_decimal(col.type):
        f = pc.cast(col, pa.float64())
        bad = pc.invert(pc.equal(f, pc.floor(f)))  # NaN != NaN: caught here too
        if pc.any(bad).as_py():
            i, key = _first(table, kind, bad)
            raise InputError("must be a whole number", kind, name, key, col[i].as_py())
        return pc.cast(f, typ)
    if col.type not in _INT_TYPES and not pa.types.is_null(col.type):
        i = 0
        raise InputError(f"must be an integer, not {col.type}", kind, name,
                         _key_of(table, kind, i), col[i].as_py())
    if table[name].type == typ:
        return table[name]  # as given, chunks and all: no copy of a column that is right
    try:
        return pc.cast(col, typ)
    except (pa.ArrowInvalid, OverflowError):
        raise InputError(f"does not fit {typ}", kind, name) from None


def _numeric(table: pa.Table, kind: str, name: str, typ: pa.DataType,
             defects: list[Defect]) -> pa.Array:
    """A value column as ``typ``; values it cannot hold, or outside RANGES, become null and
    a Defect of their enterprise."""
    col = table[name].combine_chunks()
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), typ)
    if pa.types.is_boolean(col.type) or not (pa.types.is_integer(col.type)
                                             or pa.types.is_floating(col.type)
                                             or pa.types.is_decimal(col.type)):
        valid = pc.is_valid(col)
        if not pc.any(valid).as_py():
            return pa.nulls(len(col), typ)
        i, key = _first(table, kind, valid)
        raise InputError(f"expected a number, not {col.type}", kind, name, key, col[i].as_py())
    f = pc.cast(col, pa.float64(), safe=False)
    problems: list[tuple[str, pa.Array]] = []
    if pa.types.is_floating(col.type):
        problems.append(("nan", pc.is_nan(f)))
        problems.append(("infinite", pc.is_inf(f)))
        finite = pc.is_finite(f)
    else:
        finite = pc.is_valid(f)
    if pa.types.is_integer(typ) and not pa.types.is_integer(col.type):
        problems.append(("fraction", pc.and_(finite, pc.not_equal(f, pc.floor(f)))))
    lo, hi = RANGES.get(name, (-math.inf, math.inf))
    problems.append(("negative" if lo == 0 else "too_large", pc.and_(finite, pc.less(f, lo))))
    problems.append(("too_large", pc.and_(finite, pc.greater(f, hi))))
    bad = None
    for problem, mask in problems:
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            continue
        for i in pc.indices_nonzero(mask).to_pylist():
            eid, year = _owner(table, kind, i)
            defects.append(Defect(eid, kind, name, year, _show(col[i].as_py()), problem))
        bad = mask if bad is None else pc.or_(bad, mask)
    if bad is not None:
        col = pc.if_else(bad, pa.scalar(None, col.type), col)
    elif table[name].type == typ:
        return table[name]  # as given: a city's figures are not copied when they are right
    return pc.cast(col, typ)


def _show(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return int(value)
    return value


def _owner(table: pa.Table, kind: str, i: int) -> tuple[int, int | None]:
    eid = table["enterprise_id"][i].as_py()
    year = table["year"][i].as_py() if kind == "figures" else None
    return eid, year


def _other(table: pa.Table, kind: str, name: str, typ: pa.DataType) -> pa.Array:
    if table[name].type == typ:
        return table[name]
    col = table[name].combine_chunks()
    try:
        return col.cast(typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    for i, v in enumerate(col.to_pylist()):
        try:
            pa.array([v]).cast(typ)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError,
                OverflowError):
            raise InputError(f"expected {typ}", kind, name, _key_of(table, kind, i),
                             v) from None
    raise InputError(f"expected {typ}, not {col.type}", kind, name)


def _duplicates(table: pa.Table, kind: str, keys: list[str]) -> None:
    """Refuse a key held by two rows, naming the first such key in the table's order.

    Numpy on one int64 key per row (enterprise, or enterprise and year packed): Arrow's
    group_by took 2 s per million figure rows, most of the input check. Input already sorted
    by its key, the usual case, costs one pass."""
    if table.num_rows == 0:
        return
    key = table[keys[0]].to_numpy()
    if len(keys) == 2:  # figures: (enterprise_id, year), years already within YEARS
        low, high = int(key.min()), int(key.max())
        if high - low >= 2**54:
            return _duplicates_arrow(table, kind, keys)
        key = (key - low) * 256 + (table["year"].to_numpy().astype(np.int64) - YEARS[0])
    if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):
        return
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return
    i = int(np.argmax(np.isin(key, repeated)))
    count = int(np.count_nonzero(key == key[i]))
    row = table.slice(i, 1).to_pylist()[0]
    found = tuple(row[k] for k in keys)
    found = found[0] if len(found) == 1 else found
    raise InputError(f"{count} rows have this key; it must be unique",
                     kind, ", ".join(keys), found, found)


def _duplicates_arrow(table: pa.Table, kind: str, keys: list[str]) -> None:
    counts = table.select(keys).group_by(keys).aggregate([([], "count_all")])
    dup = counts.filter(pc.greater(counts["count_all"], 1))
    if dup.num_rows:
        row = dup.slice(0, 1).to_pylist()[0]
        key = tuple(row[k] for k in keys)
        key = key[0] if len(key) == 1 else key
        raise InputError(f"{row['count_all']} rows have this key; it must be unique",
                         kind, ", ".join(keys), key, key)


def check(data: Any, kind: str, *, up_to_year: int | None = None
          ) -> tuple[pa.Table, list[Defect]]:
    """``data`` conformed to the contract's types, and the per-enterprise defects found.

    Raises InputError for a defect of the whole input. Defects of figure rows after
    ``up_to_year`` are not reported (the evaluation does not read them).
    """
    table = as_table(data, kind)
    schema = CONTRACT[kind]
    key = "org_id" if kind == "organisations" else "enterprise_id"
    defects: list[Defect] = []
    columns: dict[str, pa.Array] = {}
    columns[key] = _whole_numbers(table, kind, key, schema[key])
    if kind == "figures":
        years = _whole_numbers(table, kind, "year", pa.int64())
        outside = pc.or_(pc.less(years, YEARS[0]), pc.greater(years, YEARS[1]))
        if pc.any(outside).as_py():
            i, k = _first(table, kind, outside)
            raise InputError(f"a year must lie in {YEARS[0]}–{YEARS[1]}", kind, "year", k,
                             years[i].as_py())
        columns["year"] = pc.cast(years, schema["year"])
    for name, typ in schema.items():
        if name in columns:
            continue
        if name not in table.column_names:
            columns[name] = pa.nulls(table.num_rows, typ)
        elif kind == "figures" and (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
            columns[name] = _numeric(table, kind, name, typ, defects)
        else:
            columns[name] = _other(table, kind, name, typ)
    out = pa.table(columns)
    if kind in ("enterprises", "organisations"):
        _duplicates(out, kind, [key])
    elif kind == "figures":
        _duplicates(out, kind, ["enterprise_id", "year"])
        if up_to_year is not None:
            defects = [d for d in defects if d.year is None or d.year <= up_to_year]
    elif kind == "designations":
        defects += _designation_defects(out)
    return out, defects


def _designation_defects(table: pa.Table) -> list[Defect]:
    codes = table["code"]
    known = set(designations())
    unknown = pc.invert(pc.fill_null(pc.is_in(codes, value_set=pa.array(sorted(known))), False))
    if pc.any(unknown).as_py():
        i, key = _first(table, "designations", unknown)
        raise InputError("unknown designation code (see src/industrybrain/data/"
                         "designations.yaml)", "designations", "code", key, codes[i].as_py())
    out = []
    missing = pc.is_null(table["granted_on"])
    order = pc.fill_null(pc.less(table["expires_on"], table["granted_on"]), False)
    for problem, column, mask in (("missing", "granted_on", missing),
                                  ("order", "expires_on", order)):
        for i in pc.indices_nonzero(mask).to_pylist():
            value = table[column][i].as_py()
            out.append(Defect(table["enterprise_id"][i].as_py(), "designations", column, None,
                              value.isoformat() if isinstance(value, date) else value,
                              problem))
    return out


def by_enterprise(defects: Iterable[Defect]) -> dict[int, list[Defect]]:
    out: dict[int, list[Defect]] = {}
    for d in defects:
        out.setdefault(d.enterprise_id, []).append(d)
    return out
