"""The audit log: who did what, to which enterprise and policy, when.

``record`` is the only writer. Events are append-only (AuditEvent refuses update and
delete), so neither the UI nor the API can rewrite what happened.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from industrybrain.core.localize import punct
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


# --- The log in words ------------------------------------------------------------------
# What the audit page and its export show for each action and detail key (people read
# words, not the keys the code records).
ACTIONS = {
    "login": gettext_lazy("登录"), "logout": gettext_lazy("退出登录"), "login_failed": gettext_lazy("登录失败"),
    "run_start": gettext_lazy("开始批量测算"), "run_done": gettext_lazy("批量测算完成"),
    "run_failed": gettext_lazy("批量测算失败"), "run_cancel": gettext_lazy("取消批量测算"),
    "proposals": gettext_lazy("生成拟奖励"), "approve_first": gettext_lazy("初审通过（待复核）"),
    "approve_bulk": gettext_lazy("批量审批"), "payment": gettext_lazy("拨付"), "reject": gettext_lazy("驳回"),
    "hold": gettext_lazy("暂缓"), "budget_set": gettext_lazy("设置预算"),
    "export_disbursement": gettext_lazy("导出拨付清单"), "export_audit": gettext_lazy("导出审计日志"),
    "application_submit": gettext_lazy("提交申请"), "application_approved": gettext_lazy("申请通过"),
    "application_rejected": gettext_lazy("申请驳回"),
    "project_create": gettext_lazy("新建项目"), "project_edit": gettext_lazy("修改项目"),
    "project_milestone": gettext_lazy("项目节点"), "project_inspection": gettext_lazy("项目督查"),
    "project_from_lead": gettext_lazy("由招商线索建项目"),
}
DETAIL_KEYS = {
    "ip": gettext_lazy("IP 地址"), "username": gettext_lazy("用户名"), "year": gettext_lazy("年度"), "pack": gettext_lazy("政策包"),
    "reason": gettext_lazy("理由"), "counts": gettext_lazy("数量"), "amount_yuan": gettext_lazy("金额"), "rows": gettext_lazy("行数"),
    "files": gettext_lazy("附件数"), "filters": gettext_lazy("筛选条件"), "code": gettext_lazy("项目编号"),
    "stage": gettext_lazy("阶段"), "inspection": gettext_lazy("督查记录"), "lead": gettext_lazy("招商线索"),
    "created": gettext_lazy("新建"), "updated": gettext_lazy("更新"), "kept_decided": gettext_lazy("已有决定，未改动"),
    "kept_application": gettext_lazy("已由企业申请办理，未改动"), "count": gettext_lazy("笔数"),
    "total_yuan": gettext_lazy("合计金额"), "paid": gettext_lazy("已拨付"), "awaiting_second": gettext_lazy("待复核"),
    "refused": gettext_lazy("未通过"), "ledger": gettext_lazy("台账编号"), "second_approver": gettext_lazy("复核人"),
    "tier": gettext_lazy("档位"), "awards": gettext_lazy("奖励"), "budget_line": gettext_lazy("预算科目"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, gettext_lazy("其他操作")))


def object_label(object_type: str, object_id: str = "") -> str:
    """``policies.Award`` 12 -> 奖励 #12 (the model's verbose name, never its label)."""
    if not object_type:
        return ""
    from django.apps import apps

    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = str(gettext_lazy("记录"))
    return f"{name} #{object_id}" if object_id else name


def detail_text(detail) -> str:
    """An event's detail as '键：值；…' in words; amounts with their unit."""
    from industrybrain.core.money import format_yuan

    if not isinstance(detail, dict):
        return "" if detail in (None, "") else str(detail)
    parts = []
    for key, value in detail.items():
        label = str(DETAIL_KEYS.get(key, gettext_lazy("其他")))
        if isinstance(value, dict):
            shown = detail_text(value)
            shown = f"{punct('（')}{shown}{punct('）')}" if shown else "—"
        elif key.endswith("_yuan") and isinstance(value, int):
            shown = format_yuan(value)
        elif isinstance(value, list):
            shown = f"{len(value)}"
        elif value is None or value == "":
            shown = "—"
        else:
            shown = _value_words(key, value)
        parts.append(f"{label}{punct('：')}{shown}")
    return punct("；").join(parts)


def _value_words(key: str, value) -> str:
    """A recorded code in words: the pack's title, a budget line's, a project stage's."""
    from industrybrain.core import localize

    if key == "pack":
        p = localize.pack()
        return localize.local(p, "title") if p.id == value else str(value)
    if key == "budget_line":
        return localize.budget_line_label(value)
    if key == "stage":
        from django.apps import apps

        for model in apps.get_models():
            field = next((f for f in model._meta.fields if f.name == "stage" and f.choices), None)
            if field is not None and value in dict(field.flatchoices):
                return str(dict(field.flatchoices)[value])
    return str(value)
