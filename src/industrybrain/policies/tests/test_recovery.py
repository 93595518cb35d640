"""Runs that recover by themselves, and messages that survive a crash (issue 10.4, 10.5).

Real processes on a real database: a run SIGKILLed at each stage (it kills itself at the
named point, IB_RUN_CRASH_AT, so the point is exact) and run again delivers every message
exactly once; a worker SIGKILLed "on another host" (IB_HOSTNAME) is found dead by its
heartbeat within a bounded time; SIGTERM and Ctrl-C mark the run failed and end the worker.
SQLite always; PostgreSQL too when DATABASE_URL points at a server (marker postgres).
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "industrybrain"
pytestmark = pytest.mark.slow
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
BACKENDS = [pytest.param("postgres", marks=pytest.mark.postgres)] if PG else ["sqlite"]

# One enterprise user with an e-mail address per enterprise, so that every message mails.
USERS = """
from django.contrib.auth.models import User
from industrybrain.accounts.models import Profile
from industrybrain.enterprises.models import Enterprise
ids = list(Enterprise.objects.values_list("pk", flat=True))
User.objects.bulk_create([User(username=f"e{pk}", email=f"finance@e{pk}.example", password="!")
                          for pk in ids])
users = dict(User.objects.filter(username__in=[f"e{pk}" for pk in ids]).values_list("username", "pk"))
Profile.objects.bulk_create([Profile(user_id=users[f"e{pk}"], role="enterprise_user", enterprise_id=pk)
                             for pk in ids])
