import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from industrybrain.enterprises.imports import cells
from industrybrain.enterprises.imports.base import Column, Reject, Spec
from industrybrain.enterprises.imports.figure_rows import _in_chunks
from industrybrain.enterprises.models import Designation, DesignationType, Enterprise


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class DesignationSpec(Spec):
    """Honours and list memberships. A row identical to a stored grant is left as it is, so
    re-loading the same list changes nothing; a blank expiry date is filled from the
    recognition's validity (高新技术企业: three years)."""

    kind = "designations"
    title = gettext_lazy("荣誉认定")
    key_columns = ("uscc", "type", "granted_on", "product")
    columns = [
        Column("统一社会信用代码", "uscc", cells.uscc, True),
        Column("认定类型", "type", cells.text, True, "国家级专精特新小巨人企业"),
        Column("认定日期", "granted_on", cells.date, True, "2021-07-19"),
        Column("到期日期", "expires_on", cells.date, False, "2024-07-18"),
        Column("产品名称", "product", cells.text, False, ""),
    ]

    def example_row(self):
        from industrybrain.enterprises.imports.enterprise_rows import _example_uscc

        return [_example_uscc()] + super().example_row()[1:]

    def parse_rows(self, headers, body, rejects):
        records = super().parse_rows(headers, body, rejects)
        for r in records:
            r.setdefault("product", "")
        return records

    def prepare(self):
        self.enterprise_ids = dict(Enterprise.objects.values_list("uscc", "pk"))
        self.types = {}
        for t in DesignationType.objects.all():
            self.types[t.name_zh] = self.types[t.code] = t

    def check(self, records, rejects):
        for r in records:
            row = r["_row"]
            if "uscc" in r:
                r["enterprise_id"] = self.enterprise_ids.get(r["uscc"])
                if r["enterprise_id"] is None:
                    rejects.append(Reject(row, "统一社会信用代码", _("企业库中没有该企业，请先导入企业")))
            if "type" in r:
                kind = self.types.get(r["type"])
                if kind is None:
                    rejects.append(Reject(row, "认定类型", _("未知的认定类型“%(value)s”") % {"value": r["type"]}))
                    continue
                r["type_id"] = kind.pk
                if "granted_on" in r and "expires_on" not in r and kind.validity_years:
                    r["expires_on"] = add_years(r["granted_on"], kind.validity_years) - dt.timedelta(days=1)
            if r.get("expires_on") and r.get("granted_on") and r["expires_on"] < r["granted_on"]:
                rejects.append(Reject(row, "到期日期", _("早于认定日期")))
        ids = sorted({r["enterprise_id"] for r in records if r.get("enterprise_id")})
        self.stored = {
            (d.enterprise_id, d.type_id, d.granted_on, d.product): d
            for d in _in_chunks(Designation.objects, "enterprise_id__in", ids)
        }
        for r in records:
            current = self.stored.get(_key(r))
            if current is not None and current.expires_on != r.get("expires_on"):
                rejects.append(Reject(r["_row"], "到期日期", (
                    _("与库中同一认定的到期日期不同；请在管理后台修改，以免覆盖")
                )))

    def apply(self, records, run):
        """Inserts only, in one transaction; a grant stored by someone else since the check
        trips the unique constraint and refuses the whole file (see imports.import_bytes)."""
        creates, unchanged = [], 0
        for r in records:
            if _key(r) in self.stored:
                unchanged += 1
                continue
            creates.append(Designation(
                enterprise_id=r["enterprise_id"], type_id=r["type_id"],
                granted_on=r["granted_on"], expires_on=r.get("expires_on"), product=r["product"],
            ))
        with transaction.atomic():
            bulk_create_with_history(creates, Designation, batch_size=2000, default_user=run.user,
                                     default_change_reason=run.reason)
            run.finish(len(creates), 0, unchanged)


def _key(r):
    return (r.get("enterprise_id"), r.get("type_id"), r.get("granted_on"), r.get("product", ""))
