"""Error pages in the reader's language, styled like the rest of the site (no bare English
"403 Forbidden"). A reason is shown when our code gave one; Django's own messages name
models ("No Enterprise matches the given query.") and are not for people."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _reason(exception) -> str:
    message = exception.args[0] if exception is not None and exception.args else ""
    if not isinstance(message, str) or message.endswith("matches the given query."):
        return ""
    return message


def bad_request(request, exception=None):
    """A request whose parameters do not parse (core.params.BadParameters) is answered with
    what was wrong, in the reader's language; JSON under an API path."""
    problems = list(getattr(exception, "messages", []) or [])
    if "/api/" in request.path:
        return JsonResponse({"detail": _("请求参数有误"), "errors": problems,
                             "fields": getattr(exception, "errors", {})}, status=400)
    back = request.path if request.GET else "/"
    return render(request, "400.html", {"problems": problems, "back": back}, status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": _reason(exception)}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"reason": _reason(exception)}, status=404)


def csrf_failure(request, reason=""):
    """A form posted without a valid token (a stale page, cookies off): say what to do."""
    return render(request, "403.html", {
        "reason": _("表单已过期或无法确认来自本站，请返回上一页刷新后再提交。"),
    }, status=403)


def server_error(request):
    # No context processors: whatever failed may fail again while rendering them.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
