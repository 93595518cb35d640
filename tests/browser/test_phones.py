"""Phones (issue 13): at 390x844 no main page is wider than the screen, for an officer and
for an enterprise user; the navigation folds behind a menu button; a table's rows become
cards. scripts/screenshots.py walks the same pages for docs/screenshots/."""

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

OFFICER_PAGES = [
    "/", "/enterprises/", "/policies/", "/policies/review/", "/policies/ledger/",
    "/policies/budgets/", "/policies/runs/", "/policies/library/", "/policies/audit/",
    "/targets/", "/industry/", "/industry/map/", "/industry/leads/", "/districts/wujin/",
    "/cultivation/", "/projects/", "/projects/rates/", "/projects/gantt/", "/transform/",
]
# Pages reached by following the first link of a kind from a page above.
OFFICER_LINKS = [
    ("/enterprises/", r"^/enterprises/\d+/$"),
    ("/targets/", r"^/targets/[\w-]+/$"),
    ("/industry/", r"^/industry/cluster/[\w-]+/$"),
    ("/industry/", r"^/industry/chain/[\w-]+/$"),
    ("/cultivation/", r"^/cultivation/pool/[\w-]+/$"),
    ("/projects/", r"^/projects/\d+/$"),
    ("/policies/review/", r"^/policies/awards/\d+/$"),
]
ENTERPRISE_PAGES = [
    "/", "/policies/calculator/", "/policies/applications/", "/policies/inbox/",
    "/policies/library/", "/projects/", "/transform/",
]


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_function("!location.pathname.startsWith('/login/')")


def first_link(page, base, path, pattern):
    page.goto(base + path)
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return next((h for h in hrefs if re.match(pattern, h.split("?")[0])), None)


def pages_of(page, server, username):
    """Every main page the user's walk covers, as paths."""
    base = server["url"]
    if username == "qiye1":
        paths = list(ENTERPRISE_PAGES)
        page.goto(base + "/")
        own = page.evaluate("location.pathname")  # the enterprise's own page
        eid = re.search(r"/enterprises/(\d+)/", own).group(1)
        paths += [f"/policies/enterprise/{eid}/awards/", f"/cultivation/enterprise/{eid}/"][:1]
        return paths
    paths = list(OFFICER_PAGES)
    for path, pattern in OFFICER_LINKS:
        link = first_link(page, base, path, pattern)
        # An award exists only after a run, a target page after targets-refresh.
        assert link or path in ("/policies/review/", "/targets/"), f"no link like {pattern} on {path}"
        if link:
            paths.append(link)
    enterprise = next(p for p in paths if re.match(r"^/enterprises/\d+/$", p))
    paths.append(f"/policies/calculator/{enterprise.split('/')[2]}/")
    return paths


def overflow(page):
    """How far the page is wider than the screen, and the widest elements that cause it."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const culprits = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
                culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                    ' ' + Math.round(r.right));
            }
        }
        return {scroll: document.documentElement.scrollWidth, culprits: culprits.slice(0, 6)};
    }""")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1,
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("username", ["admin", "qiye1"])
def test_no_main_page_is_wider_than_a_phone(phone, demo_server, username):
    login(phone, demo_server, username)
    wide = {}
    for path in pages_of(phone, demo_server, username):
        response = phone.goto(demo_server["url"] + path)
        assert response.status == 200, path
        phone.wait_for_load_state("networkidle")
        seen = overflow(phone)
        if seen["scroll"] > PHONE["width"]:
            wide[path] = seen
    assert not wide, f"wider than {PHONE['width']} px: {wide}"


def test_navigation_folds_and_tables_become_cards(phone, demo_server):
    login(phone, demo_server, "admin")
    phone.goto(demo_server["url"] + "/enterprises/")  # fifty rows on the README's demo city
    nav = phone.locator("nav.sections")
    assert not nav.is_visible()
    phone.click("#nav-toggle")
    assert nav.is_visible() and phone.locator("nav.sections a").count() >= 8
    # The header stays a header: less than a fifth of the screen while the menu is closed.
    phone.click("#nav-toggle")
    assert phone.locator("header.top").bounding_box()["height"] < PHONE["height"] / 5
    cell = phone.locator("main table.cards tbody tr td[data-label]").first
    assert cell.is_visible()
    box, row = cell.bounding_box(), phone.locator("main table.cards tbody tr").first.bounding_box()
    assert row["width"] > 300 and box["width"] > 300  # a card across the screen, one cell a line
    # At a desktop's width the same table is a table and the navigation is open.
    phone.set_viewport_size({"width": 1440, "height": 900})
    assert nav.is_visible()
    assert phone.locator("main table thead").first.is_visible()


@pytest.fixture(scope="module")
def refreshed(demo_server):
    import subprocess
    import sys
    from pathlib import Path

    # The cockpit's cluster chart needs the targets' assessments (targets-refresh).
    subprocess.run([str(Path(sys.executable).parent / "industrybrain"), "targets-refresh"],
                   env=demo_server["env"], check=True, capture_output=True, timeout=300)
    return demo_server


@pytest.mark.parametrize("width", [390, 1440])
def test_the_cluster_chart_labels_do_not_collide_in_english(browser, refreshed, width):
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": refreshed["url"]}])
    page = context.new_page()
    try:
        login(page, refreshed, "admin")
        page.wait_for_selector("body[data-cockpit-ready] #clusters-chart svg text")
        boxes = page.eval_on_selector_all("#clusters-chart svg text", """els => els
            .filter(e => e.textContent.trim())
            .map(e => { const r = e.getBoundingClientRect();
                        return {t: e.textContent, l: r.left, r: r.right, top: r.top, b: r.bottom}; })""")
        assert len(boxes) >= 10  # ten cluster names and the value axis
        assert not any("集群" in b["t"] for b in boxes)
        chart = page.locator("#clusters-chart").bounding_box()
        for i, a in enumerate(boxes):
            assert a["l"] >= chart["x"] - 1 and a["r"] <= chart["x"] + chart["width"] + 1, a
            for b in boxes[i + 1:]:
                apart = (a["r"] <= b["l"] + 1 or b["r"] <= a["l"] + 1 or
                         a["b"] <= b["top"] + 1 or b["b"] <= a["top"] + 1)
                assert apart, f"labels collide at {width} px: {a['t']!r} and {b['t']!r}"
    finally:
        context.close()
