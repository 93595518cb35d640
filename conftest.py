"""Fixtures shared by every test: reference data, a small city, and a user of every role."""

import datetime as dt
import os

import pytest
from stdnum.cn import uscc as uscc_std

# Tests must never write into the developer's ./var. Each pytest-xdist worker (make test runs
# two) gets a directory of its own: media, exports and mail files must not cross between tests
# running at the same time.
os.environ.setdefault("IB_DATA_DIR", os.path.join(os.path.dirname(__file__), ".pytest_cache", "var"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["IB_DATA_DIR"] += "-" + os.environ["PYTEST_XDIST_WORKER"]


def make_uscc(serial: int, division: str = "320412") -> str:
    body = f"91{division}MA{serial:07d}"[:17]
    return body + uscc_std.calc_check_digit(body)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data are loaded once per test database; each test rolls back its own rows."""
    from industrybrain.enterprises.reference import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: what one test computed (the cockpit, kept per
    data version) must not answer in the next, whose rows were rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    # A test request with Accept-Language: en leaves English active in the thread (the
    # LocaleMiddleware does not deactivate): every test starts in the site's language.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def reference(db):
    from industrybrain.enterprises.models import District
    from industrybrain.enterprises.reference import load_reference

    # The migrations load the reference data; a transactional test ends with a flush that
    # takes it away for the transactional tests after it (pytest-django runs them last).
    if not District.objects.exists():
        load_reference()
    assert District.objects.count() == 7


@pytest.fixture
def city(reference):
    """Four enterprises in two districts with a few years of figures and honours."""
    from industrybrain.enterprises.models import (
        AnnualFigures,
        Designation,
        DesignationType,
        District,
        Enterprise,
    )
    from industrybrain.industry.models import Cluster

    wujin = District.objects.get(code="wujin")
    xinbei = District.objects.get(code="xinbei")
    equipment = Cluster.objects.get(code="high_end_equipment")
    made = {}
    for key, district, serial in (("a", wujin, 1), ("b", wujin, 2), ("c", xinbei, 3), ("d", xinbei, 4)):
        enterprise = Enterprise.objects.create(
            uscc=make_uscc(serial, district.division), name=f"常州测试{key.upper()}机械有限公司",
            district=district, industry_code="C3484", ownership="private",
            founded_on=dt.date(2010, 5, 1), cluster=equipment,
        )
        for year, revenue in ((2019, 80), (2020, 90), (2021, 120)):
            AnnualFigures.objects.create(
                enterprise=enterprise, year=year, revenue=revenue * serial * 10**6,
                industrial_output=revenue * serial * 9 * 10**5, above_scale=True,
            )
        made[key] = enterprise
    Designation.objects.create(
        enterprise=made["a"], type=DesignationType.objects.get(code="high_tech"),
        granted_on=dt.date(2020, 11, 2), expires_on=dt.date(2023, 11, 1),
    )
    return made


@pytest.fixture
def users(city):
    """One user per role: admin, reviewer, analyst, a 武进 officer, the users of A and C."""
    from django.contrib.auth import get_user_model

    from industrybrain.accounts.models import Profile
    from industrybrain.enterprises.models import District

    User = get_user_model()
    made = {}
    for name, role, district, enterprise in (
        ("admin", "city_admin", None, None),
        ("reviewer", "reviewer", None, None),
        ("analyst", "analyst", None, None),
        ("wujin", "district_officer", "wujin", None),
        ("owner_a", "enterprise_user", None, city["a"]),
        ("owner_c", "enterprise_user", None, city["c"]),
        ("provider_a", "provider", None, None),
        ("lender", "lender", None, None),
        ("nobody", None, None, None),
    ):
        user = User.objects.create_user(name, password="pw-" + name)
        if role:
            Profile.objects.create(
                user=user, role=role, enterprise=enterprise,
                district=District.objects.get(code=district) if district else None,
            )
        made[name] = user
    _provider_of_a(made["provider_a"], city["a"])
    return made


def _provider_of_a(user, enterprise):
    """provider_a works for a 智改数转 provider that has been assigned enterprise A."""
    from industrybrain.transform.models import Diagnosis, ProcurementLot, Provider, ProviderMember

    provider = Provider.objects.create(name="常州测试智改数转服务商", capabilities=["mes"])
    lot = ProcurementLot.objects.create(code="SCOPE", name="测试采购批次",
                                        period_start=dt.date(2022, 1, 1),
                                        period_end=dt.date(2022, 12, 31),
                                        budget_yuan=10**6, price_yuan=3 * 10**4)
    lot.providers.add(provider)
    ProviderMember.objects.create(user=user, provider=provider)
    Diagnosis.objects.create(enterprise=enterprise, origin="batch", status="assigned", lot=lot,
                             provider=provider, assigned_on=dt.date(2022, 4, 1))


@pytest.fixture
def client_as(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login



@pytest.fixture(autouse=True)
def _postgres_guard(request):
    """A test marked ``postgres`` never passes vacuously on SQLite: it is skipped locally,
    and fails under CI=true, where PostgreSQL must be there."""
    if not request.node.get_closest_marker("postgres"):
        return
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: this test needs PostgreSQL (DATABASE_URL=postgres://…)")
        pytest.skip("needs PostgreSQL: make test-postgres")
