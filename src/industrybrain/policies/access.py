"""Who may do what in the handling system; what they may see is core.scope's alone."""

from django.core.exceptions import PermissionDenied

from industrybrain.core.scope import role_of, scope_enterprises
from industrybrain.policies.models import Application, Award, LedgerEntry


def can_run(user) -> bool:
    return role_of(user) == "city_admin"


def can_review(user) -> bool:
    return role_of(user) in ("city_admin", "reviewer")


def can_audit(user) -> bool:
    return role_of(user) in ("city_admin", "reviewer", "analyst")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def awards(user):
    return scope_enterprises(user, Award.objects.all(), "enterprise__")


def payments(user):
    return scope_enterprises(user, LedgerEntry.objects.all(), "enterprise__")


def applications(user):
    return scope_enterprises(user, Application.objects.all(), "enterprise__")
