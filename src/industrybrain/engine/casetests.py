"""Run a pack's YAML test cases and report each failure in words."""

from __future__ import annotations

from collections import defaultdict

from .model import Case, Pack
from .testcases import case_tables


def run_cases(pack: Pack, cases: list[Case] | None = None) -> list[str]:
    """Evaluate every case; return a list of failure messages (empty when all pass)."""
    return [msg for msgs in case_failures(pack, cases).values() for msg in msgs]


def case_key(case: Case) -> tuple[str, int, str]:
    return (case.file, case.line, case.name)


def case_failures(pack: Pack, cases: list[Case] | None = None) -> dict[tuple, list[str]]:
    """Evaluate the cases, one batch per year; map each case_key to its failure messages."""
    from .evaluate import evaluate

    cases = list(pack.cases if cases is None else cases)
    by_year: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        by_year[case.year].append(case)
    failures: dict[tuple, list[str]] = {case_key(case): [] for case in cases}
    for year, group in sorted(by_year.items()):
        tables = case_tables(group)
        result = evaluate(pack, year, *tables, explain="all").to_pylist()
        rows = {(r["enterprise_id"], r["policy_id"]): r for r in result}
        for i, case in enumerate(group, start=1):
            fail = failures[case_key(case)].append
            row = rows.get((i, case.policy))
            where = f"{case.file}:{case.line} {case.policy} «{case.name}»"
            if row is None:
                fail(f"{where}: no result (policy not in force in {year}?)")
                continue
            for key, want in case.expect.items():
                if key.endswith("_contains"):
                    col = key[: -len("_contains")]
                    if str(want) not in (row[col] or ""):
                        fail(f"{where}: {col} lacks {want!r}: {row[col]!r}")
                elif row[key] != want:
                    fail(f"{where}: {key} = {row[key]!r}, expected {want!r}"
                                    f" — {row['explanation_zh']}")
    return failures
