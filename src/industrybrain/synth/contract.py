"""The Arrow schemas of docs/data-contract.md, the shape the synthetic city must produce.

Kept here (and checked by a test against the markdown itself) so that the generator
cannot drift from the contract the web layer and the engine read.
"""

from __future__ import annotations

import pyarrow as pa

ENTERPRISES = pa.schema(
    [
        ("enterprise_id", pa.int64()),
        ("uscc", pa.string()),
        ("name", pa.string()),
        ("district", pa.string()),
        ("industry_code", pa.string()),
        ("ownership", pa.string()),
        ("founded_on", pa.date32()),
        ("is_manufacturing", pa.bool_()),
        ("is_listed", pa.bool_()),
        ("cluster", pa.string()),
        ("chains", pa.list_(pa.string())),
        ("chain_leader", pa.list_(pa.string())),
    ]
)

FIGURES = pa.schema(
    [
        ("enterprise_id", pa.int64()),
        ("year", pa.int16()),
        ("revenue", pa.int64()),
        ("industrial_output", pa.int64()),
        ("tax", pa.int64()),
        ("local_contribution", pa.int64()),
        ("rd_spending", pa.int64()),
        ("employees", pa.int32()),
        ("invention_patents", pa.int32()),
        ("energy_tce", pa.float64()),
        ("tech_upgrade_investment", pa.int64()),
        ("above_scale", pa.bool_()),
    ]
)

DESIGNATIONS = pa.schema(
    [
        ("enterprise_id", pa.int64()),
        ("code", pa.string()),
        ("granted_on", pa.date32()),
        ("expires_on", pa.date32()),
        ("product", pa.string()),
    ]
)

# The contract's words for each Arrow type, so a test can read the markdown tables
# and compare them with the schemas above.
CONTRACT_TYPE_WORDS = {
    pa.int64(): "int64",
    pa.int32(): "int32",
    pa.int16(): "int16",
    pa.string(): "string",
    pa.date32(): "date",
    pa.bool_(): "bool",
    pa.float64(): "float64",
    pa.list_(pa.string()): "list<string>",
}
