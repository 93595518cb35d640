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
import pyarrow.compute as pc

from ..model import Pack
from . import interpreter


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
    ents, figs, dess = (checked[k].filter(pc.is_in(checked[k]["enterprise_id"], value_set=want))
                        .to_pylist() for k in ("enterprises", "figures", "designations"))
    figs_of: dict[int, list[dict]] = {}
    for r in figs:
        figs_of.setdefault(r["enterprise_id"], []).append(r)
    des_of: dict[int, list[dict]] = {}
    for r in dess:
        des_of.setdefault(r["enterprise_id"], []).append(r)
    out = {}
    for ent in ents:
        eid = ent["enterprise_id"]
        b = run.features.base(ent, figs_of.get(eid, []), des_of.get(eid, []), data_since)
        out[eid] = {p.id: {c: b[c] for c in p.columns} for p in chosen}
    return out


# The rows evaluate(explain="relevant") words: a reader sees them (a proposal, a near miss).
_WORDED = frozenset({"eligible", "amount_pending", "insufficient_data", "invalid_data"})


def explained(pack: Pack, year: int, checked: dict[str, pa.Table], bad: dict[int, list],
              ids: Iterable[int], near: set[tuple[int, str]], data_since: int | None,
              policies: Iterable[str]) -> tuple[pa.Table, dict[tuple[int, str], dict]]:
    """The rows of ``policies`` for the enterprises ``ids``, as ``evaluate`` gives them with
    ``explain="relevant"`` (words on the rows eligible, unpriced, invalid or a near miss;
    ``near``: the (enterprise, policy) pairs the wide backend flagged), written from the kept
    values instead of by a second SQL evaluation, with a column ``kept`` (JSON text: what an
    award keeps, on the worded rows); and the kept values of the worded rows."""
    from ..backends.duckdb import RESULT_SCHEMA

    run = interpreter(pack, year)
    wanted = set(policies)
    chosen = [p for p in run.policies if p.id in wanted]
    ids = sorted(set(ids))
    good = [i for i in ids if i not in bad]
    kept = kept_values(pack, year, checked, good, data_since, [p.id for p in chosen])
    rows, keep = [], {}
    for eid in ids:
        if eid in bad:
            rows += [r for r in run.invalid_rows(eid, bad[eid]) if r["policy_id"] in wanted]
            continue
        values = kept.get(eid)
        if values is None:  # not in the snapshot: nothing to say
            continue
        for p in chosen:
            row = run.render(p.id, values[p.id])
            if row["status"] in _WORDED or (eid, p.id) in near:
                keep[(eid, p.id)] = values[p.id]
            else:
                row["explanation_zh"] = row["explanation_en"] = row["inputs"] = None
            rows.append({"enterprise_id": eid, "policy_id": p.id, "year": year, **row})
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    text = [None if (r["enterprise_id"], r["policy_id"]) not in keep else
            json.dumps(keep[(r["enterprise_id"], r["policy_id"])], ensure_ascii=False)
            for r in rows]
    return table.append_column("kept", pa.array(text, pa.string())), keep