"""


def _cli(env, *args, check=True, timeout=300):
    return subprocess.run([str(BIN), *args], env=env, check=check, capture_output=True,
                          text=True, timeout=timeout)


class City:
    """A copy of the demo city for one test: SQLite file copy or PostgreSQL template."""

    def __init__(self, backend, tmp, template):
        self.backend, self.tmp = backend, tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IB_")}
        self.env.update(IB_DATA_DIR=str(tmp), IB_JOBS="inline", IB_RUN_CHUNK="3")
        if backend == "sqlite":
            self.env.pop("DATABASE_URL", None)
            if template is not None:
                (tmp / "industrybrain.sqlite3").write_bytes(template.read_bytes())
        else:
            base, _sep, _name = os.environ["DATABASE_URL"].rpartition("/")
            self.name = f"ib_recovery_{os.getpid()}_{tmp.name}"[:60].replace("-", "_").lower()
            self._psql(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._psql(f'CREATE DATABASE "{self.name}"'
                       + (f' TEMPLATE "{template}"' if template else ""))
            self.env["DATABASE_URL"] = f"{base}/{self.name}"

    def _psql(self, sql):
        import psycopg

        base = os.environ["DATABASE_URL"].rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as con:
            con.execute(sql)

    def sql(self, query):
        if self.backend == "sqlite":
            import sqlite3

            with sqlite3.connect(self.tmp / "industrybrain.sqlite3", timeout=30) as con:
                return con.execute(query).fetchall()
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as con:
            return con.execute(query).fetchall()

    def one(self, query):
        return self.sql(query)[0][0]

    def mail_ids(self) -> Counter:
        """Message-IDs of the mails written by the file backend, with how often each came."""
        found = Counter()
        for f in (self.tmp / "mail").glob("*"):
            found.update(re.findall(r"Message-ID: <ib-message-(\d+)@", f.read_text()))
        return Counter({int(k): v for k, v in found.items()})

    def drop(self):
        if self.backend == "postgres":
            self._psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=BACKENDS)
def template(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    city = City(request.param, tmp, None)
    _cli(city.env, "demo-data", "--enterprises", "600", "--seed", "7", timeout=1200)
    _cli(city.env, "shell", "-c", USERS)
    if request.param == "sqlite":
        import sqlite3

        db = tmp / "industrybrain.sqlite3"
        with sqlite3.connect(db) as con:  # fold the WAL into the file before it is copied
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield request.param, db
    else:
        yield request.param, city.name
        city.drop()


@pytest.fixture
def city(template, tmp_path):
    backend, source = template
    made = City(backend, tmp_path, source)
    yield made
    made.drop()


@pytest.fixture(scope="module")
def reference(template, tmp_path_factory):
    """What an uninterrupted run leaves: its messages, by key."""
    backend, source = template
    ref = City(backend, tmp_path_factory.mktemp("ref"), source)
    _cli(ref.env, "evaluate", "--year", "2022")
    keys = set(ref.sql("SELECT enterprise_id, kind, policy_id FROM policies_message"))
    ref.drop()
    return keys


def _check_delivered_once(city, reference):
    assert city.one("SELECT count(*) FROM policies_message WHERE delivered_at IS NULL") == 0
    keys = city.sql("SELECT enterprise_id, kind, policy_id FROM policies_message")
    assert len(keys) == len(set(keys)) and set(keys) == reference
    mailed = {pk for (pk,) in city.sql("SELECT id FROM policies_message")}
    sent = city.mail_ids()
    assert set(sent) == mailed, "every message mailed"
    assert max(sent.values()) == 1, "and none twice"


@pytest.mark.parametrize("point", ["create:1", "push", "deliver:1",
                                   "done"])
def test_a_run_killed_at_each_stage_leaves_every_message_delivered_once(city, reference, point):
    killed = subprocess.run([str(BIN), "evaluate", "--year", "2022"], timeout=300,
                            env={**city.env, "IB_RUN_CRASH_AT": point}, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert city.one("SELECT count(*) FROM policies_run WHERE status='running'") == 1
    out = _cli(city.env, "evaluate", "--year", "2022").stdout  # the re-run recovers
    assert "done" in out
    assert city.one("SELECT count(*) FROM policies_run WHERE status='failed'") == 1
    _check_delivered_once(city, reference)
    # Every proposal has its message, also those stored by the killed run.
    assert city.one("SELECT count(*) FROM policies_award WHERE status='proposed'") == city.one(
        "SELECT count(*) FROM policies_message WHERE kind='award'")


def test_the_worker_delivers_what_a_killed_run_left(city, reference):
    subprocess.run([str(BIN), "evaluate", "--year", "2022"], timeout=300,
                   env={**city.env, "IB_RUN_CRASH_AT": "deliver:1"}, capture_output=True)
    undelivered = city.one("SELECT count(*) FROM policies_message WHERE delivered_at IS NULL")
    assert undelivered > 0
    _cli({**city.env, "IB_JOBS": "worker"}, "worker", "--once")
    assert city.one("SELECT count(*) FROM policies_message WHERE delivered_at IS NULL") == 0
    assert max(city.mail_ids().values()) == 1


def _slow_worker(city, chunk="5", pause="0.3", stored=10, **env):
    """A queued run and a worker that stores it slowly (``chunk`` awards at a time,
    ``pause`` seconds apart); returns once it has stored ``stored`` awards."""
    _cli(city.env, "shell", "-c", "from industrybrain.policies import runs; runs.start(2022)")
    env = {**city.env, "IB_JOBS": "worker", "IB_RUN_CHUNK": chunk,
           "IB_RUN_PAUSE_AFTER_CHUNK": pause, **env}
    proc = subprocess.Popen([str(BIN), "worker"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while city.sql("SELECT stage FROM policies_run")[0][0] != "store" or city.one(
            "SELECT count(*) FROM policies_award") < stored:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
        time.sleep(0.1)
    return proc


def test_a_worker_killed_on_another_host_is_found_dead_by_its_heartbeat(city, capsys):
    short = {"IB_RUN_HEARTBEAT_SECONDS": "0.5", "IB_RUN_STALE_BEATS": "4"}  # dead after 2 s
    # One award every 2 s: it is still storing when this test kills it, however busy.
    far = _slow_worker(city, chunk="1", pause="2", stored=2, IB_HOSTNAME="another-host", **short)
    assert city.one("SELECT worker FROM policies_run").startswith("another-host:")
    # A worker on this host polls and reaps; the far one's PID cannot be asked from here:
    # only its heartbeat tells. While it beats, the run is left alone.
    here = subprocess.Popen([str(BIN), "worker"], env={**city.env, "IB_JOBS": "worker", **short},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "polling every 0.5 s" in here.stdout.readline()
        time.sleep(3)  # longer than the stale limit: a live far worker is not reaped
        assert city.one("SELECT status FROM policies_run") == "running"
        far.send_signal(signal.SIGKILL)
        far.wait()
        killed_at = time.monotonic()
        while city.one("SELECT status FROM policies_run") == "running":
            assert time.monotonic() - killed_at < 60, "a dead run must be found in bounded time"
            time.sleep(0.1)
        detected = time.monotonic() - killed_at
    finally:
        far.kill()
        here.send_signal(signal.SIGTERM)
        assert here.wait(timeout=60) == 0
    status, error = city.sql("SELECT status, error FROM policies_run")[0]
    assert status == "failed" and "心跳中断" in error and "another-host" in error
    with capsys.disabled():
        print(f"\n  dead run detected {detected:.1f} s after SIGKILL "
              f"(heartbeat 0.5 s, stale after 2 s, poll 0.5 s)")
    # The year is free: a new run starts and finishes.
    assert "done" in _cli(city.env, "evaluate", "--year", "2022").stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_mark_the_run_failed_and_stop_the_worker(city, sig):
    proc = _slow_worker(city)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == 0, proc.stdout.read()
    status, error = city.sql("SELECT status, error FROM policies_run")[0]
    assert status == "failed" and signal.Signals(sig).name in error and "停止信号" in error
    assert "terminate called" not in proc.stdout.read()
    # What it stored is whole: a re-run completes it with nothing twice.
    _cli(city.env, "evaluate", "--year", "2022")
    assert city.one("SELECT count(*) FROM (SELECT DISTINCT enterprise_id, policy_id, year "
                    "FROM policies_award) k") == city.one("SELECT count(*) FROM policies_award")
