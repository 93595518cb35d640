"""The kept values of a batch's selected rows: what an award stores so that its explanation
can be written again, exactly as proposed, after the enterprise's figures change.

The wide backend decides every enterprise without words; only the few rows that pay money or
are near misses need words, and those are written later, when someone reads them
(:meth:`.Interpreter.render`). This is the bridge: the checked tables of a whole city, a
selection of enterprises, and per enterprise and policy the typed values the policy's row is
written from, the same values :meth:`.Interpreter.kept` gives for that enterprise alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pyarrow as pa

from ..model import Pack
from . import interpreter
from .columnar import base_columns


def kept_values(pack: Pack, year: int, checked: dict[str, pa.Table], ids: Iterable[int],
                data_since: int | None = None,
                policies: Iterable[str] | None = None) -> dict[int, dict[str, dict]]:
    """``{enterprise_id: {policy_id: kept}}`` for the enterprises ``ids`` of the checked
    tables (``evaluate.checked_inputs``; an enterprise with a bad value is invalid_data and
    has nothing to keep: leave it out). ``policies``: only these (default: all in force)."""
    run = interpreter(pack, year)
    wanted = None if policies is None else set(policies)
    chosen = [p for p in run.policies if wanted is None or p.id in wanted]
    want = pa.array(np.unique(np.fromiter(ids, np.int64)), pa.int64())
    # Column by column over the chosen enterprises (engine/interpret/columnar.py), not one
    # Python pass per enterprise: at a city's scale the pass was ~90 µs an enterprise.
    eids, cols = base_columns(run.features, checked, want, data_since)
    out: dict[int, dict[str, dict]] = {eid: {} for eid in eids}
    for p in chosen:  # one policy's dicts at a time: dict(zip()) is the cheap way to build them
        names = p.columns
        for eid, vals in zip(eids, zip(*(cols[c] for c in names), strict=True) if names
                             else ((),) * len(eids), strict=True):
            out[eid][p.id] = dict(zip(names, vals, strict=True))
    return out


def explained(pack: Pack, year: int, checked: dict[str, pa.Table], bad: dict[int, list],
              pairs: Iterable[tuple[int, str]], data_since: int | None
              ) -> tuple[pa.Table, dict[tuple[int, str], dict]]:
    """The rows ``pairs`` (enterprise, policy) as ``evaluate`` gives them, words included,
    written from the kept values instead of by a second SQL evaluation (in enterprise, then
    policy order), with a column ``kept`` (JSON text: what an award keeps; null on an
    invalid_data row, which has no values to keep); and the kept values by pair. Only the
    rows someone reads should be asked for: writing one costs some 25 µs."""
    from ..backends.duckdb import RESULT_SCHEMA

    run = interpreter(pack, year)
    pairs = sorted(set(pairs))
    ids = sorted({e for e, _ in pairs if e not in bad})
    kept = kept_values(pack, year, checked, ids, data_since,
                       {p for e, p in pairs if e not in bad})
    rows, keep, text = [], {}, []
    for eid, pid in pairs:
        if eid in bad:
            got = [r for r in run.invalid_rows(eid, bad[eid]) if r["policy_id"] == pid]
            rows += got
            text += [None] * len(got)
            continue
        values = kept.get(eid)
        if values is None or pid not in values:  # not in the snapshot, or not in force
            continue
        rows.append({"enterprise_id": eid, "policy_id": pid, "year": year,
                     **run.render(pid, values[pid])})
        keep[(eid, pid)] = values[pid]
        text.append(json.dumps(values[pid], ensure_ascii=False))
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    return table.append_column("kept", pa.array(text, pa.string())), keep
