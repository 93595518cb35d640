"""Per-view SQL query-count baselines (as NetBox keeps them): a page whose count grows with
its rows has an N+1, and this test names it. Raise a baseline only with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# url -> the most queries the page may make for a city admin, whatever the number of rows
BASELINES = {
    # The cockpit, the first time after a change, asks once per chain (8) and per
    # status/district tile (15): bounded by the taxonomy, not by the number of enterprises;
    # +1 for the targets whose statuses it counts (the list's count, tests/test_same_numbers).
    "/": 46,
    "/enterprises/": 12,
    "/industry/": 12,
    "/targets/": 30,
}


@pytest.fixture
def bigger_city(city):
    """The fixture city plus forty more enterprises with figures, so that N+1s show."""
    from conftest import make_uscc
    from industrybrain.enterprises.models import AnnualFigures, District, Enterprise

    district = District.objects.get(code="jintan")
    made = Enterprise.objects.bulk_create([
        Enterprise(uscc=make_uscc(7000 + i, "320413"), name=f"计数测试{i}有限公司",
                   district=district, industry_code="C3311", ownership="private")
        for i in range(40)
    ])
    AnnualFigures.objects.bulk_create([
        AnnualFigures(enterprise=e, year=2021, revenue=10**8, industrial_output=9 * 10**7)
        for e in made
    ])
    from industrybrain.targets.refresh import assess_all, recompute_values

    recompute_values()
    assess_all()
    return city


@pytest.mark.parametrize("url", sorted(BASELINES))
def test_query_count_stays_under_its_baseline(client_as, bigger_city, url):
    client = client_as("admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) <= BASELINES[url], (
        f"{url} made {len(queries)} queries (baseline {BASELINES[url]}):\n"
        + "\n".join(q["sql"][:160] for q in queries.captured_queries)
    )


# The cockpit's figures are computed once per data version: a warm request reads the
# session, the user with their role and district in one query (accounts.backends) and the
# data version: three queries, whoever asks.
WARM_COCKPIT = 3


@pytest.mark.parametrize("who", ["admin", "wujin"])
def test_a_warm_cockpit_asks_for_the_data_version_not_the_figures(client_as, bigger_city, who):
    client = client_as(who)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries) <= WARM_COCKPIT, "\n".join(q["sql"][:160] for q in queries.captured_queries)


@pytest.mark.parametrize("who", ["owner_a", "wujin", "admin"])
def test_the_signed_in_user_is_one_query_without_the_enterprises_row(users, who):
    """Each request loads its user (accounts.backends): role, district and enterprise id in
    one query, the enterprise's own row left out (no page reads it from the profile)."""
    from django.contrib.auth import load_backend

    from industrybrain.core.scope import role_of

    backend = load_backend("industrybrain.accounts.backends.ProfileBackend")
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(users[who].pk)
        scope = (role_of(user), user.profile.district_id, user.profile.enterprise_id,
                 user.profile.district and user.profile.district.name_zh)
    assert scope[0] and len(queries) == 1, queries.captured_queries
    assert "enterprises_enterprise" not in queries.captured_queries[0]["sql"]
