"""Role groups for Django's admin, and the demo users of every role."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from industrybrain.accounts.models import Profile, Role

# Admin rights by role: the city administrator maintains the data; everyone else reads
# through the pages and the API, which apply core.scope.
ADMIN_APPS = ["enterprises", "industry", "accounts", "core", "policies", "targets",
              "cultivation", "projects", "transform"]


def ensure_groups() -> None:
    group, _ = Group.objects.get_or_create(name=str(Role.CITY_ADMIN.label))
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


DEMO_USERS = [
    ("admin", Role.CITY_ADMIN, None, None),
    ("reviewer", Role.REVIEWER, None, None),
    ("analyst", Role.ANALYST, None, None),
    ("wujin", Role.DISTRICT_OFFICER, "wujin", None),
    ("xinbei", Role.DISTRICT_OFFICER, "xinbei", None),
    ("qiye1", Role.ENTERPRISE_USER, None, 0),
    ("qiye2", Role.ENTERPRISE_USER, None, 1),
]


def password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-users.txt"


def _saved_passwords() -> dict:
    path = password_file()
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {user: password for user, password, *_ in pairs}


def ensure_demo_users(showcase_enterprises) -> list[tuple[str, str, str]]:
    """Create (or keep) one user per role; passwords are random on first run, then kept in
    DATA_DIR/demo-users.txt (mode 600) so that re-running the demo does not change them."""
    from industrybrain.enterprises.models import District

    ensure_groups()
    saved = _saved_passwords()
    User = get_user_model()
    rows = []
    for username, role, district_code, enterprise_index in DEMO_USERS:
        password = saved.get(username) or secrets.token_urlsafe(9)
        user, created = User.objects.get_or_create(username=username)
        if created or not user.check_password(password):
            user.set_password(password)
        user.is_staff = role == Role.CITY_ADMIN
        user.is_superuser = role == Role.CITY_ADMIN
        user.save()
        enterprise = showcase_enterprises[enterprise_index] if enterprise_index is not None else None
        district = District.objects.get(code=district_code) if district_code else None
        Profile.objects.update_or_create(user=user, defaults={
            "role": role, "district": district, "enterprise": enterprise,
        })
        scope = enterprise.name if enterprise else (district.name_zh if district else "全市")
        rows.append((username, password, f"{role.label}（{scope}）"))
    path = password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{u}\t{p}\t{d}\n" for u, p, d in rows), encoding="utf-8")
    path.chmod(0o600)
    return rows
