"""The diagnosis workflow: request, assignment (one firm or a batch), the provider's report,
the enterprise's acceptance. Each step is dated and audited; each refusal says why.

What the database cannot check is refused here: a provider outside its lot, a date outside
the lot's period, a lot whose budget is spent, a second free diagnosis for a firm within a
lot's period (a diagnosis of another lot assigned inside this lot's period)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit
from industrybrain.core.money import format_yuan
from industrybrain.enterprises.models import Enterprise

from .config import config
from .models import (
    AssignmentBatch,
    Diagnosis,
    DimensionScore,
    ProcurementLot,
    Provider,
    RecommendedProject,
    Report,
)

S = Diagnosis.Status
LIVE = ~Q(status=S.CANCELLED)


class Refused(Exception):
    """An action the programme's rules do not allow; ``reasons`` names each problem."""

    def __init__(self, *reasons: str):
        self.reasons = [str(r) for r in reasons]
        super().__init__("；".join(self.reasons))


# --- checks ----------------------------------------------------------------------------


def earlier_in_period(enterprise_id: int, lot: ProcurementLot, exclude_pk=None):
    """The firm's free diagnosis that makes another one in ``lot`` a second one: one of the
    same lot, or of another lot assigned within this lot's period."""
    qs = Diagnosis.objects.filter(LIVE, enterprise_id=enterprise_id, lot__isnull=False).filter(
        Q(lot=lot) | Q(assigned_on__gte=lot.period_start, assigned_on__lte=lot.period_end))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("lot").first()


def _second_refusal(earlier: Diagnosis) -> str:
    return _("该企业已在%(lot)s中享受过免费诊断（%(d)s分派），同一服务期内不再重复诊断") % {
        "lot": earlier.lot.name, "d": earlier.assigned_on}


def lot_used(lot: ProcurementLot) -> int:
    return lot.diagnoses.filter(LIVE).count()


def check_assignment(enterprise: Enterprise, lot: ProcurementLot, provider: Provider,
                     on: dt.date, exclude_pk=None) -> list[str]:
    """Every reason an assignment is refused (empty when it may go ahead)."""
    reasons = []
    if not enterprise.is_manufacturing:
        reasons.append(_("%(e)s不是制造业企业，不在免费诊断范围内") % {"e": enterprise.name})
    if not lot.providers.filter(pk=provider.pk).exists():
        reasons.append(_("服务商“%(p)s”不是%(lot)s的中标服务商") % {"p": provider.name, "lot": lot.name})
    elif not provider.active:
        reasons.append(_("服务商“%(p)s”已不在服务商库中") % {"p": provider.name})
    if not lot.period_start <= on <= lot.period_end:
        reasons.append(_("分派日期%(d)s不在%(lot)s的服务期（%(a)s至%(b)s）内") % {
            "d": on, "lot": lot.name, "a": lot.period_start, "b": lot.period_end})
    earlier = earlier_in_period(enterprise.pk, lot, exclude_pk)
    if earlier is not None:
        reasons.append(_second_refusal(earlier))
    return reasons


# --- request and assignment --------------------------------------------------------------


def request(user, enterprise: Enterprise, note: str = "", on: dt.date | None = None) -> Diagnosis:
    """The enterprise asks for its free diagnosis; the city assigns it to a lot later."""
    on = on or timezone.localdate()
    if not enterprise.is_manufacturing:
        raise Refused(_("%(e)s不是制造业企业，不在免费诊断范围内") % {"e": enterprise.name})
    current = Diagnosis.objects.filter(
        LIVE, enterprise=enterprise, lot__period_start__lte=on, lot__period_end__gte=on).first()
    if current is not None:
        raise Refused(_second_refusal(current))
    try:
        with transaction.atomic():
            d = Diagnosis.objects.create(enterprise=enterprise, origin=Diagnosis.Origin.REQUEST,
                                         status=S.REQUESTED, requested_on=on, note=note[:500])
    except IntegrityError:
        raise Refused(_("该企业已有待分派的诊断申请")) from None
    audit.record(user, "diagnosis_request", d)
    return d


