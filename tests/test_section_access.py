"""A role confined to its navigation (a 智改数转 provider's staff, a lender) opens what its
navigation offers and the public pages, and is refused every other section with the styled
403, whatever core.scope would let it see (issue 13: a provider opened the enterprise list, an
assigned enterprise's page and calculator, the district pages and the major projects)."""

import pytest
from django.urls import resolve, reverse

from industrybrain.core.context import CONFINED, SECTIONS, may_open, sections_for

pytestmark = pytest.mark.django_db

CONFINED_USERS = ["provider_a", "lender"]

# The pages found open to both roles, and the pages of one enterprise (A, which provider_a's
# provider is assigned); the walk below adds every section of the navigation builder.
SECTION_PAGES = [
    "/enterprises/", "/enterprises/export/enterprises.csv", "/policies/", "/policies/review/",
    "/policies/ledger/", "/policies/budgets/", "/policies/runs/", "/policies/audit/",
    "/policies/applications/", "/policies/calculator/", "/policies/inbox/",
    "/industry/", "/industry/map/", "/industry/leads/", "/districts/wujin/",
    "/projects/", "/projects/rates/", "/targets/", "/cultivation/",
]
ENTERPRISE_PAGES = ["enterprises:detail", "policies:calculator_for", "policies:enterprise_awards",
                    "cultivation:enterprise"]
PUBLIC_PAGES = ["/policies/library/", "/transform/providers/"]


def _pages(city):
    section_urls = {reverse(name) for name, _label, _roles in SECTIONS}
    one_enterprise = [reverse(name, args=[city["a"].pk]) for name in ENTERPRISE_PAGES]
    return sorted(section_urls | set(SECTION_PAGES) | set(one_enterprise))


def test_the_confined_roles_are_the_transform_roles():
    assert CONFINED == {"provider", "lender"}


@pytest.mark.parametrize("name", CONFINED_USERS)
def test_a_confined_role_opens_its_navigation_and_nothing_else(client_as, users, city, name):
    client = client_as(name)
    user = users[name]
    offered = {url for url, _label in sections_for(user)}
    assert offered == {reverse("transform:index")}
    opened, refused = [], []
    for url in _pages(city):
        response = client.get(url, follow=True)
        if may_open(user, resolve(url)):
            # Offered (or public, or the landing page): it opens, here or where it sends the role.
            assert response.status_code == 200, (name, url, response.status_code)
            opened.append(url)
        else:
            assert response.status_code == 403, (name, url, response.status_code)
            html = response.content.decode()
            assert "您没有权限打开此页面" in html and 'class="top"' in html  # the styled page
            assert "本栏目不对您的账户开放" in html
            refused.append(url)
    assert set(opened) >= offered | {"/"}
    # What the issue found open: each one is refused now.
    assert {"/enterprises/", "/policies/", "/policies/review/", "/industry/", "/industry/map/",
            "/districts/wujin/", "/projects/", f"/enterprises/{city['a'].pk}/",
            f"/policies/calculator/{city['a'].pk}/"} <= set(refused)


@pytest.mark.parametrize("name", CONFINED_USERS)
def test_a_confined_role_still_reads_the_public_pages(client_as, name):
    client = client_as(name)
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, (name, url)


def test_the_provider_still_works_its_own_diagnoses(client_as, city):
    from industrybrain.transform.models import Diagnosis

    client = client_as("provider_a")
    diagnosis = Diagnosis.objects.get(enterprise=city["a"])
    assert client.get("/transform/diagnoses/").status_code == 200
    assert client.get(reverse("transform:diagnosis", args=[diagnosis.pk])).status_code == 200
    assert client.get(reverse("transform:enterprise", args=[city["a"].pk])).status_code == 200


def test_the_lender_reads_its_list(client_as):
    client = client_as("lender")
    assert client.get("/transform/lenders/").status_code == 200
    assert client.get("/transform/lenders.xlsx").status_code == 200


@pytest.mark.parametrize("name", ["admin", "reviewer", "analyst", "wujin", "owner_a"])
def test_other_roles_are_not_confined(client_as, users, city, name):
    # The gate leaves every other role to its views' own rights and core.scope.
    for url in _pages(city):
        assert may_open(users[name], resolve(url)), (name, url)


# Every endpoint of the API with data of the city, by the section its app belongs to.
CITY_ENDPOINTS = ["/api/enterprises/", "/api/figures/", "/api/designations/", "/api/districts/",
                  "/api/clusters/", "/api/chains/", "/api/projects/", "/api/targets/",
                  "/api/pool-memberships/", "/policies/api/awards/",
                  "/policies/api/ledger/", "/policies/api/runs/", "/policies/api/audit/"]
TRANSFORM_ENDPOINTS = ["/api/diagnoses/", "/api/providers/"]


@pytest.mark.parametrize("name", CONFINED_USERS)
def test_a_confined_role_calls_only_its_sections_endpoints(client_as, city, name):
    """The API keeps the pages' gate: a provider's staff or a lender, signed in or with a
    token, reads 智改数转's endpoints and is refused the rest of the city, its assigned
    enterprise's figures and awards included, in the gate's words."""
    client = client_as(name)
    for url in TRANSFORM_ENDPOINTS + ["/api/"]:
        assert client.get(url).status_code == 200, (name, url)
    for url in CITY_ENDPOINTS + [f"/api/enterprises/{city['a'].pk}/",
                                 f"/api/enterprise-diagnoses/{city['a'].pk}/"]:
        response = client.get(url)
        if url.startswith("/api/enterprise-diagnoses/"):  # 智改数转's own: scope decides
            assert response.status_code in (200, 404), (name, url, response.status_code)
            continue
        assert response.status_code == 403, (name, url, response.status_code)
        assert "本栏目不对您的账户开放" in response.json()["detail"]


def test_every_other_role_is_left_to_the_endpoints_rights(client_as):
    for name in ("analyst", "wujin"):
        client = client_as(name)
        for url in CITY_ENDPOINTS[:3] + TRANSFORM_ENDPOINTS:
            assert client.get(url).status_code == 200, (name, url)


@pytest.mark.parametrize("name", CONFINED_USERS)
def test_a_confined_roles_token_meets_the_same_gate(client, users, city, name):
    token = client.post("/api/token/", {"username": name, "password": f"pw-{name}"}).json()
    auth = {"HTTP_AUTHORIZATION": f"Token {token['token']}"}
    assert client.get("/api/diagnoses/", **auth).status_code == 200
    assert client.get(f"/api/enterprises/{city['a'].pk}/", **auth).status_code == 403
    assert client.get("/api/figures/", **auth).status_code == 403
