"""A real server (the README's first command, on a small demo city) and Debian's chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
# Without these, chromium tries Google's hosts at start-up and on a closed network that fails.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("var")
    env = {**os.environ, "IB_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        # The README's demo city itself (30,000 enterprises, seed 2022): the paths
        # the browser walks are the ones a newcomer sees.
        [str(BIN / "industrybrain"), "demo-data"],
        env=env, check=True, capture_output=True, timeout=900,  # a busy shared machine
    )
    users = {}
    for line in (data_dir / "demo-users.txt").read_text(encoding="utf-8").splitlines():
        name, password, _ = line.split("\t")
        users[name] = password
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "industrybrain"), "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the demo server did not start") from None
            time.sleep(0.3)
    yield {"url": base, "users": users, "data_dir": data_dir, "env": env}
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()