def assign(user, diagnosis: Diagnosis, lot: ProcurementLot, provider: Provider,
           on: dt.date | None = None) -> Diagnosis:
    """Assign a requested diagnosis to a provider of a lot."""
    on = on or timezone.localdate()
    with transaction.atomic():
        lot = ProcurementLot.objects.select_for_update().get(pk=lot.pk)
        diagnosis = Diagnosis.objects.select_for_update().select_related("enterprise").get(pk=diagnosis.pk)
        if diagnosis.status != S.REQUESTED:
            raise Refused(_("该诊断已分派或已办结"))
        reasons = check_assignment(diagnosis.enterprise, lot, provider, on, diagnosis.pk)
        if lot_used(lot) >= lot.capacity:
            reasons.append(_budget_refusal(lot))
        if diagnosis.requested_on and on < diagnosis.requested_on:
            reasons.append(_("分派日期不能早于申请日期%(d)s") % {"d": diagnosis.requested_on})
        if reasons:
            raise Refused(*reasons)
        diagnosis.lot, diagnosis.provider, diagnosis.assigned_on = lot, provider, on
        diagnosis.status = S.ASSIGNED
        diagnosis.save()
    audit.record(user, "diagnosis_assign", diagnosis, detail={"provider": provider.name})
    return diagnosis


def _budget_refusal(lot) -> str:
    return _("%(lot)s的预算%(b)s按单价%(p)s只够%(n)s次诊断，已分派完") % {
        "lot": lot.name, "b": format_yuan(lot.budget_yuan), "p": format_yuan(lot.price_yuan),
        "n": lot.capacity}


def candidates(lot: ProcurementLot, basis: str, district=None, cluster=None, on=None):
    """Manufacturers a batch would assign: not yet diagnosed within the lot's period (and,
    by basis, in the district or cluster, or with an open request made by ``on``)."""
    had = Diagnosis.objects.filter(LIVE, lot__isnull=False).filter(
        Q(lot=lot) | Q(assigned_on__gte=lot.period_start, assigned_on__lte=lot.period_end))
    qs = Enterprise.objects.filter(is_manufacturing=True).exclude(pk__in=had.values("enterprise_id"))
    if basis == AssignmentBatch.Basis.REQUESTS:
        requests = Diagnosis.objects.filter(status=S.REQUESTED)
        if on is not None:
            requests = requests.filter(requested_on__lte=on)
        return qs.filter(pk__in=requests.values("enterprise_id"))
    qs = qs.exclude(diagnoses__status=S.REQUESTED)
    if basis == AssignmentBatch.Basis.DISTRICT:
        qs = qs.filter(district=district)
    elif basis == AssignmentBatch.Basis.CLUSTER:
        qs = qs.filter(cluster=cluster)
    return qs


