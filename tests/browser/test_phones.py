"""Phones (issue 13): at 390x844 no main page is wider than the screen, for every demo role
(walk.py: the pages its navigation offers and the README's walk); the navigation folds behind a menu button; a table's rows become
cards. scripts/screenshots.py walks the same pages for docs/screenshots/."""

import pytest

from .walk import ROLES, login, pages_of, patient

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# How far the page is wider than the window, and the element reaching furthest right.
OVERFLOW = """() => {
    const width = window.innerWidth;
    let widest = null;
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > width + 1 && (!widest || r.right > widest.right)) {
            widest = {right: Math.round(r.right), element: el.tagName.toLowerCase() +
                (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className.trim()
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')};
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, widest};
}"""


@pytest.fixture
def phone(browser):
    context = patient(browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1,
                                          is_mobile=True, has_touch=True))
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("username", ROLES)
def test_no_main_page_is_wider_than_a_phone(phone, demo_server, username):
    login(phone, demo_server, username)
    paths, offered = pages_of(phone, demo_server, username)
    wide, opened = {}, 0
    for path in paths:
        response = phone.goto(demo_server["url"] + path)
        if response.status != 200:
            assert path not in offered, f"{username}: {path} is offered but answers {response.status}"
            continue  # a page of the README's walk this role may not open
        phone.wait_for_load_state("networkidle")
        opened += 1
        seen = phone.evaluate(OVERFLOW)
        if seen["scrollWidth"] > seen["innerWidth"]:
            wide[path] = seen
    assert opened >= 3, f"{username} opened only {opened} pages"
    assert not wide, f"{username}: wider than {PHONE['width']} px: {wide}"


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
