"""Import of a project list (.xlsx or .csv with Chinese headers): a Spec for the enterprise
import machinery (enterprises.imports), so reading, bounding, rejects (row, column, reason)
and all-or-nothing are the same as for enterprises, figures and honours. A row is a project
keyed by its number; the rules are the ones the forms apply (validation.check)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from industrybrain.enterprises.imports import cells
from industrybrain.enterprises.imports.base import Column, Conflict, Reject, Spec
from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import Chain, Cluster

from . import validation
from .models import Currency, Level, Project

YUAN_PER_YI = 10**8


def yi(value) -> Decimal:
    """An amount in 亿 (亿元, or 亿 of a foreign currency), exact to the 元 or cent."""
    number = cells._decimal(value)
    if number <= 0:
        raise cells.CellError(_("应为正数"))
    if number * YUAN_PER_YI != (number * YUAN_PER_YI).to_integral_value():
        raise cells.CellError(_("亿元最多保留8位小数"))
    if number > 100_000:
        raise cells.CellError(_("数值过大"))
    return number


def rate(value) -> Decimal:
    number = cells._decimal(value)
    if not Decimal("0.0001") <= number <= Decimal("100"):
        raise cells.CellError(_("汇率应在0.0001到100之间"))
    return number.quantize(Decimal("0.000001"))


def text32(value) -> str:
    return cells.text(value, 32)


def text500(value) -> str:
    return cells.text(value, 500)


DATES = [("签约日期", "signed_actual"), ("入库日期", "registered_actual"),
         ("计划开工日期", "started_planned"), ("实际开工日期", "started_actual"),
         ("计划竣工日期", "completed_planned"), ("实际竣工日期", "completed_actual"),
         ("计划达产日期", "producing_planned"), ("实际达产日期", "producing_actual")]
EXAMPLE_DATES = ["2022-01-10", "2022-02-15", "2022-04-01", "2022-04-18", "2023-06-30", "", "2024-03-31", ""]


class ProjectSpec(Spec):
    kind = "projects"
    title = gettext_lazy("重大项目清单")
    key_columns = ("code",)
    columns = [
        Column("项目编号", "code", text32, True, "XM2022-0001"),
        Column("项目名称", "name", cells.text, True, "年产20GWh动力电池项目"),
        Column("辖市区", "district", text32, True, "武进区"),
        Column("实施企业统一社会信用代码", "uscc", cells.uscc, False, None),
        Column("投资方", "investor", cells.text, False, "某新能源科技有限公司"),
        Column("产业集群", "cluster", cells.text, False, "新能源"),
        Column("产业链", "chain", cells.text, False, ""),
        Column("项目级别", "level", text32, False, "市重大项目"),
        Column("责任人", "officer", text32, True, "张伟"),
        Column("挂钩领导", "leader", text32, False, "李明"),
        Column("币种", "currency", text32, False, "人民币"),
        Column("计划总投资（亿元）", "planned_yi", yi, False, 20),
        Column("外币计划投资（亿）", "planned_foreign", yi, False, None),
        Column("汇率", "fx_rate", rate, False, None),
        Column("汇率日期", "fx_date", cells.date, False, None),
        *[Column(header, key, cells.date, False, example) for (header, key), example in zip(DATES, EXAMPLE_DATES, strict=True)],
        Column("滞后原因", "delay_cause", text500, False, ""),
    ]
    # validation.check's field names -> the column a person reads
    HEADERS = {"district": "辖市区", "planned_yuan": "计划总投资（亿元）", "done_yuan": "计划总投资（亿元）",
               "planned_foreign": "外币计划投资（亿）", "fx_rate": "汇率", "fx_date": "汇率日期",
               **{key: header for header, key in DATES}}

    def prepare(self):
        self.districts = {}
        for d in District.objects.all():
            self.districts[d.name_zh] = self.districts[d.code] = d
        self.clusters = {c.name_zh: c for c in Cluster.objects.all()} | {c.code: c for c in Cluster.objects.all()}
        self.chains = {c.name_zh: c for c in Chain.objects.all()} | {c.code: c for c in Chain.objects.all()}
        self.levels = {str(label): value for value, label in Level.choices if value}
        self.currencies = {str(label): value for value, label in Currency.choices} | {v: v for v in Currency.values}

    def check(self, records, rejects):
        usccs = {r["uscc"] for r in records if "uscc" in r}
        enterprises = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "pk"))
        self.stored = {p.code: p for p in Project.objects.filter(code__in=[r["code"] for r in records if "code" in r])}
        for r in records:
            row = r["_row"]
            self._lookup(r, row, "district", self.districts, "辖市区", rejects)
            self._lookup(r, row, "cluster", self.clusters, "产业集群", rejects)
            self._lookup(r, row, "chain", self.chains, "产业链", rejects)
            self._lookup(r, row, "level", self.levels, "项目级别", rejects)
            r.setdefault("currency", "人民币")
            self._lookup(r, row, "currency", self.currencies, "币种", rejects)
            if "uscc" in r:
                r["enterprise_id"] = enterprises.get(r["uscc"])
                if r["enterprise_id"] is None:
                    rejects.append(Reject(row, "实施企业统一社会信用代码", _("企业库中没有该企业；新设企业请留空并填写投资方")))
            elif not r.get("investor"):
                rejects.append(Reject(row, "投资方", _("新设企业的项目请填写投资方")))
            values = self._values(r)
            for field, reason in validation.check(values):
                rejects.append(Reject(row, self.HEADERS.get(field, field), reason))

    def _lookup(self, r, row, key, table, header, rejects):
        if key not in r:
            return
        found = table.get(r[key])
        if found is None:
            rejects.append(Reject(row, header, _("未知的取值“%(value)s”") % {"value": r[key]}))
        r[f"{key}_obj"] = found

    def _values(self, r) -> dict:
        currency = r.get("currency_obj") or "CNY"
        planned = None
        if currency == "CNY" and r.get("planned_yi") is not None:
            planned = int(r["planned_yi"] * YUAN_PER_YI)
        elif currency != "CNY" and r.get("planned_foreign") is not None and r.get("fx_rate"):
            planned = int(r["planned_foreign"] * YUAN_PER_YI * r["fx_rate"])
        stored = self.stored.get(r.get("code"))
        values = {"district": r.get("district_obj"), "currency": currency, "planned_yuan": planned,
                  "planned_foreign": r.get("planned_foreign"), "fx_rate": r.get("fx_rate"),
                  "fx_date": r.get("fx_date"), "done_yuan": stored.done_yuan if stored else 0}
        values.update({key: r.get(key) for _header, key in DATES})
        r["_planned_yuan"] = planned
        return values

    def _fields(self, r) -> dict:
        return {
            "name": r["name"], "district": r["district_obj"], "enterprise_id": r.get("enterprise_id"),
            "investor": r.get("investor", ""), "is_new_enterprise": r.get("enterprise_id") is None,
            "cluster": r.get("cluster_obj"), "chain": r.get("chain_obj"), "level": r.get("level_obj") or "",
            "officer": r["officer"], "leader": r.get("leader", ""), "currency": r.get("currency_obj") or "CNY",
            "planned_foreign": r.get("planned_foreign"), "fx_rate": r.get("fx_rate"), "fx_date": r.get("fx_date"),
            "planned_yuan": r["_planned_yuan"], "delay_cause": r.get("delay_cause", ""),
            **{key: r.get(key) for _header, key in DATES},
        }

    def apply(self, records, run):
        """One transaction: the rows are locked and must still be as the check read them
        (else Conflict, and nothing changes); a project created since the check trips the
        unique number and refuses the file too (see enterprises.imports.import_bytes)."""
        creates, updates, unchanged = [], [], 0
        names = list(self._fields(records[0])) if records else []
        for r in records:
            fields = self._fields(r)
            current = self.stored.get(r["code"])
            if current is None:
                p = Project(code=r["code"], **fields)
                p.refresh_derived()
                creates.append(p)
                continue
            before = {f: getattr(current, f) for f in names}
            for f, v in fields.items():
                setattr(current, f, v)
            current.refresh_derived()
            if before == {f: getattr(current, f) for f in names}:
                unchanged += 1
            else:
                updates.append(current)
        rows = {r["code"]: r["_row"] for r in records}
        with transaction.atomic():
            now = dict(Project.objects.select_for_update().filter(code__in=[p.code for p in updates])
                       .values_list("code", "updated_at"))
            changed = [rows[p.code] for p in updates if now.get(p.code) != p.updated_at]
            if changed:
                raise Conflict(changed)
            bulk_create_with_history(creates, Project, batch_size=1000, default_user=run.user,
                                     default_change_reason=run.reason)
            if updates:
                for p in updates:
                    p.updated_at = timezone.now()
                bulk_update_with_history(updates, Project, [*names, "stage", "is_large", "updated_at"],
                                         batch_size=1000, default_user=run.user,
                                         default_change_reason=run.reason)
            run.finish(len(creates), len(updates), unchanged)
