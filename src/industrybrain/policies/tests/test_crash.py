"""A run killed half-way (SIGKILL: no cleanup, no except clause) and run again leaves
exactly one proposal per key and pays nothing twice. Real processes, a real SQLite file."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

BIN = Path(sys.executable).parent / "industrybrain"
pytestmark = pytest.mark.slow


def _cli(env, *args, **kw):
    return subprocess.run([str(BIN), *args], env=env, check=True, capture_output=True,
                          text=True, timeout=300, **kw)


def _count(db, sql):
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchone()[0]


def test_kill_mid_run_then_rerun(tmp_path):
    env = {**os.environ, "IB_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    db = tmp_path / "industrybrain.sqlite3"
    _cli(env, "demo-data", "--enterprises", "600", "--seed", "7")
    # The reference: what a clean run must end with, computed without touching the database.
    _cli(env, "evaluate", "--year", "2022", "--no-store", "--parquet", str(tmp_path / "ref.parquet"))
    ref = pq.read_table(tmp_path / "ref.parquet")

    slow = {**env, "IB_RUN_CHUNK": "5", "IB_RUN_PAUSE_AFTER_CHUNK": "0.3"}
    proc = subprocess.Popen([str(BIN), "evaluate", "--year", "2022"], env=slow,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while _count(db, "SELECT count(*) FROM policies_award") < 10:
        assert proc.poll() is None and time.time() < deadline, "the run ended before the kill"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db, "SELECT count(*) FROM policies_award")
    assert _count(db, "SELECT count(*) FROM policies_run WHERE status='running'") == 1

    # Pay one of the half-stored proposals before the re-run.
    award_id = _count(db, "SELECT min(id) FROM policies_award WHERE status='proposed'")
    _cli(env, "shell", "-c",
         "from django.contrib.auth.models import User; from industrybrain.policies import ledger;"
         f"ledger.approve({award_id}, User.objects.get(username='reviewer'))")

    out = _cli(env, "evaluate", "--year", "2022").stdout
    assert "kept_decided=1" in out
    total = _count(db, "SELECT count(*) FROM policies_award")
    keys = _count(db, "SELECT count(*) FROM (SELECT DISTINCT enterprise_id, policy_id, year, tier "
                      "FROM policies_award)")
    from industrybrain.engine import load_pack
    from industrybrain.policies.runs import proposals_of

    expected = proposals_of(load_pack("changzhou_2022"), ref)
    assert total == keys == expected.num_rows > partial
    assert _count(db, "SELECT count(*) FROM policies_ledgerentry") == 1
    assert _count(db, f"SELECT status FROM policies_award WHERE id={award_id}") == "paid"
    assert _count(db, "SELECT count(*) FROM policies_run WHERE status='failed'") == 1
    # A third run changes nothing.
    out = _cli(env, "evaluate", "--year", "2022").stdout
    assert "created=0" in out and "updated=0" in out
    assert _count(db, "SELECT count(*) FROM policies_award") == total
    assert pc.sum(pc.equal(expected["status"], "insufficient_data")).as_py() == _count(
        db, "SELECT count(*) FROM policies_award WHERE status='insufficient_data'")
