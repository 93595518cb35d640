"""A safe deployment (issue 11): login lockout, tokens that expire, the production switch,
password rules, upload quotas, private files, demo safety and evidence that stays."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from industrybrain.core.models import AuditEvent

pytestmark = pytest.mark.django_db
BIN = Path(sys.executable).parent

LIMIT = 5  # settings.AXES_FAILURE_LIMIT


def _wrong(client, url, username, n, ip="10.0.0.1", **extra):
    for _ in range(n):
        client.post(url, {"username": username, "password": "wrong-password"},
                    REMOTE_ADDR=ip, **extra)


# --- login lockout -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_a_user_is_locked_out_after_wrong_passwords_even_with_the_right_one(users, url):
    client = Client()
    _wrong(client, url, "analyst", LIMIT)
    response = client.post(url, {"username": "analyst", "password": "pw-analyst"},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # the lockout is in the audit log, with the name tried and the address
    event = AuditEvent.objects.filter(action="login_locked_out").first()
    assert event is not None and event.detail["username"] == "analyst"


def test_the_lock_is_per_user_name_from_any_address(users):
    client = Client()
    for i in range(LIMIT):
        _wrong(client, "/login/", "analyst", 1, ip=f"10.0.1.{i}")
    response = client.post("/login/", {"username": "analyst", "password": "pw-analyst"},
                           REMOTE_ADDR="10.0.9.9")
    assert response.status_code == 429
    # another user is not locked by analyst's failures
    ok = Client().post("/login/", {"username": "reviewer", "password": "pw-reviewer"},
                       REMOTE_ADDR="10.0.9.9")
    assert ok.status_code == 302


def test_the_lock_is_per_address_for_any_user_name(users):
    client = Client()
    for i in range(LIMIT):
        _wrong(client, "/login/", f"guess{i}", 1, ip="10.0.2.2")
    response = client.post("/login/", {"username": "reviewer", "password": "pw-reviewer"},
                           REMOTE_ADDR="10.0.2.2")
    assert response.status_code == 429


def test_the_token_endpoint_is_locked_like_the_login_page(users):
    client = Client()
    for i in range(LIMIT):
        status = client.post("/api/token/", {"username": "analyst", "password": "nope"},
                             REMOTE_ADDR="10.0.3.3").status_code
        assert status == (400 if i < LIMIT - 1 else 429)  # the last failure locks
    response = client.post("/api/token/", {"username": "analyst", "password": "pw-analyst"},
                           REMOTE_ADDR="10.0.3.3")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_a_right_password_resets_the_count(users):
    client = Client()
    _wrong(client, "/login/", "analyst", LIMIT - 1)
    assert client.post("/login/", {"username": "analyst", "password": "pw-analyst"},
                       REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()
    _wrong(client, "/login/", "analyst", LIMIT - 1)
    assert client.post("/login/", {"username": "analyst", "password": "pw-analyst"},
                       REMOTE_ADDR="10.0.0.1").status_code == 302


# --- tokens --------------------------------------------------------------------------------

def test_tokens_expire_and_can_be_revoked(users, settings):
    from rest_framework.authtoken.models import Token

    client = Client()
    key = client.post("/api/token/", {"username": "analyst", "password": "pw-analyst"}).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/enterprises/", **auth).status_code == 200
    # past its lifetime the token is refused, and a new one is issued for the password
    Token.objects.filter(key=key).update(created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/enterprises/", **auth).status_code == 401
    new = client.post("/api/token/", {"username": "analyst", "password": "pw-analyst"}).json()["token"]
    assert new != key
    auth = {"HTTP_AUTHORIZATION": f"Token {new}"}
    assert client.get("/api/enterprises/", **auth).status_code == 200
    # revoked by its holder
    assert client.delete("/api/token/", **auth).status_code == 204
    assert client.get("/api/enterprises/", **auth).status_code == 401
    assert AuditEvent.objects.filter(action="token_revoked").exists()


# --- passwords -----------------------------------------------------------------------------

def test_weak_passwords_are_refused(django_user_model):
    user = django_user_model(username="qiye1")
    for weak in ("20222022", "qiye1qiye1", "qiye1qiye1qiye1", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Lanse-huadi-2022!", user)


# --- the production switch -----------------------------------------------------------------

def _cli(*args, env=None, tmp_path):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("IB_") and k != "DATABASE_URL"}
    base.update({"IB_DATA_DIR": str(tmp_path), **(env or {})})
    return subprocess.run([str(BIN / "industrybrain"), *args], env=base, capture_output=True,
                          text=True, timeout=600)  # `setup` on a loaded machine takes minutes


PRODUCTION = {"IB_ENV": "production", "IB_ALLOWED_HOSTS": "brain.example.gov.cn",
              "IB_SECRET_KEY": "k8Jq2-xVn4_Lr9Tz0WcP6mYs1Hd3Ue5FgAo7BiCj-NlQwErTyUiOpAsDfGhJ"}


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _cli("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION,
                  tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_default_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "IB_SECRET_KEY"}
    result = _cli("check", "--deploy", env=env, tmp_path=tmp_path)
    assert result.returncode != 0 and "IB_SECRET_KEY" in result.stderr


def test_production_turns_on_secure_cookies_hsts_and_the_proxy_header(tmp_path):
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
            "s.SECURE_PROXY_SSL_HEADER)")
    result = _cli("shell", "--no-imports", "-c", code, env=PRODUCTION, tmp_path=tmp_path)
    assert result.stdout.strip() == "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')", \
        result.stderr


def test_serve_refuses_a_public_address_with_the_default_key(tmp_path):
    result = _cli("serve", "--host", "0.0.0.0", "--port", "8199", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "IB_SECRET_KEY" in result.stderr


def test_the_data_directory_and_database_are_private(tmp_path):
    data = tmp_path / "data"
    result = _cli("setup", env={"IB_DATA_DIR": str(data)}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    _cli("check", env={"IB_DATA_DIR": str(data)}, tmp_path=tmp_path)
    assert data.stat().st_mode & 0o777 == 0o700
    _cli("shell", "--no-imports", "-c", "from industrybrain.enterprises.models import District; "
         "District.objects.count()", env={"IB_DATA_DIR": str(data)}, tmp_path=tmp_path)
    assert (data / "industrybrain.sqlite3").stat().st_mode & 0o777 == 0o600


# --- uploads: quotas and private files -----------------------------------------------------

PDF = b"%PDF-1.4\n" + b"0" * 1000


def _apply(client, files, policy="cluster_promotion_body", year=2022):  # a 快申快享 policy
    return client.post("/policies/applications/", {
        "policy": policy, "year": year, "statement": "证书附后", "files": files})


def _pdfs(n, size=1009):
    return [SimpleUploadedFile(f"c{i}.pdf", PDF[:9] + b"0" * (size - 9),
                               content_type="application/pdf") for i in range(n)]


def test_files_per_application_are_limited(client_as, city, settings):
    from industrybrain.policies.models import Application

    settings.IB_APPLICATION_MAX_FILES = 3
    page = _apply(client_as("owner_a"), _pdfs(4)).content.decode()
    assert "最多上传3个附件" in page and not Application.objects.exists()


def test_bytes_per_application_are_limited(client_as, city, settings):
    from industrybrain.policies.models import Application

    settings.IB_APPLICATION_MAX_TOTAL_BYTES = 2500
    page = _apply(client_as("owner_a"), _pdfs(3)).content.decode()
    assert "附件合计不能超过" in page and not Application.objects.exists()


def test_bytes_per_enterprise_are_limited(client_as, city, settings):
    from industrybrain.policies.models import Application

    settings.IB_ENTERPRISE_MAX_BYTES = 2500
    owner = client_as("owner_a")
    assert _apply(owner, _pdfs(2)).status_code == 302
    page = _apply(owner, _pdfs(1), policy="cluster_platform").content.decode()
    assert "每家企业" in page and Application.objects.count() == 1


def test_attachments_are_private_files_served_only_in_scope(client_as, city, settings, tmp_path):
    from industrybrain.policies.models import Attachment

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _apply(client_as("owner_a"), _pdfs(1))
    att = Attachment.objects.get()
    path = Path(att.file.path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert str(path).startswith(str(tmp_path / "media"))
    # no URL serves the media directory; only the scoped view does
    assert not settings.MEDIA_URL or settings.MEDIA_URL in ("", "/")
    assert client_as("owner_c").get(f"/policies/attachments/{att.pk}/").status_code == 404
    assert client_as("owner_a").get(f"/policies/attachments/{att.pk}/").status_code == 200


# --- evidence stays ------------------------------------------------------------------------

def test_import_records_cannot_be_added_changed_or_deleted_in_the_admin(city, django_user_model):
    from industrybrain.core.models import ImportBatch

    batch = ImportBatch.objects.create(kind="enterprises", filename="x.csv", sha256="", rows=1)
    root = django_user_model.objects.create_superuser("root", password="pw-root-Long-1")
    client = Client()
    client.force_login(root)
    assert client.get("/admin/core/importbatch/add/").status_code == 403
    assert client.post(f"/admin/core/importbatch/{batch.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ImportBatch.objects.filter(pk=batch.pk).exists()


def test_a_user_who_acted_can_be_deactivated_not_deleted(users, django_user_model):
    from django.db.models import ProtectedError

    from industrybrain.core import audit

    reviewer = users["reviewer"]
    audit.record(reviewer, "approve", detail={"award": 1})
    with pytest.raises(ProtectedError):
        reviewer.delete()
    assert AuditEvent.objects.filter(user=reviewer).exists()
    reviewer.is_active = False
    reviewer.save()
    response = Client().post("/login/", {"username": "reviewer", "password": "pw-reviewer"})
    assert response.status_code == 200  # the form again: an inactive account cannot log in


def test_reading_the_budgets_page_writes_nothing(client_as, city):
    from industrybrain.policies.models import Budget

    before = Budget.objects.count()
    assert client_as("admin").get("/policies/budgets/?year=2030").status_code == 200
    assert Budget.objects.count() == before


def test_a_budget_is_positive_in_the_database(city):
    from django.db import IntegrityError, transaction

    from industrybrain.policies.models import Budget

    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(policy_id="dengfeng", year=2022, amount_yuan=-5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(policy_id="dengfeng", year=2022, amount_yuan=0)


def test_a_zero_or_negative_budget_is_refused_with_a_message(client_as, city):
    from industrybrain.policies.models import Budget

    for amount in ("0", "-5"):
        response = client_as("admin").post("/policies/budgets/?year=2022",
                                           {"policy": "dengfeng", "amount_wan": amount})
        assert response.status_code == 400
        assert "负数" in response.content.decode() or "正数" in response.content.decode()
    assert not Budget.objects.filter(policy_id="dengfeng").exists()


def test_the_api_schema_needs_a_login(client_as, city):
    assert Client().get("/api/schema/").status_code in (401, 403)
    assert client_as("analyst").get("/api/schema/").status_code == 200


def test_industry_page_shows_an_enterprise_user_no_city_wide_counts(client_as, city):
    from industrybrain.enterprises.models import Enterprise
    from industrybrain.industry.models import Cluster

    cluster = Cluster.objects.get(code="high_end_equipment")
    assert Enterprise.objects.filter(cluster=cluster).count() == 4
    owner = client_as("owner_a").get("/industry/")
    admin = client_as("admin").get("/industry/")
    counts = {c["cluster"].code: c["cluster"].n for c in owner.context["clusters"]}
    assert counts["high_end_equipment"] == 1
    counts = {c["cluster"].code: c["cluster"].n for c in admin.context["clusters"]}
    assert counts["high_end_equipment"] == 4


# --- demo-data on a real database ----------------------------------------------------------

@pytest.fixture
def real_accounts(reference, django_user_model):
    from industrybrain.accounts.models import Profile
    from industrybrain.enterprises.models import District

    admin = django_user_model.objects.create_superuser("admin", password="Real-admin-pw-1")
    wujin = django_user_model.objects.create_user("wujin", password="Real-wujin-pw-1")
    Profile.objects.create(user=wujin, role="district_officer",
                           district=District.objects.get(code="wujin"))
    return admin, wujin


def test_demo_data_refuses_a_database_with_real_accounts(real_accounts, settings, tmp_path):
    from django.core.management import CommandError, call_command

    from industrybrain.enterprises.models import Enterprise

    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="--demo-only-database"):
        call_command("demo_data", "--enterprises", "200")
    assert not Enterprise.objects.filter(is_synthetic=True).exists()
    admin, _wujin = real_accounts
    admin.refresh_from_db()
    assert admin.check_password("Real-admin-pw-1")


def test_demo_data_never_changes_an_existing_account(real_accounts, settings, tmp_path,
                                                     django_user_model):
    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    call_command("demo_data", "--enterprises", "300", "--demo-only-database")
    admin, wujin = real_accounts
    admin.refresh_from_db()
    wujin.refresh_from_db()
    assert admin.check_password("Real-admin-pw-1") and admin.is_superuser
    assert not hasattr(admin, "profile") or admin.profile is None
    assert wujin.check_password("Real-wujin-pw-1")
    assert wujin.profile.role == "district_officer"
    # the other demo users exist, and the password file says the two were left alone
    assert django_user_model.objects.filter(username="reviewer").exists()
    listing = (tmp_path / "demo-users.txt").read_text(encoding="utf-8")
    assert "admin\t—\t已存在的非演示账户，未改动" in listing
    # a second run changes no demo user's password either
    reviewer = django_user_model.objects.get(username="reviewer")
    hashed = reviewer.password
    call_command("demo_data", "--enterprises", "300", "--demo-only-database")
    reviewer.refresh_from_db()
    assert reviewer.password == hashed
