"""Across processes: a server keeps the cockpit per data version in its own memory; an
import run by another process (the CLI) shows on the server's very next request, because
the version lives in the database, bumped in the import's transaction. The same holds for
the multi-process deployments (`serve --workers 2`: gunicorn, two processes, each with its
own memory; threaded, or one request at a time with `--threads 1`), which also answer an
enterprise's calculator.

Real processes on a database of their own: a SQLite file, or, when the suite runs on
PostgreSQL (DATABASE_URL), a database named after it with ``_procs`` appended, created
afresh: `industrybrain demo-data`, `industrybrain serve`, `industrybrain import`.
"""

import csv
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base, user, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login/", timeout=30).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({"username": user, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(base + "/login/", data, headers={"Referer": base + "/login/"}),
                timeout=30).read()
    return opener


def _high_tech(opener, base) -> int:
    html = opener.open(base + "/", timeout=120).read().decode()
    ladder = re.search(r'<table[^>]*id="ladder".*?</table>', html, re.S).group(0)
    row = re.search(r"高新技术企业</a></td><td[^>]*>([\d,]+)</td>", ladder)
    return int(row.group(1).replace(",", ""))


def _own_database(tmp_path) -> dict:
    """The environment of the processes: their own database, empty."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(IB_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="industrybrain.web.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = parts.path.lstrip("/") + "_procs"
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = parts._replace(path="/" + name).geturl()
    return env


def _query(env, tmp_path, sql):
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return conn.execute(sql).fetchone()[0]
    db = sqlite3.connect(tmp_path / "industrybrain.sqlite3")
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("workers, threads", [(1, 8), (2, 8), (2, 1)],
                         ids=["waitress", "gthread", "sync"])
def test_an_import_in_another_process_shows_on_the_servers_next_request(tmp_path, workers,
                                                                       threads):
    env = _own_database(tmp_path)
    subprocess.run([str(BIN / "industrybrain"), "demo-data", "--enterprises", "300"], env=env,
                   check=True, capture_output=True, timeout=600)
    creds = dict(line.split("\t")[:2] for line in
                 (tmp_path / "demo-users.txt").read_text(encoding="utf-8").splitlines())
    uscc = _query(env, tmp_path,
        "SELECT uscc FROM enterprises_enterprise WHERE id NOT IN (SELECT enterprise_id FROM "
        "enterprises_designation d JOIN enterprises_designationtype t ON d.type_id = t.id "
        "WHERE t.code = 'high_tech') ORDER BY id LIMIT 1")
    year = _query(env, tmp_path, "SELECT latest_year FROM targets_refreshrun ORDER BY id DESC")
    port = _free_port()
    server = subprocess.Popen([str(BIN / "industrybrain"), "serve", "--port", str(port),
                               "--workers", str(workers), "--threads", str(threads)],
                              env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        admin = _login(base, "admin", creds["admin"])
        before = _high_tech(admin, base)
        assert _high_tech(admin, base) == before  # now kept in the server's memory
        path = tmp_path / "认定.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([["统一社会信用代码", "认定类型", "认定日期"],
                                     [uscc, "高新技术企业", f"{year}-01-05"]])
        done = subprocess.run([str(BIN / "industrybrain"), "import", "designations", str(path)],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        # every process sees it (a new connection a request: the processes share the accepts)
        assert {_high_tech(admin, base) for _ in range(4 * workers)} == {before + 1}
        firm = _login(base, "qiye1", creds["qiye1"])
        name = _query(env, tmp_path, "SELECT e.name FROM enterprises_enterprise e JOIN "
                      "accounts_profile p ON p.enterprise_id = e.id JOIN auth_user u ON "
                      "u.id = p.user_id WHERE u.username = 'qiye1'")
        for _ in range(2 * workers):
            with firm.open(base + "/policies/calculator/", timeout=120) as page:
                html = page.read().decode()
                assert page.status == 200 and "/policies/calculator/" in page.geturl()
            assert name in html and "登峰" in html
    finally:
        server.terminate()
        server.wait(timeout=30)
