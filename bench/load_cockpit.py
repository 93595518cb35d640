"""Load test of the cockpit (驾驶舱): N keep-alive users for T seconds, from this process
against a real `industrybrain serve` (its own process) on loopback, for the city (admin)
and for a district officer (wujin), with the login page as the same-run baseline.

    .venv/bin/python bench/load_cockpit.py --data-dir var/demo [--users 20 50 --seconds 30]

The data dir must hold a demo city (industrybrain demo-data --enterprises 30000). For each
number of users the script measures, in this order and for the same time: the login page
(a template render with no figures), the city's cockpit, a district officer's cockpit.
Prints p50/p95/p99, requests per second and the ratios to the baseline; asserts nothing.
Note the machine's load (uptime) beside the figures: on a shared machine prefer the ratios.
"""

import argparse
import http.client
import http.cookiejar
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from load_calculator import free_port, report  # noqa: E402

BOUNDED_USERS = 200  # a bench, not a denial of service: at most this many client threads


class User:
    """One person's browser: a logged-in session on one keep-alive connection."""

    def __init__(self, base, name, password):
        # Log in and land on the login page again (next=), not on the cockpit: the first
        # view of the cockpit is measured on its own.
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(base + "/login/", timeout=60).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({"username": name, "password": password, "next": "/login/",
                                       "csrfmiddlewaretoken": token}).encode()
        opener.open(urllib.request.Request(base + "/login/", data,
                                           headers={"Referer": base + "/login/"}), timeout=60).read()
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        self.netloc = urllib.parse.urlsplit(base).netloc
        self.conn = http.client.HTTPConnection(self.netloc, timeout=60)

    def get(self, path) -> int:
        try:
            self.conn.request("GET", path, headers={"Cookie": self.cookie})
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the server closed it: open a new one, as a browser would
            self.conn = http.client.HTTPConnection(self.netloc, timeout=60)
            raise
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return response.status


def hammer(users, path, seconds):
    """Each user asks for ``path`` again and again on its own connection for ``seconds``."""
    times, errors = [], []
    stop = time.perf_counter() + seconds

    def run(user):
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                user.get(path)
                times.append(time.perf_counter() - t)
            except Exception as exc:  # a failed request is a result too
                errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def server_cpu(pid) -> float:
    """Seconds of CPU the server process has used (user + system), from /proc: what a request
    costs the server, whatever else the machine is doing (the load shows in latency, not here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(label, users, path, seconds, pid):
    """Hammer ``path``, print latency and, for a server this script started, its CPU per request
    and what that implies on one idle core: the closed-loop floor of N users is N × CPU."""
    before = server_cpu(pid) if pid else None
    times, errors = hammer(users, path, seconds)
    p95 = report(label, times, errors, seconds)
    if pid and times:
        per = 1000 * (server_cpu(pid) - before) / len(times)
        print(f"  server CPU {per:.1f} ms per request: one core serves at most "
              f"{1000 / per:.0f}/s; {len(users)} users in a closed loop wait at least "
              f"{len(users) * per:.0f} ms", flush=True)
    return p95


def cold(user, path) -> float:
    t = time.perf_counter()
    user.get(path)
    return 1000 * (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--url", help="an already running server on 127.0.0.1 (else one is started)")
    ap.add_argument("--users", type=int, nargs="+", default=[20, 50])
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--threads", type=int, default=8, help="waitress threads of the server")
    ap.add_argument("--district-user", default="wujin")
    ap.add_argument("--src", help="serve the code of another checkout's src/ (e.g. an older "
                                  "commit from `git archive`), for a before/after comparison")
    a = ap.parse_args()
    if max(a.users) > BOUNDED_USERS:
        ap.error(f"at most {BOUNDED_USERS} users")
    if a.url and not a.url.startswith(("http://127.0.0.1", "http://localhost")):
        ap.error("loopback only")
    creds = dict(line.split("\t")[:2] for line in
                 (Path(a.data_dir) / "demo-users.txt").read_text(encoding="utf-8").splitlines())
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1, 5 min); "
          f"{os.cpu_count()} cores", flush=True)
    server = None
    base = a.url
    if not base:
        port = free_port()
        env = {**os.environ, "IB_DATA_DIR": str(Path(a.data_dir).resolve())}
        if a.src:
            env["PYTHONPATH"] = str(Path(a.src).resolve())
        server = subprocess.Popen([sys.executable, "-m", "industrybrain.cli", "serve", "--host",
                                   "127.0.0.1", "--port", str(port), "--threads", str(a.threads)],
                                  env=env, cwd="/",
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
    try:
        if server:
            print(f"server: {'code of ' + a.src if a.src else 'this checkout'}, "
                  f"{a.threads} threads, {base}", flush=True)
        for users in a.users:
            city = [User(base, "admin", creds["admin"]) for _ in range(users)]
            district = [User(base, a.district_user, creds[a.district_user]) for _ in range(users)]
            print(f"\n== {users} users, {a.seconds:g} s each ==", flush=True)
            print(f"first view: city {cold(city[0], '/'):.0f} ms, "
                  f"{a.district_user} {cold(district[0], '/'):.0f} ms", flush=True)
            pid = server.pid if server else None
            b95 = measured("baseline /login/", city, "/login/", a.seconds, pid)
            c95 = measured("cockpit, city (admin)", city, "/", a.seconds, pid)
            d95 = measured(f"cockpit, district ({a.district_user})", district, "/", a.seconds, pid)
            print(f"ratio p95 to baseline: city {c95 / b95:.1f}, district {d95 / b95:.1f}",
                  flush=True)
        print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
