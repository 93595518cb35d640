"""The nine demo roles and the pages each one's walk covers, shared by the phone test, the
code-leak scan and the same-number test (issue 13: "for every role").

A role's pages are its main pages (the sections its navigation offers, each section's own
sub-navigation, and the first page of a kind linked from them: an enterprise, a target, a
cluster, a diagnosis…), plus, for the officers and the enterprise users, the pages a newcomer
of that kind is shown in the README. A page the navigation offers must open; a listed page
the role may not open (403/404) is skipped by the callers and covered by the access tests."""

from __future__ import annotations

import re

# Every account demo-data makes (accounts.roles.DEMO_USERS), one or two per role.
ROLES = ["admin", "reviewer", "analyst", "wujin", "xinbei", "qiye1", "qiye2", "fuwushang",
         "yinhang"]
ENTERPRISE_USERS = {"qiye1", "qiye2"}

OFFICER_PAGES = [
    "/", "/enterprises/", "/policies/", "/policies/review/", "/policies/ledger/",
    "/policies/budgets/", "/policies/runs/", "/policies/library/", "/policies/audit/",
    "/targets/", "/industry/", "/industry/map/", "/industry/leads/",
    "/cultivation/", "/projects/", "/projects/rates/", "/projects/gantt/", "/transform/",
]
ENTERPRISE_PAGES = [
    "/", "/policies/calculator/", "/policies/applications/", "/policies/inbox/",
    "/policies/library/", "/projects/", "/transform/",
]
# (page, pattern): the first link in <main> of ``page`` whose path matches ``pattern``.
LINKS = [
    ("/", r"^/districts/[\w-]+/$"),
    ("/enterprises/", r"^/enterprises/\d+/$"),
    ("/targets/", r"^/targets/[\w-]+/$"),
    ("/industry/", r"^/industry/cluster/[\w-]+/$"),
    ("/industry/", r"^/industry/chain/[\w-]+/$"),
    ("/cultivation/", r"^/cultivation/pool/[\w-]+/$"),
    ("/projects/", r"^/projects/\d+/$"),
    ("/policies/review/", r"^/policies/awards/\d+/$"),
    ("/policies/library/", r"^/policies/library/[\w-]+/$"),
    ("/transform/diagnoses/", r"^/transform/diagnoses/\d+/$"),
    ("/transform/providers/", r"^/transform/providers/\d+/$"),
]
# Playwright's default 30 s is a duration asserted by the back door: on a shared machine under
# load a page has taken 20 s to render (the lenders' list, before it was paginated). A page that
# never answers still fails, after this.
PATIENCE_MS = 180_000


def patient(context):
    """``context`` with timeouts for a busy machine (PATIENCE_MS)."""
    context.set_default_timeout(PATIENCE_MS)
    context.set_default_navigation_timeout(PATIENCE_MS)
    return context


# Links that are files or actions, not pages to lay out.
NOT_A_PAGE = re.compile(r"\.(pdf|xlsx|csv|json)$|/export|/report/|/logout/")


def login(page, server, username):
    page.goto(server["url"] + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["users"][username])
    page.click("button[type=submit]")
    page.wait_for_function("!location.pathname.startsWith('/login/')")


def _hrefs(page, selector) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h.split("#")[0] for h in hrefs if h and h.startswith("/")]


def first_link(page, base, path, pattern):
    page.goto(base + path)
    if page.evaluate("location.pathname") != path:
        return None  # sent elsewhere (an enterprise user's home is its own page)
    return next((h for h in _hrefs(page, "main a[href]") if re.match(pattern, h.split("?")[0])), None)


def pages_of(page, server, username) -> tuple[list[str], set[str]]:
    """(every page of ``username``'s walk, the ones its navigation offers or links to):
    the caller is logged in as ``username``."""
    base = server["url"]
    page.goto(base + "/")
    own = page.evaluate("location.pathname")  # where the role lands: cockpit, own page, tasks
    offered = [own, *_hrefs(page, "nav.sections a[href]")]
    for section in list(offered):
        response = page.goto(base + section)
        if response.status == 200:
            # The section's own sub-navigation (handling system, projects, 智改数转).
            offered += [h for h in _hrefs(page, "main nav a[href]") if "?" not in h]
    offered = [p for p in dict.fromkeys(offered) if not NOT_A_PAGE.search(p)]
    for path, pattern in LINKS:
        if path in offered or path == own:
            link = first_link(page, base, path, pattern)
            if link and not NOT_A_PAGE.search(link):
                offered.append(link)
    if username in ENTERPRISE_USERS:
        main = ENTERPRISE_PAGES
        eid = re.search(r"/enterprises/(\d+)/", own).group(1)
        offered += [f"/policies/enterprise/{eid}/awards/", f"/policies/calculator/{eid}/"]
    elif set(offered) & {"/enterprises/"}:
        main = OFFICER_PAGES
        enterprise = next((p for p in offered if re.match(r"^/enterprises/\d+/$", p)), None)
        if enterprise:
            offered.append(f"/policies/calculator/{enterprise.split('/')[2]}/")
    else:
        main = []
    offered = list(dict.fromkeys(offered))
    return list(dict.fromkeys([*main, *offered])), set(offered)
