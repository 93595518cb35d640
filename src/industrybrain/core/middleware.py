"""Request guards that belong to no one view."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from industrybrain.core.context import may_open


class AdminEmptyToFieldMiddleware:
    """Django's admin reads ``?_to_field=`` (empty) as a field named '' and crashes with
    FieldDoesNotExist (a 500); an empty value means "no field", so drop it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            if request.GET.get("_to_field", None) == "":
                request.GET = request.GET.copy()
                del request.GET["_to_field"]
            if request.method == "POST" and request.POST.get("_to_field", None) == "":
                post = request.POST.copy()
                del post["_to_field"]
                request.POST = post
        return self.get_response(request)


class SectionGateMiddleware:
    """Refuses (the styled 403) a page outside the sections a confined role's navigation
    offers (core.context.may_open): one place for the rule, so the navigation and what the
    role may open cannot drift apart. The API is gated by the same rule in its own
    permission (core.apigate; a token is read by the API's views, after this middleware);
    the admin asks for staff."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespaces[:1] == ["admin"] or "/api/" in request.path:
            return None
        if not may_open(request.user, match):
            raise PermissionDenied(_("本栏目不对您的账户开放，请使用导航中的栏目"))
        return None
