"""What a locked-out caller sees, and the audit trail of lockouts (django-axes)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with the reason, in the reader's language."""
    message = _("登录失败次数过多，账户或地址已被暂时锁定，请%(minutes)s分钟后再试，"
                "或联系管理员解锁。") % {"minutes": _cooloff_minutes()}
    if "/api/" in request.path:
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def _cooloff_minutes() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def connect_lockout_signal() -> None:
    """Every lockout goes to the audit log, with the user name tried and the address."""
    from axes.signals import user_locked_out

    from industrybrain.core import audit

    def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
        audit.record(None, "login_locked_out", detail={
            "username": username or "", "ip": ip_address or "",
            "path": getattr(request, "path", "")})

    user_locked_out.connect(on_locked_out, dispatch_uid="ib_audit_locked_out", weak=False)


def username_of(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the name tried, cut to Django's 150 characters (axes stores it
    in a column of 255, and PostgreSQL refuses a longer one)."""
    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(name)[:150]
