"""A reviewer-readable change history of one enterprise: who changed what, and when."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _changes(record):
    previous = record.prev_record
    if record.history_type != "~" or previous is None:
        return []
    delta = record.diff_against(previous)
    return [
        {"field": str(record.instance_type._meta.get_field(c.field).verbose_name),
         "old": c.old, "new": c.new}
        for c in delta.changes
    ]


def history_of(enterprise):
    """Changes to the enterprise, its yearly figures and its designations, newest first."""
    records = []
    for label, manager in (
        (_("企业信息"), enterprise.history.all()),
        (_("年度数据"), enterprise.figures.model.history.filter(enterprise_id=enterprise.pk)),
        (_("荣誉认定"), enterprise.designations.model.history.filter(enterprise_id=enterprise.pk)),
    ):
        for record in manager.select_related("history_user").order_by("-history_date")[:100]:
            records.append({
                "what": label,
                "object": str(getattr(record, "year", "") or getattr(record, "type", "") or ""),
                "action": ACTIONS.get(record.history_type, record.history_type),
                "who": record.history_user.username if record.history_user else _("系统"),
                "when": record.history_date,
                "reason": record.history_change_reason or "",
                "changes": _changes(record),
            })
    records.sort(key=lambda r: r["when"], reverse=True)
    return records
