"""The navigation, built from what the user may open (tests/test_navigation.py holds every
link to a 200 and every refused section out of it, for every role), and the gate that keeps
the roles confined to their navigation out of every other section (:func:`may_open`, applied
to every page by core.middleware.SectionGateMiddleware)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industrybrain.core.scope import CITY_WIDE_ROLES, role_of

OFFICERS = frozenset(CITY_WIDE_ROLES | {"district_officer"})
ENTERPRISE = frozenset({"enterprise_user"})
ANY_ROLE = OFFICERS | ENTERPRISE
# 智改数转's own roles (issue 17): a provider's staff and a lender open that section only.
TRANSFORM_ONLY = frozenset({"provider", "lender"})

# The sections of DESIGN.md §1–2, in the order an official works through them, and who may
# open each. An enterprise user's home is its own enterprise page, hence its own label; the
# officers' sections that would show an enterprise user only a sliver of the city (the
# enterprise list, clusters) or refuse it (targets, cultivation) are not offered to it.
SECTIONS = [
    ("home", _("驾驶舱"), OFFICERS),
    ("home", _("我的企业"), ENTERPRISE),
    ("enterprises:list", _("企业库"), OFFICERS),
    ("policies:index", _("政策与奖励"), OFFICERS),
    ("policies:calculator", _("政策计算器"), ENTERPRISE),
    ("policies:applications", _("政策申报"), ENTERPRISE),
    ("policies:inbox", _("消息"), ENTERPRISE),
    ("policies:library", _("政策库"), ENTERPRISE),
    ("targets:index", _("指标监测"), OFFICERS),
    ("industry:index", _("集群与产业链"), OFFICERS),
    ("cultivation:index", _("培育库"), OFFICERS),
    ("projects:index", _("重大项目"), ANY_ROLE),
    ("transform:index", _("智改数转"), ANY_ROLE | TRANSFORM_ONLY),
]


# Roles that may open only the sections their navigation offers (the pages of those sections'
# apps), the site's own pages and public pages: a provider's staff and a lender read the
# enterprises, awards and plans of the city through 智改数转 alone (docs/transform.md), even
# where core.scope would let them see an assigned enterprise's other pages.
CONFINED = TRANSFORM_ONLY
# Pages of no section that everyone signed in may open: the landing page (which sends each
# role to its own), signing in and out, the language switch.
SITE_PAGES = frozenset({"home", "login", "logout", "set_language"})


def public(view):
    """Mark ``view`` as open to everyone, signed in or not (the policy library): a confined
    role may open it too."""
    view.public = True
    return view


def may_open(user, match) -> bool:
    """Whether ``user`` may open the page ``match`` (a ResolverMatch) resolves to, as far as
    sections go (the view still applies its own rights and core.scope): everyone but a
    confined role may; a confined role only the apps of the sections its navigation offers,
    the site's own pages and public pages."""
    role = role_of(user)
    if role not in CONFINED or getattr(match.func, "public", False):
        return True
    if match.view_name in SITE_PAGES:
        return True
    offered = {name.partition(":")[0] for name, _label, roles in SECTIONS if role in roles and ":" in name}
    return bool(match.namespaces) and match.namespaces[0] in offered


def sections_for(user) -> list[tuple[str, str]]:
    """(url, label) of every section ``user`` may open, in order; none without a role."""
    role = role_of(user)
    return [(reverse(name), label) for name, label, roles in SECTIONS if role in roles]


def navigation(request):
    path = request.path
    items = []
    for url, label in sections_for(request.user):
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_sections": items, "user_role": role_of(request.user)}
