"""bench/bench_engine.py --goals prints issue 12's goal table: every goal a row, each measured
by its own benchmark (here at --quick sizes, the engine's goals only; the batch, calculator and
Spark rows say they were not run). Not timed: speed belongs to the benchmark."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_goal_table_has_a_row_for_every_goal(tmp_path):
    out = tmp_path / "goals.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_engine.py"), "--goals", "--quick",
         "--only", "rules", "pack", "one_firm", "--data", str(tmp_path / "data"),
         "--markdown", str(out)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    goals = {r.split(" | ")[0].lstrip("| ") for r in rows[1:]}
    assert goals == {
        "the four money rules, 1M firms × 6 years",
        "the whole pack, 1M firms, with everything a reviewer needs",
        "the whole pack streamed from Parquet, 10M firms",
        "one firm, whole pack, with explanations",
        "Spark, local[*], 10M firms",
        "the city batch, 300k firms, SQLite",
        "the city batch, 300k firms, PostgreSQL",
        "the calculator, 20 users in a closed loop, multi-process",
    }
    measured = {r.split(" | ")[0].lstrip("| "): r.split(" | ")[2] for r in rows[1:]}
    # the measured goals carry figures with units, and every method agreed with numpy first
    assert "× numpy" in measured["the four money rules, 1M firms × 6 years"]
    assert " s, " in measured["the whole pack, 1M firms, with everything a reviewer needs"]
    assert "warm" in measured["one firm, whole pack, with explanations"]
    assert "ms" in measured["one firm, whole pack, with explanations"]
    assert "all methods agree per firm with numpy" in done.stdout
    assert measured["the city batch, 300k firms, PostgreSQL"].startswith("not run")