def assign_batch(user, lot: ProcurementLot, basis: str, district=None, cluster=None,
                 limit: int | None = None, on: dt.date | None = None) -> AssignmentBatch:
    """Assign the candidates (up to ``limit`` and to what the budget still buys) to the lot's
    providers: each firm to the least-loaded provider serving its cluster, else to the
    least-loaded provider of the lot."""
    on = on or timezone.localdate()
    if basis == AssignmentBatch.Basis.DISTRICT and district is None:
        raise Refused(_("按辖市区分派时请选择辖市区"))
    if basis == AssignmentBatch.Basis.CLUSTER and cluster is None:
        raise Refused(_("按产业集群分派时请选择产业集群"))
    if not lot.period_start <= on <= lot.period_end:
        raise Refused(_("分派日期%(d)s不在%(lot)s的服务期（%(a)s至%(b)s）内") % {
            "d": on, "lot": lot.name, "a": lot.period_start, "b": lot.period_end})
    with transaction.atomic():
        lot = ProcurementLot.objects.select_for_update().get(pk=lot.pk)
        providers = list(lot.providers.filter(active=True).prefetch_related("clusters"))
        if not providers:
            raise Refused(_("%(lot)s尚无中标服务商") % {"lot": lot.name})
        room = lot.capacity - lot_used(lot)
        if room <= 0:
            raise Refused(_budget_refusal(lot))
        take = min(room, limit) if limit else room
        firms = list(candidates(lot, basis, district, cluster, on).order_by("pk")
                     .values_list("pk", "cluster_id")[:take])
        if not firms:
            raise Refused(_("没有符合条件、尚未诊断的制造业企业"))
        load = Counter(dict(lot.diagnoses.filter(LIVE).values_list("provider_id")
                            .annotate(n=Count("id")).values_list("provider_id", "n")))
        serves = {p.pk: {c.pk for c in p.clusters.all()} for p in providers}
        batch = AssignmentBatch.objects.create(lot=lot, basis=basis, district=district,
                                               cluster=cluster, size=len(firms),
                                               created_by=user if user and user.is_authenticated else None,
                                               created_on=on)
        chosen = {}
        for firm, cluster_id in firms:
            fitting = [p for p in providers if cluster_id in serves[p.pk]] or providers
            best = min(fitting, key=lambda p: (load[p.pk], p.pk))
            load[best.pk] += 1
            chosen[firm] = best.pk
        if basis == AssignmentBatch.Basis.REQUESTS:
            for d in Diagnosis.objects.select_for_update().filter(
                    status=S.REQUESTED, enterprise_id__in=chosen):
                d.lot, d.provider_id, d.assigned_on, d.batch = lot, chosen[d.enterprise_id], on, batch
                d.status = S.ASSIGNED
                d.save()
        else:
            Diagnosis.objects.bulk_create([
                Diagnosis(enterprise_id=firm, origin=Diagnosis.Origin.BATCH, status=S.ASSIGNED,
                          lot=lot, provider_id=provider, batch=batch, assigned_on=on)
                for firm, provider in chosen.items()])
    audit.record(user, "diagnosis_batch", batch, detail={"size": len(firms), "basis": basis})
    return batch


def cancel(user, diagnosis: Diagnosis, reason: str) -> None:
    if diagnosis.status in (S.REPORTED, S.ACCEPTED, S.CANCELLED):
        raise Refused(_("已提交报告或已撤销的诊断不能撤销"))
    if not reason.strip():
        raise Refused(_("请填写撤销理由"))
    diagnosis.status, diagnosis.note = S.CANCELLED, reason.strip()[:500]
    diagnosis.save()
    audit.record(user, "diagnosis_cancel", diagnosis, detail={"reason": reason})


# --- the report ----------------------------------------------------------------------------


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def check_report(levels: dict, findings: str, projects: list[dict]) -> list[str]:
    """Every reason a report is refused: a dimension missing or off the scale, no findings,
    a project without a title, with an unknown capability, a negative or implausible cost,
    a negative gain, a negative or implausible payback."""
    cfg = config()
    reasons = []
    for dim in cfg.dimensions:
        value = levels.get(dim.id)
        if value in (None, ""):
            reasons.append(_("能力域“%(d)s”：请填写成熟度等级") % {"d": dim.name_zh})
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = None
        if level is None or not cfg.min_level <= level <= cfg.max_level:
            reasons.append(_("能力域“%(d)s”：等级%(v)s不在%(s)s的%(a)s至%(b)s级之间") % {
                "d": dim.name_zh, "v": value, "s": cfg.scale_name_zh,
                "a": cfg.min_level, "b": cfg.max_level})
    unknown = set(levels) - {d.id for d in cfg.dimensions}
    if unknown:
        reasons.append(_("未知的能力域：%(d)s") % {"d": "、".join(sorted(unknown))})
    if not findings.strip():
        reasons.append(_("请填写诊断发现"))
    for i, p in enumerate(projects, 1):
        row = _("第%(n)s个建议项目") % {"n": i}
        if not str(p.get("title", "")).strip():
            reasons.append(_("%(r)s：请填写项目名称") % {"r": row})
        if cfg.capability(str(p.get("capability", ""))) is None:
            reasons.append(_("%(r)s：请选择所需服务能力") % {"r": row})
        cost = _decimal(p.get("cost_yuan"))
        if cost is None:
            reasons.append(_("%(r)s：请填写估算投资") % {"r": row})
        elif cost < 0:
            reasons.append(_("%(r)s：估算投资不能为负数") % {"r": row})
        elif cost > cfg.cost_max_yuan:
            reasons.append(_("%(r)s：估算投资超过%(m)s，请核对单位") % {
                "r": row, "m": format_yuan(cfg.cost_max_yuan)})
        gain = _decimal(p.get("annual_gain_yuan", 0) or 0)
        if gain is None or gain < 0:
            reasons.append(_("%(r)s：预计年收益不能为负数") % {"r": row})
        payback = _decimal(p.get("payback_years"))
        if payback is None:
            reasons.append(_("%(r)s：请填写投资回收期") % {"r": row})
        elif payback < 0:
            reasons.append(_("%(r)s：投资回收期不能小于0年") % {"r": row})
        elif payback > cfg.payback_max_years:
            reasons.append(_("%(r)s：投资回收期超过%(m)s年，请核对") % {
                "r": row, "m": cfg.payback_max_years})
    return reasons


