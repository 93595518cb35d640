from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industrybrain.core import bounds
from industrybrain.enterprises.imports import cells, staging
from industrybrain.enterprises.imports.base import Column, Reject, Spec
from industrybrain.enterprises.models import AnnualFigures, Enterprise, StagedFigures

VALUE_FIELDS = [
    "revenue", "industrial_output", "tax", "local_contribution", "rd_spending", "employees",
    "invention_patents", "energy_tce", "tech_upgrade_investment", "above_scale",
]
# Money columns whose size a unit mix-up (元/千元/万元) would throw off by orders of magnitude.
SCALE_CHECKED = {"revenue": "营业收入（万元）", "industrial_output": "工业总产值（万元）"}


class FiguresSpec(Spec):
    """Yearly figures. Only the key columns are required, so that a tax-bureau export with
    just 税收 and 地方贡献 can be loaded; a blank cell leaves the stored value as it was."""

    kind = "figures"
    title = gettext_lazy("年度数据")
    key_columns = ("uscc", "year")
    columns = [
        Column("统一社会信用代码", "uscc", cells.uscc, True),
        Column("年份", "year", cells.year, True, 2022),
        Column("营业收入（万元）", "revenue", cells.money_wan, False, 125000.5),
        Column("工业总产值（万元）", "industrial_output", cells.money_wan, False, 118000),
        Column("税收（万元）", "tax", cells.money_wan, False, 5200),
        Column("地方贡献（万元）", "local_contribution", cells.money_wan, False, 2100),
        Column("研发投入（万元）", "rd_spending", cells.money_wan, False, 4300),
        Column("从业人员（人）", "employees", cells.count_within(bounds.EMPLOYEES), False, 860),
        Column("有效发明专利（件）", "invention_patents", cells.count_within(bounds.INVENTION_PATENTS), False, 37),
        Column("综合能耗（吨标准煤）", "energy_tce", cells.tce, False, 5230.25),
        Column("技改投资（万元）", "tech_upgrade_investment", cells.money_wan, False, 3000),
        Column("是否规上", "above_scale", cells.boolean, False, "是"),
    ]

    def example_row(self):
        from industrybrain.enterprises.imports.enterprise_rows import _example_uscc

        return [_example_uscc()] + super().example_row()[1:]

    def prepare(self):
        self.enterprise_ids = dict(Enterprise.objects.values_list("uscc", "pk"))

    def check(self, records, rejects):
        wanted = set()
        for r in records:
            if "uscc" not in r or "year" not in r:
                continue
            pk = self.enterprise_ids.get(r["uscc"])
            if pk is None:
                rejects.append(Reject(r["_row"], "统一社会信用代码", _("企业库中没有该企业，请先导入企业")))
            else:
                r["enterprise_id"] = pk
                wanted.add(pk)
        self.stored = {
            (f.enterprise_id, f.year): f
            for f in _in_chunks(AnnualFigures.objects, "enterprise_id__in", sorted(wanted))
        }
        self._check_scale(records, rejects)

    def _check_scale(self, records, rejects):
        ratio = settings.IMPORT_UNIT_JUMP_RATIO
        known = defaultdict(dict)  # (enterprise, field) -> {year: value}
        for (pk, year), f in self.stored.items():
            for field in SCALE_CHECKED:
                if getattr(f, field):
                    known[(pk, field)][year] = getattr(f, field)
        for r in records:
            for field in SCALE_CHECKED:
                if r.get(field) and "enterprise_id" in r:
                    known[(r["enterprise_id"], field)][r["year"]] = r[field]
        for r in records:
            for field, header in SCALE_CHECKED.items():
                value = r.get(field)
                if not value or "enterprise_id" not in r:
                    continue
                others = [v for y, v in known[(r["enterprise_id"], field)].items() if y != r["year"]]
                if not others:
                    continue
                if value >= ratio * max(others):
                    times = value / max(others)
                    rejects.append(Reject(r["_row"], header, (
                        _("是该企业其他年份最高值的 %(times)s 倍，疑似单位错误（本列单位为万元）")
                        % {"times": f"{times:,.0f}"}
                    )))
                elif value * ratio <= min(others):
                    times = min(others) / value
                    rejects.append(Reject(r["_row"], header, (
                        _("仅为该企业其他年份最低值的 1/%(times)s，疑似单位错误（本列单位为万元）")
                        % {"times": f"{times:,.0f}"}
                    )))

    def apply(self, records, run):
        """Stage the changed values in chunks, then move them in one short transaction that
        first checks nothing changed under them (enterprises/imports/staging.py)."""
        objects, created, updated, unchanged = [], 0, 0, 0
        for r in records:
            key = {"batch_id": run.batch.pk, "row": r["_row"], "enterprise_id": r["enterprise_id"],
                   "year": r["year"]}
            current = self.stored.get((r["enterprise_id"], r["year"]))
            if current is None:
                objects.append(StagedFigures(**key, **{f: r[f] for f in VALUE_FIELDS if f in r}))
                created += 1
                continue
            # Only the columns this row changes are written and compared: a file of 税收 and
            # an edit of 研发投入 to the same row both stand.
            changed = {f: r[f] for f in VALUE_FIELDS if f in r and getattr(current, f) != r[f]}
            if not changed:
                unchanged += 1
                continue
            was = {f"was_{f}": getattr(current, f) for f in changed}
            objects.append(StagedFigures(**key, target_id=current.pk, **changed, **was))
            updated += 1
        staging.discard(keep=run.batch.pk)  # what a killed import of figures left behind
        try:
            staging.stage(objects, run.after_chunk)
            with transaction.atomic():
                staging.conflicts(run.batch.pk)
                staging.swap(run.batch.pk, run.user, run.reason)
                run.finish(created, updated, unchanged)
        finally:
            staging.discard(run.batch.pk)

    def conflict_rejects(self, conflict):
        key = "、".join(c.header for c in self.columns[:2])
        return [Reject(row, key, _("核对之后，库中该企业该年度的数据已被其他导入或人员修改；"
                                    "请重新导入以免覆盖")) for row in conflict.rows] + [
            Reject(row, key, _("核对之后，库中已新增该企业该年度的数据；请重新导入以免覆盖"))
            for row in conflict.created]


def _in_chunks(manager, lookup, values, size=900):
    # SQLite caps the number of query parameters; chunks keep every backend happy.
    for start in range(0, len(values), size):
        yield from manager.filter(**{lookup: values[start:start + size]})
