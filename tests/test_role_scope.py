"""Every role sees exactly its scope, in pages and API alike (DESIGN §8: inherited scope tests)."""

import pytest
from django.urls import resolve

from industrybrain.core.apigate import may_call
from industrybrain.core.context import CONFINED, may_open
from industrybrain.core.scope import role_of
from industrybrain.core.testing import enterprise_urls

pytestmark = pytest.mark.django_db

ENTERPRISE_URLS = enterprise_urls()  # what every app declares in its testing module

# role -> which of the fixture's enterprises it may see (a, b in 武进; c, d in 新北)
VISIBLE = {
    "admin": "abcd",
    "reviewer": "abcd",
    "analyst": "abcd",
    "wujin": "ab",
    "owner_a": "a",
    "owner_c": "c",
    "provider_a": "a",  # a 智改数转 provider: the enterprises assigned to it
    "lender": "",  # a lender reads the key-client list only
    "nobody": "",
}


@pytest.mark.parametrize("name", sorted(ENTERPRISE_URLS))
@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_enterprise_urls_follow_scope(client_as, users, city, name, role):
    make_url, kind = ENTERPRISE_URLS[name]
    client = client_as(role)
    for key, enterprise in city.items():
        url = make_url(enterprise)
        response = client.get(url)
        # A provider's staff see their enterprises through 智改数转's pages and endpoints
        # only: the other sections refuse a role confined to its navigation, in pages and
        # API alike (tests/test_section_access.py).
        match = resolve(url)
        if (not may_open(users[role], match) if kind == "page"
                else not may_call(users[role], match.func.cls)):
            assert response.status_code == 403, (role, key, response.status_code)
        elif key in VISIBLE[role]:
            assert response.status_code == 200, (role, key)
        else:
            assert response.status_code in (403, 404), (role, key, response.status_code)


@pytest.mark.parametrize("name", sorted(ENTERPRISE_URLS))
def test_anonymous_is_sent_to_login_or_refused(client, city, name):
    make_url, kind = ENTERPRISE_URLS[name]
    response = client.get(make_url(city["a"]))
    if kind == "page":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 401


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_lists_and_exports_hold_only_the_scope(client_as, users, city, role):
    client = client_as(role)
    expected = {city[k].uscc for k in VISIBLE[role]}
    if role_of(users[role]) in CONFINED:  # confined to 智改数转 (tests/test_section_access.py)
        for url in ("/api/enterprises/", "/api/figures/", "/enterprises/",
                    "/enterprises/export/enterprises.csv"):
            assert client.get(url).status_code == 403, (role, url)
        return
    api = client.get("/api/enterprises/").json()["results"]
    assert {row["uscc"] for row in api} == expected
    figures = client.get("/api/figures/?page_size=500").json()["results"]
    assert {row["enterprise"] for row in figures} <= {city[k].pk for k in VISIBLE[role]}
    if role == "nobody":
        assert expected == set()
    page = client.get("/enterprises/")
    export = client.get("/enterprises/export/enterprises.csv")
    for key, enterprise in city.items():
        assert (enterprise.name in page.content.decode()) == (key in VISIBLE[role])
    export = export.content.decode("utf-8-sig")
    for key, enterprise in city.items():
        assert (enterprise.uscc in export) == (key in VISIBLE[role])


def test_token_auth_applies_the_same_scope(client, users, city):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["owner_a"])
    own = client.get(f"/api/enterprises/{city['a'].pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    other = client.get(f"/api/enterprises/{city['b'].pk}/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert own.status_code == 200 and own.json()["uscc"] == city["a"].uscc
    assert other.status_code == 404


def test_token_is_issued_for_a_password(client, users):
    response = client.post("/api/token/", {"username": "analyst", "password": "pw-analyst"})
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_only_the_city_admin_may_import(client_as, city):
    assert client_as("admin").get("/enterprises/import/").status_code == 200
    for role in ("reviewer", "analyst", "wujin", "owner_a"):
        assert client_as(role).get("/enterprises/import/").status_code == 403
