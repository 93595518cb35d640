"""Load test of the policy calculator page: N concurrent users for T seconds, from this
process against a real `industrybrain serve` (its own process) on loopback.

    .venv/bin/python bench/load_calculator.py --data-dir /tmp/ib-demo [--users 20 --seconds 20]

The data dir must hold a demo city (industrybrain demo-data); the enterprise user qiye1
logs in and asks for its calculator. Baseline in the same run, same users and time: the
login page (a template render with no engine). Prints p50/p95/p99 and requests per
second for both, and the ratio; asserts nothing.
"""

import argparse
import http.cookiejar
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session(base, user, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode({"username": user, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(base + "/login/", data, headers={"Referer": base + "/login/"})
    opener.open(req).read()
    return opener


def hammer(openers, url, seconds, think=0.0):
    """Each opener is a user asking for ``url`` again and again; with ``think`` > 0 a user
    pauses a random 0.5–1.5 × think seconds between requests, as a person reading would."""
    times, errors = [], []
    stop = time.perf_counter() + seconds

    def user(opener, pause):
        while time.perf_counter() < stop:
            if think:
                time.sleep(think * (0.5 + pause.random()))
            t = time.perf_counter()
            try:
                with opener.open(url, timeout=30) as r:
                    r.read()
                times.append(time.perf_counter() - t)
            except Exception as exc:  # a failed request is a result too
                errors.append(repr(exc))

    threads = [threading.Thread(target=user, args=(o, random.Random(i)))
               for i, o in enumerate(openers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def report(label, times, errors, seconds):
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    print(f"{label}: {len(times):,} requests, {len(times) / seconds:.1f}/s, p50 "
          f"{q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
          f"errors {len(errors)}", flush=True)
    return q[94]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--url", help="an already running server (else one is started)")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--threads", type=int, default=8, help="waitress threads of the server")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds a user reads between requests (0: ask again at once)")
    ap.add_argument("--src", help="serve the code of another checkout's src/ (e.g. an older "
                                  "commit from `git archive`), for a before/after comparison")
    a = ap.parse_args()
    creds = dict(line.split("\t")[:2] for line in
                 (Path(a.data_dir) / "demo-users.txt").read_text(encoding="utf-8").splitlines())
    server = None
    base = a.url
    if not base:
        port = free_port()
        env = {**os.environ, "IB_DATA_DIR": str(Path(a.data_dir).resolve())}
        if a.src:
            env["PYTHONPATH"] = str(Path(a.src).resolve())
        server = subprocess.Popen([sys.executable, "-m", "industrybrain.cli", "serve", "--port",
                                   str(port), "--threads", str(a.threads)], env=env, cwd="/",
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
    try:
        openers = [session(base, "qiye1", creds["qiye1"]) for _ in range(a.users)]
        t = time.perf_counter()
        calc = openers[0].open(base + "/policies/calculator/")
        url = calc.geturl()
        calc.read()
        print(f"calculator {url} (first view, cold: {1000 * (time.perf_counter() - t):.0f} ms)")
        base_times, base_err = hammer(openers, base + "/login/", a.seconds, a.think)
        b95 = report("baseline /login/", base_times, base_err, a.seconds)
        times, errors = hammer(openers, url, a.seconds, a.think)
        c95 = report(f"calculator, {a.users} users, think {a.think:g} s", times, errors, a.seconds)
        print(f"ratio p95 calculator / baseline = {c95 / b95:.1f}")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
