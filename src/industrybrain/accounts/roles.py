"""Role groups for Django's admin, and the demo users of every role."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from industrybrain.accounts.models import Profile, Role

# Admin rights by role: the city administrator maintains the data; everyone else reads
# through the pages and the API, which apply core.scope.
ADMIN_APPS = ["enterprises", "industry", "accounts", "core", "policies", "targets",
              "cultivation", "projects", "transform"]


def ensure_groups() -> None:
    group, _ = Group.objects.get_or_create(name=str(Role.CITY_ADMIN.label))
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


DEMO_GROUP = "演示用户（demo-data 生成）"

DEMO_USERS = [
    ("admin", Role.CITY_ADMIN, None, None),
    ("reviewer", Role.REVIEWER, None, None),
    ("analyst", Role.ANALYST, None, None),
    ("wujin", Role.DISTRICT_OFFICER, "wujin", None),
    ("xinbei", Role.DISTRICT_OFFICER, "xinbei", None),
    ("qiye1", Role.ENTERPRISE_USER, None, 0),
    ("qiye2", Role.ENTERPRISE_USER, None, 1),
    # 智改数转: the demo provider's staff (linked to its provider by the transform demo) and a bank.
    ("fuwushang", Role.PROVIDER, None, None),
    ("yinhang", Role.LENDER, None, None),
]


def password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-users.txt"


def _saved_passwords() -> dict:
    path = password_file()
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {user: password for user, password, *_ in pairs}


def demo_group() -> Group:
    """The group that marks an account as made by ``demo-data``; no real account is in it."""
    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    return group


def foreign_users():
    """Accounts that ``demo-data`` did not make (a real administrator, an officer)."""
    return get_user_model().objects.exclude(groups__name=DEMO_GROUP)


def ensure_demo_users(showcase_enterprises) -> list[tuple[str, str, str]]:
    """Create the missing demo users, one per role; passwords are random and kept in
    DATA_DIR/demo-users.txt (mode 600). An existing account is never changed: a demo user
    keeps its password (its role's scope follows the regenerated city), and an account with
    a demo name that ``demo-data`` did not make is left alone and reported."""
    from industrybrain.enterprises.models import District

    ensure_groups()
    group = demo_group()
    saved = _saved_passwords()
    User = get_user_model()
    rows = []
    for username, role, district_code, enterprise_index in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is not None and not user.groups.filter(pk=group.pk).exists():
            rows.append((username, "—", str(_("已存在的非演示账户，未改动"))))
            continue
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username, password=password, is_staff=role == Role.CITY_ADMIN,
                is_superuser=role == Role.CITY_ADMIN)
            user.groups.add(group)
        else:
            password = saved.get(username, str(_("（未改动）")))
        enterprise = showcase_enterprises[enterprise_index] if enterprise_index is not None else None
        district = District.objects.get(code=district_code) if district_code else None
        # Only demo accounts get here; their scope follows the (possibly regenerated) city.
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
