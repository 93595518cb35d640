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
from .columnar import _index, base_columns


class KeptColumns:
    """The kept values of many enterprises as Arrow arrays (:func:`.columnar.base_columns`):
    row i of every column is enterprise ``ids[i]``; ``policies`` names each policy's
    columns. Nothing per enterprise is made until a row is read (:meth:`rows`)."""

    def __init__(self, ids: np.ndarray, columns: dict[str, pa.Array],
                 policies: dict[str, tuple[str, ...]]):
        self.ids, self.columns, self.policies = ids, columns, policies

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], dict]:
        """``{(enterprise, policy): kept}`` for the pairs held here (others are left out):
        plain Python values, the types :meth:`.Interpreter.kept` gives."""
        by_policy: dict[str, list[int]] = {}
        for eid, pid in pairs:
            if pid in self.policies:
                by_policy.setdefault(pid, []).append(eid)
        out: dict[tuple[int, str], dict] = {}
        for pid, eids in by_policy.items():
            asked = np.fromiter(eids, np.int64, len(eids))
            at = _index(self.ids, asked)
            held = at >= 0
            at, asked = at[held], asked[held]
            names = self.policies[pid]
            take = pa.array(at)
            cols = [self.columns[c].take(take).to_pylist() for c in names]
            for eid, vals in zip(asked.tolist(), zip(*cols, strict=True) if names
                                 else ((),) * len(asked), strict=True):
                out[(eid, pid)] = dict(zip(names, vals, strict=True))
        return out

    def to_dicts(self) -> dict[int, dict[str, dict]]:
        """``{enterprise: {policy: kept}}`` for every enterprise and policy held."""
        ids = self.ids.tolist()
        out: dict[int, dict[str, dict]] = {eid: {} for eid in ids}
        for pid, names in self.policies.items():
            cols = [self.columns[c].to_pylist() for c in names]
            for eid, vals in zip(ids, zip(*cols, strict=True) if names
                                 else ((),) * len(ids), strict=True):
                out[eid][pid] = dict(zip(names, vals, strict=True))
        return out


def kept_columns(pack: Pack, year: int, checked: dict[str, pa.Table], ids: Iterable[int],
                 data_since: int | None = None,
                 policies: Iterable[str] | None = None) -> KeptColumns:
    """The kept values of the enterprises ``ids`` of the checked tables
    (``evaluate.checked_inputs``; an enterprise with a bad value is invalid_data and has
    nothing to keep: leave it out), as Arrow columns. ``policies``: only these (default:
    all in force)."""
    run = interpreter(pack, year)
    wanted = None if policies is None else set(policies)
    chosen = {p.id: tuple(p.columns) for p in run.policies if wanted is None or p.id in wanted}
    if not isinstance(ids, np.ndarray):
        ids = np.fromiter(ids, np.int64)
    eids, cols = base_columns(run.features, checked, ids, data_since)
    needed = {c for names in chosen.values() for c in names}
    return KeptColumns(eids, {c: a for c, a in cols.items() if c in needed}, chosen)


def kept_values(pack: Pack, year: int, checked: dict[str, pa.Table], ids: Iterable[int],
                data_since: int | None = None,
                policies: Iterable[str] | None = None) -> dict[int, dict[str, dict]]:
    """``{enterprise_id: {policy_id: kept}}``: :func:`kept_columns` made into dicts, every
    one of them (a city's worth costs some 50 µs an enterprise: read rows with
    :meth:`KeptColumns.rows` instead)."""
    return kept_columns(pack, year, checked, ids, data_since, policies).to_dicts()


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
    kept = kept_columns(pack, year, checked, ids, data_since,
                        {p for e, p in pairs if e not in bad}).rows(
        (e, p) for e, p in pairs if e not in bad)
    rows, keep, text = [], {}, []
    for eid, pid in pairs:
        if eid in bad:
            got = [r for r in run.invalid_rows(eid, bad[eid]) if r["policy_id"] == pid]
            rows += got
            text += [None] * len(got)
            continue
        values = kept.get((eid, pid))
        if values is None:  # not in the snapshot, or not in force
            continue
        rows.append({"enterprise_id": eid, "policy_id": pid, "year": year,
                     **run.render(pid, values)})
        keep[(eid, pid)] = values
        text.append(json.dumps(values, ensure_ascii=False))
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    return table.append_column("kept", pa.array(text, pa.string())), keep
