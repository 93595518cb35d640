"""The section gate for the REST API: a role confined to its navigation (core.context.CONFINED:
a 智改数转 provider's staff, a lender) calls only the endpoints of the sections its navigation
offers, as its pages are gated by core.middleware.SectionGateMiddleware. Without it a
provider's token read an assigned enterprise's figures, awards and pools through /api/,
which its pages refuse. Every other role is left to the endpoint's own rights and
core.scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .context import CONFINED, SECTIONS
from .scope import role_of


def may_call(user, view) -> bool:
    """Whether ``user`` may call the API view ``view`` (an instance or its class) as far as
    sections go: the API's root
    (a list of links) and every endpoint for everyone but a confined role; a confined role
    only the endpoints of the apps of the sections its navigation offers."""
    role = role_of(user)
    if role not in CONFINED:
        return True
    module = (view if isinstance(view, type) else type(view)).__module__
    if module.startswith("rest_framework."):  # the router's root: links, no data
        return True
    offered = {name.partition(":")[0] for name, _label, roles in SECTIONS
               if role in roles and ":" in name}
    parts = module.split(".")
    return len(parts) > 2 and parts[0] == "industrybrain" and parts[1] in offered


class SectionGate(BasePermission):
    message = _("本栏目不对您的账户开放，请使用导航中的栏目")

    def has_permission(self, request, view) -> bool:
        return may_call(request.user, view)