def file_report(user, diagnosis: Diagnosis, levels: dict, findings: str, projects: list[dict],
                on: dt.date | None = None, provider: Provider | None = None) -> Report:
    """The provider files its report on an assigned diagnosis. ``provider``: the filing
    user's provider (None for the city administrator), which must be the assigned one."""
    on = on or timezone.localdate()
    reasons = check_report(levels, findings, projects)
    with transaction.atomic():
        diagnosis = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
        if provider is not None and diagnosis.provider_id != provider.pk:
            raise Refused(_("该企业未分派给本服务商"))
        if diagnosis.status != S.ASSIGNED:
            raise Refused(_("只有已分派、尚未提交报告的诊断可以提交报告"))
        if on < diagnosis.assigned_on:
            reasons.append(_("报告日期不能早于分派日期%(d)s") % {"d": diagnosis.assigned_on})
        if reasons:
            raise Refused(*reasons)
        cfg = config()
        values = {d.id: int(levels[d.id]) for d in cfg.dimensions}
        report = Report.objects.create(diagnosis=diagnosis, overall_level=cfg.overall(list(values.values())),
                                       findings=findings.strip(), filed_on=on,
                                       filed_by=user if user and user.is_authenticated else None)
        DimensionScore.objects.bulk_create([DimensionScore(report=report, dimension=k, level=v)
                                            for k, v in values.items()])
        RecommendedProject.objects.bulk_create([
            RecommendedProject(
                report=report, title=str(p["title"]).strip()[:128], capability=p["capability"],
                cost_yuan=int(_decimal(p["cost_yuan"])),
                annual_gain_yuan=int(_decimal(p.get("annual_gain_yuan", 0) or 0)),
                expected_gains=str(p.get("expected_gains", "")).strip()[:500],
                payback_years=_decimal(p["payback_years"]).quantize(Decimal("0.1")))
            for p in projects])
        diagnosis.status, diagnosis.reported_on = S.REPORTED, on
        diagnosis.visited_on = diagnosis.visited_on or on
        diagnosis.save()
    audit.record(user, "diagnosis_report", diagnosis, detail={"overall": report.overall_level,
                                                             "projects": len(projects)})
    return report


def accept(user, diagnosis: Diagnosis, on: dt.date | None = None) -> Diagnosis:
    """The enterprise has read the report and accepts it."""
    on = on or timezone.localdate()
    with transaction.atomic():
        diagnosis = Diagnosis.objects.select_for_update().get(pk=diagnosis.pk)
        if diagnosis.status != S.REPORTED:
            raise Refused(_("只有已提交、尚未确认的诊断报告可以确认"))
        if on < diagnosis.reported_on:
            raise Refused(_("确认日期不能早于报告日期%(d)s") % {"d": diagnosis.reported_on})
        diagnosis.status, diagnosis.accepted_on = S.ACCEPTED, on
        diagnosis.accepted_by = user if user and user.is_authenticated else None
        diagnosis.save()
    audit.record(user, "diagnosis_accept", diagnosis)
    return diagnosis
