
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.enterprises.imports import cells
from industrybrain.enterprises.imports.base import (
    Column,
    Conflict,
    Reject,
    Spec,
    write_with_history,
)
from industrybrain.enterprises.models import District, Enterprise, IndustryCode, Ownership
from industrybrain.industry.models import Cluster
from industrybrain.industry.taxonomy import cluster_for_code, prefix_map

OWNERSHIP_WORDS = {str(label): value for value, label in Ownership.choices} | {
    value: value for value, _ in Ownership.choices
} | {"民营企业": "private", "国有企业": "state", "外商投资": "foreign", "私营": "private"}


def ownership(value):
    word = str(value).strip()
    if word not in OWNERSHIP_WORDS:
        raise cells.CellError(_("所有制类型应为 国有、民营、外资、港澳台、集体 或 其他"))
    return OWNERSHIP_WORDS[word]


def industry_code(value):
    code = str(value).strip().upper()
    if not (len(code) in (3, 4, 5) and code.isascii() and code[0].isalpha() and code[1:].isdigit()):
        raise cells.CellError(_("行业代码应为门类字母加2至4位数字，如 C3484（GB/T 4754-2017）"))
    return code


class EnterpriseSpec(Spec):
    kind = "enterprises"
    title = gettext_lazy("企业")
    key_columns = ("uscc",)
    columns = [
        Column("统一社会信用代码", "uscc", cells.uscc, True),
        Column("企业名称", "name", cells.text, True, "常州示例精密机械有限公司"),
        Column("所属辖市区", "district", cells.text, True, "武进区"),
        Column("行业代码", "industry_code", industry_code, True, "C3484"),
        Column("所有制类型", "ownership", ownership, True, "民营"),
        Column("成立日期", "founded_on", cells.date, False, "2015-06-18"),
        Column("是否制造业", "is_manufacturing", cells.boolean, False, "是"),
        Column("是否上市", "is_listed", cells.boolean, False, "否"),
        Column("所属集群", "cluster", cells.text, False, "高端装备"),
    ]

    def example_row(self):
        return [_example_uscc()] + super().example_row()[1:]

    def prepare(self):
        self.districts = {}
        for d in District.objects.all():
            self.districts[d.name_zh] = self.districts[d.code] = d.pk
        self.clusters = {}
        for c in Cluster.objects.all():
            self.clusters[c.name_zh] = self.clusters[c.code] = c.pk
        self.codes = set(IndustryCode.objects.values_list("code", flat=True))
        self.prefixes = prefix_map()
        self.existing = {
            uscc: (pk, name) for pk, uscc, name in Enterprise.objects.values_list("pk", "uscc", "name")
        }
        self.names = {name: uscc for uscc, (_, name) in self.existing.items()}

    def check(self, records, rejects):
        names_in_file = {}
        for r in records:
            row = r["_row"]
            if "district" in r:
                if r["district"] not in self.districts:
                    rejects.append(Reject(row, "所属辖市区", _("未知的辖市区“%(value)s”") % {"value": r["district"]}))
                else:
                    r["district_id"] = self.districts[r["district"]]
            if "cluster" in r:
                if r["cluster"] not in self.clusters:
                    rejects.append(Reject(row, "所属集群", _("未知的集群“%(value)s”") % {"value": r["cluster"]}))
                else:
                    r["cluster_id"] = self.clusters[r["cluster"]]
            if "industry_code" in r and not self._known_code(r["industry_code"]):
                rejects.append(Reject(row, "行业代码", _("GB/T 4754-2017 中没有行业代码“%(value)s”") % {"value": r["industry_code"]}))
            elif "industry_code" in r and "cluster" not in r and r.get("uscc") not in self.existing:
                # A new enterprise with no cluster given is filed by its industry code, as the
                # taxonomy's mapping says; an existing one keeps what an officer may have set.
                r["cluster_id"] = cluster_for_code(r["industry_code"], self.prefixes)
            if "name" in r and "uscc" in r:
                owner = self.names.get(r["name"])
                if owner and owner != r["uscc"]:
                    rejects.append(Reject(row, "企业名称", _("该名称已属于统一社会信用代码 %(uscc)s") % {"uscc": owner}))
                other = names_in_file.setdefault(r["name"], (r["uscc"], row))
                if other[0] != r["uscc"]:
                    rejects.append(Reject(row, "企业名称", _("与第%(row)s行企业重名") % {"row": other[1]}))
        # What the stored rows hold as checked: apply writes only if they still hold it.
        self.seen = Enterprise.objects.in_bulk(
            [self.existing[r["uscc"]][0] for r in records if r.get("uscc") in self.existing])

    def _known_code(self, code):
        return code in self.codes or code[:3] in self.codes

    def _values(self, r):
        values = {f: r[f] for f in FIELDS if f in r}
        if "is_manufacturing" not in values and "industry_code" in values:
            values["is_manufacturing"] = values["industry_code"].startswith("C")
        return values

    def apply(self, records, run):
        """One transaction (enterprise files are small next to figures). Only the fields a
        row changes are written, and only if the stored values are still the ones the check
        step saw; otherwise the whole file is refused (optimistic concurrency)."""
        ids = [self.existing[r["uscc"]][0] for r in records if r["uscc"] in self.existing]
        seen = self.seen
        with transaction.atomic():
            # PostgreSQL: lock the rows this file updates until it commits; SQLite: the
            # immediate transaction already holds the write lock.
            existing = Enterprise.objects.select_for_update().in_bulk(ids)
            creates, updates, changed_fields, unchanged, conflicts = [], [], set(), 0, []
            for r in records:
                values = self._values(r)
                if r["uscc"] not in self.existing:
                    creates.append(Enterprise(uscc=r["uscc"], **values))
                    continue
                pk = self.existing[r["uscc"]][0]
                before, obj = seen.get(pk), existing.get(pk)
                changed = {f: v for f, v in values.items() if before is None or getattr(before, f) != v}
                if not changed:
                    unchanged += 1
                    continue
                if before is None or obj is None or any(
                        getattr(obj, f) != getattr(before, f) for f in changed):
                    conflicts.append(r["_row"])
                    continue
                for f, v in changed.items():
                    setattr(obj, f, v)
                changed_fields.update(changed)
                updates.append(obj)
            if conflicts:
                raise Conflict(conflicts)
            write_with_history(Enterprise, creates, updates, sorted(changed_fields), run.user, run.reason)
            run.finish(len(creates), len(updates), unchanged)


FIELDS = ["name", "district_id", "industry_code", "ownership", "founded_on", "is_manufacturing",
          "is_listed", "cluster_id"]


def _example_uscc():
    from stdnum.cn import uscc

    body = "91320412MA1MX0001"
    return body + uscc.calc_check_digit(body)
