"""Who may see which enterprises: one rule, used by every page, API view and export.

City-wide roles see every enterprise; a district officer only the district's; an enterprise
user only its own. Anyone else sees nothing. Out-of-scope objects are answered with 404 so
that their existence is not revealed.
"""

from django.db.models import QuerySet

CITY_WIDE_ROLES = {"city_admin", "reviewer", "analyst"}

# Roles whose scope an app above core defines and declares here when it is ready (core imports
# no domain app): role -> function(user) giving the ids of the enterprises the user may see,
# as a queryset of ids (a subquery), e.g. the provider role (transform: the enterprises
# assigned to the user's provider).
ROLE_ENTERPRISES: dict = {}


def declare_role_scope(role: str, enterprise_ids) -> None:
    """Declare how ``role`` sees enterprises: ``enterprise_ids(user)`` gives their ids."""
    ROLE_ENTERPRISES[role] = enterprise_ids


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return "city_admin"
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def scope_enterprises(user, queryset: QuerySet, path: str = "") -> QuerySet:
    """Limit a queryset to what ``user`` may see; ``path`` leads from its model to Enterprise
    (``""`` for Enterprise itself, ``"enterprise__"`` for figures and designations)."""
    return _scope(user, queryset, f"{path}district_id", f"{path}pk")


def scope_projects(user, queryset: QuerySet, path: str = "") -> QuerySet:
    """The same rule for major projects; ``path`` leads from its model to Project (``""`` for
    Project itself, ``"project__"`` for needs and inspections). A project belongs to the
    district it is built in (which may differ from its enterprise's) and to its enterprise;
    a project of a new enterprise not yet in the database has no enterprise user."""
    return _scope(user, queryset, f"{path}district_id", f"{path}enterprise_id")


def _scope(user, queryset: QuerySet, district_field: str, enterprise_field: str) -> QuerySet:
    role = role_of(user)
    if role in CITY_WIDE_ROLES:
        return queryset
    if role == "district_officer":
        return queryset.filter(**{district_field: user.profile.district_id})
    if role == "enterprise_user":
        return queryset.filter(**{enterprise_field: user.profile.enterprise_id})
    if role in ROLE_ENTERPRISES:
        return queryset.filter(**{f"{enterprise_field}__in": ROLE_ENTERPRISES[role](user)})
    return queryset.none()


def can_edit_projects(user) -> bool:
    """The city administrator and district officers keep the project records (a district
    officer only the own district's, which scope_projects already limits)."""
    return role_of(user) in ("city_admin", "district_officer")


def can_import(user) -> bool:
    return role_of(user) == "city_admin"


def scope_district_rows(user, queryset: QuerySet, field: str = "district") -> QuerySet:
    """Rows that belong to a district rather than an enterprise (招商 leads): city-wide roles see
    all, a district officer the own district's, everyone else nothing."""
    role = role_of(user)
    if role in CITY_WIDE_ROLES:
        return queryset
    if role == "district_officer":
        return queryset.filter(**{f"{field}_id": user.profile.district_id})
    return queryset.none()


def can_steer_industry(user) -> bool:
    """Who may place an enterprise in a segment by hand and keep the 招商 watch list: the
    city's administrators and district officers (for their own district)."""
    return role_of(user) in {"city_admin", "district_officer"}
