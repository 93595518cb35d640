"""Load test of the policy calculator page: N concurrent users for T seconds, from this
process against a real `industrybrain serve` (its own process) on loopback.

    .venv/bin/python bench/load_calculator.py --data-dir /tmp/ib-demo [--users 20 --seconds 20]
        [--workers 1 2 5x1]

The data dir must hold a demo city (industrybrain demo-data); the enterprise user qiye1
logs in and asks for its calculator. Baseline in the same run, same users and time: the
login page (a template render with no engine). Each --workers value is one deployment,
started in turn: 1 is `industrybrain serve` (waitress, one process), N > 1 is
`industrybrain serve --workers N` (gunicorn, N processes, --threads each), and NxT is N
processes of T threads (Nx1: gunicorn's sync worker, one request at a time a process, the
deployment the README gives for a city's server). Closed loop by default: each user asks again as soon as its answer
arrives. Prints p50/p95/p99 and requests per second for both pages and every deployment, and
the ratios; asserts nothing.
"""

import argparse
import http.cookiejar
import json
import os
import random
import shutil
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
    opener.cookies = {c.name: c.value for c in jar}
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


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.6f %.6f %.6f %.6f %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(95) / 1e6,
    latency:percentile(99) / 1e6, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def hammer_wrk(opener, url, seconds, users):
    """The same closed loop driven by wrk (Debian's package: C, a fraction of the CPU of
    Python threads, which on a 2-core machine would take a core from the server): ``users``
    connections, each asking again as soon as its answer arrives. Returns (requests/s,
    [p50, p95, p99] in seconds, errors)."""
    import tempfile

    cookie = "; ".join(f"{k}={v}" for k, v in opener.cookies.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        out = subprocess.run(["wrk", f"-t{min(users, 2)}", f"-c{users}", f"-d{seconds:g}s",
                              "--timeout", "30s", "-s", script.name, "-H", f"Cookie: {cookie}",
                              url], capture_output=True, text=True, check=True).stdout
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    n, duration, p50, p95, p99, errors = (float(f) for f in fields)
    return n / duration, [p50, p95, p99], int(errors)


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
    ap.add_argument("--threads", type=int, default=8, help="threads per server process")
    ap.add_argument("--workers", type=deployment, nargs="+", default=["1", "2"],
                    help="server processes, one deployment per value (1: waitress; NxT: N "
                         "processes of T threads)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds a user reads between requests (0: ask again at once)")
    ap.add_argument("--client", choices=["wrk", "python"],
                    default="wrk" if shutil.which("wrk") else "python",
                    help="the load generator: wrk (apt-get install wrk) or Python threads")
    ap.add_argument("--json", help="also write the figures to this file (bench/goals.py)")
    ap.add_argument("--src", help="serve the code of another checkout's src/ (e.g. an older "
                                  "commit from `git archive`), for a before/after comparison")
    a = ap.parse_args()
    creds = dict(line.split("\t")[:2] for line in
                 (Path(a.data_dir) / "demo-users.txt").read_text(encoding="utf-8").splitlines())
    if a.client == "wrk" and a.think:
        raise SystemExit("wrk drives a closed loop without think time: use --client python")
    print(f"{a.users} users, {a.seconds:g} s a page, think {a.think:g} s, client {a.client}; "
          f"{os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for workers in ([None] if a.url else a.workers):
        rows.append((workers, measure(a, creds, workers)))
    names = {w: name_of(w, a.threads) for w, _result in rows}
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    print("\n| deployment | page | requests/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|")
    for workers, result in rows:
        name = names[workers]
        for page, (rate, q, errors) in result.items():
            print(f"| {name} | {page} | {rate:.1f} | {q[49] * 1000:.0f} ms | "
                  f"{q[94] * 1000:.0f} ms | {q[98] * 1000:.0f} ms | {errors} |")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"users": a.users, "client": a.client, "deployments": [
                {"workers": processes_of(w), "threads": threads_of(w, a.threads),
                 "name": names[w], **{page: {"rate": rate, "p50": q[49], "p95": q[94],
                                         "p99": q[98], "errors": e}
                                  for page, (rate, q, e) in result.items()}}
                for w, result in rows]}, f)
    if len(rows) > 1:
        one = rows[0][1]["calculator"]
        for workers, result in rows[1:]:
            r = result["calculator"]
            print(f"calculator on {names[workers]} against the first: {r[0] / one[0]:.2f}x the "
                  f"requests/s, p95 {r[1][94] / one[1][94]:.2f}x")


def deployment(value: str) -> str:
    """A --workers value: N processes, or NxT (N processes of T threads)."""
    n, _x, t = value.partition("x")
    if not n.isdigit() or int(n) < 1 or (_x and (not t.isdigit() or int(t) < 1)):
        raise argparse.ArgumentTypeError(f"{value!r}: N or NxT, e.g. 2 or 5x1")
    return value


def processes_of(workers: str | None) -> int | None:
    return None if workers is None else int(workers.partition("x")[0])


def threads_of(workers: str | None, default: int) -> int:
    t = (workers or "").partition("x")[2]
    return int(t) if t else default


def name_of(workers: str | None, default_threads: int) -> str:
    if workers is None:
        return "given --url"
    n, t = processes_of(workers), threads_of(workers, default_threads)
    if n == 1:
        return "serve (waitress, 1 process)"
    kind = "sync" if t == 1 else "gthread"
    return f"serve --workers {n} --threads {t} (gunicorn {kind})"


def start(a, workers):
    port = free_port()
    env = {**os.environ, "IB_DATA_DIR": str(Path(a.data_dir).resolve())}
    if a.src:
        env["PYTHONPATH"] = str(Path(a.src).resolve())
    server = subprocess.Popen([sys.executable, "-m", "industrybrain.cli", "serve", "--port",
                               str(port), "--threads", str(threads_of(workers, a.threads)),
                               "--workers", str(processes_of(workers))], env=env, cwd="/", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/login/", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server with {workers} processes did not answer in 60 s")


def measure(a, creds, workers):
    server, base = (None, a.url) if workers is None else start(a, workers)
    try:
        openers = [session(base, "qiye1", creds["qiye1"]) for _ in range(a.users)]
        # every user's first view (each process's first: its pack and interpreter load)
        url = None
        for opener in openers:
            with opener.open(base + "/policies/calculator/") as calc:
                url = calc.geturl()
                calc.read()
        label = name_of(workers, a.threads)
        result = {}
        for page, target in (("baseline /login/", base + "/login/"), ("calculator", url)):
            if a.client == "wrk":
                rate, (p50, p95, p99), errors = hammer_wrk(openers[0], target, a.seconds,
                                                           a.users)
                q = [0.0] * 99
                q[49], q[94], q[98] = p50, p95, p99
                print(f"{label}, {page}: {rate:.1f}/s, p50 {p50 * 1000:.0f} ms, p95 "
                      f"{p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, errors {errors}",
                      flush=True)
                result[page] = (rate, q, errors)
                continue
            times, errors = hammer(openers, target, a.seconds, a.think)
            report(f"{label}, {page}", times, errors, a.seconds)
            q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
            result[page] = (len(times) / a.seconds, q, len(errors))
        return result
    finally:
        if server:
            server.terminate()
            server.wait(timeout=15)

if __name__ == "__main__":
    main()
