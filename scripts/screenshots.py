"""Screenshots of the main pages at a desktop's and a phone's width, for docs/screenshots/.

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 --users var/demo-users.txt

Needs a running demo (`make demo`; a batch run for the review queue) and Debian's chromium.
Each page is taken as one sees it on opening it: 1440x900 and 390x844.
"""

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
# (file name, user, path or None to follow a link, (page, link pattern) to find it)
SHOTS = [
    ("cockpit", "admin", "/", None),
    ("calculator", "qiye1", "/policies/calculator/", None),
    ("policy", "admin", None, ("/policies/library/", r"^/policies/library/[\w-]+/$")),
    ("district", "admin", "/districts/wujin/", None),
    ("review", "reviewer", "/policies/review/", None),
]


def login(page, url, username, password):
    page.goto(url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_function("!location.pathname.startsWith('/login/')")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", default="var/demo-users.txt")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    users = dict(line.split("\t")[:2] for line in
                 Path(args.users).read_text(encoding="utf-8").splitlines())
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for size, viewport in SIZES.items():
            for name, user, path, find in SHOTS:
                context = browser.new_context(locale="zh-CN", viewport=viewport,
                                              is_mobile=size == "390", has_touch=size == "390")
                page = context.new_page()
                login(page, args.url, user, users[user])
                if path is None:
                    page.goto(args.url + find[0])
                    hrefs = page.eval_on_selector_all(
                        "main a[href]", "els => els.map(e => e.getAttribute('href'))")
                    # Until the library has a page per policy, the library itself.
                    path = next((h for h in hrefs if re.match(find[1], h)), find[0])
                page.goto(args.url + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # charts finish their first frame
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(OUT.parent.parent), path)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
