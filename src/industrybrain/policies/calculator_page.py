"""The calculator's page, kept whole in each process (core.dataversion.remember_here).

Twenty users asking for their calculator in a closed loop spent most of each request
rendering the same page again (the site's frame, the rows, the what-if form). The page is
now rendered once per version of the enterprise data, enterprise, year, pack, language and
reader, with two holes filled on every request:

- the CSRF token (a fresh masked token per response, and the cookie set when needed);
- the awards, read on every request (an award changes in ways that need not bump the data
  version the page is filed under).

Never kept: a what-if (its answer depends on what was typed), a page with messages to show
(they are shown once), a page asked with any parameter but a canonical ``year`` (the key
would be the caller's to choose, and could push every other page out of the memo).
"""

import secrets

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from industrybrain.core import dataversion
from industrybrain.core.scope import role_of
from industrybrain.policies import catalogue

TEMPLATE = "policies/calculator.html"

# Random in each process: no enterprise name or figure can contain them.
_NONCE = secrets.token_hex(12)
CSRF_HOLE = f"ibcsrf{_NONCE}"
AWARDS_HOLE = f"ibawards{_NONCE}"


def keepable(request, year: int) -> bool:
    """Whether this request's page may come from the memo (see the module's docstring)."""
    canonical = not request.GET or (list(request.GET) == ["year"]
                                     and request.GET.getlist("year") == [str(year)])
    if not canonical:
        return False
    return not len(get_messages(request))


def key(request, facts, enterprise_id: int, year: int) -> str:
    """Everything the kept page shows besides the holes: the enterprise data's version (the
    rows, the total, the name), the pack, the language, and the reader: their id, name and
    role are in the page's frame and its links."""
    pack, user = catalogue.pack(), request.user
    return (f"calc-page:{facts.version}:{enterprise_id}:{year}:{pack.id}:{pack.version}:"
            f"{get_language()}:{user.pk}:{role_of(user)}:{request.get_full_path()}:"
            f"{user.username}")


def respond(request, page_key: str, context: dict, awards_html: str) -> HttpResponse:
    page = dataversion.remember_here(page_key, lambda: render_to_string(TEMPLATE, {
        **context, "awards_html": mark_safe(AWARDS_HOLE), "csrf_token": CSRF_HOLE}, request))
    return HttpResponse(page.replace(CSRF_HOLE, get_token(request))
                        .replace(AWARDS_HOLE, awards_html))
