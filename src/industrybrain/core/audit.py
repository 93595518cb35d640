"""The audit log: who did what, to which enterprise and policy, when.

``record`` is the only writer. Events are append-only (AuditEvent refuses update and
delete), so neither the UI nor the API can rewrite what happened.
"""

from __future__ import annotations

from industrybrain.core.models import AuditEvent


def record(user, action: str, obj=None, enterprise=None, policy: str = "", detail=None,
           ) -> AuditEvent:
    """Append one event. ``enterprise`` may be an Enterprise or its id; ``obj`` any model row."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    enterprise_id = getattr(enterprise, "pk", enterprise)
    if enterprise_id is None and obj is not None:
        enterprise_id = getattr(obj, "enterprise_id", None)
    if not policy and obj is not None:
        policy = getattr(obj, "policy_id", "") or ""
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        enterprise_id=enterprise_id, policy_id=policy, detail=detail or {},
    )


def record_many(user, action: str, rows: list[dict]) -> None:
    """Append many events at once (a batch approval): each row holds the keyword fields."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    AuditEvent.objects.bulk_create([
        AuditEvent(user=user if authenticated else None,
                   username=user.get_username() if authenticated else "", action=action, **r)
        for r in rows
    ], batch_size=2000)


def connect_login_signals() -> None:
    """Log logins, logouts and failed logins (called from an AppConfig.ready)."""
    from django.contrib.auth import signals

    def on_login(sender, request, user, **kwargs):
        record(user, "login", detail={"ip": _ip(request)})

    def on_logout(sender, request, user, **kwargs):
        if user is not None:
            record(user, "logout", detail={"ip": _ip(request)})

    def on_failed(sender, credentials, request=None, **kwargs):
        record(None, "login_failed", detail={"username": credentials.get("username", ""),
                                             "ip": _ip(request)})

    # weak=False: the receivers are local functions and would be collected at once.
    signals.user_logged_in.connect(on_login, dispatch_uid="ib_audit_login", weak=False)
    signals.user_logged_out.connect(on_logout, dispatch_uid="ib_audit_logout", weak=False)
    signals.user_login_failed.connect(on_failed, dispatch_uid="ib_audit_login_failed",
                                     weak=False)


def _ip(request):
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
