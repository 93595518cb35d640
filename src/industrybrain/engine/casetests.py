"""Run a pack's YAML test cases and report each failure in words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from .model import Case, Pack
from .testcases import case_tables


def run_cases(pack: Pack, cases: list[Case] | None = None,
              backend: str = "duckdb") -> list[str]:
    """Evaluate every case; return a list of failure messages (empty when all pass)."""
    return [msg for msgs in case_failures(pack, cases, backend).values() for msg in msgs]


def case_key(case: Case) -> tuple[str, int, str]:
    return (case.file, case.line, case.name)


def case_failures(pack: Pack, cases: list[Case] | None = None,
                  backend: str = "duckdb") -> dict[tuple, list[str]]:
    """Evaluate the cases, one batch per year; map each case_key to its failure messages."""
    from .evaluate import evaluate

    cases = list(pack.cases if cases is None else cases)
    failures: dict[tuple, list[str]] = {case_key(case): [] for case in cases}
    by_year: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        if case.organisation is not None:
            # One at a time: the cumulative cluster cap would mix the cases of a batch.
            _check(case, _organisation_row(pack, case, backend), failures[case_key(case)].append)
        else:
            by_year[case.year].append(case)
    for year, group in sorted(by_year.items()):
        result = evaluate(pack, year, *case_tables(group), explain="all",
                          backend=backend).to_pylist()
        rows = {(r["enterprise_id"], r["policy_id"]): r for r in result}
        for i, case in enumerate(group, start=1):
            _check(case, rows.get((i, case.policy)), failures[case_key(case)].append)
    return failures


def _organisation_row(pack: Pack, case: Case, backend: str = "duckdb") -> dict | None:
    from .organisations import evaluate_organisations

    org = {"org_id": 1, "name": case.name, **(case.organisation or {})}
    if org.get("national_cluster_on"):
        org["national_cluster_on"] = date.fromisoformat(str(org["national_cluster_on"]))
    prior = {"cluster": [org.get("cluster")], "amount_yuan": [case.cluster_awarded_before]}
    result = evaluate_organisations(pack, case.year, {k: [v] for k, v in org.items()}, prior,
                                    backend=backend)
    rows = [r for r in result.to_pylist() if r["policy_id"] == case.policy]
    return rows[0] if rows else None


def _check(case: Case, row: dict | None, fail: Callable[[str], None]) -> None:
    where = f"{case.file}:{case.line} {case.policy} «{case.name}»"
    if row is None:
        fail(f"{where}: no result (policy not in force in {case.year}?)")
        return
    for key, want in case.expect.items():
        if key.endswith("_contains"):
            col = key[: -len("_contains")]
            if str(want) not in (row[col] or ""):
                fail(f"{where}: {col} lacks {want!r}: {row[col]!r}")
        elif row[key] != want:
            fail(f"{where}: {key} = {row[key]!r}, expected {want!r} — {row['explanation_zh']}")
