"""The column types of docs/data-contract.md, and conforming input tables to them.

Callers may hand over dicts of Python lists, where an all-null column has no type; casting
to the contract's types up front keeps the SQL free of type guesses.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

CONTRACT: dict[str, dict[str, pa.DataType]] = {
    "enterprises": {
        "enterprise_id": pa.int64(), "uscc": pa.string(), "name": pa.string(),
        "district": pa.string(), "industry_code": pa.string(), "ownership": pa.string(),
        "founded_on": pa.date32(), "is_manufacturing": pa.bool_(), "is_listed": pa.bool_(),
        "cluster": pa.string(), "chains": pa.list_(pa.string()),
        "chain_leader": pa.list_(pa.string()),
    },
    "figures": {
        "enterprise_id": pa.int64(), "year": pa.int16(), "revenue": pa.int64(),
        "industrial_output": pa.int64(), "tax": pa.int64(), "local_contribution": pa.int64(),
        "rd_spending": pa.int64(), "employees": pa.int32(), "invention_patents": pa.int32(),
        "energy_tce": pa.float64(), "tech_upgrade_investment": pa.int64(),
        "above_scale": pa.bool_(),
    },
    # Organisations that are not enterprises (entity: organisation policies).
    "organisations": {
        "org_id": pa.int64(), "name": pa.string(), "kind": pa.string(),
        "cluster": pa.string(), "national_cluster_on": pa.date32(), "reviewed": pa.bool_(),
    },
    "designations": {
        "enterprise_id": pa.int64(), "code": pa.string(), "granted_on": pa.date32(),
        "expires_on": pa.date32(), "product": pa.string(),
    },
}


def conform(data: Any, kind: str) -> pa.Table:
    """Return ``data`` (Arrow table, dict of columns, or anything with to_arrow_table) as an
    Arrow table whose contract columns have the contract's types. Missing optional columns
    are added as nulls, so a pack that does not read them still runs."""
    if isinstance(data, dict):
        data = pa.table(data)
    elif not isinstance(data, pa.Table) and hasattr(data, "to_arrow_table"):
        data = data.to_arrow_table()
    if not isinstance(data, pa.Table):
        raise TypeError(f"{kind}: expected a pyarrow.Table or a dict of columns, "
                        f"got {type(data).__name__}")
    schema = CONTRACT[kind]
    key = "org_id" if kind == "organisations" else "enterprise_id"
    if key not in data.column_names:
        raise ValueError(f"{kind}: the column {key} is required")
    columns = {}
    for name, typ in schema.items():
        if name in data.column_names:
            col = data[name]
            columns[name] = col if col.type == typ else col.cast(typ)
        else:
            columns[name] = pa.nulls(data.num_rows, typ)
    return pa.table(columns)
